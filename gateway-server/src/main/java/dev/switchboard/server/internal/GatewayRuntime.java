package dev.switchboard.server.internal;

import dev.switchboard.core.Switchboard;
import dev.switchboard.core.auth.CachingKeyStore;
import dev.switchboard.core.auth.InMemoryKeyStore;
import dev.switchboard.core.auth.KeyStore;
import dev.switchboard.core.auth.VirtualKey;
import dev.switchboard.core.cache.CacheMode;
import dev.switchboard.core.cache.CacheSettings;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.spi.ProviderConfig;
import dev.switchboard.redis.RedisCacheStore;
import dev.switchboard.redis.RedisConnection;
import dev.switchboard.redis.RedisKeyStore;
import dev.switchboard.redis.RedisRateLimiter;
import dev.switchboard.redis.RedisUsageLedger;
import dev.switchboard.server.VertxHttpTransport;
import dev.switchboard.providers.http.HttpTransport;
import io.vertx.core.Vertx;
import dev.switchboard.server.GatewaySettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a running gateway holds, wired from its settings and configuration file (or the
 * embedded default): the client, the key store, Redis, the access log, the HTTP server. The public
 * {@code Gateway} is a thin handle on it.
 *
 * <p><b>Who may call.</b> With a master key ({@code SWITCHBOARD_MASTER_KEY} or
 * {@code auth.master-key}) or virtual keys in the key store, every {@code /v1} call needs one, and the
 * gateway binds to {@value #ANY_HOST} unless {@code server.host} says otherwise. With no key at all it
 * serves without keys on loopback only, and refuses a non-loopback {@code server.host}; only an
 * explicit {@code auth.mode: none} serves without keys on other interfaces.
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
public final class GatewayRuntime implements AutoCloseable {

  /** The environment variable the master key is read from when the file does not set one. */
  public static final String MASTER_KEY_VARIABLE = "SWITCHBOARD_MASTER_KEY";
  static final String ANY_HOST = "0.0.0.0";

  private static final Logger log = LoggerFactory.getLogger(GatewayRuntime.class);

  private final List<AutoCloseable> resources; // closed in reverse order
  private final GatewayServer server;
  private final String host;
  private final KeyStore keyStore;
  private final Switchboard switchboard;
  private final HttpTransport transport;
  private final AtomicBoolean closed = new AtomicBoolean();

  private GatewayRuntime(List<AutoCloseable> resources, GatewayServer server, String host, KeyStore keyStore,
      Switchboard switchboard, HttpTransport transport) {
    this.resources = resources;
    this.server = server;
    this.host = host;
    this.keyStore = keyStore;
    this.switchboard = switchboard;
    this.transport = transport;
  }

  /**
   * Reads the configuration (if any), builds the client and stores and starts listening.
   *
   * @param accessLogSink where access log lines go, or null for the {@value AccessLog#LOGGER_NAME} logger
   * @param clock the time keys are created, expire and are revoked at
   * @throws dev.switchboard.server.GatewayConfigException when the configuration file is invalid
   * @throws IllegalArgumentException when settings contradict each other (e.g. a public host without keys)
   * @throws IllegalStateException when the client, a store or the server cannot start
   */
  public static GatewayRuntime start(GatewaySettings settings, Consumer<String> accessLogSink, Clock clock) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(clock, "clock");
    Map<String, String> env = settings.environment();
    GatewayConfig config = settings.configFile() == null ? null : ConfigFile.load(settings.configFile(), env);

    boolean open = config != null && config.authMode() == GatewayConfig.AuthMode.NONE;
    String masterKey = config != null && config.masterKey() != null ? config.masterKey() : blankToNull(
        env.get(MASTER_KEY_VARIABLE));
    if (masterKey != null && masterKey.length() < ConfigFile.MIN_MASTER_KEY_LENGTH) {
      throw new IllegalArgumentException(MASTER_KEY_VARIABLE + " must be at least " + ConfigFile.MIN_MASTER_KEY_LENGTH
          + " characters long but has " + masterKey.length());
    }
    if (open && masterKey != null) {
      throw new IllegalArgumentException("auth.mode is 'none' but " + MASTER_KEY_VARIABLE + " is set: remove one");
    }

    List<AutoCloseable> resources = new ArrayList<>();
    try {
      RedisConnection redis = null;
      if (config != null && config.redisUri() != null) {
        redis = RedisConnection.create(config.redisUri());
        resources.add(redis);
      }
      KeyStore keyStore;
      String keyStoreKind;
      boolean keysInRedis = false;
      if (config != null && config.keysFile() != null) {
        FileKeyStore file = FileKeyStore.open(config.keysFile());
        resources.add(file);
        keyStore = file;
        keyStoreKind = "file " + config.keysFile().toAbsolutePath() + " (" + file.size() + " keys)";
      } else if (redis != null) {
        // Shared by every instance on this Redis: a key created or revoked on one holds on all.
        keyStore = RedisKeyStore.builder(redis).build();
        keyStoreKind = "in Redis " + redis;
        keysInRedis = true;
        GatewayConfig.KeyCache cache = config.keyCache();
        if (cache.enabled()) {
          // Two round trips to Redis per request otherwise. Revocations through any instance reach every
          // cache over pub/sub; the TTL bounds how long one whose message was lost goes unseen.
          CachingKeyStore cached = CachingKeyStore.builder(keyStore).ttl(cache.ttl()).negativeTtl(cache.negativeTtl())
              .maximumSize(cache.maxSize()).clock(clock).build();
          resources.add(cached); // closed before the Redis connection: resources close in reverse order
          keyStore = cached;
          keyStoreKind += " (lookups cached for " + cache.ttl().toMillis() + " ms, unknown keys for "
              + cache.negativeTtl().toMillis() + " ms; changes heard over pub/sub)";
        }
      } else {
        keyStore = InMemoryKeyStore.create();
        keyStoreKind = "in memory (keys are lost on restart)";
      }
      List<VirtualKey> existing;
      boolean keysUnknown = false;
      try {
        existing = keyStore.list().join();
      } catch (CompletionException e) {
        if (!keysInRedis) {
          throw e;
        }
        // Redis is down at startup: keys may exist there, so require them (fail closed) rather than serve open.
        log.warn("could not list the keys in Redis {}: {}; callers need a key", redis, String.valueOf(e.getCause()));
        existing = List.of();
        keysUnknown = true;
      }
      boolean authRequired = !open && (masterKey != null || !existing.isEmpty() || keysUnknown);

      String host = config != null && config.host() != null ? config.host()
          : authRequired || open ? ANY_HOST : GatewaySettings.HOST;
      if (!authRequired && !open && !isLoopback(host)) {
        throw new IllegalArgumentException("server.host: '" + host + "' is not a loopback address, and no key is "
            + "configured, so the gateway would serve without authentication to other machines; set "
            + MASTER_KEY_VARIABLE + " or auth.master-key, or auth.mode: none when something in front authenticates");
      }
      int port = settings.isPortSet() || config == null || config.port() == null ? settings.port() : config.port();
      long maxBody = config != null && config.maxBodyBytes() != null ? config.maxBodyBytes() : settings.maxBodyBytes();
      Duration shutdown = config != null && config.shutdownTimeout() != null ? config.shutdownTimeout()
          : settings.shutdownTimeout();

      PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      resources.add(metrics::close);
      DemoProvider demo = new DemoProvider(Clock.systemUTC());
      resources.add(demo::close);
      AccessLog accessLog = new AccessLog(accessLogSink, clock);
      resources.add(accessLog);
      // One Vert.x for both sides: upstream calls run on the event loops that serve the requests, without a
      // thread per in-flight call. Closed last (resources close in reverse order), after server and transport.
      Vertx vertx = GatewayServer.newVertx();
      resources.add(() -> GatewayServer.closeVertx(vertx));
      if (!vertx.isNativeTransportEnabled()) {
        log.info("network transport: Java NIO (the native epoll transport did not load: {})",
            String.valueOf(vertx.unavailableNativeTransportCause()));
      }
      VertxHttpTransport.Builder upstream = VertxHttpTransport.builder(vertx);
      if (config != null && config.upstreamMaxResponseBodyBytes() != null) {
        upstream.maxResponseBodyBytes(config.upstreamMaxResponseBodyBytes());
      }
      if (config != null && config.upstreamMaxConnectionsPerHost() != null) {
        upstream.maxConnectionsPerHost(config.upstreamMaxConnectionsPerHost());
      }
      VertxHttpTransport transport = upstream.build();
      resources.add(transport::close);

      Switchboard.Builder builder = Switchboard.builder().meterRegistry(metrics).listener(accessLog)
          .providerComponent(HttpTransport.class, transport); // every provider made from a config calls through it
      Map<String, String> providerTypes = new LinkedHashMap<>();
      String summary;
      CacheSettings cache;
      List<ModelGroup> groups;
      if (config == null) {
        EmbeddedConfiguration embedded = EmbeddedConfiguration.fromEnvironment(env);
        embedded.applyTo(builder, demo);
        embedded.providers().forEach(p -> providerTypes.put(p.name(), p.type()));
        providerTypes.put(DemoProvider.GROUP, ConfigFile.DEMO_TYPE);
        summary = embedded.summary();
        cache = CacheSettings.ofDefaults();
        groups = embedded.modelGroups();
      } else {
        for (ProviderConfig p : config.providers()) {
          builder.provider(p);
          providerTypes.put(p.name(), p.type());
        }
        for (String name : config.demoProviders()) {
          builder.provider(name, demo);
          providerTypes.put(name, ConfigFile.DEMO_TYPE);
        }
        config.groups().forEach(builder::modelGroup);
        summary = config.summary();
        cache = config.cache();
        groups = config.groups();
        RateLimitsHook.configure(builder, config.limits());
      }
      // Deterministic answers (temperature 0 or a seed) are cached in process for an hour unless configured otherwise.
      builder.cache(cache);

      List<StatusHandler.Component> components = new ArrayList<>();
      components.add(new StatusHandler.Component("key-store", keyStore::health, authRequired));
      String stores = "keys " + keyStoreKind + "; usage ledger in memory";
      if (redis != null) {
        components.add(new StatusHandler.Component("redis", redis::health, false));
        boolean cacheOn = cache.mode() != CacheMode.OFF
            || groups.stream().anyMatch(g -> g.cache() != null && g.cache().mode() != CacheMode.OFF);
        if (cacheOn) {
          RedisCacheStore l2 = RedisCacheStore.builder(redis).meterRegistry(metrics).build();
          builder.cacheStore(l2);
          components.add(new StatusHandler.Component("cache-store", l2::health, false));
          stores += "; response cache in memory + Redis " + redis;
        } else {
          stores += "; response cache off; Redis " + redis + " connected for shared state";
        }
        // Spend is shared, so budgets hold across instances; the ledger fails open, so Redis stays non-required.
        RedisUsageLedger ledger = RedisUsageLedger.builder(redis).meterRegistry(metrics).build();
        builder.usageLedger(ledger);
        components.add(new StatusHandler.Component("usage-ledger", ledger::health, false));
        stores = stores.replace("usage ledger in memory", "usage ledger in Redis");
        // Limits count in Redis too, so that every instance enforces one limit; while Redis is unreachable each
        // instance decides locally (fail-open), and health says degraded.
        RedisRateLimiter limiter = RedisRateLimiter.builder(redis).meterRegistry(metrics).build();
        builder.rateLimiter(limiter);
        components.add(new StatusHandler.Component("rate-limiter", limiter::health, false));
        stores += "; rate limits in Redis";
      } else {
        stores += cache.mode() == CacheMode.OFF ? "; response cache off" : "; response cache in memory";
      }

      Switchboard switchboard = builder.build();
      resources.add(switchboard);
      for (VirtualKey k : existing) {
        if (k.budget() != null && k.isActive(clock.instant())) {
          try {
            switchboard.budgets().put(k.budget());
          } catch (IllegalArgumentException e) {
            log.warn("budget of key {} not applied: {}", k.id(), e.getMessage());
          }
        }
      }

      Authenticator auth = new Authenticator(authRequired, masterKey, keyStore, switchboard.budgets(), clock);
      AdminHandler admin = masterKey == null ? null
          : new AdminHandler(switchboard, keyStore, config == null ? null : config.alertAt(), clock);
      TrustedProxies proxies = config == null ? TrustedProxies.NONE : config.trustedProxies();
      GatewayRouter.Routes routes = new GatewayRouter.Routes(switchboard, metrics, maxBody, auth, admin, components,
          providerTypes, accessLog, proxies);
      GatewayServer server = GatewayServer.start(vertx, routes, host, port, shutdown);
      resources.add(server);

      log.info("Switchboard gateway listening on http://{}:{}/v1{}; {}; {}", host, server.port(),
          settings.configFile() == null ? " (no configuration file: embedded default)"
              : " with configuration " + settings.configFile(), summary, stores);
      if (!proxies.isEmpty()) {
        log.info("Client IPs come from {} when the peer is a trusted proxy: {}", proxies.header().name,
            String.join(", ", proxies.entries()));
      }
      if (open) {
        log.warn("auth.mode is none: the gateway serves without keys on {}; make sure something in front of it "
            + "authenticates callers", host);
      } else if (!authRequired) {
        log.warn("No key is configured ({} or auth.master-key): the gateway serves without keys and is bound to "
            + "loopback {} only, so that it is never reachable unauthenticated from another machine",
            MASTER_KEY_VARIABLE, host);
      } else {
        log.info("Callers need a key (Authorization: Bearer …){}", admin == null
            ? "; the admin API is off without a master key" : "; the admin API is at /admin with the master key");
      }
      return new GatewayRuntime(resources, server, host, keyStore, switchboard, transport);
    } catch (RuntimeException e) {
      closeAll(resources);
      throw e;
    }
  }

  /** The port the server listens on. */
  public int port() {
    return server.port();
  }

  /** The interface the server is bound to. */
  public String host() {
    return host;
  }

  /** The key store in use. */
  public KeyStore keyStore() {
    return keyStore;
  }

  /** The client behind the server. */
  public Switchboard switchboard() {
    return switchboard;
  }

  /** The transport every configured provider calls its upstream through. */
  public HttpTransport upstreamTransport() {
    return transport;
  }

  /**
   * Stops accepting connections, lets in-flight calls finish up to the shutdown timeout, then closes
   * the client (flushing usage), the stores, the upstream transport, Vert.x and the access log.
   * Idempotent.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      closeAll(resources);
    }
  }

  private static void closeAll(List<AutoCloseable> resources) {
    RuntimeException first = null;
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        if (first == null) {
          first = e instanceof RuntimeException ? (RuntimeException) e : new IllegalStateException(e);
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}

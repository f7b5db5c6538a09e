package dev.switchboard.server.internal;

import dev.switchboard.core.auth.CachingKeyStore;
import dev.switchboard.core.cache.CacheSettings;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.spi.ProviderConfig;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated configuration file, as SDK values where the SDK has them ({@link ProviderConfig},
 * {@link ModelGroup}, {@link CacheSettings}): {@link ConfigFile} makes one. Optional settings are
 * null when the file does not set them. Immutable. {@link #toString()} never shows a key.
 */
public final class GatewayConfig {

  /** {@code auth.mode}. */
  public enum AuthMode {
    /** Callers need the master key or a virtual key (the default). */
    KEYS,
    /** Nobody needs a key, on any interface: set only when something in front authenticates. */
    NONE
  }

  /**
   * {@code auth.key-cache}: how long lookups of keys kept in Redis are remembered, and how many.
   *
   * @param ttl {@code ttl}: a key found; zero caches none
   * @param negativeTtl {@code negative-ttl}: a hash no key has; zero caches none
   * @param maxSize {@code max-size}: hashes remembered at most
   */
  public record KeyCache(Duration ttl, Duration negativeTtl, long maxSize) {

    /** What applies when the file does not say: {@link CachingKeyStore}'s defaults. */
    public static final KeyCache DEFAULT = new KeyCache(CachingKeyStore.DEFAULT_TTL,
        CachingKeyStore.DEFAULT_NEGATIVE_TTL, CachingKeyStore.DEFAULT_MAXIMUM_SIZE);

    /** Whether anything is cached at all. */
    public boolean enabled() {
      return !ttl.isZero() || !negativeTtl.isZero();
    }
  }

  final String host;
  final Integer port;
  final Long maxBodyBytes;
  final Duration shutdownTimeout;
  final TrustedProxies trustedProxies;
  final Long upstreamMaxResponseBodyBytes;
  final Integer upstreamMaxConnectionsPerHost;
  final String masterKey;
  final AuthMode authMode;
  final boolean authModeSet;
  final Path keysFile;
  final KeyCache keyCache;
  final List<ProviderConfig> providers;
  final Set<String> demoProviders;
  final List<ModelGroup> groups;
  final CacheSettings cache;
  final boolean cacheSet;
  final Map<String, Map<String, Long>> limits;
  final List<BigDecimal> alertAt;
  final String redisUri;

  GatewayConfig(String host, Integer port, Long maxBodyBytes, Duration shutdownTimeout,
      TrustedProxies trustedProxies,
      Long upstreamMaxResponseBodyBytes, Integer upstreamMaxConnectionsPerHost, String masterKey,
      AuthMode authMode, boolean authModeSet, Path keysFile,
      KeyCache keyCache, List<ProviderConfig> providers, Set<String> demoProviders,
      List<ModelGroup> groups, CacheSettings cache, boolean cacheSet, Map<String, Map<String, Long>> limits,
      List<BigDecimal> alertAt, String redisUri) {
    this.host = host;
    this.port = port;
    this.maxBodyBytes = maxBodyBytes;
    this.shutdownTimeout = shutdownTimeout;
    this.trustedProxies = trustedProxies;
    this.upstreamMaxResponseBodyBytes = upstreamMaxResponseBodyBytes;
    this.upstreamMaxConnectionsPerHost = upstreamMaxConnectionsPerHost;
    this.masterKey = masterKey;
    this.authMode = authMode;
    this.authModeSet = authModeSet;
    this.keysFile = keysFile;
    this.keyCache = keyCache;
    this.providers = List.copyOf(providers);
    this.demoProviders = Set.copyOf(demoProviders);
    this.groups = List.copyOf(groups);
    this.cache = cache;
    this.cacheSet = cacheSet;
    Map<String, Map<String, Long>> l = new LinkedHashMap<>();
    limits.forEach((tier, m) -> l.put(tier, Collections.unmodifiableMap(new LinkedHashMap<>(m))));
    this.limits = Collections.unmodifiableMap(l);
    this.alertAt = alertAt == null ? null : List.copyOf(alertAt);
    this.redisUri = redisUri;
  }

  /** {@code server.host}, or null. */
  public String host() {
    return host;
  }

  /** {@code server.port}, or null. */
  public Integer port() {
    return port;
  }

  /** {@code server.max-body-bytes}, or null. */
  public Long maxBodyBytes() {
    return maxBodyBytes;
  }

  /** {@code server.shutdown-timeout}, or null. */
  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  /**
   * {@code server.trusted-proxies} with {@code server.client-ip-header}; {@link TrustedProxies#NONE}
   * (the socket peer is the client) unless set.
   */
  TrustedProxies trustedProxies() {
    return trustedProxies;
  }

  /**
   * {@code upstream.max-response-body-bytes}, or null for the upstream transport's default
   * ({@code VertxHttpTransport.DEFAULT_MAX_RESPONSE_BODY_BYTES}).
   */
  public Long upstreamMaxResponseBodyBytes() {
    return upstreamMaxResponseBodyBytes;
  }

  /**
   * {@code upstream.max-connections-per-host}, or null for the upstream transport's default
   * ({@code VertxHttpTransport.DEFAULT_MAX_CONNECTIONS_PER_HOST}).
   */
  public Integer upstreamMaxConnectionsPerHost() {
    return upstreamMaxConnectionsPerHost;
  }

  /** {@code auth.master-key}, or null when unset or empty. */
  public String masterKey() {
    return masterKey;
  }

  /** {@code auth.mode}; {@link AuthMode#KEYS} unless set. */
  public AuthMode authMode() {
    return authMode;
  }

  /** {@code auth.keys-file}, or null for keys kept in memory. */
  public Path keysFile() {
    return keysFile;
  }

  /** {@code auth.key-cache}, or {@link KeyCache#DEFAULT} when absent; applies to keys kept in Redis only. */
  public KeyCache keyCache() {
    return keyCache;
  }

  /** The {@code providers} entries other than {@code type: demo}, in file order. */
  public List<ProviderConfig> providers() {
    return providers;
  }

  /** The names of {@code providers} entries of {@code type: demo} (the built-in offline provider). */
  public Set<String> demoProviders() {
    return demoProviders;
  }

  /** The {@code models} entries, in file order. */
  public List<ModelGroup> groups() {
    return groups;
  }

  /** The {@code cache} section, or the gateway's default ({@link CacheSettings#ofDefaults()}) when absent. */
  public CacheSettings cache() {
    return cache;
  }

  /** {@code limits}: tier name to limit name to amount; parsed and validated, enforced once rate limits land. */
  public Map<String, Map<String, Long>> limits() {
    return limits;
  }

  /** {@code budgets.alert-at}, or null for the SDK's default thresholds. */
  public List<BigDecimal> alertAt() {
    return alertAt;
  }

  /** {@code redis.uri}, or null. */
  public String redisUri() {
    return redisUri;
  }

  /** For the start-up log: providers with their types, model groups, stores; never a key. */
  public String summary() {
    List<String> p = new ArrayList<>();
    providers.forEach(c -> p.add(c.name() + " (" + c.type() + ")"));
    demoProviders.forEach(n -> p.add(n + " (demo, offline)"));
    List<String> g = new ArrayList<>();
    groups.forEach(m -> g.add(m.name()));
    return "providers: " + String.join(", ", p) + "; model groups: " + String.join(", ", g);
  }

  @Override
  public String toString() {
    return "GatewayConfig{" + summary() + ", host=" + host + ", port=" + port
        + ", trustedProxies=" + trustedProxies.entries()
        + ", upstreamMaxResponseBodyBytes=" + upstreamMaxResponseBodyBytes
        + ", upstreamMaxConnectionsPerHost=" + upstreamMaxConnectionsPerHost + ", authMode=" + authMode
        + ", masterKey=" + (masterKey == null ? "unset" : "set") + ", keysFile=" + keysFile + ", keyCache=" + keyCache
        + ", cache=" + cache
        + ", limits=" + limits.keySet() + ", redis=" + (redisUri == null ? "unset" : "set") + "}";
  }
}

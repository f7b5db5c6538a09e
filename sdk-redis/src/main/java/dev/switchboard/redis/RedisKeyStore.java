package dev.switchboard.redis;

import dev.switchboard.core.Health;
import dev.switchboard.core.auth.SharedKeyStore;
import dev.switchboard.core.auth.VirtualKey;
import dev.switchboard.core.metrics.SwitchboardMetrics;
import dev.switchboard.redis.internal.KeyCodec;
import dev.switchboard.redis.internal.KeyStoreKeys;
import dev.switchboard.redis.internal.LettuceConnection;
import dev.switchboard.redis.internal.OrderedCommands;
import dev.switchboard.redis.internal.OperationHealth;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Virtual keys in Redis, so that several gateway instances share them: a key created on one is
 * accepted by all, a key revoked on one is refused by all from the next lookup on.
 *
 * <pre>{@code
 * RedisConnection redis = RedisConnection.create("redis://redis.internal:6379");
 * KeyStore keys = RedisKeyStore.builder(redis).build();
 * // on the request path, a cache that hears of revocations on other instances:
 * KeyStore cached = CachingKeyStore.builder(keys).build();
 * }</pre>
 *
 * <p><b>Layout.</b> Every key carries the hash tag {@code {sb:keys}} (one Cluster slot):
 * {@code {sb:keys}:key:<id>} is a hash holding the key's fields as JSON (field {@code v}) and, once
 * revoked, the revocation time (field {@code revoked}); {@code {sb:keys}:hash:<sha256>} holds the id
 * of the key with that hash; {@code {sb:keys}:ids} is a sorted set of ids by creation time. Only the
 * SHA-256 of a key is stored, never the key.
 *
 * <p><b>Atomicity.</b> {@link #create} is one Lua script: it refuses an id that exists and claims the
 * hash with {@code SET NX} before it writes anything, so two instances creating clashing keys at the
 * same time cannot both succeed. {@link #revoke} is one script ({@code HSETNX}: the first revocation
 * time stays). {@link #findByHash} reads the hash's id, then the key (two round trips, in order on the
 * shared connection), so a lookup issued after a revocation completed sees it.
 *
 * <p><b>Changes.</b> Both scripts also {@code PUBLISH} the key's hash on the channel
 * {@code {sb:keys}:changes} (after any prefix), in the same atomic step as the change: every instance
 * that {@linkplain #addChangeListener listens} hears of a key created or revoked through any of them,
 * usually within milliseconds. The first listener opens a pub/sub connection of the store's own on
 * the {@link RedisConnection}'s client (tried again until Redis answers, resubscribed by Lettuce after
 * every reconnect, which listeners hear as {@link SharedKeyStore.Listener#changesMissed()}); the last
 * listener removed, or closing the {@code RedisConnection}, closes it. Pub/sub delivers at most once:
 * a message sent while the connection is down is lost, so a cache must still expire what it holds.
 * With Redis ACLs the user needs the channel ({@code &*} or the channel's name); without it keys are
 * still created and revoked, and listeners hear nothing (the subscription is retried, with a warning).
 *
 * <p><b>Failures.</b> Nothing blocks or waits for Redis beyond the connection's command timeout: while
 * Redis is down every operation completes exceptionally at once (a Cluster connection after its
 * command timeout). Failures are counted ({@link #errorCount()}, the
 * {@value SwitchboardMetrics#KEY_STORE_ERRORS} meter when a registry is given), logged at most once per
 * {@link Builder#errorLogInterval(Duration)}, and {@link #health()} is {@code DEGRADED} until an
 * operation succeeds again. A refused duplicate is not a failure.
 *
 * <p>Thread-safe. It does not own the {@link RedisConnection}: close that after the store's users.
 */
public final class RedisKeyStore implements SharedKeyStore {

  private static final Logger log = LoggerFactory.getLogger(RedisKeyStore.class);

  /** One minute between two log lines about failing Redis operations. */
  public static final Duration DEFAULT_ERROR_LOG_INTERVAL = Duration.ofMinutes(1);

  // KEYS[1] the key's hash, KEYS[2] the hash index, KEYS[3] the id set; ARGV id, JSON, score, revoked or '',
  // the key's SHA-256, the changes channel. Returns 0 when created, 1 when the id exists, 2 when the hash does.
  // PUBLISH through pcall in both scripts: a user without permission on the channel (Redis ACLs) still creates
  // and revokes keys; caches then learn of changes by their TTL only.
  private static final byte[] CREATE = String.join("\n",
      "if redis.call('EXISTS', KEYS[1]) == 1 then return 1 end",
      "if not redis.call('SET', KEYS[2], ARGV[1], 'NX') then return 2 end",
      "redis.call('HSET', KEYS[1], 'v', ARGV[2])",
      "if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'revoked', ARGV[4]) end",
      "redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])",
      "redis.pcall('PUBLISH', ARGV[6], ARGV[5])",
      "return 0").getBytes(StandardCharsets.UTF_8);
  // KEYS[1] the key's hash; ARGV[1] the revocation time, ARGV[2] the changes channel. Returns the hash's
  // fields, none when no such key. Publishes the key's SHA-256 (from its JSON) also when it was revoked before.
  private static final byte[] REVOKE = String.join("\n",
      "if redis.call('EXISTS', KEYS[1]) == 0 then return {} end",
      "redis.call('HSETNX', KEYS[1], 'revoked', ARGV[1])",
      "local ok, key = pcall(cjson.decode, redis.call('HGET', KEYS[1], 'v'))",
      "if ok and type(key) == 'table' and type(key['hash']) == 'string' then",
      "  redis.pcall('PUBLISH', ARGV[2], key['hash'])",
      "end",
      "return redis.call('HGETALL', KEYS[1])").getBytes(StandardCharsets.UTF_8);

  private static final byte[] VALUE = {'v'};
  private static final String REVOKED = "revoked";

  private final RedisConnection connection;
  private final LettuceConnection lettuce;
  private final OrderedCommands commands;
  private final KeyStoreKeys keys;
  private final OperationHealth health;
  private final byte[] changes;
  private final Set<Listener> listeners = new CopyOnWriteArraySet<>();
  private LettuceConnection.Subscription subscription; // guarded by listeners; open while there are listeners

  private RedisKeyStore(Builder b) {
    this.connection = b.connection;
    this.lettuce = b.connection.lettuce();
    this.keys = new KeyStoreKeys(b.keyPrefix);
    this.commands = new OrderedCommands(lettuce, b.connection.isCluster(), keys.routing());
    this.health = new OperationHealth(lettuce, b.connection::isConnected, log,
        b.errorLogInterval, b.registry, SwitchboardMetrics.KEY_STORE_ERRORS, "failed or timed out key store operations",
        List.of("create", "find", "list", "revoke"));
    this.changes = keys.changes();
  }

  /**
   * A builder for a key store on {@code connection}.
   *
   * @throws NullPointerException if {@code connection} is null
   */
  public static Builder builder(RedisConnection connection) {
    return new Builder(Objects.requireNonNull(connection, "connection"));
  }

  @Override
  public CompletableFuture<Void> create(VirtualKey key) {
    Objects.requireNonNull(key, "key");
    byte[][] k = {keys.key(key.id()), keys.hash(key.hash()), keys.ids()};
    byte[][] args = {utf8(key.id()), utf8(KeyCodec.write(key)), utf8(Long.toString(key.createdAt().toEpochMilli())),
        utf8(key.revokedAt() == null ? "" : key.revokedAt().toString()), utf8(key.hash()), changes};
    return commands.issue(c -> c.<Long>eval(CREATE, ScriptOutputType.INTEGER, k, args).toCompletableFuture())
        .handle((reply, error) -> {
          if (error != null) {
            throw failed("create", error, "key " + key.id() + " not created");
          }
          health.succeeded();
          if (reply == 1L) {
            throw new CompletionException(new IllegalArgumentException("a key with id '" + key.id()
                + "' is already stored"));
          }
          if (reply == 2L) {
            throw new CompletionException(new IllegalArgumentException("a key with the hash of key '" + key.id()
                + "' is already stored"));
          }
          return null;
        });
  }

  @Override
  public CompletableFuture<Optional<VirtualKey>> findByHash(String hash) {
    byte[] index = keys.hash(Objects.requireNonNull(hash, "hash"));
    return commands.issue(c -> c.get(index).toCompletableFuture()).thenCompose(id -> id == null
        ? CompletableFuture.completedFuture(Optional.<VirtualKey>empty())
        : read(new String(id, StandardCharsets.UTF_8)))
        .handle((key, error) -> {
          if (error != null) {
            throw failed("find", error, "key not looked up");
          }
          health.succeeded();
          return key;
        });
  }

  @Override
  public CompletableFuture<Optional<VirtualKey>> findById(String id) {
    Objects.requireNonNull(id, "id");
    return read(id).handle((key, error) -> {
      if (error != null) {
        throw failed("find", error, "key " + id + " not looked up");
      }
      health.succeeded();
      return key;
    });
  }

  private CompletableFuture<Optional<VirtualKey>> read(String id) {
    byte[] key = keys.key(id);
    return commands.issue(c -> c.hgetall(key).toCompletableFuture()).thenApply(RedisKeyStore::parse);
  }

  @Override
  public CompletableFuture<List<VirtualKey>> list() {
    byte[] ids = keys.ids();
    return commands.issue(c -> c.zrange(ids, 0, -1).toCompletableFuture()).thenCompose(members -> {
      List<byte[]> hashes = new ArrayList<>(members.size());
      for (byte[] m : members) {
        hashes.add(keys.key(new String(m, StandardCharsets.UTF_8)));
      }
      return commands.issue(c -> readAll(c, hashes));
    }).handle((list, error) -> {
      if (error != null) {
        throw failed("list", error, "keys not listed");
      }
      health.succeeded();
      return list;
    });
  }

  private static CompletableFuture<List<VirtualKey>> readAll(RedisClusterAsyncCommands<byte[], byte[]> c,
      List<byte[]> hashes) {
    List<CompletableFuture<Map<byte[], byte[]>>> replies = new ArrayList<>(hashes.size());
    for (byte[] h : hashes) {
      replies.add(c.hgetall(h).toCompletableFuture());
    }
    return CompletableFuture.allOf(replies.toArray(new CompletableFuture<?>[0])).thenApply(x -> {
      List<VirtualKey> out = new ArrayList<>(replies.size());
      for (CompletableFuture<Map<byte[], byte[]>> r : replies) {
        parse(r.join()).ifPresent(out::add);
      }
      out.sort(Comparator.comparing(VirtualKey::createdAt)); // stable: ties keep the set's order
      return out;
    });
  }

  @Override
  public CompletableFuture<Optional<VirtualKey>> revoke(String id, Instant at) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(at, "at");
    byte[][] k = {keys.key(id)};
    byte[][] args = {utf8(at.toString()), changes};
    return commands.issue(c -> c.<List<Object>>eval(REVOKE, ScriptOutputType.MULTI, k, args).toCompletableFuture())
        .handle((reply, error) -> {
          if (error != null) {
            throw failed("revoke", error, "key " + id + " not revoked");
          }
          health.succeeded();
          Map<String, byte[]> fields = new LinkedHashMap<>();
          for (int i = 0; reply != null && i + 1 < reply.size(); i += 2) {
            fields.put(new String((byte[]) reply.get(i), StandardCharsets.UTF_8), (byte[]) reply.get(i + 1));
          }
          return parseFields(fields);
        });
  }

  private static Optional<VirtualKey> parse(Map<byte[], byte[]> hash) {
    Map<String, byte[]> fields = new LinkedHashMap<>();
    if (hash != null) {
      hash.forEach((k, v) -> fields.put(new String(k, StandardCharsets.UTF_8), v));
    }
    return parseFields(fields);
  }

  private static Optional<VirtualKey> parseFields(Map<String, byte[]> fields) {
    byte[] json = fields.get(new String(VALUE, StandardCharsets.US_ASCII));
    if (json == null) {
      return Optional.empty();
    }
    byte[] revoked = fields.get(REVOKED);
    return Optional.of(KeyCodec.read(new String(json, StandardCharsets.UTF_8),
        revoked == null ? null : Instant.parse(new String(revoked, StandardCharsets.US_ASCII))));
  }

  /**
   * Tells {@code listener} the hash of every key created or revoked through any store on this Redis
   * (with the same prefix) from now on; the first listener opens this store's pub/sub connection in the
   * background. {@link SharedKeyStore.Listener#changesMissed()} follows each time the subscription is
   * made, first and after every reconnect. Listeners are called on Lettuce's I/O thread.
   */
  @Override
  public void addChangeListener(Listener listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (listeners) {
      if (listeners.add(listener) && subscription == null) {
        subscription = lettuce.subscribe(changes, new LettuceConnection.ChannelListener() {
          @Override
          public void message(byte[] message) {
            String hash = new String(message, StandardCharsets.US_ASCII);
            tellListeners(l -> l.keyChanged(hash));
          }

          @Override
          public void subscribed() {
            tellListeners(Listener::changesMissed);
          }
        });
      }
    }
  }

  /** Calls {@code event} on every listener; one that throws is logged and does not keep it from the others. */
  private void tellListeners(Consumer<Listener> event) {
    for (Listener l : listeners) {
      try {
        event.accept(l);
      } catch (RuntimeException e) {
        listenerFailed(l, e);
      }
    }
  }

  /** Stops telling {@code listener}; the last one removed closes the pub/sub connection. */
  @Override
  public void removeChangeListener(Listener listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (listeners) {
      if (listeners.remove(listener) && listeners.isEmpty() && subscription != null) {
        subscription.close();
        subscription = null;
      }
    }
  }

  private static void listenerFailed(Listener listener, RuntimeException e) {
    log.error("key change listener {} threw; it must not", listener, e);
  }

  /** {@code UP} while connected and the latest operation succeeded; {@code DEGRADED} otherwise. Never blocks. */
  @Override
  public Health health() {
    return health.health();
  }

  /** Operations that failed or timed out since this store was created; refused duplicates are not counted. */
  public long errorCount() {
    return health.errorCount();
  }

  private CompletionException failed(String operation, Throwable error, String what) {
    return health.failed(operation, error, "Redis key store: " + what);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "RedisKeyStore{" + lettuce.describe() + "}";
  }

  /** Builds a {@link RedisKeyStore}. Not thread-safe; setters validate at once. */
  public static final class Builder {
    private final RedisConnection connection;
    private String keyPrefix = "";
    private Duration errorLogInterval = DEFAULT_ERROR_LOG_INTERVAL;
    private MeterRegistry registry;

    private Builder(RedisConnection connection) {
      this.connection = connection;
    }

    /**
     * A prefix for every key, e.g. {@code "staging:"} when environments share a Redis; it goes before
     * the hash tag. Default none.
     *
     * @throws IllegalArgumentException if it contains a curly brace, which would change the Cluster
     *     hash tag
     */
    public Builder keyPrefix(String keyPrefix) {
      Objects.requireNonNull(keyPrefix, "keyPrefix");
      new KeyStoreKeys(keyPrefix); // validates
      this.keyPrefix = keyPrefix;
      return this;
    }

    /** The least time between two warnings about failures. Default {@link #DEFAULT_ERROR_LOG_INTERVAL}. */
    public Builder errorLogInterval(Duration interval) {
      Objects.requireNonNull(interval, "errorLogInterval");
      if (interval.isNegative()) {
        throw new IllegalArgumentException("errorLogInterval must not be negative but was " + interval);
      }
      this.errorLogInterval = interval;
      return this;
    }

    /** Registers the error counters here. Default: no meters. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "meterRegistry");
      return this;
    }

    /** Builds the store; does not wait for Redis. */
    public RedisKeyStore build() {
      return new RedisKeyStore(this);
    }
  }
}

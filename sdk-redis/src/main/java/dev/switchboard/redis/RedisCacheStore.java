package dev.switchboard.redis;

import dev.switchboard.core.Health;
import dev.switchboard.core.metrics.SwitchboardMetrics;
import dev.switchboard.core.spi.CacheStore;
import dev.switchboard.redis.internal.LettuceConnection;
import dev.switchboard.redis.internal.OperationHealth;
import io.lettuce.core.SetArgs;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * The shared level of Switchboard's response cache, in Redis: hand it to
 * {@code Switchboard.Builder.cacheStore} so that every instance behind a load balancer shares
 * answers.
 *
 * <pre>{@code
 * RedisConnection redis = RedisConnection.create("redis://cache.internal:6379");
 * Switchboard switchboard = Switchboard.builder()
 *     .cache(CacheSettings.ofDefaults())
 *     .cacheStore(RedisCacheStore.builder(redis).build())
 *     ...
 * }</pre>
 *
 * <p>A value is written with {@code SET key value PX ttl}: the expiry is set atomically with the
 * value. Values are the engine's compact encoding (a format tag and deflated JSON) stored as
 * binary. A read waits at most {@link Builder#readTimeout(Duration)} and then completes with null
 * (a miss); a write is fire-and-forget. Errors and timeouts are never thrown: they are counted
 * ({@link #errorCount()}, and the {@code switchboard.cache.store.errors} meter when a registry is
 * given), logged at most once per interval, and {@link #health()} is {@code DEGRADED} until Redis
 * answers again.
 *
 * <p>Thread-safe. It does not own the {@link RedisConnection}: close that after the Switchboard.
 */
public final class RedisCacheStore implements CacheStore {

  /** 50 ms: past this a read counts as a miss, so a slow Redis costs each call at most that. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMillis(50);
  /** One minute between two log lines about failing Redis operations. */
  public static final Duration DEFAULT_ERROR_LOG_INTERVAL = Duration.ofMinutes(1);

  private final RedisConnection connection;
  private final LettuceConnection lettuce;
  private final Duration readTimeout;
  private final byte[] prefix;
  private final OperationHealth health;

  private RedisCacheStore(Builder b) {
    this.connection = b.connection;
    this.lettuce = b.connection.lettuce();
    this.readTimeout = b.readTimeout;
    this.prefix = b.keyPrefix.getBytes(StandardCharsets.UTF_8);
    this.health = new OperationHealth(lettuce, b.connection::isConnected, LoggerFactory.getLogger(RedisCacheStore.class),
        b.errorLogInterval, b.registry, SwitchboardMetrics.CACHE_STORE_ERRORS,
        "failed or timed out cache store operations", List.of("get", "put"));
  }

  /**
   * A builder for a store on {@code connection}.
   *
   * @throws NullPointerException if {@code connection} is null
   */
  public static Builder builder(RedisConnection connection) {
    return new Builder(Objects.requireNonNull(connection, "connection"));
  }

  @Override
  public CompletableFuture<byte[]> get(String key) {
    byte[] k = key(key);
    return lettuce.commands()
        .thenCompose(c -> c.get(k).toCompletableFuture())
        .orTimeout(readTimeout.toNanos(), TimeUnit.NANOSECONDS)
        .handle((value, error) -> {
          if (error != null) {
            failed("get", error);
            return null;
          }
          health.succeeded();
          return value;
        });
  }

  @Override
  public CompletableFuture<Void> put(String key, byte[] value, Duration ttl) {
    byte[] k = key(key);
    long millis = Math.max(1, ttl.toMillis());
    return lettuce.commands()
        .thenCompose(c -> c.set(k, value, SetArgs.Builder.px(millis)).toCompletableFuture())
        .handle((ok, error) -> {
          if (error != null) {
            failed("put", error);
          } else {
            health.succeeded();
          }
          return null;
        });
  }

  @Override
  public Health health() {
    return health.health();
  }

  /** Reads and writes that failed or timed out since this store was created. */
  public long errorCount() {
    return health.errorCount();
  }

  private byte[] key(String key) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    if (prefix.length == 0) {
      return k;
    }
    byte[] out = new byte[prefix.length + k.length];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    System.arraycopy(k, 0, out, prefix.length, k.length);
    return out;
  }

  private void failed(String operation, Throwable error) {
    Throwable cause = OperationHealth.cause(error);
    health.failed(operation, cause, cause instanceof java.util.concurrent.TimeoutException
        ? operation + " took longer than " + readTimeout.toMillis() + " ms" : String.valueOf(cause),
        "Redis cache " + operation + " failed on " + lettuce.describe() + "; treated as a miss");
  }

  @Override
  public String toString() {
    return "RedisCacheStore{" + lettuce.describe() + ", readTimeout=" + readTimeout + "}";
  }

  /** Builds a {@link RedisCacheStore}. Not thread-safe; setters validate at once. */
  public static final class Builder {
    private final RedisConnection connection;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private Duration errorLogInterval = DEFAULT_ERROR_LOG_INTERVAL;
    private String keyPrefix = "";
    private MeterRegistry registry;

    private Builder(RedisConnection connection) {
      this.connection = connection;
    }

    /** How long a read may take before it counts as a miss. Default {@link #DEFAULT_READ_TIMEOUT}. */
    public Builder readTimeout(Duration readTimeout) {
      Objects.requireNonNull(readTimeout, "readTimeout");
      if (readTimeout.isNegative() || readTimeout.isZero()) {
        throw new IllegalArgumentException("readTimeout must be positive but was " + readTimeout);
      }
      this.readTimeout = readTimeout;
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

    /**
     * A prefix for every key, e.g. {@code "staging:"} when environments share a Redis. Default
     * none: the engine's keys already start with {@code "sb:cache:v1:"}.
     */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
      return this;
    }

    /** Registers the error counter here. Default: no meters. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "meterRegistry");
      return this;
    }

    /** Builds the store. */
    public RedisCacheStore build() {
      return new RedisCacheStore(this);
    }
  }
}

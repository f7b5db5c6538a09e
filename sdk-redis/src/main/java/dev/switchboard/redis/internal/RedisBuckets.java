package dev.switchboard.redis.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.core.ratelimit.Limit;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConfigurationBuilder;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.RetryDecision;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.bucket4j.redis.lettuce.RedisApi;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Clock;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Requests and tokens per window as Bucket4j buckets in Redis, through Bucket4j's Lettuce backend:
 * the same bandwidths as the local limiter, timed by the client's clock, expiring once full.
 *
 * <p>Bucket4j 8.19's Lettuce backend offers one strategy, compare-and-swap: GET the state, compute
 * locally, then an EVAL that writes the new state only if the stored one is unchanged (one key, so
 * atomic under Redis Cluster too). That is two round trips per admitted check, one for a refused one
 * (nothing to write), and a fresh GET + EVAL per lost race when several clients hit one bucket at
 * once; lost races are retried for at most {@code casBudget} of real time.
 *
 * <p>Concurrent requests of this process to one bucket are merged by Bucket4j's batching
 * optimization: while one compare-and-swap is in flight, the requests arriving meanwhile wait and go
 * together in the next one, each decided in turn on the same state (exactly as if sent one by one).
 * A hot bucket (a deployment's limit, one busy key) then costs one GET + EVAL per batch instead of a
 * race lost by all but one request each round. Batching lives in the bucket proxy, so proxies are
 * kept, at most {@value #MAX_PROXIES} (least recently used dropped; a dropped one is rebuilt on use).
 *
 * <p>Thread-safe.
 */
public final class RedisBuckets {

  /**
   * How long a full bucket's key outlives its last write. A full bucket is what a missing key means,
   * so the key may go as soon as it is full; the margin absorbs clock differences between instances.
   */
  public static final Duration KEEP_AFTER_REFILL = Duration.ofSeconds(10);

  static final int MAX_PROXIES = 10_000;

  private final TimeMeter timeMeter;
  private final long casBudgetNanos;
  private final ConcurrentHashMap<Limit, CompletableFuture<BucketConfiguration>> configurations =
      new ConcurrentHashMap<>();
  private volatile Bound bound;

  public RedisBuckets(Clock clock, Duration casBudget) {
    this.casBudgetNanos = casBudget.toNanos();
    this.timeMeter = new TimeMeter() {
      @Override
      public long currentTimeNanos() {
        Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
      }

      @Override
      public boolean isWallClockBased() {
        return true;
      }
    };
  }

  /** The bucket of {@code limit} at {@code key}, on {@code commands}' connection. No I/O. */
  public AsyncBucketProxy bucket(RedisClusterAsyncCommands<byte[], byte[]> commands, String key, Limit limit) {
    Bound b = bound(commands);
    return b.proxies.get(key, k -> {
      CompletableFuture<BucketConfiguration> configuration = configurations.get(limit);
      if (configuration == null) {
        configuration = CompletableFuture.completedFuture(configuration(limit));
        if (configurations.size() < 4096) { // configured limits are few
          configurations.putIfAbsent(limit, configuration);
        }
      }
      CompletableFuture<BucketConfiguration> c = configuration;
      Supplier<CompletableFuture<BucketConfiguration>> supplier = () -> c;
      return b.manager.asAsync().builder().withOptimization(Optimizations.batching())
          .build(k.getBytes(StandardCharsets.UTF_8), supplier);
    });
  }

  /**
   * Mirrors {@code LocalRateLimiter.BucketEntry} exactly: a greedy-refill bandwidth of the limit's
   * amount per window ({@code window}), and for a burst rule a second of the burst capacity per burst
   * window ({@code burst}).
   */
  static BucketConfiguration configuration(Limit limit) {
    ConfigurationBuilder builder = BucketConfiguration.builder()
        .addLimit(Bandwidth.builder().capacity(limit.amount()).refillGreedy(limit.amount(), limit.window())
            .id("window").build());
    if (limit.hasBurst()) {
      builder.addLimit(Bandwidth.builder().capacity(limit.burstCapacity())
          .refillGreedy(limit.burstCapacity(), limit.burstWindow()).id("burst").build());
    }
    return builder.build();
  }

  /** The most one check can ever take: the smaller bandwidth. */
  public static long capacity(Limit limit) {
    return limit.hasBurst() ? Math.min(limit.amount(), limit.burstCapacity()) : limit.amount();
  }

  private Bound bound(RedisClusterAsyncCommands<byte[], byte[]> commands) {
    Bound b = bound;
    if (b == null || b.commands != commands) { // a new connection after a failed first one
      b = new Bound(commands, new Bucket4jLettuce.LettuceBasedProxyManagerBuilder<>(api(commands))
          .clientClock(timeMeter)
          .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_AFTER_REFILL))
          // Bucket4j's own request timeout runs on the client clock, which tests stop; bound the retries
          // of lost compare-and-swap races by real time instead.
          .retryStrategy(m -> m.getElapsedTimeNanos() < casBudgetNanos ? RetryDecision.retryImmediately()
              : RetryDecision.stop())
          .build());
      bound = b;
    }
    return b;
  }

  /**
   * Generic on purpose: Bucket4j passes its keys as an {@code Object[]}, which a {@code byte[][]}
   * parameter of a non-generic implementation would fail to cast.
   */
  private static <K> RedisApi<K> api(RedisClusterAsyncCommands<K, byte[]> commands) {
    return new RedisApi<>() {
      @Override
      public <V> RedisFuture<V> eval(String script, ScriptOutputType type, K[] keys, byte[][] params) {
        return commands.eval(script, type, keys, params);
      }

      @Override
      public RedisFuture<byte[]> get(K key) {
        return commands.get(key);
      }

      @Override
      @SuppressWarnings("unchecked") // del(K...) of one key: a K[] that Lettuce only iterates
      public RedisFuture<?> delete(K key) {
        return commands.del(key);
      }
    };
  }

  /** The proxy manager of one connection and the bucket proxies built on it. */
  private static final class Bound {
    final RedisClusterAsyncCommands<byte[], byte[]> commands;
    final LettuceBasedProxyManager<byte[]> manager;
    final Cache<String, AsyncBucketProxy> proxies = Caffeine.newBuilder().maximumSize(MAX_PROXIES)
        .executor(Runnable::run).build();

    Bound(RedisClusterAsyncCommands<byte[], byte[]> commands, LettuceBasedProxyManager<byte[]> manager) {
      this.commands = commands;
      this.manager = manager;
    }
  }
}

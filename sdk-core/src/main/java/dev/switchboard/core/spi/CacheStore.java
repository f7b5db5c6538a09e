package dev.switchboard.core.spi;

import dev.switchboard.core.Health;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The shared level (L2) of the response cache: a key-value store with expiry that several
 * Switchboard instances can share, e.g. Redis ({@code dev.switchboard.redis.RedisCacheStore}).
 *
 * <p>Keys are short ASCII strings ({@code "sb:cache:v1:"} and 64 hex digits); values are opaque
 * bytes that the engine encodes and decodes (a format tag, an expiry time, compressed JSON).
 *
 * <p>Implementations must be thread-safe and must not block the calling thread: the engine calls
 * them on event loops and provider I/O threads. They should answer within a short budget and
 * report a failure by completing the future with {@code null} (reads) or normally (writes) after
 * counting and logging it themselves; the engine also treats an exceptionally completed future, a
 * thrown exception and an answer later than {@code CacheSettings.l2ReadTimeout()} as a miss, so a
 * store can never fail or stall a call. The engine never closes a store: whoever created it does.
 */
public interface CacheStore {

  /**
   * Reads a value.
   *
   * @param key never null
   * @return a future completed with the value, or with null when there is none (or the store could
   *     not be read); never null itself
   */
  CompletableFuture<byte[]> get(String key);

  /**
   * Writes a value that expires after {@code ttl}; the expiry must be set atomically with the
   * write, so that a value never lives forever. The engine does not wait for the returned future.
   *
   * @param key never null
   * @param value never null; the store must not modify it
   * @param ttl positive
   * @return a future completed when the write is done or given up; never null
   */
  CompletableFuture<Void> put(String key, byte[] value, Duration ttl);

  /** {@link Health.Status#UP} when the store answers, {@code DEGRADED} while it fails; never null, never blocks. */
  Health health();
}

package dev.switchboard.core.testing;

import dev.switchboard.core.Health;
import dev.switchboard.core.spi.CacheStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link CacheStore} in a map, with expiry on a test clock and switchable failure modes: fail
 * every call, answer with a future that fails, or never answer. Counts reads and writes.
 */
public final class InMemoryCacheStore implements CacheStore {

  /** How the store misbehaves. */
  public enum Mode { WORKING, THROWING, FAILING_FUTURES, HANGING }

  private final Clock clock;
  private final Map<String, Stored> values = new ConcurrentHashMap<>();
  private final AtomicInteger gets = new AtomicInteger();
  private final AtomicInteger puts = new AtomicInteger();
  private volatile Mode mode = Mode.WORKING;

  private static final class Stored {
    final byte[] value;
    final long expiresAtMillis;

    Stored(byte[] value, long expiresAtMillis) {
      this.value = value;
      this.expiresAtMillis = expiresAtMillis;
    }
  }

  public InMemoryCacheStore(Clock clock) {
    this.clock = clock;
  }

  public InMemoryCacheStore mode(Mode mode) {
    this.mode = mode;
    return this;
  }

  @Override
  public CompletableFuture<byte[]> get(String key) {
    gets.incrementAndGet();
    switch (mode) {
      case THROWING:
        throw new IllegalStateException("store is broken");
      case FAILING_FUTURES:
        return CompletableFuture.failedFuture(new IllegalStateException("store is unreachable"));
      case HANGING:
        return new CompletableFuture<>();
      default:
        Stored s = values.get(key);
        if (s == null || s.expiresAtMillis <= clock.millis()) {
          return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.completedFuture(s.value.clone());
    }
  }

  @Override
  public CompletableFuture<Void> put(String key, byte[] value, Duration ttl) {
    puts.incrementAndGet();
    switch (mode) {
      case THROWING:
        throw new IllegalStateException("store is broken");
      case FAILING_FUTURES:
        return CompletableFuture.failedFuture(new IllegalStateException("store is unreachable"));
      case HANGING:
        return new CompletableFuture<>();
      default:
        values.put(key, new Stored(value.clone(), clock.millis() + ttl.toMillis()));
        return CompletableFuture.completedFuture(null);
    }
  }

  @Override
  public Health health() {
    return mode == Mode.WORKING ? Health.up() : Health.degraded("store is " + mode);
  }

  public int gets() {
    return gets.get();
  }

  public int puts() {
    return puts.get();
  }

  public Map<String, byte[]> values() {
    Map<String, byte[]> out = new java.util.TreeMap<>();
    values.forEach((k, v) -> out.put(k, v.value));
    return out;
  }

  public void clear() {
    values.clear();
  }
}

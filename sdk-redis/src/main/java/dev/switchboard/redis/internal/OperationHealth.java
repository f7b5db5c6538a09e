package dev.switchboard.redis.internal;

import dev.switchboard.core.Health;
import dev.switchboard.core.metrics.SwitchboardMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;

/**
 * What a Redis-backed store knows about its own operations: how many failed, a meter per operation,
 * a throttled warning, and the health that follows from the connection and the latest outcome (a
 * success after failures means Redis is back). One per store; thread-safe.
 */
public final class OperationHealth {

  private final BooleanSupplier connected;
  private final String redis;
  private final ThrottledWarning warning;
  private final Map<String, Counter> counters;
  private final AtomicLong errors = new AtomicLong();
  private volatile boolean lastFailed;
  private volatile String lastError = "";

  /**
   * @param registry where a meter {@code meter} per operation is registered (tags {@code store=redis}
   *     and {@code operation}), or null for none
   */
  public OperationHealth(LettuceConnection lettuce, BooleanSupplier connected, Logger log, Duration logInterval,
      MeterRegistry registry, String meter, String description, List<String> operations) {
    this.connected = connected;
    this.redis = lettuce.describe();
    this.warning = new ThrottledWarning(log, logInterval);
    this.counters = registry == null ? Map.of() : operations.stream().collect(Collectors.toUnmodifiableMap(
        Function.identity(), operation -> Counter.builder(meter).tag(SwitchboardMetrics.TAG_STORE, "redis")
            .tag(SwitchboardMetrics.TAG_OPERATION, operation).description(description).register(registry)));
  }

  /** The failure under Lettuce's {@link CompletionException}, if it is one. */
  public static Throwable cause(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
  }

  /**
   * Counts a failure of {@code operation}, keeps {@code summary} for {@link #health()} and logs
   * {@code message} (at most once per interval).
   */
  public void failed(String operation, Throwable cause, String summary, String message) {
    errors.incrementAndGet();
    Counter counter = counters.get(operation);
    if (counter != null) {
      counter.increment();
    }
    lastError = summary;
    lastFailed = true;
    warning.warn(message, cause);
  }

  /**
   * {@link #failed(String, Throwable, String, String)} with the cause as the summary, for a store
   * whose callers see the failure: {@code what} went wrong on this Redis, as the exception they get.
   */
  public CompletionException failed(String operation, Throwable error, String what) {
    Throwable cause = cause(error);
    failed(operation, cause, String.valueOf(cause), what + " on " + redis);
    return new CompletionException(cause);
  }

  public void succeeded() {
    if (lastFailed) {
      lastFailed = false;
    }
  }

  /** {@code UP} while connected and the latest operation succeeded; {@code DEGRADED} otherwise. Never blocks. */
  public Health health() {
    if (!connected.getAsBoolean()) {
      return Health.degraded("not connected to Redis " + redis + (lastError.isEmpty() ? "" : ": " + lastError));
    }
    if (lastFailed) {
      return Health.degraded("Redis " + redis + " fails: " + lastError);
    }
    return Health.up();
  }

  /** Operations that failed or timed out so far. */
  public long errorCount() {
    return errors.get();
  }
}

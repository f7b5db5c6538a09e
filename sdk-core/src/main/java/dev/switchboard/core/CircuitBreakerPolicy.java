package dev.switchboard.core;

import java.time.Duration;
import java.util.Objects;

/**
 * When a deployment's circuit breaker opens, and for how long.
 *
 * <p>Every deployment has its own breaker. It counts upstream failures that say the deployment is
 * unwell (5xx, timeouts, connection failures, malformed answers) over the last
 * {@link #slidingWindowSize()} calls; once at least {@link #minimumNumberOfCalls()} were made and
 * {@link #failureRateThreshold()} percent failed, it opens: the deployment is skipped without any
 * upstream call for {@link #waitDurationInOpenState()}, then half-opens and lets
 * {@link #permittedCallsInHalfOpenState()} trial calls through, which close or re-open it.
 * Client errors (400, 401, 404, …) and 429s are not counted: the deployment answered correctly.
 *
 * <p>Immutable and thread-safe.
 */
public final class CircuitBreakerPolicy {

  public static final float DEFAULT_FAILURE_RATE_THRESHOLD = 50f;
  public static final int DEFAULT_SLIDING_WINDOW_SIZE = 20;
  public static final int DEFAULT_MINIMUM_NUMBER_OF_CALLS = 10;
  public static final Duration DEFAULT_WAIT_DURATION_IN_OPEN_STATE = Duration.ofSeconds(30);
  public static final int DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE = 2;

  private static final CircuitBreakerPolicy DEFAULTS = custom().build();
  private static final CircuitBreakerPolicy DISABLED = new CircuitBreakerPolicy(custom(), false);

  private final boolean enabled;
  private final float failureRateThreshold;
  private final int slidingWindowSize;
  private final int minimumNumberOfCalls;
  private final Duration waitDurationInOpenState;
  private final int permittedCallsInHalfOpenState;

  private CircuitBreakerPolicy(Builder b, boolean enabled) {
    this.enabled = enabled;
    this.failureRateThreshold = b.failureRateThreshold;
    this.slidingWindowSize = b.slidingWindowSize;
    this.minimumNumberOfCalls = b.minimumNumberOfCalls;
    this.waitDurationInOpenState = b.waitDurationInOpenState;
    this.permittedCallsInHalfOpenState = b.permittedCallsInHalfOpenState;
  }

  public static CircuitBreakerPolicy ofDefaults() {
    return DEFAULTS;
  }

  /** Breakers never open. */
  public static CircuitBreakerPolicy disabled() {
    return DISABLED;
  }

  public static Builder custom() {
    return new Builder();
  }

  public boolean enabled() {
    return enabled;
  }

  /** Percentage (0 exclusive..100) of failed calls that opens the breaker. */
  public float failureRateThreshold() {
    return failureRateThreshold;
  }

  public int slidingWindowSize() {
    return slidingWindowSize;
  }

  public int minimumNumberOfCalls() {
    return minimumNumberOfCalls;
  }

  public Duration waitDurationInOpenState() {
    return waitDurationInOpenState;
  }

  public int permittedCallsInHalfOpenState() {
    return permittedCallsInHalfOpenState;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof CircuitBreakerPolicy)) {
      return false;
    }
    CircuitBreakerPolicy that = (CircuitBreakerPolicy) o;
    return enabled == that.enabled && Float.compare(failureRateThreshold, that.failureRateThreshold) == 0
        && slidingWindowSize == that.slidingWindowSize && minimumNumberOfCalls == that.minimumNumberOfCalls
        && waitDurationInOpenState.equals(that.waitDurationInOpenState)
        && permittedCallsInHalfOpenState == that.permittedCallsInHalfOpenState;
  }

  @Override
  public int hashCode() {
    return Objects.hash(enabled, failureRateThreshold, slidingWindowSize, minimumNumberOfCalls, waitDurationInOpenState,
        permittedCallsInHalfOpenState);
  }

  @Override
  public String toString() {
    return !enabled ? "CircuitBreakerPolicy{disabled}"
        : "CircuitBreakerPolicy{failureRateThreshold=" + failureRateThreshold + ", slidingWindowSize="
            + slidingWindowSize + ", minimumNumberOfCalls=" + minimumNumberOfCalls + ", waitDurationInOpenState="
            + waitDurationInOpenState + ", permittedCallsInHalfOpenState=" + permittedCallsInHalfOpenState + "}";
  }

  /** Builds an enabled {@link CircuitBreakerPolicy}; every setter validates at once. Not thread-safe. */
  public static final class Builder {
    private float failureRateThreshold = DEFAULT_FAILURE_RATE_THRESHOLD;
    private int slidingWindowSize = DEFAULT_SLIDING_WINDOW_SIZE;
    private int minimumNumberOfCalls = DEFAULT_MINIMUM_NUMBER_OF_CALLS;
    private Duration waitDurationInOpenState = DEFAULT_WAIT_DURATION_IN_OPEN_STATE;
    private int permittedCallsInHalfOpenState = DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE;

    private Builder() {}

    /** @throws IllegalArgumentException unless 0 < threshold <= 100 */
    public Builder failureRateThreshold(float threshold) {
      if (!(threshold > 0 && threshold <= 100)) {
        throw new IllegalArgumentException("failureRateThreshold must be in (0, 100] but was " + threshold);
      }
      this.failureRateThreshold = threshold;
      return this;
    }

    /** @throws IllegalArgumentException if below 1 */
    public Builder slidingWindowSize(int size) {
      this.slidingWindowSize = atLeastOne(size, "slidingWindowSize");
      return this;
    }

    /** @throws IllegalArgumentException if below 1 */
    public Builder minimumNumberOfCalls(int calls) {
      this.minimumNumberOfCalls = atLeastOne(calls, "minimumNumberOfCalls");
      return this;
    }

    /** @throws IllegalArgumentException if not positive */
    public Builder waitDurationInOpenState(Duration wait) {
      Objects.requireNonNull(wait, "waitDurationInOpenState");
      if (wait.isNegative() || wait.isZero()) {
        throw new IllegalArgumentException("waitDurationInOpenState must be positive but was " + wait);
      }
      this.waitDurationInOpenState = wait;
      return this;
    }

    /** @throws IllegalArgumentException if below 1 */
    public Builder permittedCallsInHalfOpenState(int calls) {
      this.permittedCallsInHalfOpenState = atLeastOne(calls, "permittedCallsInHalfOpenState");
      return this;
    }

    public CircuitBreakerPolicy build() {
      return new CircuitBreakerPolicy(this, true);
    }

    private static int atLeastOne(int value, String name) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be >= 1 but was " + value);
      }
      return value;
    }
  }
}

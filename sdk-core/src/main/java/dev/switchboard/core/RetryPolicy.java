package dev.switchboard.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and how patiently one deployment is retried before the engine falls back to the next.
 *
 * <p>Only retryable errors are retried (429, 5xx, timeouts, connection failures; see
 * {@link dev.switchboard.core.error.SwitchboardException#isRetryable()}). The delay before retry
 * {@code n} (1-based) is {@code min(maxBackoff, initialBackoff * multiplier^(n-1))}, reduced by a
 * random share of up to {@code jitter} so that many clients do not retry in lockstep; an upstream
 * {@code Retry-After} longer than that wins, unless it exceeds {@link #maxRetryAfter()}, in which case
 * the deployment is not retried at all. A 429 with another deployment left falls back at once
 * instead of waiting.
 *
 * <p>Immutable and thread-safe. Create with {@link #custom()}, {@link #from(RetryPolicy)},
 * {@link #ofDefaults()} or {@link #none()}.
 */
public final class RetryPolicy {

  public static final int DEFAULT_MAX_RETRIES = 2;
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(250);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(8);
  public static final double DEFAULT_MULTIPLIER = 2.0;
  public static final double DEFAULT_JITTER = 0.25;
  public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofSeconds(60);

  private static final RetryPolicy DEFAULTS = custom().build();
  private static final RetryPolicy NONE = custom().maxRetries(0).build();

  private final int maxRetries;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final double multiplier;
  private final double jitter;
  private final Duration maxRetryAfter;

  private RetryPolicy(Builder b) {
    this.maxRetries = b.maxRetries;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.multiplier = b.multiplier;
    this.jitter = b.jitter;
    this.maxRetryAfter = b.maxRetryAfter;
  }

  public static RetryPolicy ofDefaults() {
    return DEFAULTS;
  }

  /** No retries: a failed deployment falls back to the next one at once. */
  public static RetryPolicy none() {
    return NONE;
  }

  public static Builder custom() {
    return new Builder();
  }

  public static Builder from(RetryPolicy base) {
    return new Builder(base);
  }

  /** Retries per deployment after the first attempt; 0 disables retries. */
  public int maxRetries() {
    return maxRetries;
  }

  public Duration initialBackoff() {
    return initialBackoff;
  }

  public Duration maxBackoff() {
    return maxBackoff;
  }

  public double multiplier() {
    return multiplier;
  }

  /** The largest share (0..1) by which a backoff is randomly shortened. */
  public double jitter() {
    return jitter;
  }

  /** The longest upstream {@code Retry-After} the engine is willing to wait for on one deployment. */
  public Duration maxRetryAfter() {
    return maxRetryAfter;
  }

  /**
   * The backoff before retry {@code retry} (1-based) before jitter.
   *
   * @throws IllegalArgumentException if {@code retry < 1}
   */
  public Duration backoff(int retry) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry must be >= 1 but was " + retry);
    }
    double millis = initialBackoff.toMillis() * Math.pow(multiplier, retry - 1);
    return millis >= maxBackoff.toMillis() ? maxBackoff : Duration.ofMillis((long) millis);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RetryPolicy)) {
      return false;
    }
    RetryPolicy that = (RetryPolicy) o;
    return maxRetries == that.maxRetries && Double.compare(multiplier, that.multiplier) == 0
        && Double.compare(jitter, that.jitter) == 0 && initialBackoff.equals(that.initialBackoff)
        && maxBackoff.equals(that.maxBackoff) && maxRetryAfter.equals(that.maxRetryAfter);
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxRetries, initialBackoff, maxBackoff, multiplier, jitter, maxRetryAfter);
  }

  @Override
  public String toString() {
    return "RetryPolicy{maxRetries=" + maxRetries + ", initialBackoff=" + initialBackoff + ", maxBackoff=" + maxBackoff
        + ", multiplier=" + multiplier + ", jitter=" + jitter + ", maxRetryAfter=" + maxRetryAfter + "}";
  }

  /** Builds a {@link RetryPolicy}; every setter validates at once. Not thread-safe. */
  public static final class Builder {
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private double multiplier = DEFAULT_MULTIPLIER;
    private double jitter = DEFAULT_JITTER;
    private Duration maxRetryAfter = DEFAULT_MAX_RETRY_AFTER;

    private Builder() {}

    private Builder(RetryPolicy p) {
      maxRetries = p.maxRetries;
      initialBackoff = p.initialBackoff;
      maxBackoff = p.maxBackoff;
      multiplier = p.multiplier;
      jitter = p.jitter;
      maxRetryAfter = p.maxRetryAfter;
    }

    /** @throws IllegalArgumentException if negative */
    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0) {
        throw new IllegalArgumentException("maxRetries must be >= 0 but was " + maxRetries);
      }
      this.maxRetries = maxRetries;
      return this;
    }

    /** @throws IllegalArgumentException if negative */
    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = nonNegative(initialBackoff, "initialBackoff");
      return this;
    }

    /** @throws IllegalArgumentException if negative */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = nonNegative(maxBackoff, "maxBackoff");
      return this;
    }

    /** @throws IllegalArgumentException if below 1 */
    public Builder multiplier(double multiplier) {
      if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
        throw new IllegalArgumentException("multiplier must be >= 1 but was " + multiplier);
      }
      this.multiplier = multiplier;
      return this;
    }

    /** @throws IllegalArgumentException if outside [0, 1] */
    public Builder jitter(double jitter) {
      if (!(jitter >= 0.0 && jitter <= 1.0)) {
        throw new IllegalArgumentException("jitter must be between 0 and 1 but was " + jitter);
      }
      this.jitter = jitter;
      return this;
    }

    /** @throws IllegalArgumentException if negative */
    public Builder maxRetryAfter(Duration maxRetryAfter) {
      this.maxRetryAfter = nonNegative(maxRetryAfter, "maxRetryAfter");
      return this;
    }

    /** @throws IllegalArgumentException if maxBackoff is below initialBackoff */
    public RetryPolicy build() {
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException(
            "maxBackoff (" + maxBackoff + ") must be >= initialBackoff (" + initialBackoff + ")");
      }
      return new RetryPolicy(this);
    }

    private static Duration nonNegative(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative but was " + d);
      }
      return d;
    }
  }
}

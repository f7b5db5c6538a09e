package dev.switchboard.core.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One limit's state right after a {@link RateLimiter} checked it: how much was asked for, how much
 * is left, when it is full again, and, when it refused, when to try again.
 *
 * <p>A state whose check was granted is also the receipt that {@link RateLimiter#adjust} settles
 * against: it names the subject, the limit, the amount taken and when (quotas settle into the period
 * the amount was taken in). Immutable and thread-safe; value equality.
 */
public final class LimitState {

  private final LimitSubject subject;
  private final Limit limit;
  private final long amount;
  private final boolean granted;
  private final long remaining;
  private final Duration reset;
  private final Duration retryAfter;
  private final Instant checkedAt;
  private final String receipt;

  private LimitState(Builder b) {
    this.subject = Objects.requireNonNull(b.subject, "subject");
    this.limit = Objects.requireNonNull(b.limit, "limit");
    this.amount = b.amount;
    this.granted = b.granted;
    this.remaining = b.remaining;
    this.reset = Objects.requireNonNull(b.reset, "reset");
    this.retryAfter = b.retryAfter;
    this.checkedAt = Objects.requireNonNull(b.checkedAt, "checkedAt");
    this.receipt = b.receipt;
  }

  /** A builder for {@code check}'s state: granted, nothing remaining, reset zero, checked at {@code at}. */
  public static Builder builder(LimitCheck check, Instant at) {
    return new Builder(check.subject(), check.limit(), check.amount(), at);
  }

  public Builder toBuilder() {
    Builder b = new Builder(subject, limit, amount, checkedAt);
    b.granted = granted;
    b.remaining = remaining;
    b.reset = reset;
    b.retryAfter = retryAfter;
    b.receipt = receipt;
    return b;
  }

  public LimitSubject subject() {
    return subject;
  }

  public Limit limit() {
    return limit;
  }

  /** {@code dimension:limit}, e.g. {@code key:requests-per-minute}: what errors, headers and events name. */
  public String name() {
    return subject.dimension().label() + ":" + limit.name();
  }

  /** How much the check asked for (and, when granted, took). */
  public long amount() {
    return amount;
  }

  /** Whether the amount was taken. In a refused decision, also false for limits that would have admitted. */
  public boolean granted() {
    return granted;
  }

  /**
   * What is left after this check (after taking {@link #amount()} when granted), never negative:
   * requests or tokens in the window (the smaller of the window's and the burst bucket's), free
   * concurrency slots, or tokens left in the quota period.
   */
  public long remaining() {
    return remaining;
  }

  /**
   * Time until the limit is back at its full allowance (window buckets refilled, quota period over);
   * zero when it is full, and for concurrency limits. Never null.
   */
  public Duration reset() {
    return reset;
  }

  /**
   * When refused: how long until the amount could be taken, or null when waiting cannot help (the
   * amount exceeds the limit) or is unknown (concurrency: when another call ends). Null when granted.
   */
  public Duration retryAfter() {
    return retryAfter;
  }

  /** When the check was made, by the limiter's clock. */
  public Instant checkedAt() {
    return checkedAt;
  }

  /**
   * An opaque token the limiter that granted this state may attach for its own {@link
   * RateLimiter#adjust} (e.g. the lease id of a concurrency slot in a shared store, so that a crashed
   * instance's slots expire and a release removes exactly its own); null when unused. The engine
   * only hands it back.
   */
  public String receipt() {
    return receipt;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof LimitState)) {
      return false;
    }
    LimitState that = (LimitState) o;
    return amount == that.amount && granted == that.granted && remaining == that.remaining
        && subject.equals(that.subject) && limit.equals(that.limit) && reset.equals(that.reset)
        && Objects.equals(retryAfter, that.retryAfter) && checkedAt.equals(that.checkedAt)
        && Objects.equals(receipt, that.receipt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(subject, limit, amount, granted, remaining, reset, retryAfter, checkedAt, receipt);
  }

  /** Names the dimension and limit, never the subject's value (it may identify a person). */
  @Override
  public String toString() {
    return "LimitState{" + name() + ", amount=" + amount + ", granted=" + granted + ", remaining=" + remaining
        + ", reset=" + reset + (retryAfter == null ? "" : ", retryAfter=" + retryAfter) + "}";
  }

  /** Builds a {@link LimitState}. Not thread-safe. */
  public static final class Builder {
    private final LimitSubject subject;
    private final Limit limit;
    private final long amount;
    private final Instant checkedAt;
    private boolean granted = true;
    private long remaining;
    private Duration reset = Duration.ZERO;
    private Duration retryAfter;
    private String receipt;

    private Builder(LimitSubject subject, Limit limit, long amount, Instant checkedAt) {
      this.subject = Objects.requireNonNull(subject, "subject");
      this.limit = Objects.requireNonNull(limit, "limit");
      this.amount = amount;
      this.checkedAt = Objects.requireNonNull(checkedAt, "checkedAt");
    }

    public Builder granted(boolean granted) {
      this.granted = granted;
      return this;
    }

    /** Negative values are reported as 0. */
    public Builder remaining(long remaining) {
      this.remaining = Math.max(0, remaining);
      return this;
    }

    /** @throws IllegalArgumentException if negative */
    public Builder reset(Duration reset) {
      Objects.requireNonNull(reset, "reset");
      if (reset.isNegative()) {
        throw new IllegalArgumentException("reset must not be negative but was " + reset);
      }
      this.reset = reset;
      return this;
    }

    /** @throws IllegalArgumentException if negative */
    public Builder retryAfter(Duration retryAfter) {
      if (retryAfter != null && retryAfter.isNegative()) {
        throw new IllegalArgumentException("retryAfter must not be negative but was " + retryAfter);
      }
      this.retryAfter = retryAfter;
      return this;
    }

    /** See {@link LimitState#receipt()}. */
    public Builder receipt(String receipt) {
      this.receipt = receipt;
      return this;
    }

    public LimitState build() {
      return new LimitState(this);
    }
  }
}

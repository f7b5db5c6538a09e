package dev.switchboard.core.ratelimit;

import java.util.List;
import java.util.Objects;

/**
 * What a {@link RateLimiter} decided about a batch of {@link LimitCheck}s: all granted, or none.
 *
 * <p>{@link #states()} has one entry per check, in the order asked. When refused,
 * {@link #rejectedBy()} is the state of the limit that refused (its {@link LimitState#retryAfter()}
 * says when to try again) and nothing was taken from any limit. Immutable and thread-safe.
 */
public final class LimitDecision {

  private final List<LimitState> states;
  private final LimitState rejectedBy;
  private final boolean degraded;

  private LimitDecision(List<LimitState> states, LimitState rejectedBy, boolean degraded) {
    this.states = List.copyOf(states);
    this.rejectedBy = rejectedBy;
    this.degraded = degraded;
  }

  /**
   * Every check was granted.
   *
   * @throws IllegalArgumentException if a state is not granted
   */
  public static LimitDecision admitted(List<LimitState> states) {
    for (LimitState s : states) {
      if (!s.granted()) {
        throw new IllegalArgumentException("an admitted decision holds only granted states but " + s + " is not");
      }
    }
    return new LimitDecision(states, null, false);
  }

  /**
   * Refused by {@code rejectedBy}; nothing was taken.
   *
   * @throws IllegalArgumentException if a state is granted or {@code rejectedBy} is not among {@code states}
   */
  public static LimitDecision rejected(List<LimitState> states, LimitState rejectedBy) {
    Objects.requireNonNull(rejectedBy, "rejectedBy");
    if (!states.contains(rejectedBy)) {
      throw new IllegalArgumentException("rejectedBy " + rejectedBy + " is not among the states");
    }
    for (LimitState s : states) {
      if (s.granted()) {
        throw new IllegalArgumentException("a refused decision takes nothing but " + s + " is granted");
      }
    }
    return new LimitDecision(states, rejectedBy, false);
  }

  /**
   * A copy marked as decided while the limiter's shared store was unreachable (by a fail-open
   * fallback): the engine reports it, and health says {@code degraded}.
   */
  public LimitDecision asDegraded() {
    return new LimitDecision(states, rejectedBy, true);
  }

  /** Whether every check was granted. */
  public boolean isAdmitted() {
    return rejectedBy == null;
  }

  /** One state per check, in the order asked; never null. */
  public List<LimitState> states() {
    return states;
  }

  /** The limit that refused, or null when admitted. */
  public LimitState rejectedBy() {
    return rejectedBy;
  }

  /** Whether a fallback decided because the shared store was unreachable. */
  public boolean isDegraded() {
    return degraded;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof LimitDecision)) {
      return false;
    }
    LimitDecision that = (LimitDecision) o;
    return degraded == that.degraded && states.equals(that.states) && Objects.equals(rejectedBy, that.rejectedBy);
  }

  @Override
  public int hashCode() {
    return Objects.hash(states, rejectedBy, degraded);
  }

  @Override
  public String toString() {
    return "LimitDecision{" + (isAdmitted() ? "admitted" : "rejected by " + rejectedBy.name()) + ", " + states
        + (degraded ? ", degraded" : "") + "}";
  }
}

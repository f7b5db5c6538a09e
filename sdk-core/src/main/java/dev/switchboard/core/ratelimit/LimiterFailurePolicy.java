package dev.switchboard.core.ratelimit;

import java.util.Objects;

/**
 * What a limiter with a shared store does while the store is unreachable: fail closed (refuse every
 * call with a 503) or fail open (keep serving, counting in a per-instance local limiter at a share of
 * each limit, e.g. 1/N of it with N instances). Either way the limiter reports itself degraded and the
 * engine keeps running. The local limiter has no store and never applies a policy.
 *
 * <p>Immutable and thread-safe; value equality.
 */
public final class LimiterFailurePolicy {

  private static final LimiterFailurePolicy CLOSED = new LimiterFailurePolicy(false, 0);

  private final boolean failOpen;
  private final double localShare;

  private LimiterFailurePolicy(boolean failOpen, double localShare) {
    this.failOpen = failOpen;
    this.localShare = localShare;
  }

  /** Refuse calls while the store is unreachable: no limit can be exceeded, but nothing is served. */
  public static LimiterFailurePolicy failClosed() {
    return CLOSED;
  }

  /**
   * Serve calls while the store is unreachable, each instance counting on its own at {@code localShare}
   * of every limit ({@link Limit#scaled(double)}).
   *
   * @throws IllegalArgumentException unless {@code 0 < localShare <= 1}
   */
  public static LimiterFailurePolicy failOpen(double localShare) {
    if (!(localShare > 0 && localShare <= 1)) {
      throw new IllegalArgumentException("localShare must be in (0, 1] but was " + localShare);
    }
    return new LimiterFailurePolicy(true, localShare);
  }

  public boolean isFailOpen() {
    return failOpen;
  }

  /** The share of each limit the local fallback allows; 0 when failing closed. */
  public double localShare() {
    return localShare;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof LimiterFailurePolicy)) {
      return false;
    }
    LimiterFailurePolicy that = (LimiterFailurePolicy) o;
    return failOpen == that.failOpen && Double.compare(localShare, that.localShare) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(failOpen, localShare);
  }

  @Override
  public String toString() {
    return failOpen ? "fail-open(" + localShare + ")" : "fail-closed";
  }
}

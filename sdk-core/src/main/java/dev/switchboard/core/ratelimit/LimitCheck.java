package dev.switchboard.core.ratelimit;

import java.util.Objects;

/**
 * One thing a {@link RateLimiter} is asked to take: {@code amount} from {@code limit}'s allowance for
 * {@code subject} (1 for a request or a concurrency slot, the token estimate for token limits).
 *
 * @param subject whose allowance
 * @param limit which limit
 * @param amount how much to take, at least 1
 */
public record LimitCheck(LimitSubject subject, Limit limit, long amount) {

  /**
   * @throws NullPointerException if subject or limit is null
   * @throws IllegalArgumentException if {@code amount < 1}
   */
  public LimitCheck {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(limit, "limit");
    if (amount < 1) {
      throw new IllegalArgumentException("amount must be >= 1 but was " + amount);
    }
  }

  /** {@code dimension:limit}, e.g. {@code key:requests-per-minute}. */
  public String name() {
    return subject.dimension().label() + ":" + limit.name();
  }
}

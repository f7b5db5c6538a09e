package dev.switchboard.core.internal.ratelimit;

import dev.switchboard.core.ratelimit.RateLimiter;
import dev.switchboard.core.testing.RateLimiterContract;
import java.time.Clock;

/** The in-process limiter against the contract every limiter meets (the Redis one runs it too). */
class LocalRateLimiterContractTest extends RateLimiterContract {

  @Override
  protected RateLimiter newLimiter(Clock clock) {
    return RateLimiter.local(clock);
  }
}

package dev.switchboard.core.internal.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.ratelimit.LimitCheck;
import dev.switchboard.core.ratelimit.LimitDecision;
import dev.switchboard.core.ratelimit.RateLimiter;
import dev.switchboard.core.testing.RateLimiterContract;
import java.time.Clock;
import java.util.List;

/** The in-process limiter against the contract every limiter meets (the Redis one runs it too). */
class LocalRateLimiterContractTest extends RateLimiterContract {

  @Override
  protected RateLimiter newLimiter(Clock clock) {
    return RateLimiter.local(clock);
  }

  @Override
  protected LimitDecision acquire(LimitCheck... checks) {
    var future = limiter.acquire(List.of(checks));
    assertThat(future).isDone(); // the local limiter never makes the engine wait
    return future.join();
  }
}

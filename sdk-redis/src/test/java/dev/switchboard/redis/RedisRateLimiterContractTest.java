package dev.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.ratelimit.LimiterFailurePolicy;
import dev.switchboard.core.ratelimit.RateLimiter;
import dev.switchboard.core.testing.RateLimiterContract;
import dev.switchboard.redis.testing.RedisServerExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Redis limiter against the contract the local one meets, on a real standalone Redis. It fails
 * closed, so a decision Redis did not make would fail the test rather than pass through a fallback.
 */
class RedisRateLimiterContractTest extends RateLimiterContract {

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private static final AtomicInteger limiters = new AtomicInteger();
  private static RedisConnection connection;
  private final List<RedisRateLimiter> created = new ArrayList<>();

  @BeforeAll
  static void connect() {
    connection = RedisConnection.builder().uri(redis.uri()).build();
  }

  @AfterAll
  static void disconnect() {
    connection.close();
  }

  @Override
  protected RateLimiter newLimiter(Clock clock) {
    RedisRateLimiter l = newLimiter(connection, clock);
    created.add(l);
    return l;
  }

  /** A fail-closed limiter with keys of its own: fresh, as a new local limiter is. */
  static RedisRateLimiter newLimiter(RedisConnection connection, Clock clock) {
    return RedisRateLimiter.builder(connection).clock(clock).failurePolicy(LimiterFailurePolicy.failClosed())
        .keyPrefix("test:" + limiters.incrementAndGet() + ":").timeout(Duration.ofSeconds(5)).build();
  }

  @AfterEach
  void everyDecisionWasMadeInRedis() {
    for (RedisRateLimiter l : created) {
      assertThat(l.errorCount()).as("errors of %s", l).isZero();
      assertThat(l.isDegraded()).isFalse();
    }
  }
}

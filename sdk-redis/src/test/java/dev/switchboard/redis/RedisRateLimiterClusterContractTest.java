package dev.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.ratelimit.Limit;
import dev.switchboard.core.ratelimit.LimitCheck;
import dev.switchboard.core.ratelimit.RateLimiter;
import dev.switchboard.core.testing.RateLimiterContract;
import dev.switchboard.redis.testing.RedisServerProcess;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract on a one-node Redis Cluster: every script and compare-and-swap touches one key, and
 * the limiter's own connection (rejecting while disconnected, node connections opened up front)
 * works through the cluster client.
 */
class RedisRateLimiterClusterContractTest extends RateLimiterContract {

  private static RedisServerProcess node;
  private static RedisConnection connection;
  private final List<RedisRateLimiter> created = new ArrayList<>();

  @BeforeAll
  static void startCluster() {
    node = RedisServerProcess.startClusterNode();
    connection = RedisConnection.builder().uri(node.uri()).cluster(true).build();
  }

  @AfterAll
  static void stopCluster() {
    if (connection != null) {
      connection.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @BeforeEach
  void empty() {
    node.command("FLUSHALL");
  }

  @Override
  protected RateLimiter newLimiter(Clock clock) {
    RedisRateLimiter l = RedisRateLimiterContractTest.newLimiter(connection, clock);
    created.add(l);
    return l;
  }

  @Test
  void keysOfOneSubject_shareOneSlot() {
    acquire(new LimitCheck(KEY, Limit.requestsPerMinute(10), 1), new LimitCheck(KEY, Limit.tokensPerMinute(1000), 10),
        new LimitCheck(KEY, Limit.concurrentRequests(2), 1), new LimitCheck(KEY, Limit.monthlyTokens(10_000), 10));

    @SuppressWarnings("unchecked")
    List<String> keys = (List<String>) node.command("KEYS", "*");
    assertThat(keys).hasSize(4);
    assertThat(keys.stream().map(k -> node.command("CLUSTER", "KEYSLOT", k)).distinct()).hasSize(1);
  }

  @AfterEach
  void everyDecisionWasMadeInRedis() {
    for (RedisRateLimiter l : created) {
      assertThat(l.errorCount()).as("errors of %s", l).isZero();
    }
    assertThat(connection.isCluster()).isTrue();
  }
}

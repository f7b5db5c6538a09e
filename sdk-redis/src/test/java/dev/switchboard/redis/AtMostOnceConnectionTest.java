package dev.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.redis.testing.Await;
import dev.switchboard.redis.testing.RedisServerProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The connection the rate limiter counts on never sends a command twice: while Redis is away a
 * command fails at once, and it is not replayed when the connection comes back (a give-back sent
 * twice would count twice). The Cluster's shared connection queues and replays for the cache; the
 * limiter's must not.
 */
class AtMostOnceConnectionTest {

  private static final byte[] KEY = "sb:test:counter".getBytes(StandardCharsets.UTF_8);

  private static CompletableFuture<Long> incr(RedisConnection c) {
    return c.lettuce().atMostOnceCommands().thenCompose(cmd -> cmd.incr(KEY).toCompletableFuture());
  }

  private static void redisDown_commandFailsAtOnceAndIsNeverReplayed(RedisServerProcess redis, RedisConnection c)
      throws Exception {
    assertThat(incr(c).get(5, TimeUnit.SECONDS)).isEqualTo(1);
    redis.command("DEL", "sb:test:counter");

    redis.stop();
    long start = System.nanoTime();
    assertThat(incr(c)).failsWithin(Duration.ofSeconds(5));
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(500); // no waiting in a queue

    redis.restart();
    Await.until(Duration.ofSeconds(15), "connection back",
        () -> incr(c).handle((n, e) -> e == null).join()); // the first success writes 1
    assertThat(redis.command("GET", "sb:test:counter")).isEqualTo("1"); // and nothing was replayed
  }

  @Test
  void standalone_redisDown_commandFailsAtOnceAndIsNeverReplayed() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start();
        RedisConnection c = RedisConnection.builder().uri(redis.uri()).maxReconnectDelay(Duration.ofMillis(100))
            .build()) {
      redisDown_commandFailsAtOnceAndIsNeverReplayed(redis, c);
    }
  }

  @Test
  void cluster_nodeDown_commandFailsAtOnceAndIsNeverReplayed() throws Exception {
    try (RedisServerProcess node = RedisServerProcess.startClusterNode();
        RedisConnection c = RedisConnection.builder().uri(node.uri()).cluster(true)
            .maxReconnectDelay(Duration.ofMillis(100)).build()) {
      redisDown_commandFailsAtOnceAndIsNeverReplayed(node, c);
    }
  }
}

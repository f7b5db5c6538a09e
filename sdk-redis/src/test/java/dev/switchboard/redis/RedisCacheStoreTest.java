package dev.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.Health;
import dev.switchboard.core.metrics.SwitchboardMetrics;
import dev.switchboard.core.spi.CacheStore;
import dev.switchboard.core.testing.CacheStoreContract;
import dev.switchboard.redis.testing.Await;
import dev.switchboard.redis.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisCacheStoreTest extends CacheStoreContract {

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private static RedisConnection connection;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @BeforeAll
  static void connect() {
    connection = RedisConnection.builder().uri(redis.uri()).maxReconnectDelay(Duration.ofMillis(200)).build();
  }

  @AfterAll
  static void disconnect() {
    connection.close();
  }

  @Override
  protected CacheStore store() {
    return RedisCacheStore.builder(connection).meterRegistry(meters).build();
  }

  private static byte[] get(CacheStore store, String key) throws Exception {
    return store.get(key).get(5, TimeUnit.SECONDS);
  }

  @Test
  void put_setsTheExpiryWithTheValue_pttlIsTheTtl() throws Exception {
    store().put("k", new byte[] {1}, Duration.ofSeconds(90)).get(5, TimeUnit.SECONDS);

    long pttl = (Long) redis.server().command("PTTL", "k");

    assertThat(pttl).isBetween(85_000L, 90_000L);
  }

  @Test
  void put_shortTtl_valueExpiresInRedis() throws Exception {
    CacheStore store = store();
    store.put("short", new byte[] {1}, Duration.ofMillis(100)).get(5, TimeUnit.SECONDS);
    assertThat(get(store, "short")).containsExactly(1);

    Await.until(Duration.ofSeconds(5), "key expired", () -> redis.server().command("EXISTS", "short").equals(0L));

    assertThat(get(store, "short")).isNull();
  }

  @Test
  void keyPrefix_isPutInFrontOfEveryKey() throws Exception {
    CacheStore store = RedisCacheStore.builder(connection).keyPrefix("staging:").build();

    store.put("sb:cache:v1:abc", new byte[] {7}, Duration.ofMinutes(1)).get(5, TimeUnit.SECONDS);

    assertThat(redis.server().command("EXISTS", "staging:sb:cache:v1:abc")).isEqualTo(1L);
    assertThat(get(store, "sb:cache:v1:abc")).containsExactly(7);
  }

  @Test
  void get_redisSlowerThanTheBudget_completesWithNullWithinTheBudget() throws Exception {
    RedisCacheStore store = RedisCacheStore.builder(connection).readTimeout(Duration.ofMillis(50)).build();
    store.put("slow", new byte[] {1}, Duration.ofMinutes(1)).get(5, TimeUnit.SECONDS);
    // CLIENT PAUSE answers at once and then holds every other client's commands for 600 ms
    redis.server().command("CLIENT", "PAUSE", "600");

    long start = System.nanoTime();
    byte[] value = store.get("slow").get(5, TimeUnit.SECONDS);
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(value).isNull();
    assertThat(tookMillis).isLessThan(400);
    assertThat(store.errorCount()).isEqualTo(1);
    assertThat(store.health().status()).isEqualTo(Health.Status.DEGRADED);
    assertThat(store.health().detail()).contains("get took longer than 50 ms");
    Await.until(Duration.ofSeconds(5), "reads work again", () -> store.get("slow").join() != null);
    assertThat(store.health()).isEqualTo(Health.up());
  }

  @Test
  void redisStopped_readsMissWritesAreSwallowedErrorsCountedHealthDegraded_thenRecovers() throws Exception {
    RedisCacheStore store = RedisCacheStore.builder(connection).meterRegistry(meters).build();
    store.put("k", new byte[] {1}, Duration.ofMinutes(1)).get(5, TimeUnit.SECONDS);

    redis.server().stop();
    Await.until(Duration.ofSeconds(5), "client saw the disconnect", () -> !connection.isConnected());
    byte[] read = get(store, "k");
    store.put("k2", new byte[] {2}, Duration.ofMinutes(1)).get(5, TimeUnit.SECONDS); // completes, never throws

    assertThat(read).isNull();
    assertThat(store.errorCount()).isEqualTo(2);
    assertThat(store.health().status()).isEqualTo(Health.Status.DEGRADED);
    assertThat(connection.health().status()).isEqualTo(Health.Status.DEGRADED);
    assertThat(meters.find(SwitchboardMetrics.CACHE_STORE_ERRORS).tags("operation", "get").counter().count())
        .isEqualTo(1);
    assertThat(meters.find(SwitchboardMetrics.CACHE_STORE_ERRORS).tags("operation", "put").counter().count())
        .isEqualTo(1);

    redis.server().restart();
    Await.until(Duration.ofSeconds(10), "client reconnected", connection::isConnected);
    store.put("k", new byte[] {3}, Duration.ofMinutes(1)).get(5, TimeUnit.SECONDS);

    assertThat(get(store, "k")).containsExactly(3);
    assertThat(store.health()).isEqualTo(Health.up());
  }

  @Test
  void connectionToNothing_storeNeverThrowsAndIsDegraded() throws Exception {
    try (RedisConnection nowhere = RedisConnection.builder()
        .uri("redis://127.0.0.1:" + dev.switchboard.redis.testing.RedisServerProcess.freePort())
        .connectTimeout(Duration.ofMillis(200)).build()) {
      RedisCacheStore store = RedisCacheStore.builder(nowhere).build();

      assertThat(store.get("k").get(5, TimeUnit.SECONDS)).isNull();
      store.put("k", new byte[] {1}, Duration.ofMinutes(1)).get(5, TimeUnit.SECONDS);
      assertThat(store.health().status()).isEqualTo(Health.Status.DEGRADED);
      assertThat(nowhere.isConnected()).isFalse();
    }
  }
}

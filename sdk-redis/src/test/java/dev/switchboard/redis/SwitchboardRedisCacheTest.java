package dev.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.cache.CacheSettings;
import dev.switchboard.core.metrics.SwitchboardMetrics;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.RouteInfo;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.testing.FakeProvider;
import dev.switchboard.redis.testing.Await;
import dev.switchboard.redis.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The response cache with Redis as its shared level, as several gateway instances would use it. */
class SwitchboardRedisCacheTest {

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private final FakeProvider upstream = new FakeProvider("a");
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<Switchboard> clients = new ArrayList<>();
  private RedisConnection connection;
  private RedisCacheStore store;

  @BeforeEach
  void connect() {
    connection = RedisConnection.builder().uri(redis.uri()).maxReconnectDelay(Duration.ofMillis(200)).build();
    store = RedisCacheStore.builder(connection).build();
  }

  @AfterEach
  void close() {
    clients.forEach(Switchboard::close);
    connection.close();
  }

  /** One gateway instance: its own L1, the shared Redis. */
  private Switchboard instance(CacheSettings settings) {
    Switchboard s = Switchboard.builder().provider("a", upstream).meterRegistry(meters).retryPolicy(RetryPolicy.none())
        .cache(settings).cacheStore(store)
        .modelGroup(ModelGroup.builder("g").deployment("a", "model-a").build())
        .build();
    clients.add(s);
    return s;
  }

  private static ChatRequest request(String text) {
    return ChatRequest.builder().model("g").temperature(0.0).addMessage(Message.user(text)).build();
  }

  private double lookups(String level, String result) {
    var c = meters.find(SwitchboardMetrics.CACHE_REQUESTS).tags("level", level, "result", result).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void chat_answeredByOneInstance_isAnL2HitOnAnotherAndThenAnL1Hit() {
    Switchboard first = instance(CacheSettings.ofDefaults());
    Switchboard second = instance(CacheSettings.ofDefaults());

    ChatResponse miss = first.chatBlocking(request("hi"));
    Await.until(Duration.ofSeconds(5), "written to Redis", () -> !((List<?>) redis.server().command("KEYS", "sb:cache:v1:*")).isEmpty());
    ChatResponse l2 = second.chatBlocking(request("hi"));
    ChatResponse l1 = second.chatBlocking(request("hi"));

    assertThat(upstream.calls()).isEqualTo(1);
    assertThat(miss.route().cache()).isEqualTo(RouteInfo.CACHE_MISS);
    assertThat(l2.route().cache()).isEqualTo(RouteInfo.CACHE_HIT_L2);
    assertThat(l1.route().cache()).isEqualTo(RouteInfo.CACHE_HIT_L1);
    assertThat(l2.toBuilder().route(null).build()).isEqualTo(miss.toBuilder().route(null).build());
    long pttl = (Long) redis.server().command("PTTL", (String) ((List<?>) redis.server().command("KEYS", "sb:cache:v1:*")).get(0));
    assertThat(pttl).isBetween(Duration.ofMinutes(59).toMillis(), Duration.ofHours(1).toMillis());
  }

  @Test
  void chat_redisStoppedMidTest_stillAnsweredAndCountedAsMisses_thenHitsResumeWhenRedisIsBack() {
    // No L1, so that every lookup goes to Redis.
    Switchboard s = instance(CacheSettings.builder().l1MaxEntries(0).build());
    s.chatBlocking(request("hi"));
    Await.until(Duration.ofSeconds(5), "written to Redis", () -> s.chatBlocking(request("hi")).route().cache()
        .equals(RouteInfo.CACHE_HIT_L2));
    int callsBefore = upstream.calls();

    redis.server().stop();
    Await.until(Duration.ofSeconds(5), "client saw the disconnect", () -> !connection.isConnected());
    double l2MissesBefore = lookups("l2", "miss");
    ChatResponse whileDown1 = s.chatBlocking(request("hi"));
    ChatResponse whileDown2 = s.chatBlocking(request("hi"));

    assertThat(whileDown1.text()).isEqualTo("a says hi");
    assertThat(whileDown1.route().cache()).isEqualTo(RouteInfo.CACHE_MISS);
    assertThat(whileDown2.route().cache()).isEqualTo(RouteInfo.CACHE_MISS);
    assertThat(upstream.calls()).isEqualTo(callsBefore + 2);
    assertThat(lookups("l2", "miss")).isEqualTo(l2MissesBefore + 2);
    assertThat(store.errorCount()).isGreaterThanOrEqualTo(4); // two reads, two writes
    assertThat(store.health().status()).isEqualTo(dev.switchboard.core.Health.Status.DEGRADED);

    redis.server().restart(); // empty again: the first call refills it
    Await.until(Duration.ofSeconds(10), "client reconnected", connection::isConnected);
    s.chatBlocking(request("hi"));
    Await.until(Duration.ofSeconds(5), "hits resume", () -> s.chatBlocking(request("hi")).route().cache()
        .equals(RouteInfo.CACHE_HIT_L2));

    assertThat(store.health().status()).isEqualTo(dev.switchboard.core.Health.Status.UP);
    assertThat(lookups("l2", "hit")).isGreaterThanOrEqualTo(2);
  }
}

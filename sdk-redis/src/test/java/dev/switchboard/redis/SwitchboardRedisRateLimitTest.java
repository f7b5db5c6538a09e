package dev.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.Caller;
import dev.switchboard.core.RequestOptions;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.InvalidRequestException;
import dev.switchboard.core.error.RateLimitedException;
import dev.switchboard.core.error.UpstreamUnavailableException;
import dev.switchboard.core.metrics.SwitchboardMetrics;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.ratelimit.Limit;
import dev.switchboard.core.ratelimit.LimiterFailurePolicy;
import dev.switchboard.core.ratelimit.Limits;
import dev.switchboard.core.ratelimit.RateLimitStatus;
import dev.switchboard.core.routing.Deployment;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.testing.FakeProvider;
import dev.switchboard.core.testing.ManualClock;
import dev.switchboard.redis.testing.Await;
import dev.switchboard.redis.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Limits through the whole engine with Redis as the shared store, as several gateway instances use it. */
class SwitchboardRedisRateLimitTest {

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private final ManualClock clock = new ManualClock(); // stands still: no refill during a test
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  /** One gateway instance: its own connection and limiter, the shared Redis. */
  private Switchboard instance(FakeProvider upstream, Limits limits, LimiterFailurePolicy policy) {
    RedisConnection connection = RedisConnection.builder().uri(redis.uri()).maxReconnectDelay(Duration.ofMillis(100))
        .build();
    closing.add(connection);
    RedisRateLimiter limiter = RedisRateLimiter.builder(connection).clock(clock).failurePolicy(policy)
        .timeout(Duration.ofSeconds(5)).build();
    Switchboard s = Switchboard.builder().provider("a", upstream).clock(clock).meterRegistry(meters)
        .retryPolicy(RetryPolicy.none()).limits(limits).rateLimiter(limiter)
        .modelGroup(ModelGroup.builder("g").deployment("a", "model-a").build())
        .build();
    closing.add(s);
    return s;
  }

  private Switchboard instance(FakeProvider upstream, Limits limits) {
    return instance(upstream, limits, LimiterFailurePolicy.failClosed());
  }

  private static ChatRequest request() {
    return ChatRequest.builder().model("g").addMessage(Message.user("hello world")).build();
  }

  private static RequestOptions key(String id) {
    return RequestOptions.builder().caller(Caller.builder().keyId(id).build()).build();
  }

  @Test
  void twoInstances_concurrentLoadFromBoth_admitExactlyTheLimitInTotal() throws Exception {
    Limits limits = Limits.builder().tier(Limits.TIER_API_KEY, Limit.requestsPerMinute(60)).build();
    FakeProvider upstreamOfA = new FakeProvider("a");
    FakeProvider upstreamOfB = new FakeProvider("b");
    Switchboard a = instance(upstreamOfA, limits);
    Switchboard b = instance(upstreamOfB, limits);
    int threadsPerInstance = 4;
    int callsPerThread = 40; // 320 calls for 60
    ExecutorService pool = Executors.newFixedThreadPool(2 * threadsPerInstance);
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger admitted = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < 2 * threadsPerInstance; t++) {
        Switchboard instance = t % 2 == 0 ? a : b;
        running.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < callsPerThread; i++) {
            try {
              instance.chatBlocking(request(), key("key_shared"));
              admitted.incrementAndGet();
            } catch (RateLimitedException e) {
              assertThat(e.limit()).isEqualTo("key:requests-per-minute");
              refused.incrementAndGet();
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : running) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(admitted.get()).isEqualTo(60);
    assertThat(refused.get()).isEqualTo(320 - 60);
    assertThat(upstreamOfA.calls() + upstreamOfB.calls()).isEqualTo(60); // no refused call reached an upstream
  }

  @Test
  void deploymentLimit_isSharedByBothInstances_theRouterSkipsTheDeploymentTheOtherSaturated() {
    FakeProvider primary = new FakeProvider("a");
    FakeProvider secondary = new FakeProvider("b");
    List<Switchboard> instances = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      RedisConnection connection = RedisConnection.create(redis.uri());
      closing.add(connection);
      Switchboard s = Switchboard.builder().provider("a", primary).provider("b", secondary).clock(clock)
          .retryPolicy(RetryPolicy.none()).rateLimiter(RedisRateLimiter.builder(connection).clock(clock)
              .failurePolicy(LimiterFailurePolicy.failClosed()).build())
          .modelGroup(ModelGroup.builder("g")
              .deployment(Deployment.builder().provider("a").model("model-a").limit(Limit.requestsPerMinute(3)).build())
              .deployment(Deployment.builder().provider("b").model("model-b").build()).build())
          .build();
      closing.add(s);
      instances.add(s);
    }

    List<String> served = new ArrayList<>();
    for (int i = 0; i < 8; i++) { // alternating instances
      served.add(instances.get(i % 2).chatBlocking(request()).route().deployment());
    }

    assertThat(served).containsExactly("a/model-a", "a/model-a", "a/model-a", "b/model-b", "b/model-b", "b/model-b",
        "b/model-b", "b/model-b");
    assertThat(primary.calls()).isEqualTo(3); // 3 a minute for both instances together, not 3 each
  }

  @Test
  void concurrencySlot_isReleasedInRedisOnSuccessFailureAndCancel() {
    FakeProvider upstream = new FakeProvider("a");
    Switchboard s = instance(upstream, Limits.builder().tier(Limits.TIER_API_KEY, Limit.concurrentRequests(1)).build());
    Switchboard other = instance(new FakeProvider("b"),
        Limits.builder().tier(Limits.TIER_API_KEY, Limit.concurrentRequests(1)).build());

    upstream.thenHang();
    CompletableFuture<ChatResponse> hanging = s.chat(request(), key("k"));
    // The limiter answers on a Lettuce thread, which goes on to call the upstream: wait until it has.
    Await.until(Duration.ofSeconds(5), "the held call reached its upstream", () -> upstream.futures().size() == 1);
    assertThatThrownBy(() -> other.chatBlocking(request(), key("k"))) // the slot is held in Redis, for everyone
        .isInstanceOfSatisfying(RateLimitedException.class,
            e -> assertThat(e.limit()).isEqualTo("key:concurrent-requests"));

    hanging.cancel(true); // cancel
    Await.until(Duration.ofSeconds(5), "the cancel reached the upstream", () -> upstream.futures().get(0).isCancelled());
    Await.until(Duration.ofSeconds(5), "the slot given back", () -> noKeys()); // an emptied set is deleted
    upstream.thenFail(new InvalidRequestException("bad", ErrorDetails.none()));
    assertThatThrownBy(() -> s.chatBlocking(request(), key("k"))).isInstanceOf(InvalidRequestException.class);
    s.chatBlocking(request(), key("k")); // the failure released it; success releases it too
    s.chatBlocking(request(), key("k"));
    assertThat(upstream.calls()).isEqualTo(4);
    // Sent before the caller heard of the end; read here on another connection, so awaited.
    Await.until(Duration.ofSeconds(5), "every slot given back", () -> noKeys());
  }

  private static boolean noKeys() {
    return redis.server().command("KEYS", "*").toString().equals("[]");
  }

  @Test
  void tokenReservation_settlesBothWaysInRedis() {
    FakeProvider upstream = new FakeProvider("a");
    Switchboard s = instance(upstream, Limits.builder().tier(Limits.TIER_API_KEY, Limit.tokensPerMinute(1000)).build());
    List<RateLimitStatus> seen = new ArrayList<>();
    RequestOptions options = RequestOptions.builder().caller(Caller.builder().keyId("k").build())
        .onRateLimitStatus(seen::add).build();
    ChatRequest request = request().toBuilder().maxTokens(91).build(); // reserves 9 prompt + 91 = 100

    upstream.thenChat((r, c) -> answer(9, 11)); // used 20 of the 100 reserved: 80 come back
    s.chatBlocking(request, options);
    upstream.thenChat((r, c) -> answer(300, 500)); // used 800 of the 100 reserved: 700 more are charged
    s.chatBlocking(request, options);
    s.chatBlocking(request, options); // FakeProvider's usage: 15
    s.chatBlocking(request, options);

    assertThat(seen).extracting(st -> st.tokens().remaining()).containsExactly(900L, 1000L - 20 - 100,
        1000L - 20 - 800 - 100, 1000L - 20 - 800 - 15 - 100);
  }

  private static CompletableFuture<ChatResponse> answer(int promptTokens, int completionTokens) {
    return CompletableFuture.completedFuture(FakeProvider.response("model-a", "ok").toBuilder()
        .usage(Usage.of(promptTokens, completionTokens)).build());
  }

  @Test
  void redisStopped_failOpen_servesFromTheLocalShareAndCountsDegradedDecisions() {
    FakeProvider upstream = new FakeProvider("a");
    Switchboard s = instance(upstream, Limits.builder().tier(Limits.TIER_API_KEY, Limit.requestsPerMinute(10)).build(),
        LimiterFailurePolicy.failOpen(0.3));
    s.chatBlocking(request(), key("k"));

    redis.server().stop();
    int served = 0;
    for (int i = 0; i < 5; i++) {
      try {
        s.chatBlocking(request(), key("k"));
        served++;
      } catch (RateLimitedException e) {
        assertThat(e.limit()).isEqualTo("key:requests-per-minute");
      }
    }

    assertThat(served).isEqualTo(3); // 30 % of 10, on this instance
    assertThat(upstream.calls()).isEqualTo(4);
    assertThat(meters.get(SwitchboardMetrics.RATE_LIMIT_DEGRADED).tag("scope", "caller").counter().count())
        .isEqualTo(5);
  }

  @Test
  void redisStopped_failClosed_answers503WithoutCallingTheUpstream_andServesAgainOnceRedisIsBack() {
    FakeProvider upstream = new FakeProvider("a");
    Switchboard s = instance(upstream, Limits.builder().tier(Limits.TIER_API_KEY, Limit.requestsPerMinute(10)).build());

    redis.server().stop();
    assertThatThrownBy(() -> s.chatBlocking(request(), key("k")))
        .isInstanceOfSatisfying(UpstreamUnavailableException.class, e -> {
          assertThat(e.httpStatus()).isEqualTo(503);
          assertThat(e.code()).isEqualTo("rate_limiter_unavailable");
          assertThat(e.getMessage()).contains("could not decide the rate limits");
        });
    assertThat(upstream.calls()).isZero();

    redis.server().restart();
    Await.until(Duration.ofSeconds(10), "served again", () -> {
      try {
        s.chatBlocking(request(), key("k"));
        return true;
      } catch (UpstreamUnavailableException e) {
        return false;
      }
    });
    assertThat(upstream.calls()).isEqualTo(1);
  }
}

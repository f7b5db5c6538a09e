package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.SwitchboardStreamTest.Probe;
import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.RateLimitedException;
import dev.switchboard.core.error.UpstreamException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.ratelimit.Limit;
import dev.switchboard.core.routing.Deployment;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.routing.RoutingStrategy;
import dev.switchboard.core.testing.FakeProvider;
import dev.switchboard.core.testing.ManualClock;
import dev.switchboard.core.testing.RecordingListener;
import dev.switchboard.core.testing.TestPublisher;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Deployments' own limits steer the router: a deployment without capacity is skipped before any call. */
class SwitchboardDeploymentLimitTest {

  private final FakeProvider a = new FakeProvider("a");
  private final FakeProvider b = new FakeProvider("b");
  private final ManualClock clock = new ManualClock();
  private final RecordingListener events = new RecordingListener();
  private Switchboard switchboard;

  @AfterEach
  void close() {
    if (switchboard != null) {
      switchboard.close();
    }
  }

  private Switchboard build(Deployment first, Deployment second) {
    return build(first, second, RoutingStrategy.fallback());
  }

  private Switchboard build(Deployment first, Deployment second, RoutingStrategy strategy) {
    switchboard = Switchboard.builder().provider("a", a).provider("b", b).clock(clock).listener(events)
        .retryPolicy(RetryPolicy.custom().maxRetries(1).initialBackoff(Duration.ZERO).maxBackoff(Duration.ZERO)
            .jitter(0).build())
        .modelGroup(ModelGroup.builder("g").strategy(strategy).deployment(first).deployment(second).build())
        .build();
    return switchboard;
  }

  private static Deployment.Builder deployment(String provider) {
    return Deployment.builder().provider(provider).model("model-" + provider);
  }

  private static ChatRequest request() {
    return ChatRequest.builder().model("g").addMessage(Message.user("hello world")).maxTokens(100).build();
  }

  private ChatResponse chat() {
    return switchboard.chatBlocking(request());
  }

  @Test
  void saturatedDeployment_isSkippedWithoutAnUpstreamCall_nextByStrategyAnswers() {
    build(deployment("a").limit(Limit.requestsPerMinute(1)).build(), deployment("b").build());

    assertThat(chat().route().deployment()).isEqualTo("a/model-a");
    ChatResponse second = chat();

    assertThat(second.route().deployment()).isEqualTo("b/model-b");
    assertThat(second.route().fallbacks()).isEqualTo(1);
    assertThat(second.route().attempts()).isEqualTo(1); // the skip was no attempt
    assertThat(a.calls()).isEqualTo(1);
    assertThat(events.events).containsSubsequence("limitDecided a/model-a rejected deployment:requests-per-minute",
        "fallback a/model-a RateLimitedException", "attemptStart b/model-b #1");
    assertThat(events.events).noneMatch(e -> e.startsWith("cooldown")); // local saturation is no upstream 429

    clock.advance(Duration.ofMinutes(1)); // capacity is back: the primary answers again
    assertThat(chat().route().deployment()).isEqualTo("a/model-a");
  }

  @Test
  void everyDeploymentSaturated_429NamingTheLimitsWithTheSoonestRetryAfter() {
    build(deployment("a").limit(Limit.requestsPerMinute(1)).build(),
        deployment("b").limit(Limit.requests(1, Duration.ofSeconds(10))).build());
    chat();
    chat();

    assertThatThrownBy(this::chat).isInstanceOfSatisfying(RateLimitedException.class, e -> {
      assertThat(e.httpStatus()).isEqualTo(429);
      assertThat(e.limit()).isEqualTo("deployment:requests-per-10s");
      assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(10));
      assertThat(e.details().deployment()).isEqualTo("b/model-b");
      assertThat(e.getMessage()).isEqualTo("every deployment of model group 'g' is at its limits: "
          + "a/model-a deployment:requests-per-minute (retry after 60000 ms), "
          + "b/model-b deployment:requests-per-10s (retry after 10000 ms)");
    });
    assertThat(a.calls()).isEqualTo(1);
    assertThat(b.calls()).isEqualTo(1);
  }

  @Test
  void tokenLimit_requestThatDoesNotFit_goesToTheNextDeployment_andSettlesWithTheUsage() {
    build(deployment("a").limit(Limit.tokensPerMinute(1000)).build(), deployment("b").build());

    chat(); // reserves 9 + 100 on a, settled with the 15 the fake reports
    ChatResponse big = switchboard.chatBlocking(request().toBuilder().maxTokens(991).build()); // 1000 > 985 left

    assertThat(big.route().deployment()).isEqualTo("b/model-b");
    assertThat(events.events).contains("limitsSettled a/model-a reserved=109 used=15",
        "limitDecided a/model-a rejected deployment:tokens-per-minute");
    assertThat(switchboard.chatBlocking(request().toBuilder().maxTokens(976).build()).route().deployment())
        .isEqualTo("a/model-a"); // 985 fits exactly
  }

  @Test
  void failedAttempt_givesBackItsTokensButKeepsTheRequestCounted() {
    build(deployment("a").limit(Limit.requestsPerMinute(2)).limit(Limit.tokensPerMinute(1000)).build(),
        deployment("b").build());
    a.thenFail(new UpstreamException("a returned 500", ErrorDetails.builder().upstreamStatus(500).build()));

    ChatResponse retried = chat(); // attempt 1 fails, the retry on a answers: two requests on a

    assertThat(retried.route().deployment()).isEqualTo("a/model-a");
    assertThat(events.events).containsSubsequence("limitsSettled a/model-a reserved=109 used=0",
        "retry a/model-a #2", "limitsSettled a/model-a reserved=109 used=15");
    assertThat(chat().route().deployment()).isEqualTo("b/model-b"); // both of a's requests were used
  }

  @Test
  void concurrencyLimit_busyDeploymentIsSkipped_andFreedWhenTheCallEnds() {
    build(deployment("a").limit(Limit.concurrentRequests(1)).build(), deployment("b").build());
    a.thenHang();

    CompletableFuture<ChatResponse> hanging = switchboard.chat(request());
    assertThat(chat().route().deployment()).isEqualTo("b/model-b");

    hanging.cancel(true);
    assertThat(chat().route().deployment()).isEqualTo("a/model-a");
  }

  @Test
  void stream_saturatedDeploymentIsSkipped_andTheStreamSettlesItsTokens() throws Exception {
    build(deployment("a").limit(Limit.requestsPerMinute(1)).limit(Limit.tokensPerMinute(10_000)).build(),
        deployment("b").build());
    TestPublisher<ChatChunk> first = new TestPublisher<>();
    TestPublisher<ChatChunk> second = new TestPublisher<>();
    a.thenStream(first);
    b.thenStream(second);

    Probe p1 = new Probe();
    switchboard.stream(request()).subscribe(p1);
    p1.request(10);
    first.emit(FakeProvider.chunk("hi"));
    first.emit(FakeProvider.chunk("").toBuilder().choices(List.of()).usage(Usage.of(9, 1)).build());
    first.complete();
    Probe p2 = new Probe();
    switchboard.stream(request()).subscribe(p2);
    p2.request(10);
    second.emit(FakeProvider.chunk("there"));
    second.complete();

    assertThat(p1.error()).isNull();
    assertThat(p2.error()).isNull();
    assertThat(p2.items.get(0).route().deployment()).isEqualTo("b/model-b");
    assertThat(a.calls()).isEqualTo(1);
    assertThat(events.events).contains("limitsSettled a/model-a reserved=109 used=10");
  }

  @Test
  void leastBusyStrategy_saturatedFirstChoice_skippedInTheStrategysOrder() {
    build(deployment("a").limit(Limit.requestsPerMinute(1)).build(), deployment("b").build(), RoutingStrategy.leastBusy());

    chat();
    chat();

    assertThat(a.calls()).isEqualTo(1);
    assertThat(b.calls()).isEqualTo(1);
  }

  @Test
  void embeddings_areCountedAgainstDeploymentLimitsToo() {
    build(deployment("a").limit(Limit.requestsPerMinute(1)).build(), deployment("b").build());
    EmbeddingRequest request = EmbeddingRequest.builder().model("g").input(List.of("hello world")).build();

    assertThat(switchboard.embed(request).join().route().deployment()).isEqualTo("a/model-a");
    assertThat(switchboard.embed(request).join().route().deployment()).isEqualTo("b/model-b");
  }

  @Test
  void deployment_twoLimitsWithOneName_isAConfigurationError() {
    assertThatThrownBy(() -> deployment("a").limit(Limit.requestsPerMinute(1)).limit(Limit.requestsPerMinute(2)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("deployment 'a/model-a' has two limits named 'requests-per-minute'");
  }

  @Test
  void noLimitsAnywhere_noLimitEvents() {
    build(deployment("a").build(), deployment("b").build());

    chat();

    assertThat(events.events).noneMatch(e -> e.startsWith("limit"));
  }
}

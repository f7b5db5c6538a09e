package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.error.AuthenticationException;
import dev.switchboard.core.error.CircuitOpenException;
import dev.switchboard.core.error.ContentPolicyException;
import dev.switchboard.core.error.ContextWindowExceededException;
import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.InvalidRequestException;
import dev.switchboard.core.error.ModelNotFoundException;
import dev.switchboard.core.error.RateLimitedException;
import dev.switchboard.core.error.UpstreamException;
import dev.switchboard.core.error.UpstreamTimeoutException;
import dev.switchboard.core.error.UpstreamUnavailableException;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Tool;
import dev.switchboard.core.routing.Deployment;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.routing.RoutingStrategy;
import dev.switchboard.core.testing.FakeProvider;
import dev.switchboard.core.testing.ManualClock;
import dev.switchboard.core.testing.RecordingListener;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SwitchboardChatTest {

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

  private Switchboard.Builder builder() {
    return Switchboard.builder()
        .provider("a", a)
        .provider("b", b)
        .clock(clock)
        .listener(events)
        .retryPolicy(RetryPolicy.custom().maxRetries(2).initialBackoff(Duration.ZERO).maxBackoff(Duration.ZERO)
            .jitter(0).build())
        .modelGroup(ModelGroup.builder("g").deployment("a", "model-a").deployment("b", "model-b").build());
  }

  private static ChatRequest request(String model) {
    return ChatRequest.builder().model(model).addMessage(Message.user("hi")).build();
  }

  private ChatResponse chat() {
    return switchboard.chatBlocking(request("g"));
  }

  private static UpstreamException serverError() {
    return new UpstreamException("a returned 500", ErrorDetails.builder().upstreamStatus(500).build());
  }

  @Test
  void chat_primaryAnswers_routesToPrimaryWithUpstreamModelAndRoute() {
    switchboard = builder().build();

    ChatResponse response = chat();

    assertThat(response.text()).isEqualTo("a says hi");
    assertThat(a.requests()).singleElement().extracting(ChatRequest::model).isEqualTo("model-a");
    assertThat(b.calls()).isZero();
    assertThat(response.route().provider()).isEqualTo("a");
    assertThat(response.route().deployment()).isEqualTo("a/model-a");
    assertThat(response.route().upstreamModel()).isEqualTo("model-a");
    assertThat(response.route().attempts()).isEqualTo(1);
    assertThat(response.route().fallbacks()).isZero();
    assertThat(events.events).containsExactly("requestStart g", "attemptStart a/model-a #1",
        "attemptEnd a/model-a #1 ok", "requestEnd g ok");
  }

  @Test
  void chat_primaryReturns429_fallsBackToSecondaryAtOnceAndCoolsPrimaryDown() {
    switchboard = builder().build();
    a.thenFail(new RateLimitedException("slow down", ErrorDetails.builder().retryAfter(Duration.ofSeconds(7)).build()));

    ChatResponse response = chat();

    assertThat(response.text()).isEqualTo("b says hi");
    assertThat(a.calls()).isEqualTo(1);
    assertThat(response.route().fallbacks()).isEqualTo(1);
    assertThat(events.events).contains("cooldown a/model-a 7000ms", "fallback a/model-a RateLimitedException");

    // While cooling down, the primary is skipped without a call.
    chat();
    assertThat(a.calls()).isEqualTo(1);
    assertThat(b.calls()).isEqualTo(2);

    // Once the cooldown passed, the primary is used again.
    clock.advance(Duration.ofSeconds(7));
    assertThat(chat().text()).isEqualTo("a says hi");
  }

  @Test
  void chat_429WithoutRetryAfter_coolsDownForConfiguredDefault() {
    switchboard = builder().rateLimitCooldown(Duration.ofSeconds(3)).build();
    a.thenFail(new RateLimitedException("slow down", ErrorDetails.none()));

    chat();

    assertThat(events.events).contains("cooldown a/model-a 3000ms");
  }

  @Test
  void chat_everyDeploymentCoolingDown_failsWith429NamingTheWaitWithoutUpstreamCall() {
    switchboard = builder().build();
    a.thenFail(new RateLimitedException("a busy", ErrorDetails.builder().retryAfter(Duration.ofSeconds(10)).build()));
    b.thenFail(new RateLimitedException("b busy", ErrorDetails.builder().retryAfter(Duration.ofSeconds(90)).build()));
    assertThatThrownBy(this::chat).isInstanceOf(RateLimitedException.class); // b's 90 s exceeds maxRetryAfter

    assertThatThrownBy(this::chat)
        .isInstanceOf(RateLimitedException.class)
        .hasMessageContaining("no deployment of model group 'g' is available")
        .satisfies(e -> assertThat(((RateLimitedException) e).retryAfter()).isEqualTo(Duration.ofSeconds(10)));
    assertThat(a.calls() + b.calls()).isEqualTo(2);
  }

  @Test
  void chat_lastDeploymentReturns429WithShortRetryAfter_retriesItAfterThatDelay() {
    switchboard = builder()
        .modelGroup(ModelGroup.builder("solo").deployment("a", "model-a").build()).build();
    a.thenFail(new RateLimitedException("busy", ErrorDetails.builder().retryAfter(Duration.ofMillis(20)).build()));

    ChatResponse response = switchboard.chatBlocking(request("solo"));

    assertThat(response.text()).isEqualTo("a says hi");
    assertThat(a.calls()).isEqualTo(2);
    assertThat(events.retryDelays).containsExactly(Duration.ofMillis(20));
  }

  @Test
  void chat_primaryReturns500_retriesUpToTheLimitThenFallsBack() {
    switchboard = builder().build();
    a.thenFail(serverError()).thenFail(serverError()).thenFail(serverError());

    ChatResponse response = chat();

    assertThat(a.calls()).isEqualTo(3); // first attempt + maxRetries 2
    assertThat(a.contexts()).extracting(c -> c.attempt()).containsExactly(1, 2, 3);
    assertThat(response.text()).isEqualTo("b says hi");
    assertThat(response.route().attempts()).isEqualTo(4);
    assertThat(response.route().fallbacks()).isEqualTo(1);
    assertThat(events.events).containsSubsequence("retry a/model-a #2", "retry a/model-a #3",
        "fallback a/model-a UpstreamException", "attemptEnd b/model-b #1 ok");
  }

  @Test
  void chat_primaryFailsOnceThenRecovers_retrySucceedsOnPrimary() {
    switchboard = builder().build();
    a.thenFail(serverError());

    assertThat(chat().text()).isEqualTo("a says hi");
    assertThat(b.calls()).isZero();
  }

  @Test
  void chat_everyDeploymentFails_failsWithLastTypedError() {
    switchboard = builder().retryPolicy(RetryPolicy.none()).build();
    a.thenFail(serverError());
    b.thenFail(new UpstreamUnavailableException("b returned 503", ErrorDetails.builder().provider("b").build()));

    assertThatThrownBy(this::chat).isInstanceOf(UpstreamUnavailableException.class).hasMessage("b returned 503");
  }

  @Test
  void chat_backoffGrowsExponentiallyAndHonoursLongerRetryAfter() {
    switchboard = builder().retryPolicy(RetryPolicy.custom().maxRetries(3).initialBackoff(Duration.ofMillis(1))
        .maxBackoff(Duration.ofMillis(3)).jitter(0).build()).build();
    a.thenFail(serverError()).thenFail(serverError())
        .thenFail(new UpstreamUnavailableException("503", ErrorDetails.builder().retryAfter(Duration.ofMillis(30)).build()));

    chat();

    assertThat(events.retryDelays).containsExactly(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(30));
  }

  @Test
  void chat_retryAfterLongerThanMaximum_doesNotWaitButFallsBack() {
    switchboard = builder().build();
    a.thenFail(new UpstreamUnavailableException("503", ErrorDetails.builder().retryAfter(Duration.ofMinutes(5)).build()));

    assertThat(chat().text()).isEqualTo("b says hi");
    assertThat(a.calls()).isEqualTo(1);
    assertThat(events.retryDelays).isEmpty();
  }

  @Test
  void chat_nonRetryableError_failsAtOnceWithoutFallback() {
    switchboard = builder().build();
    a.thenFail(new AuthenticationException("a returned 401: bad key", ErrorDetails.builder().provider("a").build()));

    assertThatThrownBy(this::chat).isInstanceOf(AuthenticationException.class);
    assertThat(a.calls()).isEqualTo(1);
    assertThat(b.calls()).isZero();
  }

  @Test
  void chat_contextWindowExceeded_movesToConfiguredGroupOnce() {
    FakeProvider big = new FakeProvider("big");
    switchboard = Switchboard.builder().provider("a", a).provider("big", big).listener(events)
        .modelGroup(ModelGroup.builder("small").deployment("a", "small-model").contextWindowFallback("large").build())
        .modelGroup(ModelGroup.builder("large").deployment("big", "large-model").build())
        .build();
    a.thenFail(new ContextWindowExceededException("too long", ErrorDetails.none()));

    ChatResponse response = switchboard.chatBlocking(request("small"));

    assertThat(response.text()).isEqualTo("big says hi");
    assertThat(big.requests()).singleElement().extracting(ChatRequest::model).isEqualTo("large-model");
    assertThat(events.events).contains("groupFallback small->large");
  }

  @Test
  void chat_contentPolicyWithoutFallbackGroup_failsWithoutTryingOtherDeployments() {
    switchboard = builder().build();
    a.thenFail(new ContentPolicyException("refused", ErrorDetails.none()));

    assertThatThrownBy(this::chat).isInstanceOf(ContentPolicyException.class)
        .satisfies(e -> assertThat(((ContentPolicyException) e).code()).isEqualTo("content_policy_violation"));
    assertThat(b.calls()).isZero();
  }

  @Test
  void chat_contentPolicyWithFallbackGroup_movesThere() {
    FakeProvider lenient = new FakeProvider("lenient");
    switchboard = Switchboard.builder().provider("a", a).provider("lenient", lenient)
        .modelGroup(ModelGroup.builder("strict").deployment("a", "m").contentPolicyFallback("open").build())
        .modelGroup(ModelGroup.builder("open").deployment("lenient", "m2").build())
        .build();
    a.thenFail(new ContentPolicyException("refused", ErrorDetails.none()));

    assertThat(switchboard.chatBlocking(request("strict")).text()).isEqualTo("lenient says hi");
  }

  @Test
  void chat_circuitOpensAfterFailuresAndHalfOpensAfterWait() {
    switchboard = builder()
        .retryPolicy(RetryPolicy.none())
        .circuitBreakerPolicy(CircuitBreakerPolicy.custom().slidingWindowSize(4).minimumNumberOfCalls(4)
            .failureRateThreshold(50).waitDurationInOpenState(Duration.ofSeconds(30))
            .permittedCallsInHalfOpenState(1).build())
        .build();
    for (int i = 0; i < 4; i++) {
      a.thenFail(serverError());
    }
    for (int i = 0; i < 4; i++) {
      assertThat(chat().text()).isEqualTo("b says hi");
    }
    assertThat(events.events).contains("circuit a/model-a CLOSED->OPEN");

    // Open: a is not called at all.
    chat();
    assertThat(a.calls()).isEqualTo(4);

    // After the wait, one trial call goes through; it succeeds and closes the breaker.
    clock.advance(Duration.ofSeconds(30));
    chat();
    assertThat(a.calls()).as("not before the wait has fully passed").isEqualTo(4);
    clock.advance(Duration.ofMillis(1));
    assertThat(chat().text()).isEqualTo("a says hi");
    assertThat(events.events).containsSubsequence("circuit a/model-a OPEN->HALF_OPEN",
        "circuit a/model-a HALF_OPEN->CLOSED");
  }

  @Test
  void chat_clientErrorsDoNotOpenTheCircuit() {
    switchboard = builder()
        .circuitBreakerPolicy(CircuitBreakerPolicy.custom().slidingWindowSize(2).minimumNumberOfCalls(2).build())
        .build();
    for (int i = 0; i < 3; i++) {
      a.thenFail(new InvalidRequestException("bad", ErrorDetails.none()));
      assertThatThrownBy(this::chat).isInstanceOf(InvalidRequestException.class);
    }
    assertThat(chat().text()).isEqualTo("a says hi");
    assertThat(events.events).noneMatch(e -> e.startsWith("circuit"));
  }

  @Test
  void chat_singleDeploymentCircuitOpen_failsWithCircuitOpenNamingTheBreaker() {
    switchboard = Switchboard.builder().provider("a", a).clock(clock).retryPolicy(RetryPolicy.none())
        .circuitBreakerPolicy(CircuitBreakerPolicy.custom().slidingWindowSize(2).minimumNumberOfCalls(2).build())
        .modelGroup(ModelGroup.builder("solo").deployment("a", "m").build())
        .build();
    a.thenFail(serverError()).thenFail(serverError());
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> switchboard.chatBlocking(request("solo"))).isInstanceOf(UpstreamException.class);
    }

    assertThatThrownBy(() -> switchboard.chatBlocking(request("solo")))
        .isInstanceOfSatisfying(CircuitOpenException.class, e -> {
          assertThat(e.breaker()).isEqualTo("a/m");
          assertThat(e.httpStatus()).isEqualTo(503);
        });
    assertThat(a.calls()).isEqualTo(2);
  }

  @Test
  void chat_attemptExceedsTotalTimeout_cancelsItAndFallsBack() throws Exception {
    switchboard = builder().retryPolicy(RetryPolicy.none())
        .timeouts(Timeouts.of(Duration.ofSeconds(5), Duration.ofMillis(100))).build();
    a.thenHang();

    ChatResponse response = switchboard.chat(request("g")).get(10, TimeUnit.SECONDS);

    assertThat(response.text()).isEqualTo("b says hi");
    assertThat(a.futures().get(0)).isCancelled();
    assertThat(events.events).contains("fallback a/model-a UpstreamTimeoutException");
  }

  @Test
  void chat_onlyDeploymentTimesOut_failsWithTimeoutPhaseTotal() {
    switchboard = Switchboard.builder().provider("a", a).retryPolicy(RetryPolicy.none())
        .timeouts(Timeouts.of(Duration.ofSeconds(5), Duration.ofMillis(50)))
        .modelGroup(ModelGroup.builder("solo").deployment("a", "m").build()).build();
    a.thenHang();

    assertThatThrownBy(() -> switchboard.chatBlocking(request("solo")))
        .isInstanceOfSatisfying(UpstreamTimeoutException.class, e -> {
          assertThat(e.phase()).isEqualTo(UpstreamTimeoutException.Phase.TOTAL);
          assertThat(e.httpStatus()).isEqualTo(504);
          assertThat(e.details().deployment()).isEqualTo("a/m");
        });
  }

  @Test
  void chat_callerCancels_cancelsTheUpstreamCallAndMakesNoOther() {
    switchboard = builder().build();
    a.thenHang();

    CompletableFuture<ChatResponse> call = switchboard.chat(request("g"));
    call.cancel(true);

    assertThat(a.futures().get(0)).isCancelled();
    assertThat(b.calls()).isZero();
    assertThat(events.events).contains("attemptEnd a/model-a #1 CancellationException");
  }

  @Test
  void chat_unknownModelGroup_failsWith404AndMakesNoUpstreamCall() {
    switchboard = builder().build();

    assertThatThrownBy(() -> switchboard.chatBlocking(request("nope")))
        .isInstanceOfSatisfying(ModelNotFoundException.class, e -> {
          assertThat(e.httpStatus()).isEqualTo(404);
          assertThat(e.code()).isEqualTo("model_not_found");
          assertThat(e.param()).isEqualTo("model");
        });
    assertThat(a.calls() + b.calls()).isZero();
    assertThat(events.events).contains("requestStart unknown"); // never the caller's string as a tag
  }

  @Test
  void chat_invalidRequests_failWithTypedErrorNamingParamAndMakeNoUpstreamCall() {
    switchboard = builder().build();
    Map<String, ChatRequest> cases = Map.of(
        "messages", ChatRequest.builder().model("g").build(),
        "max_tokens", request("g").toBuilder().maxTokens(-1).build(),
        "messages[1].tool_call_id", ChatRequest.builder().model("g").addMessage(Message.user("hi"))
            .addMessage(Message.builder().role("tool").content("42").build()).build(),
        "temperature", request("g").toBuilder().temperature(3.0).build(),
        "tools[0].function.name", request("g").toBuilder().addTool(Tool.function("bad name!", null, null)).build(),
        "model", request("g").toBuilder().model(" ").build());

    cases.forEach((param, bad) -> assertThatThrownBy(() -> switchboard.chatBlocking(bad))
        .as(param)
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
          assertThat(e.param()).isEqualTo(param);
          assertThat(e.httpStatus()).isEqualTo(400);
          assertThat(e.type()).isEqualTo("invalid_request_error");
        }));
    assertThat(a.calls() + b.calls()).isZero();
  }

  @Test
  void chat_requestIdFromOptions_reachesProviderAndHeadersToo() {
    switchboard = builder().build();

    switchboard.chatBlocking(request("g"), RequestOptions.builder().requestId("req-42").header("x-trace", "t1").build());

    assertThat(a.contexts().get(0).requestId()).isEqualTo("req-42");
    assertThat(a.contexts().get(0).headers()).containsEntry("x-trace", "t1");
    assertThat(a.contexts().get(0).deploymentId()).isEqualTo("a/model-a");
  }

  @Test
  void chat_interceptorsRunInOrderAndMayRewriteTheRequest() {
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    switchboard = builder()
        .interceptor(new Interceptor() {
          @Override
          public CompletableFuture<ChatResponse> interceptChat(Chain chain) {
            seen.add("first " + chain.request().model());
            return chain.proceed(chain.request().toBuilder().temperature(0.0).build());
          }
        })
        .interceptor(new Interceptor() {
          @Override
          public CompletableFuture<ChatResponse> interceptChat(Chain chain) {
            seen.add("second " + chain.request().temperature());
            return chain.proceed(chain.request());
          }
        })
        .build();

    chat();

    assertThat(seen).containsExactly("first g", "second 0.0");
    assertThat(a.requests().get(0).temperature()).isEqualTo(0.0);
  }

  @Test
  void chat_interceptorAnswersItself_noUpstreamCall() {
    switchboard = builder().interceptor(new Interceptor() {
      @Override
      public CompletableFuture<ChatResponse> interceptChat(Chain chain) {
        return CompletableFuture.completedFuture(FakeProvider.response("g", "from cache"));
      }
    }).build();

    assertThat(chat().text()).isEqualTo("from cache");
    assertThat(a.calls()).isZero();
  }

  @Test
  void chat_interceptorProceedsTwice_secondProceedThrowsNamingTheContract() {
    switchboard = builder().interceptor(new Interceptor() {
      @Override
      public CompletableFuture<ChatResponse> interceptChat(Chain chain) {
        chain.proceed(chain.request());
        return chain.proceed(chain.request());
      }

      @Override
      public String toString() {
        return "DoubleProceed";
      }
    }).build();

    assertThatThrownBy(this::chat).isInstanceOf(IllegalStateException.class)
        .hasMessage("interceptor DoubleProceed must call proceed() exactly once");
  }

  @Test
  void chat_listenerThrows_callStillSucceeds() {
    switchboard = builder().listener(new SwitchboardListener() {
      @Override
      public void attemptStart(String requestId, Deployment deployment, int attempt) {
        throw new IllegalStateException("listener bug");
      }
    }).build();

    assertThat(chat().text()).isEqualTo("a says hi");
  }

  @Test
  void models_listsConfiguredGroupsWithoutUpstreamCall() {
    switchboard = builder().modelGroup(ModelGroup.builder("other").deployment("b", "x").build()).build();

    assertThat(switchboard.models()).extracting(m -> m.id()).containsExactly("g", "other");
    assertThat(a.calls() + b.calls()).isZero();
  }

  @Test
  void embed_routesWithFallbackLikeChat() throws Exception {
    switchboard = builder().build();

    var response = switchboard.embed(dev.switchboard.core.model.EmbeddingRequest.builder().model("g")
        .input(List.of("hello")).build()).get(5, TimeUnit.SECONDS);

    assertThat(response.data()).hasSize(1);
    assertThat(response.route().deployment()).isEqualTo("a/model-a");
  }

  @Test
  void build_deploymentNamesUnknownProvider_failsNamingIt() {
    assertThatThrownBy(() -> Switchboard.builder().provider("a", a)
        .modelGroup(ModelGroup.builder("g").deployment("missing", "m").build()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("deployment 'missing/m' of model group 'g' names provider 'missing', which is not configured; "
            + "configured: [a]");
  }

  @Test
  void build_unknownProviderType_failsNamingKnownTypes() {
    assertThatThrownBy(() -> Switchboard.builder()
        .provider(dev.switchboard.core.spi.ProviderConfig.builder().name("x").type("nonesuch").build())
        .modelGroup(ModelGroup.builder("g").deployment("x", "m").build()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("no provider factory for type 'nonesuch' of provider 'x'");
  }

  @Test
  void build_fallbackGroupMissing_fails() {
    assertThatThrownBy(() -> Switchboard.builder().provider("a", a)
        .modelGroup(ModelGroup.builder("g").deployment("a", "m").contextWindowFallback("bigger").build()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("model group 'g' falls back to model group 'bigger', which is not configured");
  }

  @Test
  void close_doesNotCloseProviderInstancesTheCallerOwns() {
    switchboard = builder().build();
    switchboard.close();
    switchboard = null;

    assertThat(a.isClosed()).isFalse();
  }

  @Test
  void deploymentPriority_ordersFallbackStrategy() {
    switchboard = Switchboard.builder().provider("a", a).provider("b", b)
        .modelGroup(ModelGroup.builder("g").strategy(RoutingStrategy.fallback())
            .deployment(Deployment.builder().provider("a").model("m").priority(5).build())
            .deployment(Deployment.builder().provider("b").model("m").priority(1).build())
            .build())
        .build();

    assertThat(chat().text()).isEqualTo("b says hi");
  }

  @Test
  void leastBusy_deploymentWithCallInFlight_nextCallGoesElsewhere() {
    switchboard = Switchboard.builder().provider("a", a).provider("b", b)
        .modelGroup(ModelGroup.builder("g").strategy(RoutingStrategy.leastBusy())
            .deployment("a", "m").deployment("b", "m").build())
        .build();
    a.thenHang();
    CompletableFuture<ChatResponse> held = switchboard.chat(request("g"));

    assertThat(chat().text()).isEqualTo("b says hi");
    held.cancel(true);
  }

  @Test
  void leastLatency_learnsFromMeasuredLatencyOnTheInjectedClock() {
    switchboard = Switchboard.builder().provider("a", a).provider("b", b).clock(clock)
        .modelGroup(ModelGroup.builder("g").strategy(RoutingStrategy.leastLatency())
            .deployment("a", "m").deployment("b", "m").build())
        .build();
    a.thenChat((r, c) -> {
      clock.advance(Duration.ofMillis(800));
      return CompletableFuture.completedFuture(FakeProvider.response("m", "slow a"));
    });
    b.thenChat((r, c) -> {
      clock.advance(Duration.ofMillis(50));
      return CompletableFuture.completedFuture(FakeProvider.response("m", "fast b"));
    });
    // Unmeasured deployments go first, so the first two calls measure a then b.
    assertThat(chat().text()).isEqualTo("slow a");
    assertThat(chat().text()).isEqualTo("fast b");

    assertThat(chat().text()).isEqualTo("b says hi");
    assertThat(chat().text()).isEqualTo("b says hi");
  }

  @Test
  void chat_answerArrivesOnAnotherThread_callerSeesItOnlyAfterRequestEndRan() throws Exception {
    java.util.concurrent.CountDownLatch inRequestEnd = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    CompletableFuture<ChatResponse> upstream = new CompletableFuture<>();
    a.thenChat((r, c) -> upstream);
    switchboard = builder().listener(new SwitchboardListener() {
      @Override
      public void requestEnd(String requestId, String modelGroup, boolean stream, Duration latency,
          dev.switchboard.core.model.RouteInfo route, dev.switchboard.core.model.Usage usage, Throwable error) {
        inRequestEnd.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }).build();
    CompletableFuture<ChatResponse> call = switchboard.chat(request("g"));

    Thread answerer = new Thread(() -> upstream.complete(FakeProvider.response("model-a", "late")));
    answerer.start();
    assertThat(inRequestEnd.await(10, TimeUnit.SECONDS)).isTrue();

    assertThat(call).as("metrics and usage are recorded before the caller sees the answer").isNotDone();
    release.countDown();
    assertThat(call.get(10, TimeUnit.SECONDS).text()).isEqualTo("late");
    answerer.join();
  }
}

package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.SwitchboardStreamTest.Probe;
import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.InvalidRequestException;
import dev.switchboard.core.error.RateLimitedException;
import dev.switchboard.core.error.UpstreamUnavailableException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.ratelimit.Limit;
import dev.switchboard.core.ratelimit.LimitCheck;
import dev.switchboard.core.ratelimit.LimitDecision;
import dev.switchboard.core.ratelimit.LimitDimension;
import dev.switchboard.core.ratelimit.LimitState;
import dev.switchboard.core.ratelimit.Limits;
import dev.switchboard.core.ratelimit.RateLimitStatus;
import dev.switchboard.core.ratelimit.RateLimiter;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.testing.FakeProvider;
import dev.switchboard.core.testing.ManualClock;
import dev.switchboard.core.testing.RecordingListener;
import dev.switchboard.core.testing.TestPublisher;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The caller's limits through the whole engine: tiers, dimensions, refusals, reservations, streams. */
class SwitchboardRateLimitTest {

  private final FakeProvider a = new FakeProvider("a");
  private final ManualClock clock = new ManualClock();
  private final RecordingListener events = new RecordingListener();
  private Switchboard switchboard;

  @AfterEach
  void close() {
    if (switchboard != null) {
      switchboard.close();
    }
  }

  private Switchboard build(Limits limits) {
    switchboard = Switchboard.builder().provider("a", a).clock(clock).listener(events)
        .retryPolicy(RetryPolicy.none()).limits(limits)
        .modelGroup(ModelGroup.builder("g").deployment("a", "model-a").build())
        .modelGroup(ModelGroup.builder("h").deployment("a", "model-h").build())
        .build();
    return switchboard;
  }

  private static ChatRequest request() {
    return ChatRequest.builder().model("g").addMessage(Message.user("hello world")).build();
  }

  private static RequestOptions as(Caller caller) {
    return RequestOptions.builder().caller(caller).build();
  }

  private static Caller key(String id) {
    return Caller.builder().keyId(id).build();
  }

  /** How many of {@code n} calls the limits admit; the refused ones must fail with a 429. */
  private int admitted(int n, ChatRequest request, RequestOptions options) {
    int admitted = 0;
    for (int i = 0; i < n; i++) {
      try {
        switchboard.chatBlocking(request, options);
        admitted++;
      } catch (RateLimitedException e) {
        assertThat(e.limit()).isNotNull();
      }
    }
    return admitted;
  }

  private static CompletableFuture<ChatResponse> answer(int promptTokens, int completionTokens) {
    return CompletableFuture.completedFuture(FakeProvider.response("model-a", "ok").toBuilder()
        .usage(Usage.of(promptTokens, completionTokens)).build());
  }

  // ---- tiers and defaults

  @Test
  void defaults_anonymousByIp_admitsTheBurstOfTwoThenRefusesBeforeAnyUpstreamCall() {
    build(Limits.ofDefaults());
    RequestOptions anonymous = as(Caller.builder().clientIp("203.0.113.7").build());

    assertThat(admitted(2, request(), anonymous)).isEqualTo(2);
    assertThatThrownBy(() -> switchboard.chatBlocking(request(), anonymous))
        .isInstanceOfSatisfying(RateLimitedException.class, e -> {
          assertThat(e.limit()).isEqualTo("ip:requests-per-minute");
          assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(5)); // 2 per 10 s: one back every 5 s
          assertThat(e.httpStatus()).isEqualTo(429);
          assertThat(e.code()).isEqualTo("rate_limit_exceeded");
          assertThat(e.details().model()).isEqualTo("g");
          assertThat(e.getMessage()).isEqualTo("rate limit 'ip:requests-per-minute' exceeded "
              + "(5 requests per 1m, at most 2 per 10s): retry after 5000 ms").doesNotContain("203.0.113.7");
        });
    assertThat(a.calls()).isEqualTo(2);
    assertThat(events.events).containsSubsequence("requestStart g", "limitDecided caller rejected ip:requests-per-minute",
        "requestEnd g RateLimitedException");

    // 5 a minute in the long run: after the burst, one call every 12 s.
    clock.advance(Duration.ofSeconds(5));
    assertThat(admitted(3, request(), anonymous)).isEqualTo(1);
    clock.advance(Duration.ofSeconds(60));
    assertThat(admitted(10, request(), anonymous)).isEqualTo(2);
  }

  @Test
  void defaults_apiKeyTier_admitsThirtyFourAtOnce_authenticatedSeven() {
    build(Limits.ofDefaults());

    assertThat(admitted(50, request(), as(key("key_a")))).isEqualTo(34);
    assertThat(admitted(50, request(), as(Caller.builder().user("alice").build()))).isEqualTo(7);
    assertThat(admitted(50, request(), as(key("key_b")))).isEqualTo(34); // another key has its own allowance
    assertThat(a.calls()).isEqualTo(75);
  }

  @Test
  void defaults_callerWithNothing_sharesOneAnonymousAllowance() {
    build(Limits.ofDefaults());

    assertThat(admitted(5, request(), RequestOptions.defaults())).isEqualTo(2);
    assertThatThrownBy(() -> switchboard.chatBlocking(request()))
        .isInstanceOfSatisfying(RateLimitedException.class, e -> assertThat(e.limit()).isEqualTo("ip:requests-per-minute"));
  }

  @Test
  void tier_namedByTheCaller_appliesItsLimits_unknownTierFallsBackToTheImplicitOne() {
    build(Limits.ofDefaults().toBuilder().tier("gold", Limit.requestsPerMinute(3)).build());

    assertThat(admitted(10, request(), as(key("key_gold").toBuilder().tier("gold").build()))).isEqualTo(3);
    assertThat(admitted(50, request(), as(key("key_typo").toBuilder().tier("goold").build()))).isEqualTo(34);
  }

  @Test
  void override_forOneKey_replacesItsTier_othersKeepTheTier() {
    build(Limits.ofDefaults().toBuilder().override(LimitDimension.KEY, "key_vip", Limit.requestsPerMinute(300)).build());

    assertThat(admitted(400, request(), as(key("key_vip")))).isEqualTo(300);
    assertThat(admitted(50, request(), as(key("key_plain")))).isEqualTo(34);
  }

  @Test
  void override_withNoLimits_exemptsTheValue() {
    build(Limits.ofDefaults().toBuilder().override(LimitDimension.KEY, "key_internal").build());

    assertThat(admitted(200, request(), as(key("key_internal")))).isEqualTo(200);
  }

  // ---- the caller's own limits (a virtual key's)

  @Test
  void callerLimits_stricterThanTheTier_refuseForThatKeyOnly_withTheOwnLimitInTheStatus() {
    build(Limits.builder().tier("gold", Limit.requestsPerMinute(100), Limit.tokensPerMinute(100_000)).build());
    Caller strict = key("key_strict").toBuilder().tier("gold").limits(List.of(Limit.requestsPerMinute(2))).build();
    List<RateLimitStatus> seen = new CopyOnWriteArrayList<>();
    RequestOptions options = RequestOptions.builder().caller(strict).onRateLimitStatus(seen::add).build();

    assertThat(admitted(2, request(), options)).isEqualTo(2);
    assertThatThrownBy(() -> switchboard.chatBlocking(request(), options))
        .isInstanceOfSatisfying(RateLimitedException.class, e -> {
          assertThat(e.limit()).isEqualTo("key:requests-per-minute");
          assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(30));
          assertThat(e.getMessage()).startsWith("rate limit 'key:requests-per-minute' exceeded (2 requests per 1m)")
              .doesNotContain("key_strict");
        });
    assertThat(seen).hasSize(3);
    assertThat(seen.get(2).openAiHeaders()).containsEntry("x-ratelimit-limit-requests", "2")
        .containsEntry("x-ratelimit-remaining-requests", "0")
        .containsEntry("x-ratelimit-limit-tokens", "100000"); // the tier's token limit still applies
    assertThat(admitted(50, request(), as(key("key_plain").toBuilder().tier("gold").build()))).isEqualTo(50);
    assertThat(a.calls()).isEqualTo(52);
  }

  @Test
  void callerLimits_looserThanTheTier_admitMoreThanTheTier() {
    build(Limits.builder().tier("gold", Limit.requestsPerMinute(3)).build());
    Caller loose = key("key_loose").toBuilder().tier("gold").limits(List.of(Limit.requestsPerMinute(10))).build();

    assertThat(admitted(20, request(), as(loose))).isEqualTo(10);
    assertThat(admitted(20, request(), as(key("key_plain").toBuilder().tier("gold").build()))).isEqualTo(3);
  }

  @Test
  void callerLimits_withoutConfiguredLimits_applyToCallsAndStreams() throws Exception {
    build(Limits.none());
    Caller limited = key("key_a").toBuilder().limits(List.of(Limit.requestsPerMinute(1))).build();
    TestPublisher<ChatChunk> upstream = new TestPublisher<>();
    a.thenStream(upstream);

    switchboard.chatBlocking(request(), as(limited));
    assertThatThrownBy(() -> switchboard.chatBlocking(request(), as(limited))).isInstanceOfSatisfying(
        RateLimitedException.class, e -> assertThat(e.limit()).isEqualTo("key:requests-per-minute"));
    Probe refused = stream(as(limited));
    assertThat(refused.error()).isInstanceOfSatisfying(RateLimitedException.class,
        e -> assertThat(e.limit()).isEqualTo("key:requests-per-minute"));
    assertThat(admitted(5, request(), as(key("key_b")))).isEqualTo(5);
    assertThat(a.calls()).isEqualTo(6);
  }

  // ---- dimensions

  @Test
  void eachUser_countsPerUser_fromTheCallerOrElseTheRequest() {
    build(Limits.builder().each(LimitDimension.USER, Limit.requestsPerMinute(2).named("user-rpm")).build());
    ChatRequest fromRequest = request().toBuilder().user("bob").build();

    assertThat(admitted(5, request(), as(key("k").toBuilder().user("alice").build()))).isEqualTo(2);
    assertThat(admitted(5, fromRequest, as(key("k")))).isEqualTo(2);
    assertThat(admitted(5, request(), as(key("k")))).isEqualTo(5); // no user: no user limit
  }

  @Test
  void eachTeam_countsAcrossTheTeamsKeys_andATeamOverrideReplacesIt() {
    build(Limits.builder().each(LimitDimension.TEAM, Limit.requestsPerMinute(3))
        .override(LimitDimension.TEAM, "research", Limit.requestsPerMinute(5)).build());

    assertThat(admitted(2, request(), as(Caller.builder().keyId("k1").team("sales").build()))).isEqualTo(2);
    assertThatThrownBy(() -> {
      admitted(1, request(), as(Caller.builder().keyId("k2").team("sales").build()));
      switchboard.chatBlocking(request(), as(Caller.builder().keyId("k3").team("sales").build()));
    }).isInstanceOfSatisfying(RateLimitedException.class, e -> assertThat(e.limit()).isEqualTo("team:requests-per-minute"));
    assertThat(admitted(10, request(), as(Caller.builder().keyId("k4").team("research").build()))).isEqualTo(5);
  }

  @Test
  void eachClientIp_appliesAlsoToCallersWithAKey() {
    build(Limits.builder().each(LimitDimension.CLIENT_IP, Limit.requestsPerMinute(4)).build());

    assertThat(admitted(3, request(), as(Caller.builder().keyId("k1").clientIp("198.51.100.1").build()))).isEqualTo(3);
    assertThat(admitted(3, request(), as(Caller.builder().keyId("k2").clientIp("198.51.100.1").build()))).isEqualTo(1);
    assertThat(admitted(3, request(), as(Caller.builder().keyId("k2").clientIp("198.51.100.2").build()))).isEqualTo(3);
  }

  @Test
  void eachModelGroup_countsAcrossAllCallers_perGroup() {
    build(Limits.builder().each(LimitDimension.MODEL_GROUP, Limit.requestsPerMinute(2)).build());
    ChatRequest toH = request().toBuilder().model("h").build();

    assertThat(admitted(2, request(), as(key("k1")))).isEqualTo(2);
    assertThat(admitted(2, request(), as(key("k2")))).isZero();
    assertThat(admitted(3, toH, as(key("k2")))).isEqualTo(2);
  }

  // ---- status for the gateway's headers

  @Test
  void status_isDeliveredOnceBeforeTheAnswer_admittedAndRefused() {
    build(Limits.builder().tier(Limits.TIER_API_KEY, Limit.requestsPerMinute(2), Limit.tokensPerMinute(100_000)).build());
    List<RateLimitStatus> seen = new CopyOnWriteArrayList<>();
    RequestOptions options = RequestOptions.builder().caller(key("k")).onRateLimitStatus(seen::add).build();
    ChatRequest request = request().toBuilder().maxTokens(100).build();

    switchboard.chatBlocking(request, options);

    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).openAiHeaders()).containsEntry("x-ratelimit-limit-requests", "2")
        .containsEntry("x-ratelimit-remaining-requests", "1")
        .containsEntry("x-ratelimit-reset-requests", "30s")
        .containsEntry("x-ratelimit-limit-tokens", "100000")
        .containsEntry("x-ratelimit-remaining-tokens", Long.toString(100_000 - 109)) // 9 prompt + 100 max
        .containsEntry("x-ratelimit-reset-tokens", "65ms");

    switchboard.chatBlocking(request, options);
    assertThatThrownBy(() -> switchboard.chatBlocking(request, options)).isInstanceOf(RateLimitedException.class);
    assertThat(seen).hasSize(3);
    assertThat(seen.get(2).requests().remaining()).isZero();
    assertThat(seen.get(2).requests().retryAfter()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void status_handlerThatThrows_doesNotFailTheCall() {
    build(Limits.ofDefaults());
    RequestOptions options = RequestOptions.builder().caller(key("k")).onRateLimitStatus(s -> {
      throw new IllegalStateException("boom");
    }).build();

    assertThat(switchboard.chatBlocking(request(), options).text()).isEqualTo("a says hi");
  }

  @Test
  void noCallerLimits_statusHandlerIsNeverCalled() {
    build(Limits.none());
    List<RateLimitStatus> seen = new ArrayList<>();

    switchboard.chatBlocking(request(), RequestOptions.builder().onRateLimitStatus(seen::add).build());

    assertThat(seen).isEmpty();
  }

  // ---- token reservations

  @Test
  void tokens_overEstimate_isGivenBackWhenTheUsageArrives() {
    build(Limits.builder().tier(Limits.TIER_API_KEY, Limit.tokensPerMinute(1000)).build());
    ChatRequest request = request().toBuilder().maxTokens(600).build(); // reserves 9 + 600
    a.thenChat((r, c) -> answer(9, 41));

    switchboard.chatBlocking(request, as(key("k")));

    assertThat(events.events).containsSubsequence("limitDecided caller admitted", "attemptStart a/model-a #1",
        "limitsSettled caller reserved=609 used=50", "requestEnd g ok");
    // 950 left: a second reservation of 609 fits only because the over-estimate came back
    assertThat(admitted(1, request, as(key("k")))).isEqualTo(1);
  }

  @Test
  void tokens_underEstimate_chargesTheDifferenceAfterwards() {
    build(Limits.builder().tier(Limits.TIER_API_KEY, Limit.tokensPerMinute(1000)).build());
    ChatRequest request = request().toBuilder().maxTokens(91).build(); // reserves 100
    a.thenChat((r, c) -> answer(300, 500)); // the upstream used 800

    switchboard.chatBlocking(request, as(key("k")));

    assertThat(events.events).contains("limitsSettled caller reserved=100 used=800");
    List<RateLimitStatus> seen = new ArrayList<>();
    switchboard.chatBlocking(request, RequestOptions.builder().caller(key("k")).onRateLimitStatus(seen::add).build());
    assertThat(seen.get(0).tokens().remaining()).isEqualTo(100); // 1000 - 800 used - 100 reserved now
  }

  @Test
  void tokens_failedCall_releasesTheWholeReservation() {
    build(Limits.builder().tier(Limits.TIER_API_KEY, Limit.tokensPerMinute(1000)).build());
    ChatRequest request = request().toBuilder().maxTokens(891).build(); // reserves 900
    a.thenFail(new InvalidRequestException("bad", ErrorDetails.none()));

    assertThatThrownBy(() -> switchboard.chatBlocking(request, as(key("k")))).isInstanceOf(InvalidRequestException.class);

    assertThat(events.events).contains("limitsSettled caller reserved=900 used=0");
    assertThat(admitted(1, request, as(key("k")))).isEqualTo(1);
  }

  @Test
  void tokens_requestLargerThanTheLimit_isRefusedWithoutRetryAfter() {
    build(Limits.builder().tier(Limits.TIER_API_KEY, Limit.tokensPerMinute(1000)).build());

    assertThatThrownBy(() -> switchboard.chatBlocking(request().toBuilder().maxTokens(5000).build(), as(key("k"))))
        .isInstanceOfSatisfying(RateLimitedException.class, e -> {
          assertThat(e.limit()).isEqualTo("key:tokens-per-minute");
          assertThat(e.retryAfter()).isNull();
          assertThat(e.getMessage()).endsWith("the request needs 5009 but the limit allows 1000");
        });
    assertThat(a.calls()).isZero();
  }

  @Test
  void tokens_defaultMaxTokens_isReservedWhenTheRequestSetsNone() {
    build(Limits.builder().tier(Limits.TIER_API_KEY, Limit.tokensPerMinute(10_000)).defaultMaxTokens(1000).build());
    a.thenChat((r, c) -> answer(9, 1));

    switchboard.chatBlocking(request(), as(key("k")));

    assertThat(events.events).contains("limitsSettled caller reserved=1009 used=10");
  }

  @Test
  void dailyQuota_exhausted_refusesUntilMidnightUtc() {
    build(Limits.builder().tier(Limits.TIER_API_KEY, Limit.dailyTokens(1000)).build());
    a.thenChat((r, c) -> answer(500, 491)); // 991 used: the next reservation of 10 does not fit
    ChatRequest small = request().toBuilder().maxTokens(1).build();

    switchboard.chatBlocking(small, as(key("k")));

    assertThatThrownBy(() -> switchboard.chatBlocking(small, as(key("k"))))
        .isInstanceOfSatisfying(RateLimitedException.class, e -> {
          assertThat(e.limit()).isEqualTo("key:daily-tokens");
          assertThat(e.retryAfter()).isEqualTo(Duration.ofDays(1)); // the clock stands at midnight
        });
    clock.advance(Duration.ofDays(1));
    assertThat(admitted(1, small, as(key("k")))).isEqualTo(1);
  }

  // ---- concurrency

  @Test
  void concurrency_slotIsReleasedOnSuccessFailureAndCancel() {
    build(Limits.builder().tier(Limits.TIER_API_KEY, Limit.concurrentRequests(1)).build());
    RequestOptions options = as(key("k"));

    a.thenHang();
    CompletableFuture<ChatResponse> hanging = switchboard.chat(request(), options);
    assertThatThrownBy(() -> switchboard.chatBlocking(request(), options))
        .isInstanceOfSatisfying(RateLimitedException.class, e -> {
          assertThat(e.limit()).isEqualTo("key:concurrent-requests");
          assertThat(e.retryAfter()).isNull();
        });

    hanging.cancel(true); // cancel
    assertThat(a.futures().get(0)).isCancelled(); // reached the upstream
    a.thenFail(new InvalidRequestException("bad", ErrorDetails.none()));
    assertThatThrownBy(() -> switchboard.chatBlocking(request(), options)).isInstanceOf(InvalidRequestException.class);
    switchboard.chatBlocking(request(), options); // failure released it; success releases it too
    switchboard.chatBlocking(request(), options);
    assertThat(a.calls()).isEqualTo(4);
  }

  @Test
  void concurrency_streamSlotIsReleasedOnCompleteErrorAndCancel() throws Exception {
    build(Limits.builder().tier(Limits.TIER_API_KEY, Limit.concurrentRequests(1)).build());
    RequestOptions options = as(key("k"));

    // complete
    TestPublisher<ChatChunk> first = new TestPublisher<>();
    a.thenStream(first);
    Probe p1 = stream(options);
    Probe refused = stream(options);
    assertThat(refused.error()).isInstanceOfSatisfying(RateLimitedException.class,
        e -> assertThat(e.limit()).isEqualTo("key:concurrent-requests"));
    first.emit(FakeProvider.chunk("x"));
    first.complete();
    assertThat(p1.error()).isNull();

    // error
    TestPublisher<ChatChunk> second = new TestPublisher<>();
    a.thenStream(second);
    Probe p2 = stream(options);
    second.fail(new InvalidRequestException("bad", ErrorDetails.none()));
    assertThat(p2.error()).isInstanceOf(InvalidRequestException.class);

    // cancel
    TestPublisher<ChatChunk> third = new TestPublisher<>();
    a.thenStream(third);
    Probe p3 = stream(options);
    third.emit(FakeProvider.chunk("y"));
    p3.subscription.cancel();
    assertThat(third.isCancelled()).isTrue();

    TestPublisher<ChatChunk> fourth = new TestPublisher<>();
    a.thenStream(fourth);
    Probe p4 = stream(options);
    fourth.complete();
    assertThat(p4.error()).isNull();
    assertThat(a.calls()).isEqualTo(4);
  }

  private Probe stream(RequestOptions options) {
    Probe probe = new Probe();
    switchboard.stream(request().toBuilder().maxTokens(100).build(), options).subscribe(probe);
    probe.request(10);
    return probe;
  }

  // ---- streams and tokens

  @Test
  void stream_tokensSettleWithTheFinalChunksUsage() throws Exception {
    build(Limits.builder().tier(Limits.TIER_API_KEY, Limit.tokensPerMinute(10_000)).build());
    TestPublisher<ChatChunk> upstream = new TestPublisher<>();
    a.thenStream(upstream);

    Probe probe = stream(as(key("k"))); // reserves 9 + 100
    upstream.emit(FakeProvider.chunk("Hello"));
    upstream.emit(FakeProvider.chunk("").toBuilder().choices(List.of()).usage(Usage.of(9, 3)).build());
    upstream.complete();

    assertThat(probe.error()).isNull();
    assertThat(events.events).containsSubsequence("limitDecided caller admitted", "firstToken a/model-a",
        "limitsSettled caller reserved=109 used=12", "requestEnd g ok");
  }

  @Test
  void stream_withoutUsage_settlesThePromptAndTheStreamedText() throws Exception {
    build(Limits.builder().tier(Limits.TIER_API_KEY, Limit.tokensPerMinute(10_000)).build());
    TestPublisher<ChatChunk> upstream = new TestPublisher<>();
    a.thenStream(upstream);

    Probe probe = stream(as(key("k")));
    upstream.emit(FakeProvider.chunk("hello"));
    upstream.emit(FakeProvider.chunk(" world"));
    upstream.complete();

    assertThat(probe.error()).isNull();
    assertThat(events.events).contains("limitsSettled caller reserved=109 used=11"); // 9 prompt + 2 streamed
  }

  @Test
  void stream_cancelledBeforeTheFirstChunk_releasesTheReservation() throws Exception {
    build(Limits.builder().tier(Limits.TIER_API_KEY, Limit.tokensPerMinute(10_000)).build());
    TestPublisher<ChatChunk> upstream = new TestPublisher<>();
    a.thenStream(upstream);

    Probe probe = stream(as(key("k")));
    upstream.awaitSubscribed();
    probe.subscription.cancel();

    assertThat(upstream.isCancelled()).isTrue();
    assertThat(events.events).contains("limitsSettled caller reserved=109 used=0");
  }

  @Test
  void stream_refused_signalsTheTypedErrorWithoutAnUpstreamCall() throws Exception {
    build(Limits.builder().tier(Limits.TIER_API_KEY, Limit.requestsPerMinute(1)).build());
    TestPublisher<ChatChunk> upstream = new TestPublisher<>();
    a.thenStream(upstream);
    Probe ok = stream(as(key("k")));
    upstream.complete();
    assertThat(ok.error()).isNull();

    Probe refused = stream(as(key("k")));

    assertThat(refused.error()).isInstanceOfSatisfying(RateLimitedException.class,
        e -> assertThat(e.limit()).isEqualTo("key:requests-per-minute"));
    assertThat(a.calls()).isEqualTo(1);
  }

  @Test
  void stream_nonPositiveRequest_signalsIllegalArgumentAndReleasesTheSlot() throws Exception {
    build(Limits.builder().tier(Limits.TIER_API_KEY, Limit.concurrentRequests(1)).build());
    TestPublisher<ChatChunk> upstream = new TestPublisher<>();
    a.thenStream(upstream);
    Probe probe = stream(as(key("k")));
    upstream.awaitSubscribed();

    probe.request(0);

    assertThat(probe.error()).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("request must be positive (Reactive Streams §3.9) but was 0");
    assertThat(upstream.isCancelled()).isTrue();
    TestPublisher<ChatChunk> next = new TestPublisher<>();
    a.thenStream(next);
    Probe again = stream(as(key("k")));
    next.complete();
    assertThat(again.error()).isNull();
  }

  @Test
  void stream_statusArrivesBeforeTheFirstChunk() throws Exception {
    build(Limits.ofDefaults());
    TestPublisher<ChatChunk> upstream = new TestPublisher<>();
    a.thenStream(upstream);
    List<String> order = new CopyOnWriteArrayList<>();
    RequestOptions options = RequestOptions.builder().caller(key("k"))
        .onRateLimitStatus(s -> order.add("status " + s.requests().remaining())).build();
    Probe probe = new Probe() {
      @Override
      public void onNext(ChatChunk item) {
        order.add("chunk");
        super.onNext(item);
      }
    };

    switchboard.stream(request(), options).subscribe(probe);
    probe.request(5);
    upstream.emit(FakeProvider.chunk("x"));
    upstream.complete();

    assertThat(probe.error()).isNull();
    assertThat(order).containsExactly("status 33", "chunk");
  }

  // ---- an asynchronous limiter (the shape of a shared store)

  @Test
  void asyncLimiter_decidesLater_callWaitsAndCancelWhileWaitingReleasesWhatWasTaken() throws Exception {
    DelayedLimiter limiter = new DelayedLimiter(RateLimiter.local(clock));
    switchboard = Switchboard.builder().provider("a", a).clock(clock).listener(events).retryPolicy(RetryPolicy.none())
        .limits(Limits.builder().tier(Limits.TIER_API_KEY, Limit.concurrentRequests(1)).build()).rateLimiter(limiter)
        .modelGroup(ModelGroup.builder("g").deployment("a", "model-a").build()).build();

    CompletableFuture<ChatResponse> waiting = switchboard.chat(request(), as(key("k")));
    assertThat(waiting).isNotDone();
    assertThat(a.calls()).isZero();
    waiting.cancel(true);
    limiter.release();

    assertThat(a.calls()).isZero();
    assertThat(events.events).contains("limitsSettled caller reserved=0 used=0");
    CompletableFuture<ChatResponse> next = switchboard.chat(request(), as(key("k")));
    limiter.release();
    assertThat(next.get(5, TimeUnit.SECONDS).text()).isEqualTo("a says hi"); // the slot came back
  }

  @Test
  void failingLimiter_failsClosedWith503AndNeverCallsUpstream() {
    RateLimiter broken = new RateLimiter() {
      @Override
      public CompletableFuture<LimitDecision> acquire(List<LimitCheck> checks) {
        return CompletableFuture.failedFuture(new IllegalStateException("store unreachable"));
      }

      @Override
      public CompletableFuture<Void> adjust(LimitState granted, long delta) {
        return CompletableFuture.completedFuture(null);
      }
    };
    switchboard = Switchboard.builder().provider("a", a).clock(clock).limits(Limits.ofDefaults()).rateLimiter(broken)
        .modelGroup(ModelGroup.builder("g").deployment("a", "model-a").build()).build();

    assertThatThrownBy(() -> switchboard.chatBlocking(request()))
        .isInstanceOfSatisfying(UpstreamUnavailableException.class, e -> {
          assertThat(e.code()).isEqualTo("rate_limiter_unavailable");
          assertThat(e.getMessage()).contains("store unreachable");
        });
    assertThat(a.calls()).isZero();
  }

  /** Holds every decision of a real limiter until the test releases it. */
  private static final class DelayedLimiter implements RateLimiter {
    private final RateLimiter inner;
    private final List<Runnable> held = new CopyOnWriteArrayList<>();

    DelayedLimiter(RateLimiter inner) {
      this.inner = inner;
    }

    @Override
    public CompletableFuture<LimitDecision> acquire(List<LimitCheck> checks) {
      CompletableFuture<LimitDecision> later = new CompletableFuture<>();
      held.add(() -> inner.acquire(checks).whenComplete((d, e) -> later.complete(d)));
      return later;
    }

    @Override
    public CompletableFuture<Void> adjust(LimitState granted, long delta) {
      return inner.adjust(granted, delta);
    }

    void release() {
      List<Runnable> now = new ArrayList<>(held);
      held.clear();
      now.forEach(Runnable::run);
    }
  }

  // ---- metrics and load

  @Test
  void metrics_countDecisionsWithBoundedTagsOnly() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    switchboard = Switchboard.builder().provider("a", a).clock(clock).meterRegistry(registry)
        .limits(Limits.builder().tier(Limits.TIER_API_KEY, Limit.requestsPerMinute(1), Limit.tokensPerMinute(10_000))
            .build())
        .modelGroup(ModelGroup.builder("g").deployment("a", "model-a").build()).build();
    RequestOptions options = as(Caller.builder().keyId("key_secret_id").user("alice@example.com")
        .clientIp("192.0.2.1").build());

    switchboard.chatBlocking(request().toBuilder().maxTokens(91).build(), options);
    assertThatThrownBy(() -> switchboard.chatBlocking(request(), options)).isInstanceOf(RateLimitedException.class);

    assertThat(registry.get("switchboard.ratelimit.decisions").tags("dimension", "key", "limit", "requests-per-minute",
        "outcome", "admitted").counter().count()).isEqualTo(1);
    assertThat(registry.get("switchboard.ratelimit.decisions").tags("dimension", "key", "limit", "requests-per-minute",
        "outcome", "rejected").counter().count()).isEqualTo(1);
    assertThat(registry.get("switchboard.ratelimit.tokens").tags("scope", "caller", "outcome", "reserved")
        .counter().count()).isEqualTo(100);
    assertThat(registry.get("switchboard.ratelimit.tokens").tags("scope", "caller", "outcome", "refunded")
        .counter().count()).isEqualTo(85); // FakeProvider reports 15 tokens
    for (Meter m : registry.getMeters()) {
      for (Tag t : m.getId().getTags()) {
        assertThat(t.getValue()).doesNotContain("key_secret_id", "alice", "192.0.2.1");
      }
    }
  }

  @Test
  void concurrentCallers_throughTheEngine_admitExactlyTheLimit() throws Exception {
    build(Limits.builder().tier(Limits.TIER_API_KEY, Limit.requestsPerMinute(100)).build());
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger limited = new AtomicInteger();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 40; i++) {
            try {
              switchboard.chatBlocking(request(), as(key("shared")));
              ok.incrementAndGet();
            } catch (RateLimitedException e) {
              limited.incrementAndGet();
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(ok.get()).isEqualTo(100);
    assertThat(limited.get()).isEqualTo(220);
    assertThat(a.calls()).isEqualTo(100);
  }

  @Test
  void interceptorOrder_limitsRunBeforeTheEmbeddersInterceptors() {
    List<String> seen = new CopyOnWriteArrayList<>();
    switchboard = Switchboard.builder().provider("a", a).clock(clock)
        .limits(Limits.builder().tier(Limits.TIER_API_KEY, Limit.requestsPerMinute(1)).build())
        .interceptor(new Interceptor() {
          @Override
          public CompletableFuture<ChatResponse> interceptChat(Chain chain) {
            seen.add("embedder");
            return chain.proceed(chain.request());
          }
        })
        .modelGroup(ModelGroup.builder("g").deployment("a", "model-a").build()).build();

    switchboard.chatBlocking(request(), as(key("k")));
    assertThatThrownBy(() -> switchboard.chatBlocking(request(), as(key("k")))).isInstanceOf(RateLimitedException.class);

    assertThat(seen).containsExactly("embedder"); // the refused call never reached it
  }

  @Test
  void requestLimitsOnly_neverRunTheTokenizer_forCallsOrStreams() throws Exception {
    AtomicInteger tokenized = new AtomicInteger();
    build(Limits.builder().tier(Limits.TIER_API_KEY, Limit.requestsPerMinute(10), Limit.concurrentRequests(5))
        .tokenCounter(text -> {
          tokenized.incrementAndGet();
          return text.length();
        }).build());
    TestPublisher<ChatChunk> upstream = new TestPublisher<>();
    a.thenStream(upstream);

    switchboard.chatBlocking(request(), as(key("k")));
    Probe probe = stream(as(key("k")));
    upstream.emit(FakeProvider.chunk("hello"));
    upstream.complete();

    assertThat(probe.error()).isNull();
    assertThat(tokenized).hasValue(0);
  }

  @Test
  void readmeExample_buildsAndLimitsTheGoldTier() {
    switchboard = Switchboard.builder().provider("openai", a).provider("groq", new FakeProvider("groq")).clock(clock)
        .limits(Limits.ofDefaults().toBuilder()
            .tier("gold", Limit.requestsPerMinute(1000), Limit.tokensPerMinute(2_000_000))
            .override(LimitDimension.KEY, "key_7f3a", Limit.requestsPerMinute(300))
            .each(LimitDimension.TEAM, Limit.monthlyTokens(50_000_000))
            .build())
        .modelGroup(ModelGroup.builder("fast")
            .deployment(dev.switchboard.core.routing.Deployment.builder().provider("openai").model("gpt-4o-mini")
                .limit(Limit.requestsPerMinute(500)).limit(Limit.tokensPerMinute(200_000)).build())
            .deployment("groq", "llama-3.1-8b-instant")
            .build())
        .build();
    List<RateLimitStatus> seen = new ArrayList<>();
    RequestOptions gold = RequestOptions.builder().onRateLimitStatus(seen::add)
        .caller(Caller.builder().keyId("key_g").tier("gold").team("research").build()).build();

    switchboard.chatBlocking(request().toBuilder().model("fast").maxTokens(100).build(), gold);

    assertThat(seen.get(0).limits()).extracting(LimitState::name)
        .containsExactly("key:requests-per-minute", "key:tokens-per-minute", "team:monthly-tokens");
    assertThat(seen.get(0).requests().remaining()).isEqualTo(999);
  }

  @Test
  void blockingCall_refusedCall_throwsTheTypedErrorDirectly() {
    build(Limits.builder().tier(Limits.TIER_API_KEY, Limit.requestsPerMinute(1)).build());
    switchboard.chatBlocking(request(), as(key("k")));

    CompletableFuture<ChatResponse> f = switchboard.chat(request(), as(key("k")));

    assertThat(f).isCompletedExceptionally();
    assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(RateLimitedException.class);
  }

  @Test
  void tokenLimit_repeatAnsweredFromTheCache_settlesZeroTokensButCountsTheRequest() {
    switchboard = Switchboard.builder().provider("a", a).clock(clock).listener(events)
        .cache(dev.switchboard.core.cache.CacheSettings.ofDefaults())
        .limits(Limits.builder().each(LimitDimension.KEY, Limit.tokensPerMinute(100_000)).build())
        .modelGroup(ModelGroup.builder("g").deployment("a", "m").build())
        .build();
    ChatRequest deterministic = request().toBuilder().temperature(0.0).build();

    switchboard.chatBlocking(deterministic, as(key("k1")));
    ChatResponse second = switchboard.chatBlocking(deterministic, as(key("k1")));

    assertThat(second.route().cache()).isEqualTo(dev.switchboard.core.model.RouteInfo.CACHE_HIT_L1);
    assertThat(a.calls()).isEqualTo(1);
    List<String> settled = events.events.stream().filter(e -> e.startsWith("limitsSettled caller")).toList();
    assertThat(settled).hasSize(2);
    assertThat(settled.get(0)).endsWith(" used=15"); // the upstream's reported usage
    assertThat(settled.get(1)).endsWith(" used=0"); // the hit spent no upstream tokens
  }
}

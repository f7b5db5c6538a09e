package dev.switchboard.core.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.Caller;
import dev.switchboard.core.Interceptor;
import dev.switchboard.core.RequestOptions;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.UpstreamException;
import dev.switchboard.core.metrics.SwitchboardMetrics;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.RouteInfo;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.routing.Deployment;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.testing.FakeProvider;
import dev.switchboard.core.testing.ManualClock;
import dev.switchboard.core.testing.TestPublisher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageRecordingTest {

  /** $1,000 in and $2,000 out per million: FakeProvider's 10 + 5 tokens cost 10,000 + 10,000 = $0.02. */
  static final Price PRICE = Price.perMillion("1000", "2000");
  static final Money CALL = Money.of("0.02");
  static final LocalDate TODAY = LocalDate.parse("2026-01-01");

  private final FakeProvider a = new FakeProvider("a");
  private final FakeProvider b = new FakeProvider("b");
  private final ManualClock clock = new ManualClock();
  private final UsageEvents events = new UsageEvents();
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
        .retryPolicy(RetryPolicy.none())
        .modelGroup(ModelGroup.builder("g")
            .deployment(Deployment.builder().provider("a").model("model-a").price(PRICE).build())
            .deployment(Deployment.builder().provider("b").model("model-b")
                .price(Price.perMillion("100", "200")).build())
            .build());
  }

  private static ChatRequest request() {
    return ChatRequest.builder().model("g").addMessage(Message.user("hi")).build();
  }

  private static RequestOptions as(String key, String user, String team) {
    return RequestOptions.builder().caller(Caller.builder().keyId(key).user(user).team(team).build()).build();
  }

  private UsageTotals totals(UsageDimension d, String value) {
    switchboard.costs().flush().join();
    return switchboard.costs().totals(d, value, TODAY, TODAY).join();
  }

  @Test
  void chat_pricedDeployment_recordHasCallerRouteTokensAndCost() {
    switchboard = builder().build();
    clock.advance(Duration.ofSeconds(5));

    switchboard.chatBlocking(request().toBuilder().user("end-user").build(),
        as("key-1", "alice", "research").toBuilder().requestId("req-42").build());

    UsageRecord r = events.only();
    assertThat(r.id()).as("unique per call, never the caller's id alone").startsWith("req-42~").isNotEqualTo("req-42");
    assertThat(r.requestId()).isEqualTo("req-42");
    assertThat(r.time()).isEqualTo(Instant.parse("2026-01-01T00:00:05Z"));
    assertThat(r.keyId()).isEqualTo("key-1");
    assertThat(r.user()).isEqualTo("alice");
    assertThat(r.team()).isEqualTo("research");
    assertThat(r.modelGroup()).isEqualTo("g");
    assertThat(r.deployment()).isEqualTo("a/model-a");
    assertThat(r.provider()).isEqualTo("a");
    assertThat(r.upstreamModel()).isEqualTo("model-a");
    assertThat(r.usage()).isEqualTo(Usage.of(10, 5));
    assertThat(r.cost()).isEqualTo(Cost.of(CALL));
    assertThat(r.status()).isEqualTo(UsageRecord.Status.SUCCESS);
    assertThat(r.stream()).isFalse();
    assertThat(r.estimated()).isFalse();
    assertThat(r.attempts()).isEqualTo(1);
    assertThat(r.fallbacks()).isZero();
    assertThat(r.cache()).isEqualTo(RouteInfo.CACHE_NONE);
    assertThat(r.timeToFirstToken()).isNull();

    UsageTotals alice = totals(UsageDimension.USER, "alice");
    assertThat(alice.cost()).isEqualTo(CALL);
    assertThat(alice.requests()).isEqualTo(1);
    assertThat(totals(UsageDimension.TEAM, "research").promptTokens()).isEqualTo(10);
    assertThat(totals(UsageDimension.KEY, "key-1").completionTokens()).isEqualTo(5);
    assertThat(totals(UsageDimension.GROUP, "g").cost()).isEqualTo(CALL);
    assertThat(totals(UsageDimension.PROVIDER, "a").cost()).isEqualTo(CALL);
    assertThat(totals(UsageDimension.MODEL, "model-a").cost()).isEqualTo(CALL);
  }

  @Test
  void chat_callerWithoutUser_requestUserFieldIsTheUser() {
    switchboard = builder().build();

    switchboard.chatBlocking(request().toBuilder().user("end-user").build(), as("key-1", null, null));

    assertThat(events.only().user()).isEqualTo("end-user");
    assertThat(totals(UsageDimension.USER, "end-user").cost()).isEqualTo(CALL);
  }

  @Test
  void chat_fallbackToSecondDeployment_recordedAtTheAnsweringDeploymentsPrice() {
    a.thenFail(new UpstreamException("a returned 500", ErrorDetails.builder().upstreamStatus(500).build()));
    switchboard = builder().build();

    switchboard.chatBlocking(request());

    UsageRecord r = events.only();
    assertThat(r.deployment()).isEqualTo("b/model-b");
    assertThat(r.fallbacks()).isEqualTo(1);
    assertThat(r.attempts()).isEqualTo(2);
    // 10 x 100 + 5 x 200 = 2,000 per million
    assertThat(r.cost()).isEqualTo(Cost.of(Money.of("0.002")));
  }

  @Test
  void chat_thousandConcurrentCalls_ledgerTotalsExact() throws Exception {
    switchboard = builder().build();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> calls = new ArrayList<>();
    try {
      for (int i = 0; i < 1000; i++) {
        RequestOptions options = as("key-" + (i % 4), "user-" + (i % 10), "team");
        calls.add(pool.submit(() -> {
          start.await();
          return switchboard.chat(request(), options).get(10, TimeUnit.SECONDS);
        }));
      }
      start.countDown();
      for (Future<?> f : calls) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    switchboard.costs().flush().get(10, TimeUnit.SECONDS);

    Map<String, UsageTotals> byUser = switchboard.costs().totals(UsageDimension.USER, TODAY, TODAY).join();
    assertThat(byUser).hasSize(10).allSatisfy((user, t) -> {
      assertThat(t.requests()).isEqualTo(100);
      assertThat(t.cost()).isEqualTo(CALL.times(100));
    });
    UsageTotals team = totals(UsageDimension.TEAM, "team");
    assertThat(team.requests()).isEqualTo(1000);
    assertThat(team.promptTokens()).isEqualTo(10_000);
    assertThat(team.completionTokens()).isEqualTo(5_000);
    assertThat(team.cost()).isEqualTo(Money.of("20"));
    assertThat(switchboard.costs().totals(UsageDimension.KEY, TODAY, TODAY).join().values())
        .extracting(UsageTotals::cost).containsOnly(Money.of("5"));
  }

  @Test
  void chat_modelWithoutPrice_costUnknownAndWarningMetric() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    switchboard = Switchboard.builder().provider("a", a).clock(clock).listener(events).meterRegistry(registry)
        .modelGroup(ModelGroup.builder("g").deployment("a", "mystery-model").build()).build();

    switchboard.chatBlocking(request(), as(null, "alice", null));

    assertThat(events.only().cost()).isEqualTo(Cost.UNKNOWN);
    assertThat(registry.get(SwitchboardMetrics.COST_UNKNOWN).tag("deployment", "a/mystery-model").counter().count())
        .isEqualTo(1.0);
    UsageTotals alice = totals(UsageDimension.USER, "alice");
    assertThat(alice.unknownCostRequests()).isEqualTo(1);
    assertThat(alice.cost()).isEqualTo(Money.ZERO);
    assertThat(alice.promptTokens()).isEqualTo(10);
    assertThat(switchboard.costs().price("a/mystery-model")).isEmpty();
  }

  @Test
  void chat_knownCost_costMetricInDollars() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    switchboard = builder().meterRegistry(registry).build();

    switchboard.chatBlocking(request());
    switchboard.chatBlocking(request());

    assertThat(registry.get(SwitchboardMetrics.COST).tag("group", "g").tag("deployment", "a/model-a").counter()
        .count()).isEqualTo(0.04);
  }

  @Test
  void chat_deploymentWithoutPrice_catalogPriceByModelName() {
    switchboard = Switchboard.builder().provider("a", a).clock(clock).listener(events)
        .modelGroup(ModelGroup.builder("g").deployment("a", "gpt-4o-mini").build()).build();

    switchboard.chatBlocking(request());

    // 10 x 0.15 + 5 x 0.60 = 4.5 per million
    assertThat(events.only().cost()).isEqualTo(Cost.of(Money.of("0.0000045")));
    assertThat(switchboard.costs().price("a/gpt-4o-mini")).get().extracting(ModelPrice::contextWindow)
        .isEqualTo(128000);
  }

  @Test
  void chat_deploymentPrice_winsOverTheCatalog() {
    switchboard = Switchboard.builder().provider("a", a).clock(clock).listener(events)
        .modelGroup(ModelGroup.builder("g").deployment(Deployment.builder().provider("a").model("gpt-4o-mini")
            .price(Price.perMillion("0.10", "0.40")).build()).build()).build();

    switchboard.chatBlocking(request());

    // negotiated: 10 x 0.10 + 5 x 0.40 = 3 per million
    assertThat(events.only().cost()).isEqualTo(Cost.of(Money.of("0.000003")));
    ModelPrice price = switchboard.costs().price("a/gpt-4o-mini").orElseThrow();
    assertThat(price.price()).isEqualTo(Price.perMillion("0.10", "0.40"));
    assertThat(price.contextWindow()).isEqualTo(128000); // metadata still from the catalog
  }

  @Test
  void chat_upstreamReportsNoUsage_tokensEstimatedAndFlagged() {
    a.thenChat((r, c) -> CompletableFuture.completedFuture(FakeProvider.response(r.model(), "Twelve chars").toBuilder()
        .usage(null).build()));
    switchboard = builder().build();

    switchboard.chatBlocking(request());

    UsageRecord r = events.only();
    assertThat(r.estimated()).isTrue();
    // prompt "hi": 1 + 3 + 3 = 7; completion "Twelve chars": 12 chars = 3 tokens
    assertThat(r.usage()).isEqualTo(Usage.of(7, 3));
  }

  @Test
  void chat_upstreamFails_recordedAsErrorWithoutTokens() {
    a.thenFail(new UpstreamException("bad", ErrorDetails.builder().upstreamStatus(400).build()));
    switchboard = Switchboard.builder().provider("a", a).clock(clock).listener(events).retryPolicy(RetryPolicy.none())
        .modelGroup(ModelGroup.builder("g").deployment("a", "model-a").build()).build();

    switchboard.chat(request()).exceptionally(e -> null).join();

    UsageRecord r = events.only();
    assertThat(r.status()).isEqualTo(UsageRecord.Status.ERROR);
    assertThat(r.errorType()).isNotBlank();
    assertThat(r.usage()).isEqualTo(Usage.ZERO);
    assertThat(r.cost()).isEqualTo(Cost.ZERO);
    assertThat(r.deployment()).isNull();
  }

  @Test
  void chat_answeredFromCache_noTokensNoCostAndTheCostItSaved() {
    Interceptor cache = new Interceptor() {
      @Override
      public CompletableFuture<ChatResponse> interceptChat(Chain chain) {
        return CompletableFuture.completedFuture(FakeProvider.response("model-a", "cached").toBuilder()
            .route(RouteInfo.builder().cache(RouteInfo.CACHE_HIT_L1).build()).build());
      }
    };
    switchboard = builder().interceptor(cache).build();

    switchboard.chatBlocking(request(), as(null, "alice", null));

    UsageRecord r = events.only();
    assertThat(r.cache()).isEqualTo(RouteInfo.CACHE_HIT_L1);
    assertThat(r.usage()).isEqualTo(Usage.ZERO);
    assertThat(r.cost()).isEqualTo(Cost.ZERO);
    // The cached answer's 10 prompt + 5 completion tokens at the group's first deployment ($1000/$2000 per M).
    assertThat(r.costSaved()).isEqualTo(Cost.of(Money.of("0.02")));
    assertThat(a.calls()).isZero();
    assertThat(totals(UsageDimension.USER, "alice").requests()).isEqualTo(1);
  }

  @Test
  void stream_finalUsageChunk_usageFromItAndTimeToFirstToken() throws Exception {
    TestPublisher<ChatChunk> upstream = new TestPublisher<>();
    a.thenStream(upstream);
    switchboard = builder().build();
    StreamProbe probe = new StreamProbe();

    switchboard.stream(request(), as(null, "alice", null)).subscribe(probe);
    upstream.awaitSubscribed();
    clock.advance(Duration.ofMillis(250));
    upstream.emit(FakeProvider.chunk("Hello"));
    clock.advance(Duration.ofMillis(750));
    upstream.emit(ChatChunk.builder().id("c").model("m").usage(Usage.of(20, 7)).build());
    upstream.complete();

    assertThat(probe.error()).isNull();
    UsageRecord r = events.only();
    assertThat(r.stream()).isTrue();
    assertThat(r.usage()).isEqualTo(Usage.of(20, 7));
    assertThat(r.estimated()).isFalse();
    assertThat(r.timeToFirstToken()).isEqualTo(Duration.ofMillis(250));
    assertThat(r.latency()).isEqualTo(Duration.ofSeconds(1));
    // 20 x 1000 + 7 x 2000 = 34,000 per million
    assertThat(r.cost()).isEqualTo(Cost.of(Money.of("0.034")));
    assertThat(totals(UsageDimension.USER, "alice").cost()).isEqualTo(Money.of("0.034"));
  }

  @Test
  void stream_cancelledByCallerAfterChunks_tokensEstimatedAndFlagged() throws Exception {
    TestPublisher<ChatChunk> upstream = new TestPublisher<>();
    a.thenStream(upstream);
    switchboard = builder().build();
    StreamProbe probe = new StreamProbe();

    switchboard.stream(request(), as(null, "alice", null)).subscribe(probe);
    upstream.awaitSubscribed();
    upstream.emit(FakeProvider.chunk("Hello, world")); // 12 characters
    upstream.emit(FakeProvider.chunk("!"));
    probe.subscription.cancel();

    assertThat(upstream.awaitCancelled(5)).isTrue();
    UsageRecord r = events.only();
    assertThat(r.status()).isEqualTo(UsageRecord.Status.CANCELLED);
    assertThat(r.estimated()).isTrue();
    // prompt: "hi" = 2 chars -> 1 token, + 3 for the message + 3 for the reply = 7; completion: 13 chars -> 4
    assertThat(r.usage()).isEqualTo(Usage.of(7, 4));
    // 7 x 1000 + 4 x 2000 = 15,000 per million
    assertThat(r.cost()).isEqualTo(Cost.of(Money.of("0.015")));
    assertThat(r.deployment()).isEqualTo("a/model-a");
    UsageTotals alice = totals(UsageDimension.USER, "alice");
    assertThat(alice.estimatedRequests()).isEqualTo(1);
    assertThat(alice.cost()).isEqualTo(Money.of("0.015"));
  }

  @Test
  void stream_cancelledAfterTheUsageChunk_reportedUsageNotEstimated() throws Exception {
    TestPublisher<ChatChunk> upstream = new TestPublisher<>();
    a.thenStream(upstream);
    switchboard = builder().build();
    StreamProbe probe = new StreamProbe();

    switchboard.stream(request()).subscribe(probe);
    upstream.awaitSubscribed();
    upstream.emit(FakeProvider.chunk("Hello"));
    upstream.emit(ChatChunk.builder().id("c").model("m").usage(Usage.of(30, 2)).build());
    probe.subscription.cancel();

    UsageRecord r = events.only();
    assertThat(r.usage()).isEqualTo(Usage.of(30, 2));
    assertThat(r.estimated()).isFalse();
    assertThat(r.status()).isEqualTo(UsageRecord.Status.CANCELLED);
  }

  @Test
  void stream_failsAfterChunks_recordedAsErrorWithEstimatedTokens() throws Exception {
    TestPublisher<ChatChunk> upstream = new TestPublisher<>();
    a.thenStream(upstream);
    switchboard = builder().build();
    StreamProbe probe = new StreamProbe();

    switchboard.stream(request()).subscribe(probe);
    upstream.awaitSubscribed();
    upstream.emit(FakeProvider.chunk("12345678")); // 8 characters -> 2 tokens
    upstream.fail(new UpstreamException("connection reset", ErrorDetails.builder().build()));

    assertThat(probe.error()).isInstanceOf(UpstreamException.class);
    UsageRecord r = events.only();
    assertThat(r.status()).isEqualTo(UsageRecord.Status.ERROR);
    assertThat(r.estimated()).isTrue();
    assertThat(r.usage()).isEqualTo(Usage.of(7, 2));
  }

  @Test
  void stream_cancelledBeforeAnyChunk_noTokens() throws Exception {
    TestPublisher<ChatChunk> upstream = new TestPublisher<>();
    a.thenStream(upstream);
    switchboard = builder().build();
    StreamProbe probe = new StreamProbe();

    switchboard.stream(request()).subscribe(probe);
    upstream.awaitSubscribed();
    probe.subscription.cancel();

    UsageRecord r = events.only();
    assertThat(r.status()).isEqualTo(UsageRecord.Status.CANCELLED);
    assertThat(r.usage()).isEqualTo(Usage.ZERO);
    assertThat(r.estimated()).isFalse();
  }

  @Test
  void embed_recordedAsEmbeddingWithItsUsage() {
    switchboard = builder().build();

    switchboard.embed(EmbeddingRequest.builder().model("g").addInput("text").user("bob").build()).join();

    UsageRecord r = events.only();
    assertThat(r.operation()).isEqualTo(UsageRecord.Operation.EMBEDDING);
    assertThat(r.user()).isEqualTo("bob");
    assertThat(r.usage()).isEqualTo(Usage.of(3, 0));
    assertThat(r.cost()).isEqualTo(Cost.of(Money.of("0.003")));
  }

  @Test
  void close_flushesEveryBufferedRecordToTheSink(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("usage.jsonl");
    try (JsonLinesUsageSink sink = JsonLinesUsageSink.open(file)) {
      switchboard = builder().usageSink(sink).build();
      for (int i = 0; i < 5; i++) {
        switchboard.chatBlocking(request(), as("key-1", "alice", null).toBuilder().requestId("req-" + i).build());
      }

      switchboard.close();
      switchboard = null;

      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      assertThat(lines).hasSize(5);
      assertThat(lines.get(0)).startsWith("{\"id\":\"req-0~").contains("\"request_id\":\"req-0\",\"time\":\"2026-01-01T00:00:00Z\"")
          .contains("\"key_id\":\"key-1\",\"user\":\"alice\",\"team\":null,\"model_group\":\"g\"")
          .contains("\"prompt_tokens\":10,\"completion_tokens\":5")
          .contains("\"cost\":\"0.020000000\",\"cost_known\":true")
          .contains("\"status\":\"success\"");
    }
  }

  @Test
  void bufferFull_recordsDroppedAndCountedNeverBlocking() throws Exception {
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    InMemoryUsageLedger delegate = InMemoryUsageLedger.create();
    UsageLedger slow = new ForwardingLedger(delegate) {
      @Override
      public CompletableFuture<Void> record(List<UsageRecord> records) {
        writing.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return super.record(records);
      }
    };
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    switchboard = builder().usageLedger(slow).usageBufferSize(2).meterRegistry(registry).build();

    switchboard.chatBlocking(request());
    assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue(); // the writer holds record 1; the buffer is empty
    for (int i = 0; i < 4; i++) {
      switchboard.chatBlocking(request()); // 2 fit, 2 are dropped: the calls themselves succeed
    }

    assertThat(events.dropped.get()).isEqualTo(2);
    assertThat(registry.get(SwitchboardMetrics.USAGE_DROPPED).tag("reason", "buffer_full").counter().count())
        .isEqualTo(2.0);
    release.countDown();
    switchboard.costs().flush().get(10, TimeUnit.SECONDS);
    assertThat(switchboard.costs().totals(UsageDimension.GROUP, "g", TODAY, TODAY).join().requests()).isEqualTo(3);
  }

  @Test
  void ledgerFailsThenRecovers_nothingLostNothingCountedTwice() throws Exception {
    AtomicInteger failures = new AtomicInteger(2);
    InMemoryUsageLedger delegate = InMemoryUsageLedger.create();
    UsageLedger flaky = new ForwardingLedger(delegate) {
      @Override
      public CompletableFuture<Void> record(List<UsageRecord> records) {
        if (failures.getAndDecrement() > 0) {
          super.record(records.subList(0, 1)); // a partial write before the failure: idempotency absorbs it
          return CompletableFuture.failedFuture(new IllegalStateException("store unreachable"));
        }
        return super.record(records);
      }
    };
    switchboard = builder().usageLedger(flaky).build();

    for (int i = 0; i < 3; i++) {
      switchboard.chatBlocking(request(), as(null, "alice", null));
    }
    switchboard.costs().flush().get(10, TimeUnit.SECONDS);

    UsageTotals alice = totals(UsageDimension.USER, "alice");
    assertThat(alice.requests()).isEqualTo(3);
    assertThat(alice.cost()).isEqualTo(CALL.times(3));
  }

  @Test
  void compare_groupUsage_pricedOnEveryDeployment() {
    switchboard = builder().build();
    for (int i = 0; i < 3; i++) {
      switchboard.chatBlocking(request());
    }
    switchboard.costs().flush().join();

    List<CostComparison> comparison = switchboard.costs().compare("g", TODAY, TODAY).join();

    // 30 in, 15 out: a = 30 x 1000 + 15 x 2000 = 60,000 per million; b = 30 x 100 + 15 x 200 = 6,000
    assertThat(comparison).containsExactly(
        CostComparison.of("a/model-a", "a", "model-a", Cost.of(Money.of("0.06"))),
        CostComparison.of("b/model-b", "b", "model-b", Cost.of(Money.of("0.006"))));
  }

  @Test
  void compare_deploymentWithoutPrice_unknown() {
    switchboard = Switchboard.builder().provider("a", a).provider("b", b).clock(clock)
        .modelGroup(ModelGroup.builder("g").deployment("a", "gpt-4o").deployment("b", "secret-model").build())
        .build();
    UsageTotals usage = UsageTotals.of(1, 1_000_000, 0, 0, 0, 0, Money.ZERO, 0, 0);

    assertThat(switchboard.costs().compare("g", usage)).extracting(CostComparison::cost)
        .containsExactly(Cost.of(Money.of("2.5")), Cost.UNKNOWN);
  }

  /** Delegates every call; tests override what they script. */
  static class ForwardingLedger implements UsageLedger {
    private final UsageLedger delegate;

    ForwardingLedger(UsageLedger delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletableFuture<Void> record(List<UsageRecord> records) {
      return delegate.record(records);
    }

    @Override
    public CompletableFuture<Map<SpendKey, UsageTotals>> totals(Collection<SpendKey> keys) {
      return delegate.totals(keys);
    }

    @Override
    public CompletableFuture<Map<String, UsageTotals>> totalsByValue(UsageDimension dimension, LocalDate from,
        LocalDate to) {
      return delegate.totalsByValue(dimension, from, to);
    }

    @Override
    public CompletableFuture<Boolean> claimOnce(String marker, Instant expiresAt) {
      return delegate.claimOnce(marker, expiresAt);
    }
  }

  @Test
  void chat_sameCallerRequestIdTwice_bothCallsCounted() {
    switchboard = builder().build();
    RequestOptions resent = as("key-1", "alice", null).toBuilder().requestId("req-dup").build();

    switchboard.chatBlocking(request(), resent);
    switchboard.chatBlocking(request(), resent);
    switchboard.costs().flush().join();

    // Two upstream calls were paid; a caller resending its request id must not make the second one free.
    assertThat(totals(UsageDimension.USER, "alice").requests()).isEqualTo(2);
    assertThat(a.calls()).isEqualTo(2);
  }
}

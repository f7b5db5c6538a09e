package dev.switchboard.core.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.Caller;
import dev.switchboard.core.RequestOptions;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.error.BudgetExceededException;
import dev.switchboard.core.metrics.SwitchboardMetrics;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.routing.Deployment;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.testing.FakeProvider;
import dev.switchboard.core.testing.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BudgetTest {

  /** A call on "premium" costs $0.02 (10 x 1000 + 5 x 2000 per million); on "cheap" $0.002. */
  static final Money CALL = Money.of("0.02");
  static final Money CHEAP_CALL = Money.of("0.002");
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
        .modelGroup(ModelGroup.builder("premium").deployment(Deployment.builder().provider("a").model("big")
            .price(Price.perMillion("1000", "2000")).build()).build())
        .modelGroup(ModelGroup.builder("cheap").deployment(Deployment.builder().provider("b").model("small")
            .price(Price.perMillion("100", "200")).build()).build());
  }

  private static ChatRequest request(String group) {
    return ChatRequest.builder().model(group).addMessage(Message.user("hi")).build();
  }

  private static RequestOptions as(String key, String user, String team) {
    return RequestOptions.builder().caller(Caller.builder().keyId(key).user(user).team(team).build()).build();
  }

  private ChatResponse chat(String user) {
    return switchboard.chatBlocking(request("premium"), as(null, user, null));
  }

  private Money spend(UsageDimension d, String value) {
    switchboard.costs().flush().join();
    return switchboard.costs().totals(d, value, TODAY, TODAY).join().cost();
  }

  private static Budget userDaily(String limit) {
    return Budget.builder(Budget.Scope.USER, SpendPeriod.DAY, Money.of(limit)).build();
  }

  @Test
  void atTheLimit_rejectWithBudgetExceededNamingTheBudget() {
    switchboard = builder().budget(userDaily("0.05")).build();
    chat("alice");
    chat("alice");
    chat("alice"); // spend before it: $0.04 < $0.05, admitted

    assertThatThrownBy(() -> chat("alice"))
        .isInstanceOfSatisfying(BudgetExceededException.class, e -> {
          assertThat(e.budget()).isEqualTo("user:alice:day");
          assertThat(e.httpStatus()).isEqualTo(402);
          assertThat(e.code()).isEqualTo("budget_exceeded");
          assertThat(e.details().requestId()).isNotNull();
        })
        .hasMessage("budget 'user:alice:day' is exhausted: spent $0.060000000 of $0.050000000 in 2026-01-01");
    assertThat(a.calls()).isEqualTo(3);
    chat("bob"); // every user has a budget of their own
    assertThat(a.calls()).isEqualTo(4);
    // the refused call is recorded too, without tokens
    assertThat(events.records).hasSize(5);
    assertThat(events.records.get(3).status()).isEqualTo(UsageRecord.Status.ERROR);
    assertThat(events.records.get(3).errorType()).isEqualTo("budget_exceeded");
    assertThat(events.records.get(3).cost()).isEqualTo(Cost.ZERO);
  }

  @Test
  void dailyBudget_nextDay_spendingAllowedAgain() {
    switchboard = builder().budget(userDaily("0.01")).build();
    chat("alice");
    assertThatThrownBy(() -> chat("alice")).isInstanceOf(BudgetExceededException.class);

    clock.advance(Duration.ofDays(1));

    chat("alice");
    assertThat(a.calls()).isEqualTo(2);
  }

  @Test
  void monthlyAndTotalBudgets_countAcrossDays() {
    switchboard = builder()
        .budget(Budget.builder(Budget.Scope.KEY, SpendPeriod.MONTH, Money.of("0.03")).build())
        .build();
    RequestOptions key = as("key-1", null, null);
    switchboard.chatBlocking(request("premium"), key);
    clock.advance(Duration.ofDays(1));
    switchboard.chatBlocking(request("premium"), key);
    clock.advance(Duration.ofDays(1));

    assertThatThrownBy(() -> switchboard.chatBlocking(request("premium"), key))
        .isInstanceOfSatisfying(BudgetExceededException.class, e -> assertThat(e.budget()).isEqualTo("key:key-1:month"));
    clock.advance(Duration.ofDays(31)); // February
    switchboard.chatBlocking(request("premium"), key);
  }

  @Test
  void subjectsOwnBudget_replacesTheEveryoneBudgetOfThatPeriod() {
    switchboard = builder()
        .budget(userDaily("0.01"))
        .budget(userDaily("1").toBuilder().subject("alice").build())
        .build();

    chat("alice");
    chat("alice");
    chat("alice");
    chat("bob");
    assertThatThrownBy(() -> chat("bob")).isInstanceOf(BudgetExceededException.class);
    assertThat(a.calls()).isEqualTo(4);
  }

  @Test
  void atTheLimit_downgradeToTheCheaperGroup_recordedInRouteAndUsageRecord() {
    switchboard = builder().budget(Budget.builder(Budget.Scope.TEAM, SpendPeriod.MONTH, Money.of("0.03"))
        .subject("research").downgradeTo("cheap").build()).build();
    RequestOptions research = as(null, "alice", "research");
    switchboard.chatBlocking(request("premium"), research);
    switchboard.chatBlocking(request("premium"), research);

    ChatResponse third = switchboard.chatBlocking(request("premium"), research);

    assertThat(a.calls()).isEqualTo(2);
    assertThat(b.calls()).isEqualTo(1);
    assertThat(b.requests().get(0).model()).isEqualTo("small");
    assertThat(third.text()).isEqualTo("b says hi");
    assertThat(third.route().group()).isEqualTo("cheap");
    assertThat(third.route().downgradedFrom()).isEqualTo("premium");
    assertThat(third.route().deployment()).isEqualTo("b/small");
    assertThat(events.downgrades).containsExactly("team:research:month premium->cheap");
    UsageRecord r = events.records.get(2);
    assertThat(r.modelGroup()).isEqualTo("cheap");
    assertThat(r.downgradedFrom()).isEqualTo("premium");
    assertThat(r.cost()).isEqualTo(Cost.of(CHEAP_CALL));
    assertThat(spend(UsageDimension.TEAM, "research")).isEqualTo(CALL.times(2).plus(CHEAP_CALL));
    // another team is not downgraded
    assertThat(switchboard.chatBlocking(request("premium"), as(null, "bob", "ops")).route().group())
        .isEqualTo("premium");
  }

  @Test
  void rejectingBudgetAtLimit_winsOverADowngradingOne() {
    switchboard = builder()
        .budget(Budget.builder(Budget.Scope.TEAM, SpendPeriod.DAY, Money.of("0.01")).downgradeTo("cheap").build())
        .budget(userDaily("0.01"))
        .build();
    switchboard.chatBlocking(request("premium"), as(null, "alice", "research"));

    assertThatThrownBy(() -> switchboard.chatBlocking(request("premium"), as(null, "alice", "research")))
        .isInstanceOfSatisfying(BudgetExceededException.class, e -> assertThat(e.budget()).isEqualTo("user:alice:day"));
  }

  @Test
  void downgradeBudget_callAlreadyOnTheCheapGroup_refused() {
    switchboard = builder().budget(userDaily("0.001").toBuilder().downgradeTo("cheap").build()).build();
    switchboard.chatBlocking(request("cheap"), as(null, "alice", null));

    assertThatThrownBy(() -> switchboard.chatBlocking(request("cheap"), as(null, "alice", null)))
        .isInstanceOf(BudgetExceededException.class);
  }

  @Test
  void stream_atTheLimit_rejectedOrDowngraded() throws Exception {
    b.thenStream(just(FakeProvider.chunk("cheap words")));
    switchboard = builder()
        .budget(userDaily("0.01").toBuilder().subject("alice").build())
        .budget(userDaily("0.01").toBuilder().subject("carol").downgradeTo("cheap").build())
        .build();
    chat("alice");
    chat("carol");

    StreamProbe rejected = new StreamProbe();
    switchboard.stream(request("premium"), as(null, "alice", null)).subscribe(rejected);
    assertThat(rejected.error()).isInstanceOfSatisfying(BudgetExceededException.class,
        e -> assertThat(e.budget()).isEqualTo("user:alice:day"));

    StreamProbe downgraded = new StreamProbe();
    switchboard.stream(request("premium"), as(null, "carol", null)).subscribe(downgraded);
    assertThat(downgraded.error()).isNull();
    assertThat(downgraded.items).hasSize(1);
    assertThat(downgraded.items.get(0).route().downgradedFrom()).isEqualTo("premium");
    assertThat(downgraded.items.get(0).route().group()).isEqualTo("cheap");
  }

  @Test
  void alerts_eachThresholdFiresOncePerPeriod() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    switchboard = builder().meterRegistry(registry)
        .budget(userDaily("0.10").toBuilder().downgradeTo("cheap").build()).build();

    for (int i = 0; i < 3; i++) {
      chat("alice"); // $0.06: below 80%
    }
    switchboard.costs().flush().join();
    assertThat(events.alerts).isEmpty();

    chat("alice"); // $0.08: 80%
    switchboard.costs().flush().join();
    assertThat(events.alerts).extracting(BudgetAlert::threshold).containsExactly(new BigDecimal("0.8"));
    BudgetAlert first = events.alerts.get(0);
    assertThat(first.budgetName()).isEqualTo("user:alice:day");
    assertThat(first.bucket()).isEqualTo("2026-01-01");
    assertThat(first.spend()).isEqualTo(Money.of("0.08"));
    assertThat(first.limit()).isEqualTo(Money.of("0.10"));

    chat("alice"); // $0.10: 100%
    for (int i = 0; i < 3; i++) {
      chat("alice"); // downgraded, still spending: no alert again
    }
    switchboard.costs().flush().join();
    assertThat(events.alerts).extracting(BudgetAlert::threshold)
        .containsExactly(new BigDecimal("0.8"), BigDecimal.ONE);
    assertThat(registry.get(SwitchboardMetrics.BUDGET_ALERTS).tag("scope", "user").tag("period", "day")
        .tag("threshold", "0.8").counter().count()).isEqualTo(1.0);
    assertThat(registry.get(SwitchboardMetrics.BUDGET_ALERTS).tag("threshold", "1").counter().count()).isEqualTo(1.0);
    assertThat(registry.get(SwitchboardMetrics.BUDGET_DOWNGRADES).tag("group", "premium").counter().count())
        .isEqualTo(3.0);

    clock.advance(Duration.ofDays(1)); // a new period: the thresholds fire again
    for (int i = 0; i < 4; i++) {
      chat("alice");
    }
    switchboard.costs().flush().join();
    assertThat(events.alerts).hasSize(3);
    assertThat(events.alerts.get(2).bucket()).isEqualTo("2026-01-02");
  }

  @Test
  void alerts_twoClientsOnOneLedger_fireOnceBetweenThem() {
    InMemoryUsageLedger shared = InMemoryUsageLedger.create(clock, Duration.ofHours(1));
    UsageEvents otherEvents = new UsageEvents();
    Budget budget = userDaily("0.025");
    switchboard = builder().usageLedger(shared).budget(budget).build();
    try (Switchboard other = builder().usageLedger(shared).budget(budget).listener(otherEvents).build()) {
      chat("alice"); // $0.02 = 80%
      switchboard.costs().flush().join();
      assertThat(events.alerts).extracting(BudgetAlert::threshold).containsExactly(new BigDecimal("0.8"));

      other.chatBlocking(request("premium"), as(null, "alice", null).toBuilder().requestId("other-1").build());
      other.costs().flush().join(); // $0.04: the other client raises 100%, and not 80% again

      assertThat(otherEvents.alerts).extracting(BudgetAlert::threshold).containsExactly(BigDecimal.ONE);
      // 'events' listens to both clients: each threshold fired once between them
      assertThat(events.alerts).extracting(BudgetAlert::threshold)
          .containsExactly(new BigDecimal("0.8"), BigDecimal.ONE);
      // each client sees the spend the other recorded
      assertThatThrownBy(() -> chat("alice")).isInstanceOf(BudgetExceededException.class);
    }
  }

  @Test
  void overshoot_boundedByTheCallsInFlightWhenTheLimitWasCrossed() throws Exception {
    Money limit = Money.of("0.05");
    switchboard = builder().budget(Budget.builder(Budget.Scope.USER, SpendPeriod.DAY, limit).build()).build();
    chat("alice");
    chat("alice"); // spent $0.04, below the limit

    // five calls start together: each is checked against $0.04 and admitted
    List<CompletableFuture<ChatResponse>> gates = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      CompletableFuture<ChatResponse> gate = new CompletableFuture<>();
      gates.add(gate);
      a.thenChat((r, c) -> gate);
    }
    List<CompletableFuture<ChatResponse>> inFlight = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      inFlight.add(switchboard.chat(request("premium"), as(null, "alice", null)));
    }
    assertThat(a.calls()).isEqualTo(7);
    gates.forEach(g -> g.complete(FakeProvider.response("big", "late")));
    CompletableFuture.allOf(inFlight.toArray(new CompletableFuture[0])).get(10, TimeUnit.SECONDS);

    Money spent = spend(UsageDimension.USER, "alice");
    assertThat(spent).isEqualTo(CALL.times(7));
    // the bound stated in Budget's Javadoc: limit + (calls in flight when it was crossed) x their cost
    assertThat(spent).isLessThanOrEqualTo(limit.plus(CALL.times(5)));
    // and once they ended, nothing more gets through
    assertThatThrownBy(() -> chat("alice")).isInstanceOf(BudgetExceededException.class);
    assertThat(a.calls()).isEqualTo(7);
  }

  @Test
  void sequentialCalls_endedCallsCountBeforeTheirRecordsReachTheLedger() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    UsageLedger stalled = new UsageRecordingTest.ForwardingLedger(InMemoryUsageLedger.create(clock,
        Duration.ofHours(1))) {
      @Override
      public CompletableFuture<Void> record(List<UsageRecord> records) {
        // the store applies the first batch but acknowledges it only when the test says so: the writer waits,
        // and every later record stays in the client's buffer meanwhile
        super.record(records);
        return CompletableFuture.runAsync(() -> await(release));
      }
    };
    Money limit = Money.of("0.07");
    switchboard = builder().usageLedger(stalled)
        .budget(Budget.builder(Budget.Scope.USER, SpendPeriod.DAY, limit).build()).build();
    int admitted = 0;
    for (int i = 0; i < 10; i++) {
      try {
        chat("alice");
        admitted++;
      } catch (BudgetExceededException e) {
        // refused
      }
    }

    assertThat(admitted).isEqualTo(4); // spends 0, 0.02, 0.04, 0.06 admitted; 0.08 refused
    release.countDown();
    assertThat(spend(UsageDimension.USER, "alice")).isEqualTo(CALL.times(4)).isLessThanOrEqualTo(limit.plus(CALL));
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void budgetCheck_oneLedgerRoundTripPerCall_noneWithoutABudget() {
    AtomicInteger requestPathReads = new AtomicInteger();
    UsageLedger counting = new UsageRecordingTest.ForwardingLedger(InMemoryUsageLedger.create(clock,
        Duration.ofHours(1))) {
      @Override
      public CompletableFuture<Map<SpendKey, UsageTotals>> totals(Collection<SpendKey> keys) {
        if (!Thread.currentThread().getName().equals("switchboard-usage")) {
          requestPathReads.incrementAndGet();
        }
        return super.totals(keys);
      }
    };
    switchboard = builder().usageLedger(counting)
        .budget(Budget.builder(Budget.Scope.KEY, SpendPeriod.DAY, Money.of("10")).build())
        .budget(Budget.builder(Budget.Scope.USER, SpendPeriod.MONTH, Money.of("10")).build())
        .budget(Budget.builder(Budget.Scope.TEAM, SpendPeriod.TOTAL, Money.of("10")).build())
        .build();

    switchboard.chatBlocking(request("premium"), as("k", "alice", "t"));
    switchboard.chatBlocking(request("premium"), as("k", "alice", "t"));
    assertThat(requestPathReads.get()).isEqualTo(2);

    switchboard.chatBlocking(request("premium")); // anonymous: no budget applies
    assertThat(requestPathReads.get()).isEqualTo(2);
  }

  @Test
  void ledgerUnreachableAtTheCheck_callProceeds() {
    UsageLedger broken = new UsageRecordingTest.ForwardingLedger(InMemoryUsageLedger.create()) {
      @Override
      public CompletableFuture<Map<SpendKey, UsageTotals>> totals(Collection<SpendKey> keys) {
        return CompletableFuture.failedFuture(new IllegalStateException("store unreachable"));
      }
    };
    switchboard = builder().usageLedger(broken).budget(userDaily("0.01")).build();

    chat("alice");
    chat("alice");

    assertThat(a.calls()).isEqualTo(2);
  }

  @Test
  void build_budgetDowngradesToAnUnknownGroup_refusedNamingIt() {
    assertThatThrownBy(() -> builder().budget(userDaily("1").toBuilder().downgradeTo("nope").build()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a budget downgrades to model group 'nope', which is not configured");
  }

  @Test
  void build_twoBudgetsOfTheSameName_refused() {
    assertThatThrownBy(() -> builder().budget(userDaily("1")).budget(userDaily("2")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("two budgets named 'user:*:day'");
  }

  @Test
  void budgetBuilder_validatesAtOnce() {
    assertThatThrownBy(() -> Budget.builder(Budget.Scope.USER, SpendPeriod.DAY, Money.ZERO))
        .hasMessage("limit must be positive but was $0.000000000");
    assertThatThrownBy(() -> userDaily("1").toBuilder().thresholds(new BigDecimal("0.9"), new BigDecimal("0.5")))
        .hasMessage("thresholds must be above 0 and ascending but were [0.9, 0.5]");
    assertThat(userDaily("1").name()).isEqualTo("user:*:day");
    assertThat(userDaily("1").thresholds()).containsExactly(new BigDecimal("0.8"), BigDecimal.ONE);
  }

  /** A publisher of one chunk, then completion. */
  static Flow.Publisher<ChatChunk> just(ChatChunk chunk) {
    return s -> s.onSubscribe(new Flow.Subscription() {
      private boolean done;

      @Override
      public synchronized void request(long n) {
        if (!done) {
          done = true;
          s.onNext(chunk);
          s.onComplete();
        }
      }

      @Override
      public synchronized void cancel() {
        done = true;
      }
    });
  }
}

package dev.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.Caller;
import dev.switchboard.core.RequestOptions;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.SwitchboardListener;
import dev.switchboard.core.cost.Budget;
import dev.switchboard.core.cost.BudgetAlert;
import dev.switchboard.core.cost.Money;
import dev.switchboard.core.cost.Price;
import dev.switchboard.core.cost.SpendKey;
import dev.switchboard.core.cost.SpendPeriod;
import dev.switchboard.core.cost.UsageDimension;
import dev.switchboard.core.cost.UsageTotals;
import dev.switchboard.core.error.BudgetExceededException;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.routing.Deployment;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.testing.FakeProvider;
import dev.switchboard.core.testing.ManualClock;
import dev.switchboard.redis.testing.Await;
import dev.switchboard.redis.testing.RedisServerExtension;
import dev.switchboard.redis.testing.RedisServerProcess;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two Switchboard instances (as two gateway processes: each with its own connection) sharing one
 * Redis ledger: one exact spend, one budget, one alert per threshold.
 */
class SwitchboardRedisLedgerTest {

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  /** A call costs $0.02: FakeProvider reports 10 prompt and 5 completion tokens, at $1000 / $2000 per million. */
  private static final Money CALL = Money.of("0.02");
  /**
   * Today, really: alert claims expire at an absolute time that Redis compares with its own clock,
   * so the instances' clock must agree with it (as the system clock does in production).
   */
  private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);

  private final ManualClock clock = new ManualClock(TODAY.atTime(12, 0).toInstant(ZoneOffset.UTC));
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final List<RedisUsageLedger> ledgers = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) { // each Switchboard before its connection
      closeables.get(i).close();
    }
  }

  /** Records the budget alerts it is told about. */
  static final class Alerts extends SwitchboardListener {
    final List<BudgetAlert> alerts = new CopyOnWriteArrayList<>();

    @Override
    public void budgetAlert(BudgetAlert alert) {
      alerts.add(alert);
    }
  }

  private Switchboard instance(String redisUri, SwitchboardListener listener, Budget... budgets) {
    RedisConnection connection = RedisConnection.builder().uri(redisUri).maxReconnectDelay(Duration.ofMillis(100))
        .build();
    closeables.add(connection);
    RedisUsageLedger ledger = RedisUsageLedger.builder(connection).build();
    ledgers.add(ledger);
    Switchboard.Builder b = Switchboard.builder()
        .provider("a", new FakeProvider("a"))
        .clock(clock)
        .retryPolicy(RetryPolicy.none())
        .usageLedger(ledger)
        .modelGroup(ModelGroup.builder("premium").deployment(Deployment.builder().provider("a").model("big")
            .price(Price.perMillion("1000", "2000")).build()).build());
    if (listener != null) {
      b.listener(listener);
    }
    for (Budget budget : budgets) {
      b.budget(budget);
    }
    Switchboard s = b.build();
    closeables.add(s);
    return s;
  }

  private static ChatRequest request() {
    return ChatRequest.builder().model("premium").addMessage(Message.user("hi")).build();
  }

  private static RequestOptions as(String user) {
    return RequestOptions.builder().caller(Caller.builder().keyId("key-" + user).user(user).team("team").build())
        .build();
  }

  private static UsageTotals spend(Switchboard s, UsageDimension d, String value) {
    return s.costs().totals(d, value, TODAY, TODAY).join();
  }

  private static void flush(Switchboard... instances) {
    for (Switchboard s : instances) {
      s.costs().flush().orTimeout(30, TimeUnit.SECONDS).join();
    }
  }

  /** Runs {@code callsPerThread} calls on each of {@code threads} threads per instance, all at once. */
  private static int load(List<Switchboard> instances, int threads, int callsPerThread, Runnable midway)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(instances.size() * threads);
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger done = new AtomicInteger();
    AtomicInteger rejected = new AtomicInteger();
    int total = instances.size() * threads * callsPerThread;
    List<Future<?>> workers = new ArrayList<>();
    try {
      for (Switchboard s : instances) {
        for (int t = 0; t < threads; t++) {
          workers.add(pool.submit(() -> {
            start.await();
            for (int i = 0; i < callsPerThread; i++) {
              try {
                s.chatBlocking(request(), as("user-" + (i % 5)));
              } catch (BudgetExceededException e) {
                rejected.incrementAndGet();
              }
              if (done.incrementAndGet() == total / 2 && midway != null) {
                midway.run();
              }
            }
            return null;
          }));
        }
      }
      start.countDown();
      for (Future<?> w : workers) {
        w.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    return rejected.get();
  }

  @Test
  void twoInstancesUnderConcurrentLoad_exactTotalsSeenByBoth() throws Exception {
    Switchboard first = instance(redis.uri(), null);
    Switchboard second = instance(redis.uri(), null);

    load(List.of(first, second), 4, 50, null); // 400 calls
    flush(first, second);

    for (Switchboard s : List.of(first, second)) {
      Map<String, UsageTotals> byUser = s.costs().totals(UsageDimension.USER, TODAY, TODAY).join();
      assertThat(byUser).hasSize(5);
      assertThat(byUser.values()).allSatisfy(t -> {
        assertThat(t.requests()).isEqualTo(80);
        assertThat(t.cost()).isEqualTo(CALL.times(80));
        assertThat(t.promptTokens()).isEqualTo(800);
        assertThat(t.completionTokens()).isEqualTo(400);
      });
      assertThat(spend(s, UsageDimension.TEAM, "team").cost()).isEqualTo(Money.of("8"));
      assertThat(spend(s, UsageDimension.GROUP, "premium").requests()).isEqualTo(400);
    }
    SpendKey month = SpendKey.of(UsageDimension.PROVIDER, "a", SpendPeriod.MONTH, TODAY);
    assertThat(ledgers.get(0).totals(List.of(month)).join().get(month).cost()).isEqualTo(Money.of("8"));
  }

  @Test
  void sameClientRequestIdOnTwoInstances_bothPaidCallsCounted() {
    Switchboard first = instance(redis.uri(), null);
    Switchboard second = instance(redis.uri(), null);
    RequestOptions resent = as("alice").toBuilder().requestId("req-42").build();

    first.chatBlocking(request(), resent);
    flush(first);
    second.chatBlocking(request(), resent); // a client resending its x-request-id through another gateway
    flush(second);

    // Two upstream calls were made and paid: a caller-chosen id must never make one of them free.
    assertThat(spend(first, UsageDimension.USER, "alice").requests()).isEqualTo(2);
    assertThat(spend(second, UsageDimension.USER, "alice").cost()).isEqualTo(CALL.plus(CALL));
    assertThat(ledgers.get(0).duplicateCount() + ledgers.get(1).duplicateCount()).isZero();
  }

  @Test
  void redisStoppedAndRestartedMidRun_nothingLostNothingCountedTwice() throws Exception {
    // Its own server, persisting every write: a restarted Redis keeps what it acknowledged, dedup
    // markers included, as a production one with AOF does.
    try (RedisServerProcess durable = RedisServerProcess.start(RedisServerProcess.freePort(),
        List.of("--appendonly", "yes", "--appendfsync", "always"))) {
      Switchboard first = instance(durable.uri(), null);
      Switchboard second = instance(durable.uri(), null);
      AtomicInteger outages = new AtomicInteger();

      load(List.of(first, second), 4, 60, () -> { // 480 calls; Redis dies at the 240th, comes back later
        durable.stop();
        outages.incrementAndGet();
      });
      assertThat(outages).hasValue(1);
      Await.until(Duration.ofSeconds(5), "both ledgers degraded", () -> ledgers.stream()
          .allMatch(l -> l.health().status() == dev.switchboard.core.Health.Status.DEGRADED));
      durable.restart();
      Await.until(Duration.ofSeconds(10), "both reconnected",
          () -> closeables.stream().filter(c -> c instanceof RedisConnection)
              .allMatch(c -> ((RedisConnection) c).isConnected()));
      flush(first, second);

      Map<String, UsageTotals> byUser = first.costs().totals(UsageDimension.USER, TODAY, TODAY).join();
      assertThat(byUser.values()).extracting(UsageTotals::requests).containsOnly(96L);
      assertThat(spend(second, UsageDimension.TEAM, "team").cost()).isEqualTo(CALL.times(480));
      assertThat(spend(second, UsageDimension.TEAM, "team").requests()).isEqualTo(480);
      assertThat(ledgers.get(0).errorCount() + ledgers.get(1).errorCount()).isPositive();
    }
  }

  @Test
  void budgetOnBothInstances_rejectsGloballyAndEachThresholdAlertsOnce() {
    Alerts alerts = new Alerts();
    Budget budget = Budget.builder(Budget.Scope.USER, SpendPeriod.DAY, Money.of("0.05")).build();
    Switchboard first = instance(redis.uri(), alerts, budget);
    Switchboard second = instance(redis.uri(), alerts, budget);

    first.chatBlocking(request(), as("alice"));
    flush(first);
    second.chatBlocking(request(), as("alice")); // $0.04: 80%
    flush(second);
    assertThat(alerts.alerts).extracting(BudgetAlert::threshold).containsExactly(new BigDecimal("0.8"));
    first.chatBlocking(request(), as("alice")); // admitted at $0.04 of $0.05: $0.06, 100%
    flush(first);

    for (Switchboard s : List.of(second, first)) {
      assertThatThrownBy(() -> s.chatBlocking(request(), as("alice")))
          .isInstanceOfSatisfying(BudgetExceededException.class,
              e -> assertThat(e.budget()).isEqualTo("user:alice:day"))
          .hasMessage("budget 'user:alice:day' is exhausted: spent $0.060000000 of $0.050000000 in " + TODAY);
    }
    second.chatBlocking(request(), as("bob")); // every user has a budget of their own
    flush(first, second);
    assertThat(alerts.alerts).extracting(BudgetAlert::threshold).containsExactly(new BigDecimal("0.8"), BigDecimal.ONE);
    assertThat(alerts.alerts).extracting(BudgetAlert::budgetName).containsOnly("user:alice:day");
  }

  @Test
  void budgetCrossedByConcurrentLoadOnBothInstances_eachThresholdAlertsExactlyOnce() throws Exception {
    Alerts alerts = new Alerts();
    Budget budget = Budget.builder(Budget.Scope.TEAM, SpendPeriod.MONTH, Money.of("1"))
        .thresholds(new BigDecimal("0.25"), new BigDecimal("0.5"), new BigDecimal("0.75"), BigDecimal.ONE).build();
    Switchboard first = instance(redis.uri(), alerts, budget);
    Switchboard second = instance(redis.uri(), alerts, budget);

    int rejected = load(List.of(first, second), 4, 20, null); // 160 calls: $3.20 asked of a $1 budget
    flush(first, second);

    assertThat(alerts.alerts).extracting(BudgetAlert::threshold).containsExactlyInAnyOrder(new BigDecimal("0.25"),
        new BigDecimal("0.5"), new BigDecimal("0.75"), BigDecimal.ONE);
    UsageTotals team = first.costs().totals(UsageDimension.TEAM, "team", TODAY, TODAY).join();
    assertThat(rejected).isPositive();
    assertThat(team.cost()).isEqualTo(CALL.times(160 - rejected)).isGreaterThanOrEqualTo(Money.of("1"));
    assertThat(team.requests()).isEqualTo(160); // a rejected call is recorded too, at no cost
    // the check is global: both now refuse
    for (Switchboard s : List.of(first, second)) {
      assertThatThrownBy(() -> s.chatBlocking(request(), as("user-0"))).isInstanceOf(BudgetExceededException.class);
    }
  }
}

package dev.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.Health;
import dev.switchboard.core.cost.Cost;
import dev.switchboard.core.cost.Money;
import dev.switchboard.core.cost.SpendKey;
import dev.switchboard.core.cost.SpendPeriod;
import dev.switchboard.core.cost.UsageDimension;
import dev.switchboard.core.cost.UsageLedger;
import dev.switchboard.core.cost.UsageRecord;
import dev.switchboard.core.cost.UsageTotals;
import dev.switchboard.core.metrics.SwitchboardMetrics;
import dev.switchboard.core.testing.UsageLedgerContract;
import dev.switchboard.redis.testing.Await;
import dev.switchboard.redis.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Redis ledger against a real standalone Redis: the shared contract, then what is Redis-specific. */
class RedisUsageLedgerTest extends UsageLedgerContract {

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private static final LocalDate DAY = LocalDate.parse("2026-01-31");

  private final List<RedisConnection> connections = new ArrayList<>();

  @AfterEach
  void closeConnections() {
    connections.forEach(RedisConnection::close);
  }

  private RedisConnection connect() {
    RedisConnection c = RedisConnection.builder().uri(redis.uri()).maxReconnectDelay(Duration.ofMillis(200)).build();
    connections.add(c);
    return c;
  }

  @Override
  protected UsageLedger newLedger() {
    return RedisUsageLedger.builder(connect()).build();
  }

  private static Object redis(String... command) {
    return redis.server().command(command);
  }

  private static TreeSet<String> keys() {
    TreeSet<String> out = new TreeSet<>();
    for (Object k : (List<?>) redis("KEYS", "*")) {
      out.add((String) k);
    }
    return out;
  }

  @Test
  void record_oneRecord_writesTheDocumentedKeysWithTheirExpiries() {
    UsageLedger ledger = newLedger();
    UsageRecord r = UsageRecord.builder("req-1", Instant.parse("2026-01-31T09:00:00Z")).team("research")
        .upstreamModel("gpt-4o").usage(dev.switchboard.core.model.Usage.of(100, 10)).cost(Cost.of(Money.of("0.25")))
        .build();

    ledger.record(List.of(r)).join();

    assertThat(keys()).containsExactly(
        "{sb:usage}:agg:model:gpt-4o:2026-01", "{sb:usage}:agg:model:gpt-4o:2026-01-31",
        "{sb:usage}:agg:model:gpt-4o:total",
        "{sb:usage}:agg:team:research:2026-01", "{sb:usage}:agg:team:research:2026-01-31",
        "{sb:usage}:agg:team:research:total",
        "{sb:usage}:idx:model:2026-01-31", "{sb:usage}:idx:team:2026-01-31",
        "{sb:usage}:seen:req-1");
    // integer counters; zeros are not stored
    assertThat(redis("HGETALL", "{sb:usage}:agg:team:research:2026-01"))
        .isEqualTo(List.of("req", "1", "pt", "100", "ct", "10", "cost", "250000000"));
    assertThat(redis("SMEMBERS", "{sb:usage}:idx:team:2026-01-31")).isEqualTo(List.of("research"));
    assertThat((Long) redis("TTL", "{sb:usage}:agg:team:research:2026-01-31"))
        .isBetween(Duration.ofDays(400).toSeconds() - 60, Duration.ofDays(400).toSeconds());
    assertThat((Long) redis("TTL", "{sb:usage}:idx:team:2026-01-31"))
        .isBetween(Duration.ofDays(400).toSeconds() - 60, Duration.ofDays(400).toSeconds());
    assertThat((Long) redis("TTL", "{sb:usage}:agg:team:research:2026-01"))
        .isBetween(Duration.ofDays(775).toSeconds() - 60, Duration.ofDays(775).toSeconds());
    assertThat(redis("TTL", "{sb:usage}:agg:team:research:total")).isEqualTo(-1L);
    assertThat((Long) redis("TTL", "{sb:usage}:seen:req-1"))
        .isBetween(RedisUsageLedger.DEFAULT_DEDUP_TTL.toSeconds() - 60, RedisUsageLedger.DEFAULT_DEDUP_TTL.toSeconds());
  }

  @Test
  void record_existingKeys_keepTheirFirstExpiry() {
    UsageLedger ledger = newLedger();
    ledger.record(List.of(record("a", "2026-01-31T09:00:00Z", "alice", "1"))).join();
    redis("EXPIRE", "{sb:usage}:agg:user:alice:2026-01-31", "1000");

    ledger.record(List.of(record("b", "2026-01-31T10:00:00Z", "alice", "1"))).join();

    assertThat((Long) redis("TTL", "{sb:usage}:agg:user:alice:2026-01-31")).isBetween(990L, 1000L);
    assertThat(redis("HGET", "{sb:usage}:agg:user:alice:2026-01-31", "req")).isEqualTo("2");
  }

  @Test
  void record_separatorsInValues_escapedInKeysAndKeptRawInTheIndex() {
    UsageLedger ledger = newLedger();
    ledger.record(List.of(record("a", "2026-01-31T09:00:00Z", "a:b%c", "1"))).join();

    assertThat(keys()).contains("{sb:usage}:agg:user:a%3Ab%25c:total", "{sb:usage}:agg:user:a%3Ab%25c:2026-01-31");
    assertThat(redis("SMEMBERS", "{sb:usage}:idx:user:2026-01-31")).isEqualTo(List.of("a:b%c"));
    assertThat(ledger.totalsByValue(UsageDimension.USER, DAY, DAY).join()).containsOnlyKeys("a:b%c");
  }

  @Test
  void record_keyPrefix_goesBeforeTheHashTag() {
    UsageLedger ledger = RedisUsageLedger.builder(connect()).keyPrefix("staging:").build();
    ledger.record(List.of(record("a", "2026-01-31T09:00:00Z", "alice", "1"))).join();

    assertThat(keys()).allMatch(k -> k.startsWith("staging:{sb:usage}:")).contains("staging:{sb:usage}:seen:a");
    assertThat(total(ledger, UsageDimension.USER, "alice", SpendPeriod.TOTAL, LocalDate.MIN).cost())
        .isEqualTo(Money.of("1"));
  }

  @Test
  void record_afterRedisForgotTheScript_stillApplied() {
    UsageLedger ledger = newLedger();
    ledger.record(List.of(record("a", "2026-01-31T09:00:00Z", "alice", "1"))).join();
    redis("SCRIPT", "FLUSH"); // what a restart or a failover to a replica does

    ledger.record(List.of(record("b", "2026-01-31T09:00:00Z", "alice", "2"),
        record("c", "2026-01-31T09:00:00Z", "alice", "4"))).join();

    assertThat(total(ledger, UsageDimension.USER, "alice", SpendPeriod.DAY, DAY).cost()).isEqualTo(Money.of("7"));
  }

  @Test
  void record_sameIdsFromTwoConnectionsAtOnce_eachCountedOnce() throws Exception {
    RedisUsageLedger first = RedisUsageLedger.builder(connect()).build();
    RedisUsageLedger second = RedisUsageLedger.builder(connect()).build();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (RedisUsageLedger ledger : List.of(first, second)) {
        writers.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 100; i++) { // both write the same 200 records, in batches of two
            ledger.record(List.of(record("r-" + i, "2026-01-31T09:00:00Z", "alice", "0.001"),
                record("s-" + i, "2026-01-31T09:00:00Z", "bob", "0.002"))).get(10, TimeUnit.SECONDS);
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> w : writers) {
        w.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    Map<String, UsageTotals> byUser = first.totalsByValue(UsageDimension.USER, DAY, DAY).join();
    assertThat(byUser.get("alice").requests()).isEqualTo(100);
    assertThat(byUser.get("alice").cost()).isEqualTo(Money.of("0.1"));
    assertThat(byUser.get("bob").cost()).isEqualTo(Money.of("0.2"));
    assertThat(first.duplicateCount() + second.duplicateCount()).isEqualTo(200);
  }

  @Test
  void totals_manyKeys_oneResultPerKeyInOrder() {
    UsageLedger ledger = newLedger();
    ledger.record(List.of(record("a", "2026-01-31T09:00:00Z", "alice", "1"))).join();
    List<SpendKey> asked = List.of(SpendKey.of(UsageDimension.USER, "nobody", SpendPeriod.DAY, DAY),
        SpendKey.of(UsageDimension.USER, "alice", SpendPeriod.MONTH, DAY),
        SpendKey.of(UsageDimension.KEY, "k1", SpendPeriod.TOTAL, DAY));

    Map<SpendKey, UsageTotals> totals = ledger.totals(asked).join();

    assertThat(totals.keySet()).containsExactlyElementsOf(asked);
    assertThat(totals.get(asked.get(0))).isEqualTo(UsageTotals.ZERO);
    assertThat(totals.get(asked.get(1))).isEqualTo(UsageTotals.of(1, 100, 10, 40, 5, 3, Money.of("1"), 0, 0));
    assertThat(ledger.totals(List.of()).join()).isEmpty();
  }

  @Test
  void totalsByValue_rangeWithWholeMonthsAndEdgeDays_sumsExactly() {
    UsageLedger ledger = newLedger();
    ledger.record(List.of(record("a", "2026-01-14T23:59:59Z", "alice", "1"), // before the range
        record("b", "2026-01-15T00:00:00Z", "alice", "2"),
        record("c", "2026-01-31T23:00:00Z", "bob", "4"),
        record("d", "2026-02-01T00:00:00Z", "alice", "8"), // February is whole: read from its month aggregate
        record("e", "2026-02-28T12:00:00Z", "carol", "16"),
        record("f", "2026-03-10T12:00:00Z", "bob", "32"),
        record("g", "2026-03-11T00:00:00Z", "alice", "64"))).join(); // after the range

    Map<String, UsageTotals> byUser = ledger.totalsByValue(UsageDimension.USER, LocalDate.parse("2026-01-15"),
        LocalDate.parse("2026-03-10")).join();
    Map<String, UsageTotals> february = ledger.totalsByValue(UsageDimension.USER, LocalDate.parse("2026-02-01"),
        LocalDate.parse("2026-02-28")).join();

    assertThat(byUser).containsOnlyKeys("alice", "bob", "carol");
    assertThat(byUser.get("alice").cost()).isEqualTo(Money.of("10"));
    assertThat(byUser.get("alice").requests()).isEqualTo(2);
    assertThat(byUser.get("bob").cost()).isEqualTo(Money.of("36"));
    assertThat(byUser.get("carol").cost()).isEqualTo(Money.of("16"));
    assertThat(february).containsOnlyKeys("alice", "carol");
    assertThat(february.get("alice").cost()).isEqualTo(Money.of("8"));
    assertThat(ledger.totalsByValue(UsageDimension.USER, LocalDate.parse("2025-01-01"), LocalDate.parse("2025-12-31"))
        .join()).isEmpty();
  }

  @Test
  void totalsByValue_badRange_rejectedAtOnce() {
    UsageLedger ledger = newLedger();

    assertThatThrownBy(() -> ledger.totalsByValue(UsageDimension.USER, DAY, DAY.minusDays(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("'to' (2026-01-30) is before 'from' (2026-01-31)");
    assertThatThrownBy(() -> ledger.totalsByValue(UsageDimension.USER, LocalDate.MIN, DAY))
        .isInstanceOf(IllegalArgumentException.class).hasMessageEndingWith("days; at most 3660 can be queried");
  }

  @Test
  void claimOnce_expiry_setAsAnAbsoluteTimeOrNone() {
    UsageLedger ledger = newLedger();
    Instant in10Minutes = Instant.now().plus(Duration.ofMinutes(10));

    assertThat(ledger.claimOnce("budget-alert:user:alice:day:2026-01-31:0.8", in10Minutes).join()).isTrue();
    assertThat(ledger.claimOnce("budget-alert:user:alice:day:2026-01-31:0.8", in10Minutes).join()).isFalse();
    assertThat(ledger.claimOnce("budget-alert:team:t:total:total:1", null).join()).isTrue();

    assertThat((Long) redis("PTTL", "{sb:usage}:claim:budget-alert:user:alice:day:2026-01-31:0.8"))
        .isBetween(Duration.ofMinutes(9).toMillis(), Duration.ofMinutes(10).toMillis());
    assertThat(redis("PTTL", "{sb:usage}:claim:budget-alert:team:t:total:total:1")).isEqualTo(-1L);
  }

  @Test
  void readIssuedAfterAWrite_onAConnectionStillConnecting_reflectsIt() {
    for (int i = 0; i < 20; i++) { // a fresh connection each time: both wait for it to open
      UsageLedger ledger = newLedger();
      SpendKey k = SpendKey.of(UsageDimension.USER, "u" + i, SpendPeriod.TOTAL, DAY);

      CompletableFuture<Void> written = ledger.record(List.of(record("w" + i, "2026-01-31T09:00:00Z", "u" + i, "1")));
      CompletableFuture<Map<SpendKey, UsageTotals>> read = ledger.totals(List.of(k));

      written.join();
      assertThat(read.join().get(k).requests()).as("attempt %d", i).isEqualTo(1);
    }
  }

  @Test
  void redisDown_everyOperationFailsPromptly_countedLoggedAndDegraded_thenRecovers() throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RedisConnection connection = connect();
    RedisUsageLedger ledger = RedisUsageLedger.builder(connection).meterRegistry(meters).build();
    ledger.record(List.of(record("a", "2026-01-31T09:00:00Z", "alice", "1"))).join();
    assertThat(ledger.health()).isEqualTo(Health.up());

    redis.server().stop();
    Await.until(Duration.ofSeconds(5), "client saw the disconnect", () -> !connection.isConnected());
    long start = System.nanoTime();
    CompletableFuture<Void> write = ledger.record(List.of(record("b", "2026-01-31T09:00:00Z", "alice", "2")));
    CompletableFuture<?> read = ledger.totals(List.of(SpendKey.of(UsageDimension.USER, "alice", SpendPeriod.DAY, DAY)));
    CompletableFuture<?> query = ledger.totalsByValue(UsageDimension.USER, DAY, DAY);
    CompletableFuture<?> claim = ledger.claimOnce("m", null);

    for (CompletableFuture<?> f : List.of(write, read, query, claim)) {
      assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    }
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(500);
    assertThat(ledger.errorCount()).isEqualTo(4);
    for (String operation : List.of("record", "totals", "totals_by_value", "claim")) {
      assertThat(meters.get(SwitchboardMetrics.USAGE_LEDGER_ERRORS).tags("store", "redis", "operation", operation)
          .counter().count()).as(operation).isEqualTo(1);
    }
    assertThat(ledger.health().status()).isEqualTo(Health.Status.DEGRADED);
    assertThat(ledger.health().detail()).startsWith("not connected to Redis redis://127.0.0.1:");

    redis.server().restart();
    Await.until(Duration.ofSeconds(10), "client reconnected", connection::isConnected);
    ledger.record(List.of(record("b", "2026-01-31T09:00:00Z", "alice", "2"))).get(5, TimeUnit.SECONDS);

    assertThat(ledger.health()).isEqualTo(Health.up());
    assertThat(total(ledger, UsageDimension.USER, "alice", SpendPeriod.DAY, DAY).cost()).isEqualTo(Money.of("2"));
  }

  @Test
  void record_duplicate_countedInTheDuplicatesMeter() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RedisUsageLedger ledger = RedisUsageLedger.builder(connect()).meterRegistry(meters).build();
    UsageRecord r = record("a", "2026-01-31T09:00:00Z", "alice", "1");

    ledger.record(List.of(r, r)).join();
    ledger.record(List.of(r)).join();

    assertThat(ledger.duplicateCount()).isEqualTo(2);
    assertThat(meters.get(SwitchboardMetrics.USAGE_LEDGER_DUPLICATES).tags("store", "redis").counter().count())
        .isEqualTo(2);
  }

  @Test
  void builder_invalidSettings_rejectedAtOnceNamingTheOption() {
    RedisUsageLedger.Builder b = RedisUsageLedger.builder(connect());

    assertThatThrownBy(() -> b.dedupTtl(Duration.ofMinutes(59))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dedupTtl must be at least PT1H but was PT59M");
    assertThatThrownBy(() -> b.dayRetention(Duration.ofDays(1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dayRetention must be at least PT48H but was PT24H");
    assertThatThrownBy(() -> b.monthRetention(Duration.ofDays(31))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("monthRetention must be at least PT1488H but was PT744H");
    assertThatThrownBy(() -> b.keyPrefix("{tenant}:")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("keyPrefix must not contain '{' or '}' (it would change the Cluster hash tag {sb:usage}) but was "
            + "'{tenant}:'");
    assertThatThrownBy(() -> b.errorLogInterval(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("errorLogInterval must not be negative but was PT-1S");
    assertThatThrownBy(() -> RedisUsageLedger.builder(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("connection");
    assertThat(b.dedupTtl(Duration.ofHours(1)).build().toString())
        .isEqualTo("RedisUsageLedger{redis://127.0.0.1:" + redis.server().port() + "/0}");
  }

  @Test
  void record_dedupTtl_isTheMarkersExpiry() {
    UsageLedger ledger = RedisUsageLedger.builder(connect()).dedupTtl(Duration.ofMinutes(90)).build();
    ledger.record(List.of(record("a", "2026-01-31T09:00:00Z", "alice", "1"))).join();

    assertThat((Long) redis("TTL", "{sb:usage}:seen:a")).isBetween(5340L, 5400L);
  }
}

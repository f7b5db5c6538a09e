package dev.switchboard.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.cost.Cost;
import dev.switchboard.core.cost.Money;
import dev.switchboard.core.cost.SpendKey;
import dev.switchboard.core.cost.SpendPeriod;
import dev.switchboard.core.cost.UsageDimension;
import dev.switchboard.core.cost.UsageLedger;
import dev.switchboard.core.cost.UsageRecord;
import dev.switchboard.core.cost.UsageTotals;
import dev.switchboard.core.model.Usage;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link UsageLedger} must show: extend it with a test class that creates a fresh,
 * empty ledger per test (the in-memory one here, the Redis one in sdk-redis).
 */
public abstract class UsageLedgerContract {

  /** A new, empty ledger; called once per test. */
  protected abstract UsageLedger newLedger();

  protected static UsageRecord record(String id, String time, String user, String cost) {
    return UsageRecord.builder(id, Instant.parse(time)).keyId("k1").user(user).team("t1").modelGroup("g")
        .deployment("d").provider("p").upstreamModel("m").usage(Usage.builder().promptTokens(100).completionTokens(10)
            .cachedTokens(40).cacheCreationTokens(5).reasoningTokens(3).build()).cost(Cost.of(Money.of(cost)))
        .build();
  }

  protected static UsageTotals total(UsageLedger ledger, UsageDimension d, String value, SpendPeriod p, LocalDate day) {
    SpendKey k = SpendKey.of(d, value, p, day);
    return ledger.totals(List.of(k)).join().get(k);
  }

  @Test
  void record_sameIdTwice_countedOnce() {
    UsageLedger ledger = newLedger();
    UsageRecord r = record("req-1", "2026-01-31T09:00:00Z", "alice", "0.5");

    ledger.record(List.of(r)).join();
    ledger.record(List.of(r)).join();
    ledger.record(List.of(r, r)).join();

    UsageTotals t = total(ledger, UsageDimension.USER, "alice", SpendPeriod.DAY, LocalDate.parse("2026-01-31"));
    assertThat(t).isEqualTo(UsageTotals.of(1, 100, 10, 40, 5, 3, Money.of("0.5"), 0, 0));
  }

  @Test
  void record_aggregatesEveryDimensionPerDayMonthAndTotal() {
    UsageLedger ledger = newLedger();
    ledger.record(List.of(record("a", "2026-01-30T23:59:59Z", "alice", "1"),
        record("b", "2026-01-31T00:00:00Z", "alice", "2"),
        record("c", "2026-02-01T12:00:00Z", "bob", "4"))).join();

    assertThat(total(ledger, UsageDimension.USER, "alice", SpendPeriod.DAY, LocalDate.parse("2026-01-30")).cost())
        .isEqualTo(Money.of("1"));
    assertThat(total(ledger, UsageDimension.USER, "alice", SpendPeriod.DAY, LocalDate.parse("2026-01-31")).cost())
        .isEqualTo(Money.of("2"));
    assertThat(total(ledger, UsageDimension.USER, "alice", SpendPeriod.MONTH, LocalDate.parse("2026-01-05")).cost())
        .isEqualTo(Money.of("3"));
    assertThat(total(ledger, UsageDimension.TEAM, "t1", SpendPeriod.MONTH, LocalDate.parse("2026-02-28")).cost())
        .isEqualTo(Money.of("4"));
    assertThat(total(ledger, UsageDimension.KEY, "k1", SpendPeriod.TOTAL, LocalDate.MIN).cost())
        .isEqualTo(Money.of("7"));
    assertThat(total(ledger, UsageDimension.GROUP, "g", SpendPeriod.TOTAL, LocalDate.MIN).requests()).isEqualTo(3);
    assertThat(total(ledger, UsageDimension.MODEL, "m", SpendPeriod.TOTAL, LocalDate.MIN).requests()).isEqualTo(3);
    assertThat(total(ledger, UsageDimension.PROVIDER, "p", SpendPeriod.TOTAL, LocalDate.MIN).totalTokens())
        .isEqualTo(330);
    assertThat(total(ledger, UsageDimension.USER, "carol", SpendPeriod.TOTAL, LocalDate.MIN))
        .isEqualTo(UsageTotals.ZERO);
  }

  @Test
  void record_valuesWithSeparators_keptApart() {
    UsageLedger ledger = newLedger();
    ledger.record(List.of(record("a", "2026-01-31T09:00:00Z", "a:b", "1"),
        record("b", "2026-01-31T09:00:00Z", "a", "2"))).join();

    assertThat(total(ledger, UsageDimension.USER, "a:b", SpendPeriod.TOTAL, LocalDate.MIN).cost())
        .isEqualTo(Money.of("1"));
    assertThat(total(ledger, UsageDimension.USER, "a", SpendPeriod.TOTAL, LocalDate.MIN).cost())
        .isEqualTo(Money.of("2"));
  }

  @Test
  void totalsByValue_rangeOfDays_groupsByValue() {
    UsageLedger ledger = newLedger();
    ledger.record(List.of(record("a", "2026-01-29T10:00:00Z", "alice", "1"),
        record("b", "2026-01-30T10:00:00Z", "alice", "2"),
        record("c", "2026-01-30T11:00:00Z", "bob", "4"),
        record("d", "2026-01-31T10:00:00Z", "bob", "8"))).join();

    Map<String, UsageTotals> byUser = ledger.totalsByValue(UsageDimension.USER, LocalDate.parse("2026-01-30"),
        LocalDate.parse("2026-01-31")).join();

    assertThat(byUser).containsOnlyKeys("alice", "bob");
    assertThat(byUser.get("alice").cost()).isEqualTo(Money.of("2"));
    assertThat(byUser.get("bob").cost()).isEqualTo(Money.of("12"));
    assertThat(byUser.get("bob").requests()).isEqualTo(2);
  }

  @Test
  void record_unknownCost_countedApartFromTheSum() {
    UsageLedger ledger = newLedger();
    UsageRecord unknown = record("u", "2026-01-31T09:00:00Z", "alice", "0").toBuilder().cost(Cost.UNKNOWN)
        .estimated(true).build();
    ledger.record(List.of(unknown, record("k", "2026-01-31T09:00:00Z", "alice", "1"))).join();

    UsageTotals t = total(ledger, UsageDimension.USER, "alice", SpendPeriod.DAY, LocalDate.parse("2026-01-31"));
    assertThat(t.cost()).isEqualTo(Money.of("1"));
    assertThat(t.unknownCostRequests()).isEqualTo(1);
    assertThat(t.estimatedRequests()).isEqualTo(1);
    assertThat(t.requests()).isEqualTo(2);
  }

  @Test
  void totals_readIssuedAfterAWrite_reflectsIt() {
    UsageLedger ledger = newLedger();
    var written = ledger.record(List.of(record("a", "2026-01-31T09:00:00Z", "alice", "1")));
    SpendKey k = SpendKey.of(UsageDimension.USER, "alice", SpendPeriod.TOTAL, LocalDate.MIN);

    var read = ledger.totals(List.of(k)); // issued without waiting for the write

    written.join();
    assertThat(read.join().get(k).cost()).isEqualTo(Money.of("1"));
  }

  @Test
  void record_concurrentWritersWithDuplicates_exactTotals() throws Exception {
    UsageLedger ledger = newLedger();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> writes = new ArrayList<>();
    try {
      for (int w = 0; w < 4; w++) {
        writes.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 250; i++) { // every writer writes the same 250 ids: each must count once
            ledger.record(List.of(record("r-" + i, "2026-01-31T09:00:00Z", "user-" + (i % 5), "0.01")))
                .get(10, TimeUnit.SECONDS);
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : writes) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    UsageTotals team = total(ledger, UsageDimension.TEAM, "t1", SpendPeriod.MONTH, LocalDate.parse("2026-01-01"));
    assertThat(team.requests()).isEqualTo(250);
    assertThat(team.cost()).isEqualTo(Money.of("2.5"));
    assertThat(ledger.totalsByValue(UsageDimension.USER, LocalDate.parse("2026-01-31"), LocalDate.parse("2026-01-31"))
        .join().values()).extracting(UsageTotals::requests).containsOnly(50L);
  }

  @Test
  void claimOnce_firstClaimWins() {
    UsageLedger ledger = newLedger();
    Instant far = Instant.parse("2100-01-01T00:00:00Z");

    assertThat(ledger.claimOnce("alert:a", far).join()).isTrue();
    assertThat(ledger.claimOnce("alert:a", far).join()).isFalse();
    assertThat(ledger.claimOnce("alert:b", null).join()).isTrue();
    assertThat(ledger.claimOnce("alert:b", null).join()).isFalse();
  }
}

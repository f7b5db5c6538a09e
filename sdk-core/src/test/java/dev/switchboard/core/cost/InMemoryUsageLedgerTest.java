package dev.switchboard.core.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.model.Usage;
import dev.switchboard.core.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InMemoryUsageLedgerTest {

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-31T10:00:00Z"));
  private final InMemoryUsageLedger ledger = InMemoryUsageLedger.create(clock, Duration.ofHours(1));

  private static UsageRecord record(String id, String time, String user, String cost) {
    return UsageRecord.builder(id, Instant.parse(time)).keyId("k1").user(user).team("t1").modelGroup("g")
        .deployment("d").provider("p").upstreamModel("m").usage(Usage.of(100, 10)).cost(Cost.of(Money.of(cost)))
        .build();
  }

  private UsageTotals total(UsageDimension d, String value, SpendPeriod p, LocalDate day) {
    SpendKey k = SpendKey.of(d, value, p, day);
    return ledger.totals(List.of(k)).join().get(k);
  }

  @Test
  void record_sameIdTwice_countedOnce() {
    UsageRecord r = record("req-1", "2026-01-31T09:00:00Z", "alice", "0.5");

    ledger.record(List.of(r)).join();
    ledger.record(List.of(r)).join();
    ledger.record(List.of(r, r)).join();

    UsageTotals t = total(UsageDimension.USER, "alice", SpendPeriod.DAY, LocalDate.parse("2026-01-31"));
    assertThat(t.requests()).isEqualTo(1);
    assertThat(t.cost()).isEqualTo(Money.of("0.5"));
    assertThat(t.promptTokens()).isEqualTo(100);
  }

  @Test
  void record_sameIdAfterTheDedupWindow_isAppliedAgain() {
    UsageRecord r = record("req-1", "2026-01-31T09:00:00Z", "alice", "0.5");
    ledger.record(List.of(r)).join();

    clock.advance(Duration.ofHours(2));
    ledger.record(List.of(r)).join();

    assertThat(total(UsageDimension.USER, "alice", SpendPeriod.TOTAL, LocalDate.MIN).requests()).isEqualTo(2);
  }

  @Test
  void record_aggregatesEveryDimensionPerDayMonthAndTotal() {
    ledger.record(List.of(record("a", "2026-01-30T23:59:59Z", "alice", "1"),
        record("b", "2026-01-31T00:00:00Z", "alice", "2"),
        record("c", "2026-02-01T12:00:00Z", "bob", "4"))).join();

    assertThat(total(UsageDimension.USER, "alice", SpendPeriod.DAY, LocalDate.parse("2026-01-30")).cost())
        .isEqualTo(Money.of("1"));
    assertThat(total(UsageDimension.USER, "alice", SpendPeriod.DAY, LocalDate.parse("2026-01-31")).cost())
        .isEqualTo(Money.of("2"));
    assertThat(total(UsageDimension.USER, "alice", SpendPeriod.MONTH, LocalDate.parse("2026-01-05")).cost())
        .isEqualTo(Money.of("3"));
    assertThat(total(UsageDimension.TEAM, "t1", SpendPeriod.MONTH, LocalDate.parse("2026-02-28")).cost())
        .isEqualTo(Money.of("4"));
    assertThat(total(UsageDimension.KEY, "k1", SpendPeriod.TOTAL, LocalDate.MIN).cost()).isEqualTo(Money.of("7"));
    assertThat(total(UsageDimension.MODEL, "m", SpendPeriod.TOTAL, LocalDate.MIN).requests()).isEqualTo(3);
    assertThat(total(UsageDimension.PROVIDER, "p", SpendPeriod.TOTAL, LocalDate.MIN).totalTokens()).isEqualTo(330);
    assertThat(total(UsageDimension.USER, "carol", SpendPeriod.TOTAL, LocalDate.MIN)).isEqualTo(UsageTotals.ZERO);
  }

  @Test
  void totalsByValue_rangeOfDays_groupsByValue() {
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
    UsageRecord unknown = record("u", "2026-01-31T09:00:00Z", "alice", "0").toBuilder().cost(Cost.UNKNOWN).build();
    ledger.record(List.of(unknown, record("k", "2026-01-31T09:00:00Z", "alice", "1"))).join();

    UsageTotals t = total(UsageDimension.USER, "alice", SpendPeriod.DAY, LocalDate.parse("2026-01-31"));
    assertThat(t.cost()).isEqualTo(Money.of("1"));
    assertThat(t.unknownCostRequests()).isEqualTo(1);
    assertThat(t.requests()).isEqualTo(2);
  }

  @Test
  void claimOnce_firstClaimWins_untilItExpires() {
    Instant expiry = clock.instant().plus(Duration.ofMinutes(10));

    assertThat(ledger.claimOnce("m", expiry).join()).isTrue();
    assertThat(ledger.claimOnce("m", expiry).join()).isFalse();
    clock.advance(Duration.ofMinutes(11));
    assertThat(ledger.claimOnce("m", null).join()).isTrue();
    clock.advance(Duration.ofDays(1000));
    assertThat(ledger.claimOnce("m", null).join()).isFalse();
  }
}

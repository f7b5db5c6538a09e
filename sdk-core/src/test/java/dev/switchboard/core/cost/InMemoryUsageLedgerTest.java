package dev.switchboard.core.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.testing.ManualClock;
import dev.switchboard.core.testing.UsageLedgerContract;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryUsageLedgerTest extends UsageLedgerContract {

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-31T10:00:00Z"));

  @Override
  protected UsageLedger newLedger() {
    return InMemoryUsageLedger.create(clock, Duration.ofHours(1));
  }

  @Test
  void record_sameIdAfterTheDedupWindow_isAppliedAgain() {
    UsageLedger ledger = newLedger();
    UsageRecord r = record("req-1", "2026-01-31T09:00:00Z", "alice", "0.5");
    ledger.record(List.of(r)).join();

    clock.advance(Duration.ofHours(2));
    ledger.record(List.of(r)).join();

    assertThat(total(ledger, UsageDimension.USER, "alice", SpendPeriod.TOTAL, LocalDate.MIN).requests()).isEqualTo(2);
  }

  @Test
  void record_moreIdsThanItRemembers_forgetsTheOldestFirst() {
    UsageLedger ledger = InMemoryUsageLedger.create(clock, Duration.ofHours(1), 2);
    UsageRecord first = record("req-1", "2026-01-31T09:00:00Z", "alice", "0.5");
    ledger.record(List.of(first, record("req-2", "2026-01-31T09:00:01Z", "alice", "0.5"),
        record("req-3", "2026-01-31T09:00:02Z", "alice", "0.5"))).join();

    ledger.record(List.of(record("req-3", "2026-01-31T09:00:02Z", "alice", "0.5"))).join(); // remembered
    ledger.record(List.of(first)).join(); // forgotten: applied again

    assertThat(total(ledger, UsageDimension.USER, "alice", SpendPeriod.TOTAL, LocalDate.MIN).requests()).isEqualTo(4);
    assertThat(ledger).hasToString("InMemoryUsageLedger{2 recent ids}");
  }

  @Test
  void create_withNoRememberedIds_isRefused() {
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> InMemoryUsageLedger.create(clock, Duration.ofHours(1), 0))
        .withMessageContaining("maxRememberedIds");
  }

  @Test
  void claimOnce_afterItExpires_canBeClaimedAgain() {
    UsageLedger ledger = newLedger();
    Instant expiry = clock.instant().plus(Duration.ofMinutes(10));

    assertThat(ledger.claimOnce("m", expiry).join()).isTrue();
    assertThat(ledger.claimOnce("m", expiry).join()).isFalse();
    clock.advance(Duration.ofMinutes(11));
    assertThat(ledger.claimOnce("m", null).join()).isTrue();
    clock.advance(Duration.ofDays(1000));
    assertThat(ledger.claimOnce("m", null).join()).isFalse();
  }
}

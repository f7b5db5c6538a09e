package dev.switchboard.core.cost;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;

/**
 * A period spend is counted over. Days and months are UTC calendar days and months, for every
 * instance and store alike, so that two gateways in different time zones share the same budget.
 */
public enum SpendPeriod {
  /** A UTC calendar day; bucket {@code 2026-01-31}. */
  DAY,
  /** A UTC calendar month; bucket {@code 2026-01}. */
  MONTH,
  /** All time; bucket {@code total}. */
  TOTAL;

  /** The bucket name of the period containing {@code day}. */
  public String bucket(LocalDate day) {
    switch (this) {
      case DAY:
        return Buckets.of(day).day;
      case MONTH:
        return Buckets.of(day).month;
      case TOTAL:
        return "total";
      default:
        throw new AssertionError(this);
    }
  }

  /** The bucket names of the day last asked for: every call on a hot path asks for today's. */
  private static final class Buckets {
    private static volatile Buckets last = new Buckets(LocalDate.EPOCH);

    final LocalDate date;
    final String day;
    final String month;

    private Buckets(LocalDate date) {
      this.date = date;
      this.day = date.toString();
      this.month = YearMonth.from(date).toString();
    }

    static Buckets of(LocalDate date) {
      Buckets b = last;
      if (!b.date.equals(date)) {
        b = new Buckets(date);
        last = b;
      }
      return b;
    }
  }

  /** The first instant after the period containing {@code day}, or null for {@link #TOTAL}. */
  public java.time.Instant end(LocalDate day) {
    switch (this) {
      case DAY:
        return day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      case MONTH:
        return YearMonth.from(day).plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      case TOTAL:
        return null;
      default:
        throw new AssertionError(this);
    }
  }
}

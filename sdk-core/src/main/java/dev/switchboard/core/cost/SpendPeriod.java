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
        return day.toString();
      case MONTH:
        return YearMonth.from(day).toString();
      case TOTAL:
        return "total";
      default:
        throw new AssertionError(this);
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

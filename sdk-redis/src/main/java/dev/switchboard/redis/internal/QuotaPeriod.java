package dev.switchboard.redis.internal;

import dev.switchboard.core.ratelimit.Limit;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;

/** The calendar periods (UTC) of daily and monthly quotas, as the local limiter counts them. */
public enum QuotaPeriod {
  DAY,
  MONTH;

  /** @throws IllegalArgumentException for a limit that is not a quota */
  public static QuotaPeriod of(Limit limit) {
    switch (limit.kind()) {
      case DAILY_TOKENS:
        return DAY;
      case MONTHLY_TOKENS:
        return MONTH;
      default:
        throw new IllegalArgumentException(limit.kind() + " is not a quota");
    }
  }

  /** {@code 2026-03-10} or {@code 2026-03}: the period containing {@code at}, for key names. */
  public String label(Instant at) {
    LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
    return this == DAY ? day.toString() : YearMonth.from(day).toString();
  }

  /** When the period containing {@code at} ends (the next one starts). */
  public Instant end(Instant at) {
    LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
    LocalDate next = this == DAY ? day.plusDays(1) : YearMonth.from(day).plusMonths(1).atDay(1);
    return next.atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /** Time from {@code now} until the period containing {@code now} ends. */
  public Duration untilEnd(Instant now) {
    return Duration.between(now, end(now));
  }

  /** Whether {@code a} and {@code b} fall into the same period. */
  public boolean same(Instant a, Instant b) {
    return label(a).equals(label(b));
  }
}

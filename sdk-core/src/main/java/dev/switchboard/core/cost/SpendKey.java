package dev.switchboard.core.cost;

import java.time.LocalDate;
import java.util.Objects;

/**
 * One aggregate a ledger keeps: a dimension's value in one period bucket, e.g. team {@code research}
 * in month {@code 2026-01}. Immutable and thread-safe; value equality.
 */
public final class SpendKey {

  private final UsageDimension dimension;
  private final String value;
  private final SpendPeriod period;
  private final String bucket;

  private SpendKey(UsageDimension dimension, String value, SpendPeriod period, String bucket) {
    this.dimension = Objects.requireNonNull(dimension, "dimension");
    this.value = Objects.requireNonNull(value, "value");
    this.period = Objects.requireNonNull(period, "period");
    this.bucket = Objects.requireNonNull(bucket, "bucket");
  }

  /** The aggregate of {@code value} in the {@code period} that contains {@code day}. */
  public static SpendKey of(UsageDimension dimension, String value, SpendPeriod period, LocalDate day) {
    return new SpendKey(dimension, value, period, period.bucket(day));
  }

  public UsageDimension dimension() {
    return dimension;
  }

  public String value() {
    return value;
  }

  public SpendPeriod period() {
    return period;
  }

  /** The period's bucket name, e.g. {@code 2026-01-31}, {@code 2026-01} or {@code total}. */
  public String bucket() {
    return bucket;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof SpendKey)) {
      return false;
    }
    SpendKey k = (SpendKey) o;
    return dimension == k.dimension && value.equals(k.value) && period == k.period && bucket.equals(k.bucket);
  }

  @Override
  public int hashCode() {
    return Objects.hash(dimension, value, period, bucket);
  }

  @Override
  public String toString() {
    return dimension.name().toLowerCase(java.util.Locale.ROOT) + ":" + value + ":" + bucket;
  }
}

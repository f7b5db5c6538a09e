package dev.switchboard.core.cost;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * An exact amount of US dollars, held as a whole number of nano-dollars (10<sup>-9</sup> USD).
 *
 * <p>Why nano-dollars: the cheapest token prices are a few cents per million tokens, so one call can
 * cost far less than a micro-dollar; nano-dollar resolution keeps the rounding error of one call
 * below half a nano-dollar, and a {@code long} still holds more than nine billion dollars, so ledgers
 * (in memory or Redis {@code INCRBY}) add integers exactly. Amounts are rounded once, half-even, when
 * a {@link BigDecimal} is turned into {@code Money}; sums of {@code Money} are exact.
 *
 * <p>Immutable and thread-safe; value equality; ordered by amount. Never a binary floating point.
 */
public final class Money implements Comparable<Money> {

  /** Decimal places of an amount: nano-dollars. */
  public static final int SCALE = 9;

  /** No money. */
  public static final Money ZERO = new Money(0);

  private final long nanos;

  private Money(long nanos) {
    this.nanos = nanos;
  }

  /** The amount of {@code nanos} nano-dollars (negative allowed, for differences). */
  public static Money ofNanos(long nanos) {
    return nanos == 0 ? ZERO : new Money(nanos);
  }

  /**
   * The amount {@code usd}, rounded half-even to whole nano-dollars.
   *
   * @throws ArithmeticException if the amount does not fit in a {@code long} of nano-dollars
   */
  public static Money of(BigDecimal usd) {
    Objects.requireNonNull(usd, "usd");
    return ofNanos(usd.setScale(SCALE, RoundingMode.HALF_EVEN).unscaledValue().longValueExact());
  }

  /**
   * The amount written as a decimal number of dollars, e.g. {@code "12.50"}.
   *
   * @throws NumberFormatException if {@code usd} is not a decimal number
   */
  public static Money of(String usd) {
    Objects.requireNonNull(usd, "usd");
    return of(new BigDecimal(usd));
  }

  /** The amount in nano-dollars. */
  public long nanos() {
    return nanos;
  }

  /** The amount in dollars with exactly {@link #SCALE} decimal places. */
  public BigDecimal amount() {
    return BigDecimal.valueOf(nanos, SCALE);
  }

  /** @throws ArithmeticException on overflow */
  public Money plus(Money other) {
    return ofNanos(Math.addExact(nanos, other.nanos));
  }

  /** @throws ArithmeticException on overflow */
  public Money minus(Money other) {
    return ofNanos(Math.subtractExact(nanos, other.nanos));
  }

  /** @throws ArithmeticException on overflow */
  public Money times(long factor) {
    return ofNanos(Math.multiplyExact(nanos, factor));
  }

  public boolean isZero() {
    return nanos == 0;
  }

  public boolean isNegative() {
    return nanos < 0;
  }

  @Override
  public int compareTo(Money o) {
    return Long.compare(nanos, o.nanos);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Money && ((Money) o).nanos == nanos;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(nanos);
  }

  /** E.g. {@code "$0.000123450"}: dollars with nine decimal places. */
  @Override
  public String toString() {
    return nanos < 0 ? "-$" + amount().negate().toPlainString() : "$" + amount().toPlainString();
  }
}

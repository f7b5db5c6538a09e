package dev.switchboard.core.cost;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * What a deployment charges, in US dollars per million tokens, as exact decimals.
 *
 * <p>Immutable and thread-safe. {@code cachedInputPerMillion} is null when the provider does not
 * discount cached prompt tokens (they are then charged at the input price).
 */
public final class Price {

  private final BigDecimal inputPerMillion;
  private final BigDecimal outputPerMillion;
  private final BigDecimal cachedInputPerMillion;

  private Price(BigDecimal input, BigDecimal output, BigDecimal cachedInput) {
    this.inputPerMillion = nonNegative(input, "inputPerMillion");
    this.outputPerMillion = nonNegative(output, "outputPerMillion");
    this.cachedInputPerMillion = cachedInput == null ? null : nonNegative(cachedInput, "cachedInputPerMillion");
  }

  /**
   * @param inputPerMillion dollars per million prompt tokens, e.g. {@code "0.15"}
   * @param outputPerMillion dollars per million completion tokens
   * @throws IllegalArgumentException if a price is negative or not a number
   */
  public static Price perMillion(String inputPerMillion, String outputPerMillion) {
    return new Price(new BigDecimal(inputPerMillion), new BigDecimal(outputPerMillion), null);
  }

  /** @throws IllegalArgumentException if a price is negative */
  public static Price perMillion(BigDecimal inputPerMillion, BigDecimal outputPerMillion, BigDecimal cachedInputPerMillion) {
    return new Price(inputPerMillion, outputPerMillion, cachedInputPerMillion);
  }

  /** A copy with a discounted price for cached prompt tokens. */
  public Price withCachedInputPerMillion(String cachedInputPerMillion) {
    return new Price(inputPerMillion, outputPerMillion, new BigDecimal(cachedInputPerMillion));
  }

  public BigDecimal inputPerMillion() {
    return inputPerMillion;
  }

  public BigDecimal outputPerMillion() {
    return outputPerMillion;
  }

  /** Null when cached prompt tokens cost the same as other prompt tokens. */
  public BigDecimal cachedInputPerMillion() {
    return cachedInputPerMillion;
  }

  private static BigDecimal nonNegative(BigDecimal v, String name) {
    Objects.requireNonNull(v, name);
    if (v.signum() < 0) {
      throw new IllegalArgumentException(name + " must not be negative but was " + v);
    }
    return v;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Price)) {
      return false;
    }
    Price that = (Price) o;
    return inputPerMillion.compareTo(that.inputPerMillion) == 0 && outputPerMillion.compareTo(that.outputPerMillion) == 0
        && (cachedInputPerMillion == null ? that.cachedInputPerMillion == null
            : that.cachedInputPerMillion != null && cachedInputPerMillion.compareTo(that.cachedInputPerMillion) == 0);
  }

  @Override
  public int hashCode() {
    return Objects.hash(inputPerMillion.stripTrailingZeros(), outputPerMillion.stripTrailingZeros(),
        cachedInputPerMillion == null ? null : cachedInputPerMillion.stripTrailingZeros());
  }

  @Override
  public String toString() {
    return "Price{input=$" + inputPerMillion.toPlainString() + "/M, output=$" + outputPerMillion.toPlainString() + "/M"
        + (cachedInputPerMillion == null ? "" : ", cachedInput=$" + cachedInputPerMillion.toPlainString() + "/M") + "}";
  }
}

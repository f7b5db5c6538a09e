package dev.switchboard.core.cost;

import dev.switchboard.core.model.Usage;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * What a deployment charges, in US dollars per million tokens, as exact decimals.
 *
 * <p>How a call's {@link Usage} is priced (the normalised usage every provider adapter produces:
 * prompt tokens include cached and cache-write tokens, completion tokens include reasoning tokens):
 * <pre>
 *   uncached   = promptTokens - cachedTokens - cacheCreationTokens     (never below 0)
 *   visible    = completionTokens - reasoningTokens                    (never below 0)
 *   cost = ( uncached            x input
 *          + cachedTokens        x cachedInput  (input when null)
 *          + cacheCreationTokens x cacheWrite   (input when null)
 *          + visible             x output
 *          + reasoningTokens     x reasoning    (output when null) ) / 1,000,000
 * </pre>
 * computed exactly and rounded once to whole nano-dollars ({@link Money}).
 *
 * <p>Immutable and thread-safe; value equality (numerically: {@code 2.5} equals {@code 2.50}).
 */
public final class Price {

  private final BigDecimal inputPerMillion;
  private final BigDecimal outputPerMillion;
  private final BigDecimal cachedInputPerMillion;
  private final BigDecimal cacheWritePerMillion;
  private final BigDecimal reasoningPerMillion;

  private Price(BigDecimal input, BigDecimal output, BigDecimal cachedInput, BigDecimal cacheWrite,
      BigDecimal reasoning) {
    this.inputPerMillion = nonNegative(input, "inputPerMillion");
    this.outputPerMillion = nonNegative(output, "outputPerMillion");
    this.cachedInputPerMillion = cachedInput == null ? null : nonNegative(cachedInput, "cachedInputPerMillion");
    this.cacheWritePerMillion = cacheWrite == null ? null : nonNegative(cacheWrite, "cacheWritePerMillion");
    this.reasoningPerMillion = reasoning == null ? null : nonNegative(reasoning, "reasoningPerMillion");
  }

  /**
   * @param inputPerMillion dollars per million prompt tokens, e.g. {@code "0.15"}
   * @param outputPerMillion dollars per million completion tokens
   * @throws IllegalArgumentException if a price is negative or not a number
   */
  public static Price perMillion(String inputPerMillion, String outputPerMillion) {
    return new Price(new BigDecimal(inputPerMillion), new BigDecimal(outputPerMillion), null, null, null);
  }

  /** @throws IllegalArgumentException if a price is negative */
  public static Price perMillion(BigDecimal inputPerMillion, BigDecimal outputPerMillion, BigDecimal cachedInputPerMillion) {
    return new Price(inputPerMillion, outputPerMillion, cachedInputPerMillion, null, null);
  }

  /** A copy with a discounted price for cached prompt tokens. */
  public Price withCachedInputPerMillion(String cachedInputPerMillion) {
    return new Price(inputPerMillion, outputPerMillion, new BigDecimal(cachedInputPerMillion), cacheWritePerMillion,
        reasoningPerMillion);
  }

  /** A copy with a price for prompt tokens written to the provider's cache (Anthropic's cache creation). */
  public Price withCacheWritePerMillion(String cacheWritePerMillion) {
    return new Price(inputPerMillion, outputPerMillion, cachedInputPerMillion, new BigDecimal(cacheWritePerMillion),
        reasoningPerMillion);
  }

  /** A copy with a price for reasoning tokens, for the rare model that does not bill them as output. */
  public Price withReasoningPerMillion(String reasoningPerMillion) {
    return new Price(inputPerMillion, outputPerMillion, cachedInputPerMillion, cacheWritePerMillion,
        new BigDecimal(reasoningPerMillion));
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

  /** Null when tokens written to the provider's prompt cache cost the input price. */
  public BigDecimal cacheWritePerMillion() {
    return cacheWritePerMillion;
  }

  /** Null when reasoning tokens cost the output price (the usual case). */
  public BigDecimal reasoningPerMillion() {
    return reasoningPerMillion;
  }

  /** The cost of one call's usage, by the rule in the class comment. */
  public Money cost(Usage usage) {
    Objects.requireNonNull(usage, "usage");
    return cost(usage.promptTokens(), usage.cachedTokens(), usage.cacheCreationTokens(), usage.completionTokens(),
        usage.reasoningTokens());
  }

  /** The cost of aggregated usage, by the rule in the class comment. */
  public Money cost(UsageTotals totals) {
    Objects.requireNonNull(totals, "totals");
    return cost(totals.promptTokens(), totals.cachedTokens(), totals.cacheCreationTokens(), totals.completionTokens(),
        totals.reasoningTokens());
  }

  private Money cost(long prompt, long cached, long cacheWrite, long completion, long reasoning) {
    long uncached = Math.max(0, prompt - cached - cacheWrite);
    long visible = Math.max(0, completion - reasoning);
    BigDecimal perMillion = BigDecimal.ZERO
        .add(times(uncached, inputPerMillion))
        .add(times(cached, cachedInputPerMillion != null ? cachedInputPerMillion : inputPerMillion))
        .add(times(cacheWrite, cacheWritePerMillion != null ? cacheWritePerMillion : inputPerMillion))
        .add(times(visible, outputPerMillion))
        .add(times(reasoning, reasoningPerMillion != null ? reasoningPerMillion : outputPerMillion));
    return Money.of(perMillion.movePointLeft(6));
  }

  private static BigDecimal times(long tokens, BigDecimal price) {
    return tokens == 0 ? BigDecimal.ZERO : price.multiply(BigDecimal.valueOf(tokens));
  }

  private static BigDecimal nonNegative(BigDecimal v, String name) {
    Objects.requireNonNull(v, name);
    if (v.signum() < 0) {
      throw new IllegalArgumentException(name + " must not be negative but was " + v);
    }
    return v;
  }

  private static boolean same(BigDecimal a, BigDecimal b) {
    return a == null ? b == null : b != null && a.compareTo(b) == 0;
  }

  private static BigDecimal norm(BigDecimal v) {
    return v == null ? null : v.stripTrailingZeros();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Price)) {
      return false;
    }
    Price that = (Price) o;
    return same(inputPerMillion, that.inputPerMillion) && same(outputPerMillion, that.outputPerMillion)
        && same(cachedInputPerMillion, that.cachedInputPerMillion) && same(cacheWritePerMillion, that.cacheWritePerMillion)
        && same(reasoningPerMillion, that.reasoningPerMillion);
  }

  @Override
  public int hashCode() {
    return Objects.hash(norm(inputPerMillion), norm(outputPerMillion), norm(cachedInputPerMillion),
        norm(cacheWritePerMillion), norm(reasoningPerMillion));
  }

  @Override
  public String toString() {
    return "Price{input=$" + inputPerMillion.toPlainString() + "/M, output=$" + outputPerMillion.toPlainString() + "/M"
        + (cachedInputPerMillion == null ? "" : ", cachedInput=$" + cachedInputPerMillion.toPlainString() + "/M")
        + (cacheWritePerMillion == null ? "" : ", cacheWrite=$" + cacheWritePerMillion.toPlainString() + "/M")
        + (reasoningPerMillion == null ? "" : ", reasoning=$" + reasoningPerMillion.toPlainString() + "/M") + "}";
  }
}

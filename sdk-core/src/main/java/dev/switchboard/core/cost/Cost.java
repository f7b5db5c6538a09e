package dev.switchboard.core.cost;

import java.util.Objects;

/**
 * What a call cost: an exact {@link Money} amount, or {@link #UNKNOWN} when no price is known for
 * the model that answered. Unknown is never silently zero: ledgers count such calls apart
 * ({@link UsageTotals#unknownCostRequests()}) and a warning metric is raised for each.
 *
 * <p>Immutable and thread-safe; value equality.
 */
public final class Cost {

  /** The cost of a call whose model has no known price. */
  public static final Cost UNKNOWN = new Cost(null);

  /** A known cost of nothing (e.g. a response served from Switchboard's cache). */
  public static final Cost ZERO = new Cost(Money.ZERO);

  private final Money money;

  private Cost(Money money) {
    this.money = money;
  }

  /** A known cost. */
  public static Cost of(Money money) {
    Objects.requireNonNull(money, "money");
    return money.isZero() ? ZERO : new Cost(money);
  }

  /** Whether the amount is known. */
  public boolean isKnown() {
    return money != null;
  }

  /**
   * The amount.
   *
   * @throws IllegalStateException if the cost is {@link #UNKNOWN}
   */
  public Money money() {
    if (money == null) {
      throw new IllegalStateException("the cost is unknown: no price is configured for the model");
    }
    return money;
  }

  /** The amount, or {@code fallback} when unknown. */
  public Money orElse(Money fallback) {
    return money != null ? money : fallback;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cost && Objects.equals(money, ((Cost) o).money);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(money);
  }

  /** The amount as {@link Money#toString()}, or {@code "unknown"}. */
  @Override
  public String toString() {
    return money == null ? "unknown" : money.toString();
  }
}

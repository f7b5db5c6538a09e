package dev.switchboard.core.cost;

import java.util.List;
import java.util.Optional;

/**
 * The budgets a client enforces, changeable while it runs: {@code Switchboard.budgets()}. It starts
 * with the budgets given to the builder; a gateway adds a virtual key's budget when the key is
 * created and removes it when the key is revoked, without a restart.
 *
 * <p>Budgets are keyed by {@link Budget#name()} ({@code key:key_123:month}, {@code user:*:day}): a
 * budget put under a name that exists replaces it. A change applies to calls that start after it
 * returns; calls already past their budget check are not affected. Spend is kept in the usage
 * ledger, not here, so replacing or removing a budget never resets what was spent.
 *
 * <p>Thread-safe. Reads are lock-free (the per-call check reads one immutable snapshot); changes
 * are serialized and copy the table, so they are meant to be rare (per key, not per call).
 */
public interface BudgetRegistry {

  /** Every budget in force, in the order first added; never null. */
  List<Budget> list();

  /** The budget named {@code name} ({@link Budget#name()}), or empty. */
  Optional<Budget> find(String name);

  /**
   * Adds {@code budget}, or replaces the budget of the same name.
   *
   * @return the budget it replaced, or empty
   * @throws IllegalArgumentException when the budget downgrades to a model group the client does not
   *     have
   */
  Optional<Budget> put(Budget budget);

  /**
   * Removes the budget named {@code name}; calls are no longer checked against it.
   *
   * @return the removed budget, or empty when there was none of that name
   */
  Optional<Budget> remove(String name);
}

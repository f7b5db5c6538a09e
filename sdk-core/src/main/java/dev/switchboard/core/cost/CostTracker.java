package dev.switchboard.core.cost;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Spend and token queries over the usage ledger, and prices: {@code Switchboard.costs()}.
 *
 * <p>Recording is asynchronous: a call's record reaches the ledger shortly after the call ends.
 * {@link #flush()} waits for everything recorded so far, for read-your-writes. Thread-safe.
 */
public interface CostTracker {

  /** Spend and tokens of every value of {@code dimension} (every user, every model, …) over UTC days {@code from}–{@code to}. */
  CompletableFuture<Map<String, UsageTotals>> totals(UsageDimension dimension, LocalDate from, LocalDate to);

  /** Spend and tokens of one key, user, team, group, model or provider over UTC days {@code from}–{@code to}. */
  CompletableFuture<UsageTotals> totals(UsageDimension dimension, String value, LocalDate from, LocalDate to);

  /**
   * What {@code usage} costs on each deployment of {@code group}, in the group's declaration order.
   * Aggregated usage is priced at each deployment's base price (long-context tiers need per-call
   * prompt sizes and are not applied).
   *
   * @throws IllegalArgumentException if no such group is configured
   */
  List<CostComparison> compare(String group, UsageTotals usage);

  /**
   * What the group's usage over UTC days {@code from}–{@code to} cost, and would have cost, on each of
   * its deployments.
   *
   * @throws IllegalArgumentException if no such group is configured
   */
  CompletableFuture<List<CostComparison>> compare(String group, LocalDate from, LocalDate to);

  /** The price calls on {@code deploymentId} are charged at, or empty when unknown. */
  Optional<ModelPrice> price(String deploymentId);

  /** Completes when every record of calls that ended before this call has been written to the ledger and sinks. */
  CompletableFuture<Void> flush();
}

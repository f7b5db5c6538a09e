package dev.switchboard.core.cost;

import java.util.Objects;

/**
 * Usage added up over many records: calls, tokens and the known cost.
 *
 * <p>{@link #cost()} is the sum of the records whose cost was known; {@link #unknownCostRequests()}
 * says how many records it leaves out, so a total is never silently too low. Token counts are
 * {@code long}s: a month of a busy key overflows an {@code int}. Immutable and thread-safe; value
 * equality.
 */
public final class UsageTotals {

  /** Nothing recorded. */
  public static final UsageTotals ZERO = new UsageTotals(0, 0, 0, 0, 0, 0, Money.ZERO, 0, 0);

  private final long requests;
  private final long promptTokens;
  private final long completionTokens;
  private final long cachedTokens;
  private final long cacheCreationTokens;
  private final long reasoningTokens;
  private final Money cost;
  private final long unknownCostRequests;
  private final long estimatedRequests;

  private UsageTotals(long requests, long promptTokens, long completionTokens, long cachedTokens,
      long cacheCreationTokens, long reasoningTokens, Money cost, long unknownCostRequests, long estimatedRequests) {
    this.requests = requests;
    this.promptTokens = promptTokens;
    this.completionTokens = completionTokens;
    this.cachedTokens = cachedTokens;
    this.cacheCreationTokens = cacheCreationTokens;
    this.reasoningTokens = reasoningTokens;
    this.cost = cost;
    this.unknownCostRequests = unknownCostRequests;
    this.estimatedRequests = estimatedRequests;
  }

  /** The totals of one record. */
  public static UsageTotals of(UsageRecord r) {
    Objects.requireNonNull(r, "record");
    return new UsageTotals(1, r.usage().promptTokens(), r.usage().completionTokens(), r.usage().cachedTokens(),
        r.usage().cacheCreationTokens(), r.usage().reasoningTokens(), r.cost().orElse(Money.ZERO),
        r.cost().isKnown() ? 0 : 1, r.estimated() ? 1 : 0);
  }

  /**
   * Totals from their parts (e.g. as a store kept them).
   *
   * @throws IllegalArgumentException if a count is negative
   */
  public static UsageTotals of(long requests, long promptTokens, long completionTokens, long cachedTokens,
      long cacheCreationTokens, long reasoningTokens, Money cost, long unknownCostRequests, long estimatedRequests) {
    for (long v : new long[] {requests, promptTokens, completionTokens, cachedTokens, cacheCreationTokens,
        reasoningTokens, unknownCostRequests, estimatedRequests}) {
      if (v < 0) {
        throw new IllegalArgumentException("usage totals must not be negative but one count was " + v);
      }
    }
    return new UsageTotals(requests, promptTokens, completionTokens, cachedTokens, cacheCreationTokens,
        reasoningTokens, Objects.requireNonNull(cost, "cost"), unknownCostRequests, estimatedRequests);
  }

  /** @throws ArithmeticException on overflow */
  public UsageTotals plus(UsageTotals o) {
    return new UsageTotals(Math.addExact(requests, o.requests), Math.addExact(promptTokens, o.promptTokens),
        Math.addExact(completionTokens, o.completionTokens), Math.addExact(cachedTokens, o.cachedTokens),
        Math.addExact(cacheCreationTokens, o.cacheCreationTokens), Math.addExact(reasoningTokens, o.reasoningTokens),
        cost.plus(o.cost), Math.addExact(unknownCostRequests, o.unknownCostRequests),
        Math.addExact(estimatedRequests, o.estimatedRequests));
  }

  /** Records counted. */
  public long requests() {
    return requests;
  }

  public long promptTokens() {
    return promptTokens;
  }

  public long completionTokens() {
    return completionTokens;
  }

  public long cachedTokens() {
    return cachedTokens;
  }

  public long cacheCreationTokens() {
    return cacheCreationTokens;
  }

  public long reasoningTokens() {
    return reasoningTokens;
  }

  public long totalTokens() {
    return promptTokens + completionTokens;
  }

  /** The sum of the known costs. */
  public Money cost() {
    return cost;
  }

  /** Records whose cost was unknown, left out of {@link #cost()}. */
  public long unknownCostRequests() {
    return unknownCostRequests;
  }

  /** Records whose tokens were estimated. */
  public long estimatedRequests() {
    return estimatedRequests;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof UsageTotals)) {
      return false;
    }
    UsageTotals t = (UsageTotals) o;
    return requests == t.requests && promptTokens == t.promptTokens && completionTokens == t.completionTokens
        && cachedTokens == t.cachedTokens && cacheCreationTokens == t.cacheCreationTokens
        && reasoningTokens == t.reasoningTokens && cost.equals(t.cost) && unknownCostRequests == t.unknownCostRequests
        && estimatedRequests == t.estimatedRequests;
  }

  @Override
  public int hashCode() {
    return Objects.hash(requests, promptTokens, completionTokens, cachedTokens, cacheCreationTokens, reasoningTokens,
        cost, unknownCostRequests, estimatedRequests);
  }

  @Override
  public String toString() {
    return "UsageTotals{requests=" + requests + ", prompt=" + promptTokens + ", completion=" + completionTokens
        + (cachedTokens != 0 ? ", cached=" + cachedTokens : "")
        + (cacheCreationTokens != 0 ? ", cacheCreation=" + cacheCreationTokens : "")
        + (reasoningTokens != 0 ? ", reasoning=" + reasoningTokens : "") + ", cost=" + cost
        + (unknownCostRequests != 0 ? ", unknownCost=" + unknownCostRequests : "")
        + (estimatedRequests != 0 ? ", estimated=" + estimatedRequests : "") + "}";
  }
}

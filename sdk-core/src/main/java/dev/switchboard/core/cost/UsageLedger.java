package dev.switchboard.core.cost;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Where usage is added up: per key, user, team, model group, model and provider
 * ({@link UsageDimension}), per UTC day, month and all time ({@link SpendPeriod}). Budgets read it;
 * {@code Switchboard.costs()} queries it.
 *
 * <p>Contract for implementations (the in-memory {@link InMemoryUsageLedger}, a Redis one in
 * sdk-redis):
 * <ul>
 *   <li><b>Idempotent per record id.</b> {@link #record} applies a record whose {@link UsageRecord#id()}
 *       it has applied before (within a dedup window of at least an hour; the in-memory ledger, whose
 *       writes cannot fail, also caps how many ids it remembers) not again, so a retried write never
 *       double-counts.
 *   <li><b>Atomic per record.</b> A record's aggregates (every dimension it has a value for, each in
 *       its day, month and total bucket) are all updated or none.
 *   <li><b>Asynchronous.</b> Every method returns at once; I/O completes the future. A failure
 *       completes it exceptionally and changes nothing it reports as unapplied; Switchboard keeps
 *       the records and writes them again (safe, by idempotency).
 *   <li><b>One round trip</b> for {@link #totals(Collection)}, whatever the number of keys: budget
 *       checks call it on the request path.
 *   <li><b>Never blocking.</b> {@link #record} and {@link #totals(Collection)} only issue their I/O
 *       and return; Switchboard calls them inside a short critical section that budget checks share.
 *   <li><b>Reads see issued writes.</b> A {@link #totals(Collection)} issued after {@link #record}
 *       returned reflects that write if it succeeds (true of one ordered connection, e.g. Lettuce's
 *       shared connection, where the read queues behind the write). Budget checks rely on it to count
 *       every ended call exactly once: in the client's buffer until its write is issued, in the ledger
 *       after.
 * </ul>
 * Implementations must be thread-safe. Switchboard writes from one background thread, but queries
 * and budget checks come from any thread.
 */
public interface UsageLedger {

  /** Adds {@code records} to their aggregates; see the class comment for idempotency and atomicity. */
  CompletableFuture<Void> record(List<UsageRecord> records);

  /**
   * The current totals of {@code keys}, in one round trip; an aggregate never written is
   * {@link UsageTotals#ZERO}. The map has an entry for every key.
   */
  CompletableFuture<Map<SpendKey, UsageTotals>> totals(Collection<SpendKey> keys);

  /**
   * The totals of every value of {@code dimension} over the UTC days {@code from} to {@code to},
   * both included; values with no usage in the range are absent.
   */
  CompletableFuture<Map<String, UsageTotals>> totalsByValue(UsageDimension dimension, LocalDate from, LocalDate to);

  /**
   * Claims {@code marker} once: completes with true for the first claim (across every instance
   * sharing the store) and false for every later one, until {@code expiresAt} (null: never).
   * Budget alerts use it so that each threshold fires once per period.
   */
  CompletableFuture<Boolean> claimOnce(String marker, Instant expiresAt);
}

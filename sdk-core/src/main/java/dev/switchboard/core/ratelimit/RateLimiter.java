package dev.switchboard.core.ratelimit;

import dev.switchboard.core.internal.ratelimit.LocalRateLimiter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where limits are counted: in this process ({@link #local(Clock)}, the default) or in a shared
 * store such as Redis, so that several gateway instances enforce one global limit.
 *
 * <p><b>Asynchronous by contract, synchronous in practice for the local one.</b> Both methods return
 * a {@link CompletableFuture} because a shared store needs a network round trip per check and the
 * engine may run on an event loop that must not block. The local implementation completes its
 * futures before returning, and the engine continues on the calling thread when a future is already
 * complete, so the local path pays only the allocation of a completed future (measured by the
 * {@code LocalRateLimiterBenchmark}); one SPI keeps one code path in the engine for both.
 *
 * <p><b>All or nothing.</b> {@link #acquire} takes every check's amount or none: when one limit
 * refuses, nothing is taken from the others. The local implementation decides the whole batch
 * atomically; a distributed one may take and give back (compensate), which can briefly hold back
 * capacity from a concurrent caller but never admits more than a limit allows.
 *
 * <p><b>Store failures</b> are the implementation's to handle, following its
 * {@link LimiterFailurePolicy}: fail open by deciding with a local fallback (and marking the decision
 * {@link LimitDecision#isDegraded() degraded}), or fail closed by failing the future. The engine
 * answers a failed future with a 503 and never crashes.
 *
 * <p>Implementations must be thread-safe and must not block the calling thread.
 */
public interface RateLimiter {

  /**
   * Takes each check's amount from its limit, or nothing when any limit refuses.
   *
   * @param checks at least one; each {@code (subject, limit)} at most once
   * @return the decision, with one state per check in order; failed only when the store is
   *     unreachable and the policy is to fail closed
   */
  CompletableFuture<LimitDecision> acquire(List<LimitCheck> checks);

  /**
   * Settles a granted check: a positive {@code delta} takes that much more without refusing (an
   * under-estimated token reservation; the allowance may go below zero and the next calls wait), a
   * negative one gives back (an over-estimate, a failed call, a finished call's concurrency slot),
   * never beyond the limit's full allowance. Quotas settle into the period {@code granted} was taken
   * in; once that period is over the adjustment is dropped.
   *
   * <p>The engine calls this at most once per granted state and direction; implementations should
   * not retry it on their own (a retried decrement would count twice).
   *
   * @param granted a state from an admitted decision of this limiter
   * @param delta tokens or slots to take (positive) or give back (negative); 0 does nothing
   * @return completes when applied; failures are logged by the engine, never raised to a caller
   */
  CompletableFuture<Void> adjust(LimitState granted, long delta);

  /** Whether the limiter currently decides without its shared store (health {@code degraded}). */
  default boolean isDegraded() {
    return false;
  }

  /**
   * An in-process limiter on token buckets, timed by {@code clock}. Buckets of idle subjects are
   * dropped as they refill, so memory follows the number of recently active subjects.
   */
  static RateLimiter local(Clock clock) {
    return new LocalRateLimiter(clock);
  }
}

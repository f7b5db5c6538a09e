package dev.switchboard.core;

import dev.switchboard.core.cache.CacheLevel;
import dev.switchboard.core.cost.Budget;
import dev.switchboard.core.cost.BudgetAlert;
import dev.switchboard.core.cost.UsageRecord;

import dev.switchboard.core.model.RouteInfo;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.ratelimit.LimitDecision;
import dev.switchboard.core.routing.CircuitState;
import dev.switchboard.core.routing.Deployment;
import java.time.Duration;

/**
 * Observes what the engine does, in paired events: a request starts and ends; inside it, attempts on
 * deployments start and end, with retries and fallbacks between them.
 *
 * <p>Every method is a no-op here; override what you need. Methods are called on whichever thread
 * the engine happens to be on (a provider's I/O thread, the engine's scheduler, the caller's), so
 * they must be thread-safe, fast and must never block. A listener that throws is logged and
 * otherwise ignored: it can never fail a call. Metrics are one implementation of this class.
 *
 * <p>Event order for one request: {@code requestStart}, then per attempt {@code attemptStart} …
 * ({@code firstToken} for streams) … {@code attemptEnd}, with {@code retryScheduled} or
 * {@code fallback} between attempts, and finally exactly one {@code requestEnd}. A cacheable call
 * reports {@code cacheLookup} per level it consulted before any attempt; a hit has no attempt and
 * its {@code requestEnd} carries a route whose {@link RouteInfo#cache()} says so, with the usage of
 * the cached answer (no tokens were spent). A miss that went upstream reports {@code cacheLoad}
 * once the upstream answered or failed.
 */
public abstract class SwitchboardListener {

  /** A listener that does nothing. */
  public static final SwitchboardListener NONE = new SwitchboardListener() {};

  /** A chat, stream or embedding call entered the engine. */
  public void requestStart(String requestId, String modelGroup, boolean stream) {}

  /**
   * The call ended: answered, failed, or (streams) cancelled by the caller.
   *
   * @param route where it was answered, or null when no deployment answered
   * @param usage the tokens the upstream reported, or null when none were reported
   * @param error null on success; a {@link java.util.concurrent.CancellationException} when the caller cancelled
   */
  public void requestEnd(String requestId, String modelGroup, boolean stream, Duration latency, RouteInfo route,
      Usage usage, Throwable error) {}

  /** One upstream call on {@code deployment} begins; {@code attempt} is 1 for the first on it. */
  public void attemptStart(String requestId, Deployment deployment, int attempt) {}

  /** The upstream call ended; {@code error} is null on success. */
  public void attemptEnd(String requestId, Deployment deployment, int attempt, Duration latency, Throwable error) {}

  /** A stream's first chunk arrived from {@code deployment}. */
  public void firstToken(String requestId, Deployment deployment, Duration timeToFirstToken) {}

  /** {@code deployment} failed with {@code cause} and will be tried again after {@code delay}. */
  public void retryScheduled(String requestId, Deployment deployment, int nextAttempt, Duration delay, Throwable cause) {}

  /** The engine gives up on {@code from} because of {@code cause} and moves to the next deployment. */
  public void fallback(String requestId, String modelGroup, Deployment from, Throwable cause) {}

  /** The call moves to another model group (context window exceeded, content policy). */
  public void groupFallback(String requestId, String fromGroup, String toGroup, Throwable cause) {}

  /** {@code deployment} is skipped until {@code cooldown} passed, after the upstream rate-limited it. */
  public void cooldown(Deployment deployment, Duration cooldown) {}

  /** A deployment's circuit breaker changed state. */
  public void circuitStateChanged(Deployment deployment, CircuitState from, CircuitState to) {}

  /**
   * A call's usage record was made (before it is written to the ledger, which happens
   * asynchronously). {@code record.cost()} is {@link dev.switchboard.core.cost.Cost#UNKNOWN} when the
   * model has no price.
   */
  public void usageRecorded(UsageRecord record) {}

  /** {@code count} usage records were dropped because the write buffer was full or a sink failed. */
  public void usageDropped(int count, String reason) {}

  /** A budget's spend reached an alert threshold; once per threshold, period and subject. */
  public void budgetAlert(BudgetAlert alert) {}

  /** A budget at its limit sent call {@code requestId} from {@code fromGroup} to {@code toGroup}. */
  public void budgetDowngrade(String requestId, Budget budget, String subject, String fromGroup, String toGroup) {}

  /**
   * The response cache was consulted at {@code level} for this call: a hit answers the call with
   * no upstream call (cost tracking, when it lands, records cost 0 and the cost saved from this
   * event and the hit's {@code requestEnd}); a miss at L1 is followed
   * by a lookup at L2 when a store is configured. A store that failed or was too slow is a miss
   * here and a {@link #cacheError}.
   */
  public void cacheLookup(String requestId, String modelGroup, CacheLevel level, boolean hit, Duration latency) {}

  /**
   * This call missed and joined an identical call already in flight in this process; it gets that
   * call's answer or error without an upstream call of its own.
   */
  public void cacheCoalesced(String requestId, String modelGroup) {}

  /**
   * A call that missed the cache got its answer from upstream (or failed: {@code error} not null)
   * after {@code loadTime}; the answer is stored unless the call said no-store.
   */
  public void cacheLoad(String requestId, String modelGroup, Duration loadTime, Throwable error) {}

  /** An entry left the cache at {@code level} because it was too much ({@code "size"}) or too old ({@code "expired"}). */
  public void cacheEviction(CacheLevel level, String cause) {}

  /**
   * A cache operation failed and was skipped: {@code operation} is {@code "get"}, {@code "put"} or
   * {@code "decode"}. The call itself went on as a miss; it never fails because of the cache.
   */
  public void cacheError(CacheLevel level, String operation, Throwable error) {}

  /**
   * A rate limiter decided: about the call under the caller's limits ({@code deployment} null), or
   * about one attempt under {@code deployment}'s own limits, before its upstream call. A refusal fails
   * the call (caller limits) or skips the deployment (deployment limits). Every admitted decision is
   * followed by exactly one {@link #limitsSettled}. The decision's subjects may identify people
   * (keys, users, IPs): never use them as metric tags.
   */
  public void limitDecided(String requestId, Deployment deployment, LimitDecision decision) {}

  /**
   * What an admitted {@link #limitDecided decision} reserved was settled when the call or attempt
   * ended: token limits now count {@code usedTokens} instead of the {@code reservedTokens} estimate
   * (0 when nothing was consumed), concurrency slots were given back.
   */
  public void limitsSettled(String requestId, Deployment deployment, LimitDecision decision, long reservedTokens,
      long usedTokens) {}
}

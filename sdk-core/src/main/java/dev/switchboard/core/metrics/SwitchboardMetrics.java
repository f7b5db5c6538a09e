package dev.switchboard.core.metrics;

/**
 * Every meter name and tag key Switchboard registers, in one place. Names are stable API.
 *
 * <p>Tag values are bounded: model group names are the configured ones ({@code unknown} for any
 * other name a caller sends), provider and deployment names come from configuration, outcomes and
 * error types from a fixed set. No prompt, key, user or raw path ever becomes a tag.
 */
public final class SwitchboardMetrics {

  /** Timer: whole calls, from entry to answer or error. Tags: group, stream, outcome. */
  public static final String REQUESTS = "switchboard.requests";
  /** Gauge: calls in flight in this client. */
  public static final String REQUESTS_ACTIVE = "switchboard.requests.active";
  /** Timer: upstream attempts. Tags: provider, deployment, outcome. */
  public static final String ATTEMPTS = "switchboard.attempts";
  /** Timer: time to a stream's first chunk. Tags: provider, deployment. */
  public static final String TIME_TO_FIRST_TOKEN = "switchboard.time.to.first.token";
  /** Counter: tokens reported by upstreams. Tags: group, provider, deployment, direction (input, output). */
  public static final String TOKENS = "switchboard.tokens";
  /** Counter: calls that ended in an error. Tags: group, type (OpenAI error type, or cancelled). */
  public static final String ERRORS = "switchboard.errors";
  /** Counter: retries scheduled on the same deployment. Tags: provider, deployment. */
  public static final String RETRIES = "switchboard.retries";
  /** Counter: moves to the next deployment or another group. Tags: group, kind (deployment, group), reason. */
  public static final String FALLBACKS = "switchboard.fallbacks";
  /** Counter: deployments put in cooldown after an upstream 429. Tags: provider, deployment. */
  public static final String COOLDOWNS = "switchboard.cooldowns";
  /** Gauge: upstream calls in flight per deployment. Tags: provider, deployment. */
  public static final String DEPLOYMENT_IN_FLIGHT = "switchboard.deployment.in.flight";
  /** Gauge: 1 for a deployment's current breaker state, 0 for the others. Tags: provider, deployment, state. */
  public static final String CIRCUIT_STATE = "switchboard.circuit.state";
  /** Counter: dollars spent on calls with a known price (approximate: a double; the ledger is exact). Tags: group, provider, deployment. */
  public static final String COST = "switchboard.cost";
  /** Counter: calls that used tokens on a model without a price (cost recorded as unknown). Tags: group, provider, deployment. */
  public static final String COST_UNKNOWN = "switchboard.cost.unknown";
  /** Counter: usage records dropped (write buffer full, sink failure). Tags: reason. */
  public static final String USAGE_DROPPED = "switchboard.usage.dropped";
  /** Counter: operations of a shared usage ledger that failed or timed out (counted by the ledger). Tags: store, operation. */
  public static final String USAGE_LEDGER_ERRORS = "switchboard.usage.ledger.errors";
  /** Counter: usage records a shared ledger had already applied and did not count again (retries). Tags: store. */
  public static final String USAGE_LEDGER_DUPLICATES = "switchboard.usage.ledger.duplicates";
  /** Counter: budget alerts raised. Tags: scope (key, user, team), period (day, month, total), threshold. */
  public static final String BUDGET_ALERTS = "switchboard.budget.alerts";
  /** Counter: calls a budget at its limit sent to a cheaper group. Tags: group (from), scope, period. */
  public static final String BUDGET_DOWNGRADES = "switchboard.budget.downgrades";

  /** Counter: cache lookups. Tags: group, level (l1, l2), result (hit, miss). */
  public static final String CACHE_REQUESTS = "switchboard.cache.requests";
  /** Counter: calls answered by an identical call in flight (single-flight). Tags: group. */
  public static final String CACHE_COALESCED = "switchboard.cache.coalesced";
  /** Timer: time to load a missed answer from upstream. Tags: group, outcome. */
  public static final String CACHE_LOAD = "switchboard.cache.load";
  /** Counter: entries evicted. Tags: level, cause (size, expired). */
  public static final String CACHE_EVICTIONS = "switchboard.cache.evictions";
  /** Counter: cache operations that failed and were skipped (the call went on). Tags: level, operation (get, put, decode). */
  public static final String CACHE_ERRORS = "switchboard.cache.errors";
  /** Gauge: bytes (JSON size of the answers) held by the in-process cache. Tags: level (l1). */
  public static final String CACHE_BYTES = "switchboard.cache.bytes";
  /** Gauge: entries held by the in-process cache (an estimate). Tags: level (l1). */
  public static final String CACHE_ENTRIES = "switchboard.cache.entries";
  /** Counter: operations of a shared cache store that failed or timed out (counted by the store). Tags: store, operation. */
  public static final String CACHE_STORE_ERRORS = "switchboard.cache.store.errors";

  /**
   * Counter: limit checks. Tags: dimension (key, user, team, ip, model, deployment), limit (the
   * configured limit name, e.g. requests-per-minute), outcome (admitted, rejected). When a call is
   * refused, only the limit that refused counts, as rejected.
   */
  public static final String RATE_LIMIT_DECISIONS = "switchboard.ratelimit.decisions";
  /**
   * Counter: tokens moved by settling token reservations. Tags: scope (caller, deployment), outcome
   * (reserved: the estimates taken; refunded: over-estimates given back; charged: under-estimates
   * taken afterwards).
   */
  public static final String RATE_LIMIT_TOKENS = "switchboard.ratelimit.tokens";
  /** Counter: decisions made by a fail-open fallback while the limiter's store was unreachable. Tags: scope. */
  public static final String RATE_LIMIT_DEGRADED = "switchboard.ratelimit.degraded";
  /**
   * Counter: operations of a shared rate-limit store that failed or timed out (counted by the limiter).
   * Tags: store (redis), operation (acquire, adjust).
   */
  public static final String RATE_LIMIT_STORE_ERRORS = "switchboard.ratelimit.store.errors";
  /**
   * Counter: operations of a shared key store that failed or timed out (counted by the store).
   * Tags: store (redis), operation (create, find, list, revoke).
   */
  public static final String KEY_STORE_ERRORS = "switchboard.key.store.errors";

  public static final String TAG_GROUP = "group";
  public static final String TAG_STREAM = "stream";
  public static final String TAG_OUTCOME = "outcome";
  public static final String TAG_PROVIDER = "provider";
  public static final String TAG_DEPLOYMENT = "deployment";
  public static final String TAG_DIRECTION = "direction";
  public static final String TAG_TYPE = "type";
  public static final String TAG_KIND = "kind";
  public static final String TAG_REASON = "reason";
  public static final String TAG_STATE = "state";
  public static final String TAG_SCOPE = "scope";
  public static final String TAG_PERIOD = "period";
  public static final String TAG_THRESHOLD = "threshold";
  public static final String TAG_LEVEL = "level";
  public static final String TAG_RESULT = "result";
  public static final String TAG_CAUSE = "cause";
  public static final String TAG_OPERATION = "operation";
  public static final String TAG_STORE = "store";

  /** The result tag value of a cache hit. */
  public static final String RESULT_HIT = "hit";
  /** The result tag value of a cache miss. */
  public static final String RESULT_MISS = "miss";
  public static final String TAG_DIMENSION = "dimension";
  public static final String TAG_LIMIT = "limit";

  /** The outcome tag value of a successful call. */
  public static final String OUTCOME_SUCCESS = "success";
  /** The outcome/type tag value of a call the caller cancelled. */
  public static final String OUTCOME_CANCELLED = "cancelled";

  private SwitchboardMetrics() {}
}

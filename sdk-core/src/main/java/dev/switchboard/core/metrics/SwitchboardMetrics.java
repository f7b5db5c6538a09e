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
  public static final String TAG_DIMENSION = "dimension";
  public static final String TAG_LIMIT = "limit";
  public static final String TAG_SCOPE = "scope";

  /** The outcome tag value of a successful call. */
  public static final String OUTCOME_SUCCESS = "success";
  /** The outcome/type tag value of a call the caller cancelled. */
  public static final String OUTCOME_CANCELLED = "cancelled";

  private SwitchboardMetrics() {}
}

package dev.switchboard.core.internal.engine;

import static dev.switchboard.core.metrics.SwitchboardMetrics.*;

import dev.switchboard.core.SwitchboardListener;
import dev.switchboard.core.cost.Budget;
import dev.switchboard.core.cost.BudgetAlert;
import dev.switchboard.core.cost.UsageRecord;
import dev.switchboard.core.cache.CacheLevel;
import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.model.RouteInfo;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.ratelimit.LimitDecision;
import dev.switchboard.core.ratelimit.LimitState;
import dev.switchboard.core.routing.CircuitState;
import dev.switchboard.core.routing.Deployment;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/** Turns engine events into the meters named in {@code SwitchboardMetrics}. */
public final class MicrometerListener extends SwitchboardListener {

  private final MeterRegistry registry;
  private final AtomicInteger active = new AtomicInteger();
  // Meters cached by their tag values so that the hot path does not rebuild meter ids.
  private final ConcurrentMap<MeterId, Timer> timers = new ConcurrentHashMap<>();
  private final ConcurrentMap<MeterId, Counter> counters = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, DeploymentGauges> deployments = new ConcurrentHashMap<>();

  public MicrometerListener(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder(REQUESTS_ACTIVE, active, AtomicInteger::get).description("calls in flight").register(registry);
  }

  @Override
  public void requestStart(String requestId, String modelGroup, boolean stream) {
    active.incrementAndGet();
  }

  @Override
  public void requestEnd(String requestId, String modelGroup, boolean stream, Duration latency, RouteInfo route,
      Usage usage, Throwable error) {
    active.decrementAndGet();
    String outcome = outcome(error);
    timer(REQUESTS, TAG_GROUP, modelGroup, TAG_STREAM, stream ? "true" : "false", TAG_OUTCOME, outcome).record(latency);
    if (error != null) {
      counter(ERRORS, TAG_GROUP, modelGroup, TAG_TYPE, outcome).increment();
    }
    // A cache hit or a coalesced call spent no upstream tokens: counting them would double them.
    if (usage != null && route != null && route.provider() != null && !route.servedFromCache()) {
      counter(TOKENS, TAG_GROUP, modelGroup, TAG_PROVIDER, route.provider(), TAG_DEPLOYMENT, route.deployment(),
          TAG_DIRECTION, "input").increment(usage.promptTokens());
      counter(TOKENS, TAG_GROUP, modelGroup, TAG_PROVIDER, route.provider(), TAG_DEPLOYMENT, route.deployment(),
          TAG_DIRECTION, "output").increment(usage.completionTokens());
    }
  }

  @Override
  public void attemptStart(String requestId, Deployment deployment, int attempt) {
    gauges(deployment).inFlight.incrementAndGet();
  }

  @Override
  public void attemptEnd(String requestId, Deployment deployment, int attempt, Duration latency, Throwable error) {
    gauges(deployment).inFlight.decrementAndGet();
    timer(ATTEMPTS, TAG_PROVIDER, deployment.provider(), TAG_DEPLOYMENT, deployment.id(), TAG_OUTCOME, outcome(error))
        .record(latency);
  }

  @Override
  public void firstToken(String requestId, Deployment deployment, Duration timeToFirstToken) {
    timer(TIME_TO_FIRST_TOKEN, TAG_PROVIDER, deployment.provider(), TAG_DEPLOYMENT, deployment.id())
        .record(timeToFirstToken);
  }

  @Override
  public void retryScheduled(String requestId, Deployment deployment, int nextAttempt, Duration delay, Throwable cause) {
    counter(RETRIES, TAG_PROVIDER, deployment.provider(), TAG_DEPLOYMENT, deployment.id()).increment();
  }

  @Override
  public void fallback(String requestId, String modelGroup, Deployment from, Throwable cause) {
    counter(FALLBACKS, TAG_GROUP, modelGroup, TAG_KIND, "deployment", TAG_REASON, outcome(cause)).increment();
  }

  @Override
  public void groupFallback(String requestId, String fromGroup, String toGroup, Throwable cause) {
    counter(FALLBACKS, TAG_GROUP, fromGroup, TAG_KIND, "group", TAG_REASON, outcome(cause)).increment();
  }

  @Override
  public void cooldown(Deployment deployment, Duration cooldown) {
    counter(COOLDOWNS, TAG_PROVIDER, deployment.provider(), TAG_DEPLOYMENT, deployment.id()).increment();
  }

  @Override
  public void circuitStateChanged(Deployment deployment, CircuitState from, CircuitState to) {
    gauges(deployment).state.set(to);
  }

  @Override
  public void usageRecorded(UsageRecord record) {
    if (record.deployment() == null) {
      return; // nothing reached an upstream: no spend to count
    }
    String group = record.modelGroup() == null ? "unknown" : record.modelGroup();
    if (record.cost().isKnown()) {
      if (!record.cost().money().isZero()) {
        counter(COST, TAG_GROUP, group, TAG_PROVIDER, record.provider(), TAG_DEPLOYMENT, record.deployment())
            .increment(record.cost().money().amount().doubleValue());
      }
    } else {
      counter(COST_UNKNOWN, TAG_GROUP, group, TAG_PROVIDER, record.provider(), TAG_DEPLOYMENT, record.deployment())
          .increment();
    }
  }

  @Override
  public void usageDropped(int count, String reason) {
    counter(USAGE_DROPPED, TAG_REASON, reason).increment(count);
  }

  @Override
  public void budgetAlert(BudgetAlert alert) {
    counter(BUDGET_ALERTS, TAG_SCOPE, lower(alert.budget().scope().name()), TAG_PERIOD,
        lower(alert.budget().period().name()), TAG_THRESHOLD, alert.threshold().stripTrailingZeros().toPlainString())
        .increment();
  }

  @Override
  public void budgetDowngrade(String requestId, Budget budget, String subject, String fromGroup, String toGroup) {
    counter(BUDGET_DOWNGRADES, TAG_GROUP, fromGroup, TAG_SCOPE, lower(budget.scope().name()), TAG_PERIOD,
        lower(budget.period().name())).increment();
  }

  @Override
  public void cacheLookup(String requestId, String modelGroup, CacheLevel level, boolean hit, Duration latency) {
    counter(CACHE_REQUESTS, TAG_GROUP, modelGroup, TAG_LEVEL, level.tag(), TAG_RESULT, hit ? RESULT_HIT : RESULT_MISS)
        .increment();
  }

  @Override
  public void cacheCoalesced(String requestId, String modelGroup) {
    counter(CACHE_COALESCED, TAG_GROUP, modelGroup).increment();
  }

  @Override
  public void cacheLoad(String requestId, String modelGroup, Duration loadTime, Throwable error) {
    timer(CACHE_LOAD, TAG_GROUP, modelGroup, TAG_OUTCOME, outcome(error)).record(loadTime);
  }

  @Override
  public void cacheEviction(CacheLevel level, String cause) {
    counter(CACHE_EVICTIONS, TAG_LEVEL, level.tag(), TAG_CAUSE, cause).increment();
  }

  @Override
  public void cacheError(CacheLevel level, String operation, Throwable error) {
    counter(CACHE_ERRORS, TAG_LEVEL, level.tag(), TAG_OPERATION, operation).increment();
  }

  /** Registers the gauges of the in-process cache. */
  public void bindCache(LongSupplier bytes, LongSupplier entries) {
    Gauge.builder(CACHE_BYTES, () -> bytes.getAsLong()) // a Supplier gauge holds its source strongly
        .tags(TAG_LEVEL, CacheLevel.L1.tag())
        .description("bytes held by the in-process response cache").baseUnit("bytes").register(registry);
    Gauge.builder(CACHE_ENTRIES, () -> entries.getAsLong()).tags(TAG_LEVEL, CacheLevel.L1.tag())
        .description("entries held by the in-process response cache").register(registry);
  }

  @Override
  public void limitDecided(String requestId, Deployment deployment, LimitDecision decision) {
    // Tags name the dimension and the configured limit, never the subject (a key, user or IP).
    if (decision.isAdmitted()) {
      for (LimitState s : decision.states()) {
        counter(RATE_LIMIT_DECISIONS, TAG_DIMENSION, s.subject().dimension().label(), TAG_LIMIT, s.limit().name(),
            TAG_OUTCOME, "admitted").increment();
      }
    } else {
      LimitState s = decision.rejectedBy();
      counter(RATE_LIMIT_DECISIONS, TAG_DIMENSION, s.subject().dimension().label(), TAG_LIMIT, s.limit().name(),
          TAG_OUTCOME, "rejected").increment();
    }
    if (decision.isDegraded()) {
      counter(RATE_LIMIT_DEGRADED, TAG_SCOPE, deployment == null ? "caller" : "deployment").increment();
    }
  }

  @Override
  public void limitsSettled(String requestId, Deployment deployment, LimitDecision decision, long reservedTokens,
      long usedTokens) {
    if (reservedTokens == 0) {
      return;
    }
    String scope = deployment == null ? "caller" : "deployment";
    counter(RATE_LIMIT_TOKENS, TAG_SCOPE, scope, TAG_OUTCOME, "reserved").increment(reservedTokens);
    if (usedTokens < reservedTokens) {
      counter(RATE_LIMIT_TOKENS, TAG_SCOPE, scope, TAG_OUTCOME, "refunded").increment(reservedTokens - usedTokens);
    } else if (usedTokens > reservedTokens) {
      counter(RATE_LIMIT_TOKENS, TAG_SCOPE, scope, TAG_OUTCOME, "charged").increment(usedTokens - reservedTokens);
    }
  }

  private static String lower(String s) {
    return s.toLowerCase(java.util.Locale.ROOT);
  }

  private static String outcome(Throwable error) {
    if (error == null) {
      return OUTCOME_SUCCESS;
    }
    if (error instanceof CancellationException) {
      return OUTCOME_CANCELLED;
    }
    if (error instanceof SwitchboardException) {
      SwitchboardException e = (SwitchboardException) error;
      return e.code() != null && isBoundedCode(e.code()) ? e.code() : e.type();
    }
    return "internal_error";
  }

  // Upstream error codes are provider-controlled strings; only these well-known ones become tag values.
  private static boolean isBoundedCode(String code) {
    switch (code) {
      case "context_length_exceeded":
      case "content_policy_violation":
      case "model_not_found":
      case "rate_limit_exceeded":
      case "budget_exceeded":
      case "timeout":
        return true;
      default:
        return false;
    }
  }

  private Timer timer(String name, String... tags) {
    MeterId id = new MeterId(name, tags);
    Timer t = timers.get(id);
    return t != null ? t : timers.computeIfAbsent(id, k -> Timer.builder(name).tags(tags).register(registry));
  }

  private Counter counter(String name, String... tags) {
    MeterId id = new MeterId(name, tags);
    Counter c = counters.get(id);
    return c != null ? c : counters.computeIfAbsent(id, k -> Counter.builder(name).tags(tags).register(registry));
  }

  /** A meter's name and tags, as the cache key: no string is built on the hot path. */
  private static final class MeterId {
    final String name;
    final String[] tags;
    final int hash;

    MeterId(String name, String[] tags) {
      this.name = name;
      this.tags = tags;
      this.hash = 31 * name.hashCode() + Arrays.hashCode(tags);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof MeterId && ((MeterId) o).hash == hash && ((MeterId) o).name.equals(name)
          && Arrays.equals(((MeterId) o).tags, tags);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  private DeploymentGauges gauges(Deployment d) {
    return deployments.computeIfAbsent(d.id(), id -> new DeploymentGauges(registry, d));
  }

  private static final class DeploymentGauges {
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicReference<CircuitState> state = new AtomicReference<>(CircuitState.CLOSED);

    DeploymentGauges(MeterRegistry registry, Deployment d) {
      Gauge.builder(DEPLOYMENT_IN_FLIGHT, inFlight, AtomicInteger::get)
          .tags(TAG_PROVIDER, d.provider(), TAG_DEPLOYMENT, d.id()).register(registry);
      for (CircuitState s : CircuitState.values()) {
        Gauge.builder(CIRCUIT_STATE, state, st -> st.get() == s ? 1 : 0)
            .tags(TAG_PROVIDER, d.provider(), TAG_DEPLOYMENT, d.id(), TAG_STATE, s.name().toLowerCase(java.util.Locale.ROOT))
            .register(registry);
      }
    }
  }
}

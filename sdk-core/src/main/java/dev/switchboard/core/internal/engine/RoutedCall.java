package dev.switchboard.core.internal.engine;

import dev.switchboard.core.RequestOptions;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.Timeouts;
import dev.switchboard.core.error.CircuitOpenException;
import dev.switchboard.core.error.ContentPolicyException;
import dev.switchboard.core.error.ContextWindowExceededException;
import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.RateLimitedException;
import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.error.UpstreamException;
import dev.switchboard.core.error.UpstreamTimeoutException;
import dev.switchboard.core.internal.ratelimit.RateLimiting;
import dev.switchboard.core.internal.ratelimit.Reservation;
import dev.switchboard.core.internal.ratelimit.TokenEstimate;
import dev.switchboard.core.model.RouteInfo;
import dev.switchboard.core.ratelimit.LimitDecision;
import dev.switchboard.core.ratelimit.LimitState;
import dev.switchboard.core.spi.CallContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One call's way through a model group: which deployment to try next, when to retry, when to fall
 * back, when to give up. Subclasses make the actual upstream calls (whole response or stream).
 *
 * <p>Decisions run one at a time: each step is triggered by the end of the previous attempt or by a
 * scheduled retry, never concurrently, so the routing fields need no locking.
 */
abstract class RoutedCall {

  final Engine engine;
  final String requestId;
  final RequestOptions options;
  private GroupRuntime group;
  private List<DeploymentRuntime> plan;
  private int index;
  private int attempt = 1;
  private int attemptsMade;
  private int fallbacks;
  private boolean groupFallbackUsed;
  private SwitchboardException lastError;
  private TokenEstimate tokens = TokenEstimate.NONE;
  private Reservation permit; // what the deployment's limits reserved for the attempt being launched
  private List<LimitState> saturated; // deployments skipped for their limits, in the order tried

  RoutedCall(Engine engine, String requestId, RequestOptions options, GroupRuntime group) {
    this.engine = engine;
    this.requestId = requestId;
    this.options = options;
    this.group = group;
  }

  /** Plans the group and makes the first attempt. */
  final void begin() {
    try {
      plan = engine.plan(group, requestId);
    } catch (SwitchboardException e) {
      fail(e);
      return;
    }
    tryCurrent();
  }

  /** Starts one upstream attempt on {@code deployment}; must eventually call {@link #attemptFailed} or finish. */
  abstract void launch(DeploymentRuntime deployment, CallContext context, Timeouts timeouts);

  /** Ends the whole call with an error. */
  abstract void fail(SwitchboardException error);

  /** Whether the caller has gone away (cancelled); no further attempts are made. */
  abstract boolean isAbandoned();

  final String groupName() {
    return group.name();
  }

  final RouteInfo route(DeploymentRuntime d) {
    return RouteInfo.builder()
        .provider(d.deployment.provider())
        .deployment(d.deployment.id())
        .upstreamModel(d.deployment.model())
        .attempts(attemptsMade)
        .fallbacks(fallbacks)
        .group(group.name())
        .build();
  }

  final Timeouts timeoutsFor(DeploymentRuntime d) {
    if (options.timeouts() != null) {
      return options.timeouts();
    }
    return d.deployment.timeouts() != null ? d.deployment.timeouts() : engine.timeouts;
  }

  /** The token estimate deployment limits reserve; null keeps none. */
  final void tokens(TokenEstimate estimate) {
    if (estimate != null) {
      tokens = estimate;
    }
  }

  final TokenEstimate tokens() {
    return tokens;
  }

  /** What the deployment's limits reserved for the attempt now launching, for it to settle; null without limits. */
  final Reservation takePermit() {
    Reservation p = permit;
    permit = null;
    return p;
  }

  private void tryCurrent() {
    while (index < plan.size()) {
      if (isAbandoned()) {
        return;
      }
      DeploymentRuntime d = plan.get(index);
      RateLimiting limiting = engine.rateLimiting;
      if (!limiting.limits(d.deployment)) {
        if (enter(d)) {
          return;
        }
        continue;
      }
      CompletableFuture<LimitDecision> gate = limiting.acquire(d.deployment, tokens);
      if (!gate.isDone()) { // a shared store answers later: go on from its answer
        gate.whenComplete((decision, error) -> {
          if (!gated(d, decision, error)) {
            tryCurrent();
          }
        });
        return;
      }
      LimitDecision decision = null;
      Throwable error = null;
      try {
        decision = gate.join();
      } catch (RuntimeException e) {
        error = e;
      }
      if (gated(d, decision, error)) {
        return;
      }
    }
    fail(finalError());
  }

  /**
   * Continues after {@code d}'s limits decided: launches the attempt when they admitted it, else skips
   * {@code d}. Returns whether the call went on without the loop (launched, or abandoned meanwhile).
   */
  private boolean gated(DeploymentRuntime d, LimitDecision decision, Throwable error) {
    if (error != null) { // the limiter could not decide and fails closed: this deployment cannot be used now
      skip(d, engine.rateLimiting.unavailable(error, d.deployment, requestId));
      return false;
    }
    Reservation reserved = engine.rateLimiting.decided(requestId, d.deployment, decision);
    if (!decision.isAdmitted()) {
      if (saturated == null) {
        saturated = new ArrayList<>(2);
      }
      saturated.add(decision.rejectedBy());
      skip(d, RateLimiting.saturated(group.name(), requestId, List.of(decision.rejectedBy())));
      return false;
    }
    if (isAbandoned()) {
      reserved.unused();
      return true;
    }
    permit = reserved;
    boolean goesOn = enter(d);
    Reservation untaken = takePermit(); // still here: no attempt was launched on it (breaker refused, caller left)
    if (untaken != null) {
      untaken.unused();
    }
    return goesOn;
  }

  /** Launches an attempt on {@code d} if its breaker allows; else skips it and returns false. */
  private boolean enter(DeploymentRuntime d) {
    if (isAbandoned()) {
      return true;
    }
    if (d.tryAcquire()) {
      attemptsMade++;
      CallContext.Builder context = CallContext.builder(requestId)
          .providerName(d.deployment.provider())
          .deploymentId(d.deployment.id())
          .attempt(attempt);
      for (Map.Entry<String, String> h : options.headers().entrySet()) {
        context.header(h.getKey(), h.getValue());
      }
      d.callStarted();
      engine.listener.attemptStart(requestId, d.deployment, attempt);
      launch(d, context.build(), timeoutsFor(d));
      return true;
    }
    skip(d, engine.circuitOpen(d, requestId));
    return false;
  }

  /** Moves past {@code d}, which refused the call without an upstream call. */
  private void skip(DeploymentRuntime d, SwitchboardException refused) {
    lastError = refused;
    if (index + 1 < plan.size()) {
      engine.listener.fallback(requestId, group.name(), d.deployment, refused);
      fallbacks++;
    }
    index++;
    attempt = 1;
  }

  /** The error of a call whose plan ran out: a 429 naming every limit when deployments were saturated. */
  private SwitchboardException finalError() {
    if (lastError == null) {
      return engine.noDeployment(group, requestId);
    }
    boolean refusedLocally = lastError instanceof RateLimitedException && ((RateLimitedException) lastError).limit() != null
        || lastError instanceof CircuitOpenException;
    if (saturated != null && refusedLocally) {
      return RateLimiting.saturated(group.name(), requestId, saturated);
    }
    return lastError;
  }

  /**
   * Records a failed attempt and decides what comes next: another group, a retry after a delay, the
   * next deployment, or the end of the call.
   */
  final void attemptFailed(DeploymentRuntime d, long latencyNanos, SwitchboardException error) {
    d.onFailure(latencyNanos, error);
    engine.listener.attemptEnd(requestId, d.deployment, attempt, Duration.ofNanos(latencyNanos), error);
    lastError = error;
    if (isAbandoned()) {
      return;
    }
    String otherGroup = error instanceof ContextWindowExceededException ? group.contextWindowFallback()
        : error instanceof ContentPolicyException ? group.contentPolicyFallback() : null;
    if (otherGroup != null && !groupFallbackUsed) {
      switchGroup(otherGroup, error);
      return;
    }
    if (!error.isRetryable()) {
      fail(error);
      return;
    }
    boolean hasNext = index + 1 < plan.size();
    if (error instanceof RateLimitedException) {
      Duration cooldown = error.retryAfter() != null ? error.retryAfter() : engine.rateLimitCooldown;
      d.coolDown(cooldown);
      engine.listener.cooldown(d.deployment, cooldown);
      if (hasNext) { // another deployment can answer now: waiting out the limit would only add latency
        nextDeployment(d, error);
        return;
      }
    }
    RetryPolicy retry = engine.retryPolicy;
    Duration retryAfter = error.retryAfter();
    boolean retryAfterTooLong = retryAfter != null && retryAfter.compareTo(retry.maxRetryAfter()) > 0;
    if (attempt <= retry.maxRetries() && !retryAfterTooLong) {
      Duration delay = jittered(retry.backoff(attempt), retry.jitter());
      if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
        delay = retryAfter;
      }
      attempt++;
      engine.listener.retryScheduled(requestId, d.deployment, attempt, delay, error);
      engine.schedule(this::tryCurrent, delay);
      return;
    }
    if (hasNext) {
      nextDeployment(d, error);
    } else {
      fail(error);
    }
  }

  private void nextDeployment(DeploymentRuntime from, SwitchboardException cause) {
    engine.listener.fallback(requestId, group.name(), from.deployment, cause);
    fallbacks++;
    index++;
    attempt = 1;
    tryCurrent();
  }

  private void switchGroup(String target, SwitchboardException cause) {
    GroupRuntime next = engine.group(target);
    engine.listener.groupFallback(requestId, group.name(), target, cause);
    groupFallbackUsed = true;
    fallbacks++;
    group = next;
    index = 0;
    attempt = 1;
    try {
      plan = engine.plan(next, requestId);
    } catch (SwitchboardException e) {
      fail(e);
      return;
    }
    tryCurrent();
  }

  private static Duration jittered(Duration backoff, double jitter) {
    if (jitter == 0 || backoff.isZero()) {
      return backoff;
    }
    double factor = 1 - jitter * ThreadLocalRandom.current().nextDouble();
    return Duration.ofNanos((long) (backoff.toNanos() * factor));
  }

  /** Turns whatever an attempt failed with into the typed error the routing rules understand. */
  final SwitchboardException normalize(Throwable error, DeploymentRuntime d, UpstreamTimeoutException.Phase timedOut,
      Duration timeout) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    ErrorDetails details = ErrorDetails.builder()
        .provider(d.deployment.provider())
        .deployment(d.deployment.id())
        .model(d.deployment.model())
        .requestId(requestId)
        .build();
    if (timedOut != null) {
      String what = timedOut == UpstreamTimeoutException.Phase.FIRST_TOKEN ? "send a first token" : "answer";
      return new UpstreamTimeoutException("deployment '" + d.deployment.id() + "' did not " + what + " within "
          + timeout.toMillis() + " ms", timedOut, timeout, details, null);
    }
    if (e instanceof SwitchboardException) {
      return (SwitchboardException) e;
    }
    if (e instanceof CancellationException) {
      return new UpstreamException("deployment '" + d.deployment.id() + "' cancelled the call", details, e);
    }
    return new UpstreamException("deployment '" + d.deployment.id() + "' failed: " + e, details, e);
  }

  static long millis(Duration d) {
    return TimeUnit.NANOSECONDS.toMillis(d.toNanos());
  }
}

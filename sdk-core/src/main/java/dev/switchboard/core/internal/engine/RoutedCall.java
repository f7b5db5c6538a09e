package dev.switchboard.core.internal.engine;

import dev.switchboard.core.RequestOptions;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.Timeouts;
import dev.switchboard.core.error.ContentPolicyException;
import dev.switchboard.core.error.ContextWindowExceededException;
import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.RateLimitedException;
import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.error.UpstreamException;
import dev.switchboard.core.error.UpstreamTimeoutException;
import dev.switchboard.core.model.RouteInfo;
import dev.switchboard.core.spi.CallContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
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

  private void tryCurrent() {
    while (index < plan.size()) {
      if (isAbandoned()) {
        return;
      }
      DeploymentRuntime d = plan.get(index);
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
        return;
      }
      SwitchboardException refused = engine.circuitOpen(d, requestId);
      lastError = refused;
      if (index + 1 < plan.size()) {
        engine.listener.fallback(requestId, group.name(), d.deployment, refused);
        fallbacks++;
      }
      index++;
      attempt = 1;
    }
    fail(lastError != null ? lastError : engine.noDeployment(group, requestId));
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

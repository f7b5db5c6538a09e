package dev.switchboard.core.internal.engine;

import dev.switchboard.core.SwitchboardListener;
import dev.switchboard.core.model.RouteInfo;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.routing.CircuitState;
import dev.switchboard.core.routing.Deployment;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Shields the engine from a listener that throws: the failure is logged, the call goes on. */
final class GuardedListener extends SwitchboardListener {

  private static final Logger log = LoggerFactory.getLogger(SwitchboardListener.class);

  private final SwitchboardListener delegate;

  GuardedListener(SwitchboardListener delegate) {
    this.delegate = delegate;
  }

  private static void failed(String event, RuntimeException e) {
    log.warn("SwitchboardListener.{} threw; ignored", event, e);
  }

  @Override
  public void requestStart(String requestId, String modelGroup, boolean stream) {
    try {
      delegate.requestStart(requestId, modelGroup, stream);
    } catch (RuntimeException e) {
      failed("requestStart", e);
    }
  }

  @Override
  public void requestEnd(String requestId, String modelGroup, boolean stream, Duration latency, RouteInfo route,
      Usage usage, Throwable error) {
    try {
      delegate.requestEnd(requestId, modelGroup, stream, latency, route, usage, error);
    } catch (RuntimeException e) {
      failed("requestEnd", e);
    }
  }

  @Override
  public void attemptStart(String requestId, Deployment deployment, int attempt) {
    try {
      delegate.attemptStart(requestId, deployment, attempt);
    } catch (RuntimeException e) {
      failed("attemptStart", e);
    }
  }

  @Override
  public void attemptEnd(String requestId, Deployment deployment, int attempt, Duration latency, Throwable error) {
    try {
      delegate.attemptEnd(requestId, deployment, attempt, latency, error);
    } catch (RuntimeException e) {
      failed("attemptEnd", e);
    }
  }

  @Override
  public void firstToken(String requestId, Deployment deployment, Duration timeToFirstToken) {
    try {
      delegate.firstToken(requestId, deployment, timeToFirstToken);
    } catch (RuntimeException e) {
      failed("firstToken", e);
    }
  }

  @Override
  public void retryScheduled(String requestId, Deployment deployment, int nextAttempt, Duration delay, Throwable cause) {
    try {
      delegate.retryScheduled(requestId, deployment, nextAttempt, delay, cause);
    } catch (RuntimeException e) {
      failed("retryScheduled", e);
    }
  }

  @Override
  public void fallback(String requestId, String modelGroup, Deployment from, Throwable cause) {
    try {
      delegate.fallback(requestId, modelGroup, from, cause);
    } catch (RuntimeException e) {
      failed("fallback", e);
    }
  }

  @Override
  public void groupFallback(String requestId, String fromGroup, String toGroup, Throwable cause) {
    try {
      delegate.groupFallback(requestId, fromGroup, toGroup, cause);
    } catch (RuntimeException e) {
      failed("groupFallback", e);
    }
  }

  @Override
  public void cooldown(Deployment deployment, Duration cooldown) {
    try {
      delegate.cooldown(deployment, cooldown);
    } catch (RuntimeException e) {
      failed("cooldown", e);
    }
  }

  @Override
  public void circuitStateChanged(Deployment deployment, CircuitState from, CircuitState to) {
    try {
      delegate.circuitStateChanged(deployment, from, to);
    } catch (RuntimeException e) {
      failed("circuitStateChanged", e);
    }
  }
}

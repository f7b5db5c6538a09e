package dev.switchboard.core.internal.engine;

import dev.switchboard.core.SwitchboardListener;
import dev.switchboard.core.model.RouteInfo;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.routing.CircuitState;
import dev.switchboard.core.routing.Deployment;
import java.time.Duration;
import java.util.List;

/** Fans every event out to several listeners, each guarded so one that throws cannot starve the rest. */
public final class CompositeListener extends SwitchboardListener {

  private final List<SwitchboardListener> listeners;

  private CompositeListener(List<SwitchboardListener> listeners) {
    this.listeners = listeners;
  }

  public static SwitchboardListener of(List<SwitchboardListener> listeners) {
    if (listeners.isEmpty()) {
      return SwitchboardListener.NONE;
    }
    if (listeners.size() == 1) {
      return listeners.get(0);
    }
    return new CompositeListener(listeners.stream().<SwitchboardListener>map(GuardedListener::new).toList());
  }

  @Override
  public void requestStart(String requestId, String modelGroup, boolean stream) {
    for (SwitchboardListener l : listeners) {
      l.requestStart(requestId, modelGroup, stream);
    }
  }

  @Override
  public void requestEnd(String requestId, String modelGroup, boolean stream, Duration latency, RouteInfo route,
      Usage usage, Throwable error) {
    for (SwitchboardListener l : listeners) {
      l.requestEnd(requestId, modelGroup, stream, latency, route, usage, error);
    }
  }

  @Override
  public void attemptStart(String requestId, Deployment deployment, int attempt) {
    for (SwitchboardListener l : listeners) {
      l.attemptStart(requestId, deployment, attempt);
    }
  }

  @Override
  public void attemptEnd(String requestId, Deployment deployment, int attempt, Duration latency, Throwable error) {
    for (SwitchboardListener l : listeners) {
      l.attemptEnd(requestId, deployment, attempt, latency, error);
    }
  }

  @Override
  public void firstToken(String requestId, Deployment deployment, Duration timeToFirstToken) {
    for (SwitchboardListener l : listeners) {
      l.firstToken(requestId, deployment, timeToFirstToken);
    }
  }

  @Override
  public void retryScheduled(String requestId, Deployment deployment, int nextAttempt, Duration delay, Throwable cause) {
    for (SwitchboardListener l : listeners) {
      l.retryScheduled(requestId, deployment, nextAttempt, delay, cause);
    }
  }

  @Override
  public void fallback(String requestId, String modelGroup, Deployment from, Throwable cause) {
    for (SwitchboardListener l : listeners) {
      l.fallback(requestId, modelGroup, from, cause);
    }
  }

  @Override
  public void groupFallback(String requestId, String fromGroup, String toGroup, Throwable cause) {
    for (SwitchboardListener l : listeners) {
      l.groupFallback(requestId, fromGroup, toGroup, cause);
    }
  }

  @Override
  public void cooldown(Deployment deployment, Duration cooldown) {
    for (SwitchboardListener l : listeners) {
      l.cooldown(deployment, cooldown);
    }
  }

  @Override
  public void circuitStateChanged(Deployment deployment, CircuitState from, CircuitState to) {
    for (SwitchboardListener l : listeners) {
      l.circuitStateChanged(deployment, from, to);
    }
  }
}

package dev.switchboard.core.internal.engine;

import dev.switchboard.core.SwitchboardListener;
import dev.switchboard.core.cost.Budget;
import dev.switchboard.core.cost.BudgetAlert;
import dev.switchboard.core.cost.UsageRecord;
import dev.switchboard.core.cache.CacheLevel;
import dev.switchboard.core.model.RouteInfo;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.ratelimit.LimitDecision;
import dev.switchboard.core.routing.CircuitState;
import dev.switchboard.core.routing.Deployment;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans every event out to the configured listeners. A listener that throws is logged and skipped:
 * it can neither fail a call nor starve the listeners after it.
 */
public final class CompositeListener extends SwitchboardListener {

  private static final Logger log = LoggerFactory.getLogger(SwitchboardListener.class);

  private final SwitchboardListener[] listeners;

  public CompositeListener(List<SwitchboardListener> listeners) {
    this.listeners = listeners.toArray(new SwitchboardListener[0]);
  }

  private void each(String event, Consumer<SwitchboardListener> call) {
    for (SwitchboardListener l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        log.warn("{}.{} threw; ignored", l.getClass().getName(), event, e);
      }
    }
  }

  @Override
  public void requestStart(String requestId, String modelGroup, boolean stream) {
    each("requestStart", l -> l.requestStart(requestId, modelGroup, stream));
  }

  @Override
  public void requestEnd(String requestId, String modelGroup, boolean stream, Duration latency, RouteInfo route,
      Usage usage, Throwable error) {
    each("requestEnd", l -> l.requestEnd(requestId, modelGroup, stream, latency, route, usage, error));
  }

  @Override
  public void attemptStart(String requestId, Deployment deployment, int attempt) {
    each("attemptStart", l -> l.attemptStart(requestId, deployment, attempt));
  }

  @Override
  public void attemptEnd(String requestId, Deployment deployment, int attempt, Duration latency, Throwable error) {
    each("attemptEnd", l -> l.attemptEnd(requestId, deployment, attempt, latency, error));
  }

  @Override
  public void firstToken(String requestId, Deployment deployment, Duration timeToFirstToken) {
    each("firstToken", l -> l.firstToken(requestId, deployment, timeToFirstToken));
  }

  @Override
  public void retryScheduled(String requestId, Deployment deployment, int nextAttempt, Duration delay, Throwable cause) {
    each("retryScheduled", l -> l.retryScheduled(requestId, deployment, nextAttempt, delay, cause));
  }

  @Override
  public void fallback(String requestId, String modelGroup, Deployment from, Throwable cause) {
    each("fallback", l -> l.fallback(requestId, modelGroup, from, cause));
  }

  @Override
  public void groupFallback(String requestId, String fromGroup, String toGroup, Throwable cause) {
    each("groupFallback", l -> l.groupFallback(requestId, fromGroup, toGroup, cause));
  }

  @Override
  public void cooldown(Deployment deployment, Duration cooldown) {
    each("cooldown", l -> l.cooldown(deployment, cooldown));
  }

  @Override
  public void circuitStateChanged(Deployment deployment, CircuitState from, CircuitState to) {
    each("circuitStateChanged", l -> l.circuitStateChanged(deployment, from, to));
  }

  @Override
  public void usageRecorded(UsageRecord record) {
    each("usageRecorded", l -> l.usageRecorded(record));
  }

  @Override
  public void usageDropped(int count, String reason) {
    each("usageDropped", l -> l.usageDropped(count, reason));
  }

  @Override
  public void budgetAlert(BudgetAlert alert) {
    each("budgetAlert", l -> l.budgetAlert(alert));
  }

  @Override
  public void budgetDowngrade(String requestId, Budget budget, String subject, String fromGroup, String toGroup) {
    each("budgetDowngrade", l -> l.budgetDowngrade(requestId, budget, subject, fromGroup, toGroup));
  }

  @Override
  public void cacheLookup(String requestId, String modelGroup, CacheLevel level, boolean hit, Duration latency) {
    each("cacheLookup", l -> l.cacheLookup(requestId, modelGroup, level, hit, latency));
  }

  @Override
  public void cacheCoalesced(String requestId, String modelGroup) {
    each("cacheCoalesced", l -> l.cacheCoalesced(requestId, modelGroup));
  }

  @Override
  public void cacheLoad(String requestId, String modelGroup, Duration loadTime, Throwable error) {
    each("cacheLoad", l -> l.cacheLoad(requestId, modelGroup, loadTime, error));
  }

  @Override
  public void cacheEviction(CacheLevel level, String cause) {
    each("cacheEviction", l -> l.cacheEviction(level, cause));
  }

  @Override
  public void cacheError(CacheLevel level, String operation, Throwable error) {
    each("cacheError", l -> l.cacheError(level, operation, error));
  }

  @Override
  public void limitDecided(String requestId, Deployment deployment, LimitDecision decision) {
    each("limitDecided", l -> l.limitDecided(requestId, deployment, decision));
  }

  @Override
  public void limitsSettled(String requestId, Deployment deployment, LimitDecision decision, long reservedTokens,
      long usedTokens) {
    each("limitsSettled", l -> l.limitsSettled(requestId, deployment, decision, reservedTokens, usedTokens));
  }
}

package dev.switchboard.core.testing;

import dev.switchboard.core.SwitchboardListener;
import dev.switchboard.core.cache.CacheLevel;
import dev.switchboard.core.model.RouteInfo;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.ratelimit.LimitDecision;
import dev.switchboard.core.routing.CircuitState;
import dev.switchboard.core.routing.Deployment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every event as a readable line, e.g. {@code "fallback a/m RateLimitedException"}. */
public final class RecordingListener extends SwitchboardListener {

  public final List<String> events = new CopyOnWriteArrayList<>();
  public final List<Duration> retryDelays = new CopyOnWriteArrayList<>();
  public volatile Throwable lastEndError;
  public volatile Usage lastEndUsage;
  public volatile RouteInfo lastEndRoute;

  @Override
  public void requestStart(String requestId, String modelGroup, boolean stream) {
    events.add("requestStart " + modelGroup);
  }

  @Override
  public void requestEnd(String requestId, String modelGroup, boolean stream, Duration latency, RouteInfo route,
      Usage usage, Throwable error) {
    lastEndError = error;
    lastEndUsage = usage;
    lastEndRoute = route;
    events.add("requestEnd " + modelGroup + " " + (error == null ? "ok" : error.getClass().getSimpleName()));
  }

  @Override
  public void attemptStart(String requestId, Deployment deployment, int attempt) {
    events.add("attemptStart " + deployment.id() + " #" + attempt);
  }

  @Override
  public void attemptEnd(String requestId, Deployment deployment, int attempt, Duration latency, Throwable error) {
    events.add("attemptEnd " + deployment.id() + " #" + attempt + " "
        + (error == null ? "ok" : error.getClass().getSimpleName()));
  }

  @Override
  public void firstToken(String requestId, Deployment deployment, Duration timeToFirstToken) {
    events.add("firstToken " + deployment.id());
  }

  @Override
  public void retryScheduled(String requestId, Deployment deployment, int nextAttempt, Duration delay, Throwable cause) {
    retryDelays.add(delay);
    events.add("retry " + deployment.id() + " #" + nextAttempt);
  }

  @Override
  public void fallback(String requestId, String modelGroup, Deployment from, Throwable cause) {
    events.add("fallback " + from.id() + " " + cause.getClass().getSimpleName());
  }

  @Override
  public void groupFallback(String requestId, String fromGroup, String toGroup, Throwable cause) {
    events.add("groupFallback " + fromGroup + "->" + toGroup);
  }

  @Override
  public void cooldown(Deployment deployment, Duration cooldown) {
    events.add("cooldown " + deployment.id() + " " + cooldown.toMillis() + "ms");
  }

  @Override
  public void circuitStateChanged(Deployment deployment, CircuitState from, CircuitState to) {
    events.add("circuit " + deployment.id() + " " + from + "->" + to);
  }

  @Override
  public void cacheLookup(String requestId, String modelGroup, CacheLevel level, boolean hit, Duration latency) {
    events.add("cacheLookup " + level.tag() + " " + (hit ? "hit" : "miss"));
  }

  @Override
  public void cacheCoalesced(String requestId, String modelGroup) {
    events.add("cacheCoalesced " + modelGroup);
  }

  @Override
  public void cacheLoad(String requestId, String modelGroup, Duration loadTime, Throwable error) {
    events.add("cacheLoad " + modelGroup + " " + (error == null ? "ok" : error.getClass().getSimpleName()));
  }

  @Override
  public void cacheEviction(CacheLevel level, String cause) {
    events.add("cacheEviction " + level.tag() + " " + cause);
  }

  @Override
  public void cacheError(CacheLevel level, String operation, Throwable error) {
    events.add("cacheError " + level.tag() + " " + operation);
  }

  /** E.g. {@code "limitDecided caller admitted"}, {@code "limitDecided a/m rejected deployment:requests-per-minute"}. */
  @Override
  public void limitDecided(String requestId, Deployment deployment, LimitDecision decision) {
    events.add("limitDecided " + (deployment == null ? "caller" : deployment.id()) + " "
        + (decision.isAdmitted() ? "admitted" : "rejected " + decision.rejectedBy().name()));
  }

  /** E.g. {@code "limitsSettled caller reserved=4113 used=15"}. */
  @Override
  public void limitsSettled(String requestId, Deployment deployment, LimitDecision decision, long reservedTokens,
      long usedTokens) {
    events.add("limitsSettled " + (deployment == null ? "caller" : deployment.id()) + " reserved=" + reservedTokens
        + " used=" + usedTokens);
  }
}

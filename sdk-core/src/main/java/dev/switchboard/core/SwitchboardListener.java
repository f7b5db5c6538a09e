package dev.switchboard.core;

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
 * {@code fallback} between attempts, and finally exactly one {@code requestEnd}.
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

package dev.switchboard.core.internal.engine;

import dev.switchboard.core.CircuitBreakerPolicy;
import dev.switchboard.core.SwitchboardListener;
import dev.switchboard.core.error.RateLimitedException;
import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.routing.CircuitState;
import dev.switchboard.core.routing.Deployment;
import dev.switchboard.core.routing.DeploymentState;
import dev.switchboard.core.spi.Provider;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** One deployment at run time: its provider, circuit breaker, cooldown, load and latency. */
final class DeploymentRuntime implements DeploymentState {

  // Weight of the newest sample in the latency average: recent enough to follow a provider's slowdown
  // within a handful of calls, smooth enough not to flip on one outlier.
  private static final double LATENCY_ALPHA = 0.3;

  final Deployment deployment;
  final Provider provider;
  private final CircuitBreaker breaker; // null when breakers are disabled
  private final Duration openWait;
  private final Clock clock;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile long averageLatencyNanos = -1;
  private volatile long cooldownUntilMillis;
  private volatile long openedAtMillis;

  DeploymentRuntime(Deployment deployment, Provider provider, CircuitBreakerPolicy policy, Clock clock,
      SwitchboardListener listener) {
    this.deployment = deployment;
    this.provider = provider;
    this.clock = clock;
    this.openWait = policy.waitDurationInOpenState();
    if (policy.enabled()) {
      CircuitBreakerConfig config = CircuitBreakerConfig.custom()
          .failureRateThreshold(policy.failureRateThreshold())
          .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
          .slidingWindowSize(policy.slidingWindowSize())
          .minimumNumberOfCalls(policy.minimumNumberOfCalls())
          .waitDurationInOpenState(policy.waitDurationInOpenState())
          .permittedNumberOfCallsInHalfOpenState(policy.permittedCallsInHalfOpenState())
          .recordException(DeploymentRuntime::isDeploymentFault)
          .ignoreException(e -> e instanceof RateLimitedException) // the upstream is fine, just busy: cooldown handles it
          .clock(clock)
          .build();
      this.breaker = CircuitBreaker.of(deployment.id(), config);
      breaker.getEventPublisher().onStateTransition(event -> {
        CircuitState from = map(event.getStateTransition().getFromState());
        CircuitState to = map(event.getStateTransition().getToState());
        if (to == CircuitState.OPEN) {
          openedAtMillis = clock.millis();
        }
        listener.circuitStateChanged(deployment, from, to);
      });
    } else {
      this.breaker = null;
    }
  }

  /** Errors that say the deployment is unwell, as opposed to the request being wrong. */
  static boolean isDeploymentFault(Throwable e) {
    return e instanceof SwitchboardException && ((SwitchboardException) e).isRetryable()
        && !(e instanceof RateLimitedException);
  }

  @Override
  public Deployment deployment() {
    return deployment;
  }

  @Override
  public int inFlight() {
    return inFlight.get();
  }

  @Override
  public Duration averageLatency() {
    long nanos = averageLatencyNanos;
    return nanos < 0 ? null : Duration.ofNanos(nanos);
  }

  CircuitState circuitState() {
    return breaker == null ? CircuitState.CLOSED : map(breaker.getState());
  }

  /** Whether routing may offer this deployment now. */
  boolean isAvailable(long nowMillis) {
    if (nowMillis < cooldownUntilMillis) {
      return false;
    }
    // An open breaker is offered again once its wait elapsed (strictly, as resilience4j counts it), so that
    // tryAcquirePermission can move it to half-open.
    return breaker == null || breaker.getState() != CircuitBreaker.State.OPEN
        || nowMillis > openedAtMillis + openWait.toMillis();
  }

  boolean isCoolingDown(long nowMillis) {
    return nowMillis < cooldownUntilMillis;
  }

  long cooldownRemainingMillis(long nowMillis) {
    return Math.max(0, cooldownUntilMillis - nowMillis);
  }

  void coolDown(Duration duration) {
    long until = clock.millis() + duration.toMillis();
    if (until > cooldownUntilMillis) {
      cooldownUntilMillis = until;
    }
  }

  /** Asks the breaker for permission to call; false means skip this deployment. */
  boolean tryAcquire() {
    return breaker == null || breaker.tryAcquirePermission();
  }

  /** Gives back a permission that was acquired but not used for a real call (caller cancelled). */
  void release() {
    if (breaker != null) {
      breaker.releasePermission();
    }
  }

  void callStarted() {
    inFlight.incrementAndGet();
  }

  void onSuccess(long latencyNanos) {
    inFlight.decrementAndGet();
    if (breaker != null) {
      breaker.onSuccess(latencyNanos, TimeUnit.NANOSECONDS);
    }
  }

  void onFailure(long latencyNanos, Throwable error) {
    inFlight.decrementAndGet();
    if (breaker != null) {
      breaker.onError(latencyNanos, TimeUnit.NANOSECONDS, error);
    }
  }

  void onCancelled() {
    inFlight.decrementAndGet();
    release();
  }

  void recordLatency(long nanos) {
    long previous = averageLatencyNanos;
    // Racy read-modify-write on purpose: a lost sample under contention does not matter for routing.
    averageLatencyNanos = previous < 0 ? nanos : (long) (LATENCY_ALPHA * nanos + (1 - LATENCY_ALPHA) * previous);
  }

  private static CircuitState map(CircuitBreaker.State state) {
    switch (state) {
      case OPEN:
      case FORCED_OPEN:
        return CircuitState.OPEN;
      case HALF_OPEN:
        return CircuitState.HALF_OPEN;
      default:
        return CircuitState.CLOSED;
    }
  }

  @Override
  public String toString() {
    return deployment.id();
  }
}

package dev.switchboard.core.routing;

/** The state of a deployment's circuit breaker. */
public enum CircuitState {
  /** Calls flow; failures are counted. */
  CLOSED,
  /** Calls are refused without contacting the upstream. */
  OPEN,
  /** A few trial calls decide between closed and open. */
  HALF_OPEN
}

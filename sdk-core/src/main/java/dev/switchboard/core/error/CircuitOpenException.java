package dev.switchboard.core.error;

import java.util.Objects;

/**
 * A deployment's circuit breaker is open and refused the call without contacting the upstream
 * (503). {@link #breaker()} names the breaker: the deployment id.
 */
public class CircuitOpenException extends UpstreamUnavailableException {

  private static final long serialVersionUID = 1L;

  private final String breaker;

  public CircuitOpenException(String breaker, ErrorDetails details) {
    super("circuit breaker '" + breaker + "' is open", details);
    this.breaker = Objects.requireNonNull(breaker, "breaker");
  }

  /** The name of the breaker that refused the call (the deployment id). */
  public String breaker() {
    return breaker;
  }
}

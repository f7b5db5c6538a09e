package dev.switchboard.core.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A snapshot of one deployment's health as routing sees it: its circuit breaker's state, whether
 * it is cooling down after an upstream 429, calls in flight and the latency average. For health
 * checks and status pages: {@code Switchboard.deploymentStatus()}.
 *
 * <p>Immutable and thread-safe; value equality.
 */
public final class DeploymentStatus {

  private final Deployment deployment;
  private final List<String> groups;
  private final CircuitState circuitState;
  private final boolean coolingDown;
  private final int inFlight;
  private final Duration averageLatency;

  private DeploymentStatus(Builder b) {
    this.deployment = Objects.requireNonNull(b.deployment, "deployment");
    this.groups = List.copyOf(b.groups);
    this.circuitState = Objects.requireNonNull(b.circuitState, "circuitState");
    this.coolingDown = b.coolingDown;
    this.inFlight = b.inFlight;
    this.averageLatency = b.averageLatency;
  }

  public static Builder builder(Deployment deployment) {
    Builder b = new Builder();
    b.deployment = Objects.requireNonNull(deployment, "deployment");
    return b;
  }

  public Builder toBuilder() {
    return builder(deployment).groups(groups).circuitState(circuitState).coolingDown(coolingDown).inFlight(inFlight)
        .averageLatency(averageLatency);
  }

  /** The deployment; never null. */
  public Deployment deployment() {
    return deployment;
  }

  /** The model groups it serves, in configuration order; never null. */
  public List<String> groups() {
    return groups;
  }

  /** Its circuit breaker's state; {@link CircuitState#CLOSED} when breakers are disabled. Never null. */
  public CircuitState circuitState() {
    return circuitState;
  }

  /** Whether it is skipped for now after the upstream answered 429. */
  public boolean coolingDown() {
    return coolingDown;
  }

  /** Upstream calls in flight on it. */
  public int inFlight() {
    return inFlight;
  }

  /** The moving average of recent successful calls' latency, or null before the first. */
  public Duration averageLatency() {
    return averageLatency;
  }

  /** Whether routing would offer it a call now: circuit not open and not cooling down. */
  public boolean isAvailable() {
    return circuitState != CircuitState.OPEN && !coolingDown;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DeploymentStatus)) {
      return false;
    }
    DeploymentStatus s = (DeploymentStatus) o;
    return deployment.equals(s.deployment) && groups.equals(s.groups) && circuitState == s.circuitState
        && coolingDown == s.coolingDown && inFlight == s.inFlight && Objects.equals(averageLatency, s.averageLatency);
  }

  @Override
  public int hashCode() {
    return Objects.hash(deployment, groups, circuitState, coolingDown, inFlight, averageLatency);
  }

  @Override
  public String toString() {
    return "DeploymentStatus{" + deployment.id() + ", groups=" + groups + ", circuit=" + circuitState
        + (coolingDown ? ", coolingDown" : "") + ", inFlight=" + inFlight + ", averageLatency=" + averageLatency + "}";
  }

  /** Builds a {@link DeploymentStatus}. Not thread-safe. */
  public static final class Builder {
    private Deployment deployment;
    private final List<String> groups = new ArrayList<>();
    private CircuitState circuitState = CircuitState.CLOSED;
    private boolean coolingDown;
    private int inFlight;
    private Duration averageLatency;

    private Builder() {}

    public Builder groups(List<String> groups) {
      Objects.requireNonNull(groups, "groups");
      this.groups.clear();
      groups.forEach(g -> this.groups.add(Objects.requireNonNull(g, "groups element")));
      return this;
    }

    public Builder circuitState(CircuitState circuitState) {
      this.circuitState = Objects.requireNonNull(circuitState, "circuitState");
      return this;
    }

    public Builder coolingDown(boolean coolingDown) {
      this.coolingDown = coolingDown;
      return this;
    }

    /** @throws IllegalArgumentException if negative */
    public Builder inFlight(int inFlight) {
      if (inFlight < 0) {
        throw new IllegalArgumentException("inFlight must be >= 0 but was " + inFlight);
      }
      this.inFlight = inFlight;
      return this;
    }

    public Builder averageLatency(Duration averageLatency) {
      this.averageLatency = averageLatency;
      return this;
    }

    public DeploymentStatus build() {
      return new DeploymentStatus(this);
    }
  }
}

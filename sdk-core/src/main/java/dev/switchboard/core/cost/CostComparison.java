package dev.switchboard.core.cost;

import java.util.Objects;

/** What some usage costs, or would have cost, on one deployment of a model group. Immutable value. */
public final class CostComparison {

  private final String deployment;
  private final String provider;
  private final String model;
  private final Cost cost;

  private CostComparison(String deployment, String provider, String model, Cost cost) {
    this.deployment = Objects.requireNonNull(deployment, "deployment");
    this.provider = Objects.requireNonNull(provider, "provider");
    this.model = Objects.requireNonNull(model, "model");
    this.cost = Objects.requireNonNull(cost, "cost");
  }

  public static CostComparison of(String deployment, String provider, String model, Cost cost) {
    return new CostComparison(deployment, provider, model, cost);
  }

  public String deployment() {
    return deployment;
  }

  public String provider() {
    return provider;
  }

  public String model() {
    return model;
  }

  /** The cost at this deployment's price; {@link Cost#UNKNOWN} when it has none. */
  public Cost cost() {
    return cost;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof CostComparison)) {
      return false;
    }
    CostComparison c = (CostComparison) o;
    return deployment.equals(c.deployment) && provider.equals(c.provider) && model.equals(c.model)
        && cost.equals(c.cost);
  }

  @Override
  public int hashCode() {
    return Objects.hash(deployment, provider, model, cost);
  }

  @Override
  public String toString() {
    return deployment + "=" + cost;
  }
}

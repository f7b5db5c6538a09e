package dev.switchboard.core.routing;

import dev.switchboard.core.Timeouts;
import dev.switchboard.core.cost.Price;
import dev.switchboard.core.ratelimit.Limit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * One place a model group can send a call: a provider account, the upstream model name, and how to
 * weigh, order and price it.
 *
 * <p>A deployment's {@link #id()} names its circuit breaker and its latency and load statistics; two
 * groups that list the same id share them. Immutable and thread-safe.
 */
public final class Deployment {

  private final String id;
  private final String provider;
  private final String model;
  private final int weight;
  private final int priority;
  private final Price price;
  private final Timeouts timeouts;
  private final List<Limit> limits;

  private Deployment(Builder b) {
    this.provider = requireNonBlank(b.provider, "provider");
    this.model = requireNonBlank(b.model, "model");
    this.id = b.id != null ? requireNonBlank(b.id, "id") : provider + "/" + model;
    this.weight = b.weight;
    this.priority = b.priority;
    this.price = b.price;
    this.timeouts = b.timeouts;
    this.limits = List.copyOf(b.limits);
    HashSet<String> names = new HashSet<>();
    for (Limit l : limits) {
      if (!names.add(l.name())) {
        throw new IllegalArgumentException("deployment '" + id + "' has two limits named '" + l.name() + "'");
      }
    }
  }

  /** A deployment of {@code model} on the provider account {@code provider}, with defaults. */
  public static Deployment of(String provider, String model) {
    return builder().provider(provider).model(model).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.id = id;
    b.provider = provider;
    b.model = model;
    b.weight = weight;
    b.priority = priority;
    b.price = price;
    b.timeouts = timeouts;
    b.limits.addAll(limits);
    return b;
  }

  /** Unique name; defaults to {@code provider + "/" + model}. */
  public String id() {
    return id;
  }

  /** The provider account name (a configured {@code ProviderConfig} name). */
  public String provider() {
    return provider;
  }

  /** The model name sent upstream. */
  public String model() {
    return model;
  }

  /** Relative share of calls under the weighted strategy; default 1. */
  public int weight() {
    return weight;
  }

  /** Lower goes first under the fallback strategy; ties keep declaration order. Default 0. */
  public int priority() {
    return priority;
  }

  /** The price, or null when unknown (sorted last by the cheapest strategy). */
  public Price price() {
    return price;
  }

  /** Timeouts for this deployment, or null for the client's. */
  public Timeouts timeouts() {
    return timeouts;
  }

  /**
   * The provider's limits for this deployment (e.g. its requests and tokens per minute), counted
   * across all callers; empty when none. A deployment without capacity for a call is skipped before
   * any upstream call, like an open circuit, and the strategy's next deployment is tried; only when
   * every deployment is at its limits does the caller get a 429 naming them.
   */
  public List<Limit> limits() {
    return limits;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Deployment)) {
      return false;
    }
    Deployment that = (Deployment) o;
    return weight == that.weight && priority == that.priority && id.equals(that.id) && provider.equals(that.provider)
        && model.equals(that.model) && Objects.equals(price, that.price) && Objects.equals(timeouts, that.timeouts)
        && limits.equals(that.limits);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, provider, model, weight, priority, price, timeouts, limits);
  }

  @Override
  public String toString() {
    return "Deployment{" + id + ", provider=" + provider + ", model=" + model + ", weight=" + weight + ", priority="
        + priority + (price == null ? "" : ", " + price) + (limits.isEmpty() ? "" : ", limits=" + limits) + "}";
  }

  private static String requireNonBlank(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }

  /** Builds a {@link Deployment}. Not thread-safe. */
  public static final class Builder {
    private String id;
    private String provider;
    private String model;
    private int weight = 1;
    private int priority;
    private Price price;
    private Timeouts timeouts;
    private final List<Limit> limits = new ArrayList<>();

    private Builder() {}

    public Builder id(String id) {
      this.id = id;
      return this;
    }

    public Builder provider(String provider) {
      this.provider = provider;
      return this;
    }

    public Builder model(String model) {
      this.model = model;
      return this;
    }

    /** @throws IllegalArgumentException if below 1 */
    public Builder weight(int weight) {
      if (weight < 1) {
        throw new IllegalArgumentException("weight must be >= 1 but was " + weight);
      }
      this.weight = weight;
      return this;
    }

    public Builder priority(int priority) {
      this.priority = priority;
      return this;
    }

    public Builder price(Price price) {
      this.price = price;
      return this;
    }

    public Builder timeouts(Timeouts timeouts) {
      this.timeouts = timeouts;
      return this;
    }

    /**
     * Adds one of the provider's limits for this deployment, e.g. {@code Limit.requestsPerMinute(500)}
     * and {@code Limit.tokensPerMinute(200_000)}.
     */
    public Builder limit(Limit limit) {
      limits.add(Objects.requireNonNull(limit, "limit"));
      return this;
    }

    /**
     * @throws NullPointerException if provider or model is unset
     * @throws IllegalArgumentException if two limits share a name
     */
    public Deployment build() {
      return new Deployment(this);
    }
  }
}

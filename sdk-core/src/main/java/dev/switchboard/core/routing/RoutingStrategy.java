package dev.switchboard.core.routing;

import dev.switchboard.core.internal.engine.Strategies;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * Orders a model group's available deployments for one call: the engine tries them in the order
 * returned, moving to the next on a retryable failure.
 *
 * <p>The engine passes only deployments that may take a call now (circuit not open, not cooling down
 * after a 429), in declaration order. Implementations must be thread-safe, fast and must not block;
 * they return a new list (any subset, in any order) and must not modify the argument.
 */
@FunctionalInterface
public interface RoutingStrategy {

  /** Ranks {@code available} (never empty) for one call. */
  List<DeploymentState> order(List<DeploymentState> available);

  /** Priority order (lower first), then declaration order: the first is used until it fails. */
  static RoutingStrategy fallback() {
    return Strategies.FALLBACK;
  }

  /** A random order where each deployment comes first in proportion to its weight. */
  static RoutingStrategy weighted() {
    return Strategies.weighted(null);
  }

  /** {@link #weighted()} drawing from {@code random} (for reproducible tests). */
  static RoutingStrategy weighted(RandomGenerator random) {
    return Strategies.weighted(random);
  }

  /** Lowest moving-average latency first; deployments without measurements first, to learn them. */
  static RoutingStrategy leastLatency() {
    return Strategies.LEAST_LATENCY;
  }

  /** Fewest calls in flight first. */
  static RoutingStrategy leastBusy() {
    return Strategies.LEAST_BUSY;
  }

  /** Cheapest (input plus output price per million tokens) first; unknown prices last. */
  static RoutingStrategy cheapest() {
    return Strategies.CHEAPEST;
  }

  /**
   * The built-in strategy of that configuration name: {@code fallback}, {@code weighted},
   * {@code least-latency}, {@code least-busy} or {@code cheapest}.
   *
   * @throws IllegalArgumentException naming the valid names for any other
   */
  static RoutingStrategy named(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "fallback":
        return fallback();
      case "weighted":
        return weighted();
      case "least-latency":
        return leastLatency();
      case "least-busy":
        return leastBusy();
      case "cheapest":
        return cheapest();
      default:
        throw new IllegalArgumentException("unknown routing strategy '" + name
            + "'; expected one of fallback, weighted, least-latency, least-busy, cheapest");
    }
  }
}

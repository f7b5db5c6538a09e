package dev.switchboard.core.internal.engine;

import dev.switchboard.core.cost.Price;
import dev.switchboard.core.routing.DeploymentState;
import dev.switchboard.core.routing.RoutingStrategy;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/** The built-in {@link RoutingStrategy} implementations. */
public final class Strategies {

  // List.sort is stable, so every comparator below keeps declaration order among equals.
  public static final RoutingStrategy FALLBACK = named("fallback",
      Comparator.comparingInt(s -> s.deployment().priority()));

  public static final RoutingStrategy LEAST_BUSY = named("least-busy",
      Comparator.comparingInt(DeploymentState::inFlight));

  public static final RoutingStrategy LEAST_LATENCY = named("least-latency",
      Comparator.comparingLong(s -> {
        Duration latency = s.averageLatency();
        return latency == null ? Long.MIN_VALUE : latency.toNanos(); // unmeasured first, so it gets measured
      }));

  public static final RoutingStrategy CHEAPEST = named("cheapest",
      Comparator.comparing(Strategies::pricePerMillion, Comparator.nullsLast(Comparator.naturalOrder())));

  private Strategies() {}

  /** Weighted random order without replacement (Efraimidis–Spirakis keys {@code u^(1/w)}). */
  public static RoutingStrategy weighted(RandomGenerator random) {
    return new RoutingStrategy() {
      @Override
      public List<DeploymentState> order(List<DeploymentState> available) {
        RandomGenerator r = random != null ? random : ThreadLocalRandom.current();
        int n = available.size();
        if (n == 1) {
          return List.of(available.get(0));
        }
        double[] keys = new double[n];
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
          double u = r.nextDouble();
          keys[i] = Math.pow(u, 1.0 / available.get(i).deployment().weight());
          idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> Double.compare(keys[b], keys[a]));
        List<DeploymentState> out = new ArrayList<>(n);
        for (Integer i : idx) {
          out.add(available.get(i));
        }
        return out;
      }

      @Override
      public String toString() {
        return "weighted";
      }
    };
  }

  private static BigDecimal pricePerMillion(DeploymentState s) {
    Price p = s.deployment().price();
    return p == null ? null : p.inputPerMillion().add(p.outputPerMillion());
  }

  private static RoutingStrategy named(String name, Comparator<DeploymentState> order) {
    return new RoutingStrategy() {
      @Override
      public List<DeploymentState> order(List<DeploymentState> available) {
        if (available.size() == 1) {
          return List.of(available.get(0));
        }
        List<DeploymentState> out = new ArrayList<>(available);
        out.sort(order);
        return out;
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }
}

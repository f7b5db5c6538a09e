package dev.switchboard.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.cost.Price;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RoutingStrategyTest {

  record State(Deployment deployment, int inFlight, Duration averageLatency) implements DeploymentState {}

  private static State state(String id, int weight, int priority, Price price, int inFlight, Duration latency) {
    return new State(Deployment.builder().id(id).provider("p").model(id).weight(weight).priority(priority).price(price)
        .build(), inFlight, latency);
  }

  private static List<String> ids(List<DeploymentState> states) {
    return states.stream().map(s -> s.deployment().id()).toList();
  }

  @Test
  void fallback_ordersByPriorityThenDeclaration() {
    List<DeploymentState> in = List.of(state("x", 1, 2, null, 0, null), state("y", 1, 1, null, 0, null),
        state("z", 1, 1, null, 0, null));

    assertThat(ids(RoutingStrategy.fallback().order(in))).containsExactly("y", "z", "x");
  }

  @Test
  void leastBusy_fewestInFlightFirst() {
    List<DeploymentState> in = List.of(state("x", 1, 0, null, 5, null), state("y", 1, 0, null, 1, null),
        state("z", 1, 0, null, 3, null));

    assertThat(ids(RoutingStrategy.leastBusy().order(in))).containsExactly("y", "z", "x");
  }

  @Test
  void leastLatency_lowestAverageFirstAndUnmeasuredBeforeAll() {
    List<DeploymentState> in = List.of(state("slow", 1, 0, null, 0, Duration.ofMillis(900)),
        state("fast", 1, 0, null, 0, Duration.ofMillis(100)), state("new", 1, 0, null, 0, null));

    assertThat(ids(RoutingStrategy.leastLatency().order(in))).containsExactly("new", "fast", "slow");
  }

  @Test
  void cheapest_lowestInputPlusOutputFirstAndUnknownPriceLast() {
    List<DeploymentState> in = List.of(state("unknown", 1, 0, null, 0, null),
        state("pricey", 1, 0, Price.perMillion("2.50", "10.00"), 0, null),
        state("cheap", 1, 0, Price.perMillion("0.15", "0.60"), 0, null));

    assertThat(ids(RoutingStrategy.cheapest().order(in))).containsExactly("cheap", "pricey", "unknown");
  }

  @Test
  void weighted_firstChoiceFollowsWeightsWithinTolerance() {
    RandomGenerator random = new SplittableRandom(42);
    RoutingStrategy weighted = RoutingStrategy.weighted(random);
    List<DeploymentState> in = List.of(state("a", 1, 0, null, 0, null), state("b", 3, 0, null, 0, null),
        state("c", 6, 0, null, 0, null));
    Map<String, Integer> firsts = new HashMap<>();
    int calls = 20_000;

    for (int i = 0; i < calls; i++) {
      List<DeploymentState> order = weighted.order(in);
      assertThat(order).hasSize(3); // every deployment stays available as a fallback
      firsts.merge(order.get(0).deployment().id(), 1, Integer::sum);
    }

    assertThat(firsts.get("a") / (double) calls).isCloseTo(0.1, org.assertj.core.data.Offset.offset(0.02));
    assertThat(firsts.get("b") / (double) calls).isCloseTo(0.3, org.assertj.core.data.Offset.offset(0.02));
    assertThat(firsts.get("c") / (double) calls).isCloseTo(0.6, org.assertj.core.data.Offset.offset(0.02));
  }

  @Test
  void named_mapsConfigurationNamesAndRejectsOthers() {
    assertThat(RoutingStrategy.named("least-latency")).isSameAs(RoutingStrategy.leastLatency());
    assertThat(RoutingStrategy.named("cheapest")).isSameAs(RoutingStrategy.cheapest());
    assertThatThrownBy(() -> RoutingStrategy.named("round-robin"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown routing strategy 'round-robin'; expected one of fallback, weighted, least-latency, "
            + "least-busy, cheapest");
  }
}

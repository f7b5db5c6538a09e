package dev.switchboard.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.CircuitBreakerPolicy;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.UpstreamException;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.testing.FakeProvider;
import dev.switchboard.core.testing.ManualClock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code Switchboard.deploymentStatus()}: what health checks and status pages read. */
class DeploymentStatusTest {

  private final FakeProvider a = new FakeProvider("a");
  private final FakeProvider b = new FakeProvider("b");
  private final ManualClock clock = new ManualClock();
  private Switchboard switchboard;

  @AfterEach
  void close() {
    if (switchboard != null) {
      switchboard.close();
    }
  }

  @Test
  void deploymentStatus_freshClient_listsEachDeploymentOnceWithItsGroups() {
    switchboard = Switchboard.builder().provider("a", a).provider("b", b).clock(clock)
        .modelGroup(ModelGroup.builder("one").deployment("a", "m").deployment("b", "n").build())
        .modelGroup(ModelGroup.builder("two").deployment("a", "m").build())
        .build();

    List<DeploymentStatus> status = switchboard.deploymentStatus();

    assertThat(status).extracting(s -> s.deployment().id()).containsExactly("a/m", "b/n");
    assertThat(status.get(0).groups()).containsExactly("one", "two");
    assertThat(status.get(0).circuitState()).isEqualTo(CircuitState.CLOSED);
    assertThat(status.get(0).isAvailable()).isTrue();
    assertThat(status.get(0).inFlight()).isZero();
    assertThat(status.get(0).averageLatency()).isNull();
  }

  @Test
  void deploymentStatus_afterFailuresOpenTheCircuit_reportsOpen() {
    switchboard = Switchboard.builder().provider("a", a).clock(clock).retryPolicy(RetryPolicy.none())
        .circuitBreakerPolicy(CircuitBreakerPolicy.custom().slidingWindowSize(2).minimumNumberOfCalls(2).build())
        .modelGroup(ModelGroup.builder("solo").deployment("a", "m").build())
        .build();
    UpstreamException error = new UpstreamException("a returned 500", ErrorDetails.builder().upstreamStatus(500).build());
    a.thenFail(error).thenFail(error);
    ChatRequest request = ChatRequest.builder().model("solo").addMessage(Message.user("hi")).build();
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> switchboard.chatBlocking(request)).isInstanceOf(UpstreamException.class);
    }

    DeploymentStatus status = switchboard.deploymentStatus().get(0);

    assertThat(status.circuitState()).isEqualTo(CircuitState.OPEN);
    assertThat(status.isAvailable()).isFalse();
  }
}

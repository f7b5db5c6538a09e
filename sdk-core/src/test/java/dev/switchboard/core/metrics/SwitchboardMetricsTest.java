package dev.switchboard.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.RateLimitedException;
import dev.switchboard.core.error.UpstreamException;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.testing.FakeProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SwitchboardMetricsTest {

  private final FakeProvider a = new FakeProvider("a");
  private final FakeProvider b = new FakeProvider("b");
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private Switchboard switchboard() {
    return Switchboard.builder().provider("a", a).provider("b", b).meterRegistry(registry)
        .retryPolicy(RetryPolicy.custom().maxRetries(1).initialBackoff(Duration.ZERO).maxBackoff(Duration.ZERO).build())
        .modelGroup(ModelGroup.builder("g").deployment("a", "ma").deployment("b", "mb").build())
        .build();
  }

  private static ChatRequest request(String model) {
    return ChatRequest.builder().model(model).addMessage(Message.user("hi")).build();
  }

  @Test
  void successfulCallAfterRetryAndFallback_recordsRequestAttemptsRetriesFallbacksAndTokens() {
    a.thenFail(new UpstreamException("500", ErrorDetails.none()))
        .thenFail(new RateLimitedException("429", ErrorDetails.builder().retryAfter(Duration.ofSeconds(1)).build()));
    try (Switchboard switchboard = switchboard()) {
      switchboard.chatBlocking(request("g"));
    }

    assertThat(registry.get(SwitchboardMetrics.REQUESTS).tags("group", "g", "stream", "false", "outcome", "success")
        .timer().count()).isEqualTo(1);
    assertThat(registry.get(SwitchboardMetrics.ATTEMPTS).tags("deployment", "a/ma", "outcome", "api_error")
        .timer().count()).isEqualTo(1);
    assertThat(registry.get(SwitchboardMetrics.ATTEMPTS).tags("deployment", "a/ma", "outcome", "rate_limit_exceeded")
        .timer().count()).isEqualTo(1);
    assertThat(registry.get(SwitchboardMetrics.ATTEMPTS).tags("deployment", "b/mb", "outcome", "success")
        .timer().count()).isEqualTo(1);
    assertThat(registry.get(SwitchboardMetrics.RETRIES).tags("deployment", "a/ma").counter().count()).isEqualTo(1);
    assertThat(registry.get(SwitchboardMetrics.FALLBACKS).tags("group", "g", "kind", "deployment").counter().count())
        .isEqualTo(1);
    assertThat(registry.get(SwitchboardMetrics.COOLDOWNS).tags("deployment", "a/ma").counter().count()).isEqualTo(1);
    assertThat(registry.get(SwitchboardMetrics.TOKENS).tags("deployment", "b/mb", "direction", "input")
        .counter().count()).isEqualTo(10);
    assertThat(registry.get(SwitchboardMetrics.TOKENS).tags("deployment", "b/mb", "direction", "output")
        .counter().count()).isEqualTo(5);
    assertThat(registry.get(SwitchboardMetrics.REQUESTS_ACTIVE).gauge().value()).isZero();
    assertThat(registry.get(SwitchboardMetrics.DEPLOYMENT_IN_FLIGHT).tags("deployment", "a/ma").gauge().value()).isZero();
    assertThat(registry.get(SwitchboardMetrics.CIRCUIT_STATE).tags("deployment", "a/ma", "state", "closed")
        .gauge().value()).isEqualTo(1);
  }

  @Test
  void unknownModelFromCaller_isTaggedUnknownNeverWithTheCallersString() {
    try (Switchboard switchboard = switchboard()) {
      assertThatThrownBy(() -> switchboard.chatBlocking(request("caller-controlled-string")));
    }

    assertThat(registry.get(SwitchboardMetrics.ERRORS).tags("group", "unknown", "type", "model_not_found")
        .counter().count()).isEqualTo(1);
    assertThat(registry.getMeters()).noneMatch(m -> m.getId().getTags().stream()
        .anyMatch(t -> t.getValue().equals("caller-controlled-string")));
  }
}

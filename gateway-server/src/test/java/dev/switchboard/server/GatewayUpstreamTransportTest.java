package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.providers.http.HttpRequest;
import dev.switchboard.providers.http.HttpTransport;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What {@link Gateway} hands its providers for upstream calls, and that closing it closes that too. */
class GatewayUpstreamTransportTest {

  @Test
  void start_providersFromTheEnvironment_callThroughAVertxTransportThatCloseCloses() throws Exception {
    HttpTransport transport;
    try (Gateway gateway = Gateway.start(GatewaySettings.builder().port(0)
        .environment(Map.of("OPENAI_API_KEY", "sk-test-not-used")).build())) {
      transport = gateway.upstreamTransport();
      assertThat(transport).isInstanceOf(VertxHttpTransport.class);
    }

    ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> transport.execute(HttpRequest.builder().url("http://127.0.0.1:9/never").build())
            .get(15, TimeUnit.SECONDS));
    assertThat(failure.getCause()).isInstanceOf(IllegalStateException.class).hasMessage("VertxHttpTransport is closed");
  }
}

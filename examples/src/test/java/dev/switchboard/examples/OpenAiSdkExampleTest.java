package dev.switchboard.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.server.Gateway;
import dev.switchboard.server.GatewaySettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs the OpenAI SDK example against a real gateway on a free port, answering with its offline demo model. */
class OpenAiSdkExampleTest {

  @Test
  void run_againstAGatewayWithTheDemoModel_printsTheWholeAndTheStreamedAnswer() {
    try (Gateway gateway = Gateway.start(GatewaySettings.builder().port(0).build())) {
      ByteArrayOutputStream printed = new ByteArrayOutputStream();

      OpenAiSdkExample.run(Map.of("SWITCHBOARD_BASE_URL", "http://127.0.0.1:" + gateway.port() + "/v1"),
          new PrintStream(printed, true, StandardCharsets.UTF_8));

      assertThat(printed.toString(StandardCharsets.UTF_8).lines()).containsExactly(
          "This is the Switchboard demo provider, offline. You said: \"What is a switchboard?\"",
          "This is the Switchboard demo provider, offline. You said: \"Say it word by word.\"");
    }
  }
}

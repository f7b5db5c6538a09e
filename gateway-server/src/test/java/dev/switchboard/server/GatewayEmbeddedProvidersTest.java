package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The embedded default with provider keys in the environment: their groups are served beside the demo. */
class GatewayEmbeddedProvidersTest {

  @Test
  void start_openAiAndGroqKeys_servesTheirDefaultGroupsAndTheDemo() throws Exception {
    GatewaySettings settings = GatewaySettings.builder().port(0)
        .environment(Map.of("OPENAI_API_KEY", "sk-test-not-used", "GROQ_API_KEY", "gsk-test-not-used",
            "VLLM_API_KEY", "local-key"))
        .build();

    try (Gateway gateway = Gateway.start(settings)) {
      HttpResponse<String> models = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/models")).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(models.statusCode()).isEqualTo(200);
      assertThat(models.body()).contains("\"id\":\"gpt-4o-mini\"", "\"id\":\"gpt-4o\"", "\"id\":\"gpt-4.1-mini\"",
          "\"id\":\"text-embedding-3-small\"", "\"id\":\"groq/llama-3.3-70b-versatile\"", "\"id\":\"demo\"");
      assertThat(models.body()).doesNotContain("vllm").doesNotContain("test-not-used");
    }
  }
}

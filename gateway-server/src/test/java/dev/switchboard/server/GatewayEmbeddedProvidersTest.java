package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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

  @Test
  void chat_openAiBaseUrlFromTheEnvironment_callsThatUpstream() throws Exception {
    HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    List<String> seen = new CopyOnWriteArrayList<>();
    upstream.createContext("/mock/v1/chat/completions", exchange -> {
      seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
          + exchange.getRequestHeaders().getFirst("Authorization"));
      byte[] answer = ("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
          + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
          + "\"content\":\"from the mock\"},\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":3,\"total_tokens\":6}}")
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    upstream.start();
    GatewaySettings settings = GatewaySettings.builder().port(0)
        .environment(Map.of("OPENAI_API_KEY", "sk-test", "SWITCHBOARD_OPENAI_BASE_URL",
            "http://127.0.0.1:" + upstream.getAddress().getPort() + "/mock/v1"))
        .build();

    try (Gateway gateway = Gateway.start(settings)) {
      HttpResponse<String> answer = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(
                  "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
              .build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).contains("\"content\":\"from the mock\"");
      assertThat(answer.headers().firstValue("x-switchboard-deployment")).hasValue("openai/gpt-4o-mini");
      assertThat(seen).containsExactly("POST /mock/v1/chat/completions Bearer sk-test");
    } finally {
      upstream.stop(0);
    }
  }
}

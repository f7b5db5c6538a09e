package dev.switchboard.examples;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.model.ChatRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs the fallback-and-cache example against two mock upstreams: OpenAI is down, Groq answers once. */
class FallbackWithCacheTest {

  private final WireMockServer openAi = new WireMockServer(wireMockConfig().dynamicPort());
  private final WireMockServer groq = new WireMockServer(wireMockConfig().dynamicPort());

  @BeforeEach
  void start() {
    openAi.start();
    groq.start();
  }

  @AfterEach
  void stop() {
    openAi.stop();
    groq.stop();
  }

  @Test
  void askTwice_openAiUnavailable_groqAnswersOnceAndTheRepeatComesFromTheCache() {
    openAi.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(503)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\",\"param\":null,\"code\":null}}")));
    groq.stubFor(post("/openai/v1/chat/completions").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1700000000,"
            + "\"model\":\"llama-3.1-8b-instant\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"Paris\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":14,\"completion_tokens\":1,\"total_tokens\":15}}")));

    try (Switchboard switchboard = FallbackWithCache.create(openAi.baseUrl() + "/v1", "sk-openai-test",
        groq.baseUrl() + "/openai/v1", "gsk-groq-test")) {
      ChatRequest question = FallbackWithCache.question("What is the capital of France? One word.");

      assertThat(FallbackWithCache.ask(switchboard, question))
          .isEqualTo("Paris  (answered by groq/llama-3.1-8b-instant after 1 fallback(s), cache miss)");
      assertThat(FallbackWithCache.ask(switchboard, question)).isEqualTo("Paris  (from the cache (hit-l1))");
    }

    openAi.verify(2, postRequestedFor(urlEqualTo("/v1/chat/completions"))); // first try + one retry, once
    groq.verify(1, postRequestedFor(urlEqualTo("/openai/v1/chat/completions")));
  }
}

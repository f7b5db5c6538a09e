package dev.switchboard.examples;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.switchboard.core.Switchboard;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs the README quickstart against two mock upstreams: OpenAI is down, Groq answers. */
class QuickstartTest {

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
  void quickstart_openAiUnavailable_groqAnswers() {
    openAi.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(503)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\",\"param\":null,\"code\":null}}")));
    groq.stubFor(post("/openai/v1/chat/completions").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1700000000,"
            + "\"model\":\"llama-3.1-8b-instant\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"Hello!\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":2,\"total_tokens\":14}}")));

    try (Switchboard switchboard = Quickstart.create(openAi.baseUrl() + "/v1", "sk-openai-test",
        groq.baseUrl() + "/openai/v1", "gsk-groq-test")) {
      assertThat(Quickstart.ask(switchboard, "Say hello in one word."))
          .isEqualTo("Hello!  (answered by groq/llama-3.1-8b-instant)");
    }

    openAi.verify(2, postRequestedFor(urlEqualTo("/v1/chat/completions"))); // first try + one retry
    groq.verify(1, postRequestedFor(urlEqualTo("/openai/v1/chat/completions"))
        .withHeader("Authorization", equalTo("Bearer gsk-groq-test")));
  }
}

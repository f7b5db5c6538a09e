package dev.switchboard.providers.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.switchboard.providers.e2e.Upstreams.account;
import static dev.switchboard.providers.e2e.Upstreams.chat;
import static dev.switchboard.providers.e2e.Upstreams.chatRequests;
import static dev.switchboard.providers.e2e.Upstreams.completion;
import static dev.switchboard.providers.e2e.Upstreams.hello;
import static dev.switchboard.providers.e2e.Upstreams.retries;
import static dev.switchboard.providers.e2e.Upstreams.textStream;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.core.CircuitBreakerPolicy;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.Timeouts;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.spi.ProviderConfig;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.http.OkHttpTransport;
import dev.switchboard.providers.openai.TransportProbe;
import dev.switchboard.providers.testing.TestSubscriber;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Gemini provider through the real engine, found by type name ({@code gemini}) through
 * ServiceLoader: chat, stream, and fallback from Gemini's 429 / 503 to an OpenAI deployment.
 */
class SwitchboardGeminiTest {

  @RegisterExtension
  static final WireMockExtension google =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
  @RegisterExtension
  static final WireMockExtension secondary =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final String KEY = "AIzaSy-e2e-gemini-key-0001";
  private static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
  private static final String STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
  private static final int MAX_RETRIES = 1;
  private static final OkHttpTransport transport = OkHttpTransport.builder().build();

  // Shapes per https://ai.google.dev/api/generate-content (GenerateContentResponse) and Google's error body.
  private static final String ANSWER = "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hello from Gemini\"}],"
      + "\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":6,"
      + "\"candidatesTokenCount\":4,\"totalTokenCount\":10,\"cachedContentTokenCount\":2},"
      + "\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"e2e-1\"}";
  private static final String STREAM_BODY =
      "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hello\"}],\"role\":\"model\"},\"index\":0}],"
          + "\"usageMetadata\":{\"promptTokenCount\":6,\"totalTokenCount\":6},\"modelVersion\":\"gemini-2.5-flash\"}"
          + "\r\n\r\n"
          + "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\" there\"}],\"role\":\"model\"},"
          + "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":6,"
          + "\"candidatesTokenCount\":2,\"totalTokenCount\":8},\"modelVersion\":\"gemini-2.5-flash\"}\r\n\r\n";

  private Switchboard switchboard;

  @AfterEach
  void closeAndCheckLeaks() {
    if (switchboard != null) {
      switchboard.close();
    }
    TransportProbe.assertNoOpenCalls(transport);
  }

  @AfterAll
  static void closeTransport() {
    transport.close();
  }

  private Switchboard build() {
    return Switchboard.builder()
        .provider(ProviderConfig.builder().name("google").type("gemini").baseUrl(google.baseUrl() + "/v1beta")
            .apiKey(KEY).build())
        .provider(account("secondary", secondary))
        .providerComponent(HttpTransport.class, transport)
        .retryPolicy(retries(MAX_RETRIES))
        .circuitBreakerPolicy(CircuitBreakerPolicy.disabled())
        .timeouts(Timeouts.of(Duration.ofSeconds(5), Duration.ofSeconds(10)))
        .modelGroup(ModelGroup.builder("chat")
            .deployment("google", "gemini-2.5-flash")
            .deployment("secondary", "gpt-4.1-mini")
            .build())
        .build();
  }

  private static String googleError(int code, String status, String message) {
    return "{\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\",\"status\":\"" + status + "\"}}";
  }

  private TestSubscriber<ChatChunk> streamAll() {
    TestSubscriber<ChatChunk> subscriber = TestSubscriber.unbounded();
    switchboard.stream(hello("chat")).subscribe(subscriber);
    return subscriber.awaitTerminal();
  }

  private static String text(List<ChatChunk> chunks) {
    return chunks.stream().map(ChatChunk::text).filter(Objects::nonNull).collect(Collectors.joining());
  }

  @Test
  void chat_geminiAnswers_translatedAndRoutedToGemini() {
    google.stubFor(post(urlEqualTo(GENERATE)).willReturn(okJson(ANSWER)));
    switchboard = build();

    ChatResponse response = switchboard.chatBlocking(hello("chat"));

    assertThat(response.text()).isEqualTo("Hello from Gemini");
    assertThat(response.usage()).isEqualTo(Usage.builder().promptTokens(6).completionTokens(4).totalTokens(10)
        .cachedTokens(2).build());
    assertThat(response.route().provider()).isEqualTo("google");
    assertThat(response.route().deployment()).isEqualTo("google/gemini-2.5-flash");
    google.verify(1, postRequestedFor(urlEqualTo(GENERATE))
        .withHeader("x-goog-api-key", equalTo(KEY))
        .withRequestBody(equalToJson("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Say this is a test\"}]}]}",
            false, false)));
    secondary.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void chat_gemini429_fallsBackToOpenAiDeploymentWithoutRetryingGemini() {
    google.stubFor(post(urlEqualTo(GENERATE)).willReturn(aResponse().withStatus(429)
        .withHeader("Content-Type", "application/json")
        .withBody(googleError(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."))));
    secondary.stubFor(chat().willReturn(completion("from secondary")));
    switchboard = build();

    ChatResponse response = switchboard.chatBlocking(hello("chat"));

    assertThat(response.text()).isEqualTo("from secondary");
    assertThat(response.route().provider()).isEqualTo("secondary");
    assertThat(response.route().fallbacks()).isEqualTo(1);
    google.verify(1, postRequestedFor(urlEqualTo(GENERATE))); // the engine moves on at once on a rate limit
    secondary.verify(1, chatRequests());
  }

  @Test
  void stream_geminiStreams_roleTextFinishAndUsageThroughTheEngine() {
    google.stubFor(post(urlEqualTo(STREAM)).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "text/event-stream").withBody(STREAM_BODY)));
    switchboard = build();

    TestSubscriber<ChatChunk> subscriber = streamAll();

    assertThat(subscriber.isCompleted()).isTrue();
    List<ChatChunk> chunks = subscriber.items();
    assertThat(text(chunks)).isEqualTo("Hello there");
    assertThat(chunks.get(0).route().provider()).isEqualTo("google");
    ChatChunk last = chunks.get(chunks.size() - 1);
    assertThat(last.choices()).isEmpty();
    assertThat(last.usage()).isEqualTo(Usage.of(6, 2));
    secondary.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void stream_gemini503BeforeFirstChunk_fallsBackToOpenAiDeployment() {
    google.stubFor(post(urlEqualTo(STREAM)).willReturn(aResponse().withStatus(503)
        .withHeader("Content-Type", "application/json")
        .withBody(googleError(503, "UNAVAILABLE", "The model is overloaded. Please try again later."))));
    secondary.stubFor(chat().willReturn(textStream("from", " secondary")));
    switchboard = build();

    TestSubscriber<ChatChunk> subscriber = streamAll();

    assertThat(subscriber.isCompleted()).isTrue();
    assertThat(text(subscriber.items())).isEqualTo("from secondary");
    assertThat(subscriber.items().get(0).route().provider()).isEqualTo("secondary");
    google.verify(1 + MAX_RETRIES, postRequestedFor(urlEqualTo(STREAM)));
  }
}

package dev.switchboard.providers.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
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
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.core.CircuitBreakerPolicy;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.Timeouts;
import dev.switchboard.core.error.InvalidRequestException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.spi.ProviderConfig;
import dev.switchboard.providers.cohere.CohereFixtures;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.http.OkHttpTransport;
import dev.switchboard.providers.openai.TransportProbe;
import dev.switchboard.providers.testing.TestSubscriber;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cohere through the real engine: the {@code cohere} type found by ServiceLoader, chat and stream with the
 * engine's route and usage, fallback from Cohere's 429 and 5xx to an OpenAI deployment, and a parameter
 * Cohere cannot honour refused before any call.
 */
class SwitchboardCohereTest {

  @RegisterExtension
  static final WireMockExtension cohere =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
  @RegisterExtension
  static final WireMockExtension openai =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final OkHttpTransport transport = OkHttpTransport.builder().build();

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

  private Switchboard.Builder builder() {
    return Switchboard.builder()
        .provider(ProviderConfig.builder().name("cohere-main").type("cohere").baseUrl(cohere.baseUrl())
            .apiKey("co-test-key-0001").build())
        .provider(account("openai", openai))
        .providerComponent(HttpTransport.class, transport)
        .retryPolicy(retries(1))
        .circuitBreakerPolicy(CircuitBreakerPolicy.disabled())
        .timeouts(Timeouts.of(Duration.ofSeconds(5), Duration.ofSeconds(10)))
        .modelGroup(ModelGroup.builder("chat")
            .deployment("cohere-main", "command-a-03-2025")
            .deployment("openai", "gpt-4o-mini")
            .build());
  }

  private static String text(List<ChatChunk> chunks) {
    StringBuilder sb = new StringBuilder();
    chunks.stream().map(ChatChunk::text).filter(t -> t != null).forEach(sb::append);
    return sb.toString();
  }

  @Test
  void chat_cohereAnswers_sendsTheUpstreamModelAndRoutesToCohere() {
    cohere.stubFor(post("/v2/chat").willReturn(okJson(CohereFixtures.CHAT_RESPONSE)));
    switchboard = builder().build();

    ChatResponse response = switchboard.chatBlocking(hello("chat"));

    assertThat(response.text()).startsWith("LLMs stand for Large Language Models");
    assertThat(response.choices().get(0).finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(response.usage()).isEqualTo(Usage.of(5, 418));
    assertThat(response.route().deployment()).isEqualTo("cohere-main/command-a-03-2025");
    cohere.verify(1, postRequestedFor(urlEqualTo("/v2/chat"))
        .withHeader("Authorization", equalTo("Bearer co-test-key-0001"))
        .withRequestBody(matchingJsonPath("$.model", equalTo("command-a-03-2025"))));
    openai.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void stream_cohereStreams_routeOnFirstChunkTextThenUsageOnTheLast() {
    cohere.stubFor(post("/v2/chat").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "text/event-stream").withBody(CohereFixtures.TEXT_STREAM)));
    switchboard = builder().build();
    TestSubscriber<ChatChunk> subscriber = TestSubscriber.unbounded();

    switchboard.stream(hello("chat")).subscribe(subscriber);

    List<ChatChunk> chunks = subscriber.awaitTerminal().items();
    assertThat(subscriber.error()).isNull();
    assertThat(chunks.get(0).route().deployment()).isEqualTo("cohere-main/command-a-03-2025");
    assertThat(text(chunks)).isEqualTo("Hello there");
    assertThat(chunks.get(chunks.size() - 1).usage()).isEqualTo(Usage.of(3, 2));
  }

  @Test
  void chat_cohereReturns429_fallsBackToOpenAi() {
    cohere.stubFor(post("/v2/chat").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "30")
        .withHeader("Content-Type", "application/json")
        .withBody(CohereFixtures.error("You are using a Trial key, which is limited to 10 API calls / minute."))));
    openai.stubFor(chat().willReturn(completion("from openai")));
    switchboard = builder().build();

    ChatResponse response = switchboard.chatBlocking(hello("chat"));

    assertThat(response.text()).isEqualTo("from openai");
    assertThat(response.route().fallbacks()).isEqualTo(1);
    cohere.verify(1, postRequestedFor(urlEqualTo("/v2/chat")));
    openai.verify(1, chatRequests());
  }

  @Test
  void stream_cohereReturns503_retriesThenFallsBackBeforeTheFirstChunk() {
    cohere.stubFor(post("/v2/chat").willReturn(aResponse().withStatus(503)
        .withHeader("Content-Type", "application/json").withBody(CohereFixtures.error("service unavailable"))));
    openai.stubFor(chat().willReturn(textStream("from", " openai")));
    switchboard = builder().build();
    TestSubscriber<ChatChunk> subscriber = TestSubscriber.unbounded();

    switchboard.stream(hello("chat")).subscribe(subscriber);

    List<ChatChunk> chunks = subscriber.awaitTerminal().items();
    assertThat(subscriber.error()).isNull();
    assertThat(chunks.get(0).route().deployment()).isEqualTo("openai/gpt-4o-mini");
    assertThat(text(chunks)).isEqualTo("from openai");
    cohere.verify(2, postRequestedFor(urlEqualTo("/v2/chat")));
  }

  @Test
  void chat_parameterCohereCannotHonour_isRefusedNamingItWithoutAnyCall() {
    switchboard = Switchboard.builder()
        .provider(ProviderConfig.builder().name("cohere-main").type("cohere").baseUrl(cohere.baseUrl())
            .apiKey("co-test-key-0001").build())
        .providerComponent(HttpTransport.class, transport)
        .modelGroup(ModelGroup.builder("chat").deployment("cohere-main", "command-a-03-2025").build())
        .build();

    InvalidRequestException error = catchThrowableOfType(InvalidRequestException.class,
        () -> switchboard.chatBlocking(hello("chat").toBuilder().n(2).build()));

    assertThat(error.param()).isEqualTo("n");
    assertThat(error.getMessage()).contains("cohere-main").contains("'n'");
    assertThat(error.httpStatus()).isEqualTo(400);
    cohere.verify(0, anyRequestedFor(anyUrl()));
  }
}

package dev.switchboard.providers.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
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
import static dev.switchboard.providers.internal.aws.EventStreamEncoder.concat;
import static dev.switchboard.providers.internal.aws.EventStreamEncoder.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bedrock through the real engine, discovered by type name {@code bedrock} through the ServiceLoader:
 * chat, stream, and fallback from Bedrock's 503 and 429 to an OpenAI deployment.
 */
class SwitchboardBedrockTest {

  @RegisterExtension
  static final WireMockExtension bedrock =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
  @RegisterExtension
  static final WireMockExtension openai =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final String MODEL = "anthropic.claude-3-haiku-20240307-v1:0";
  private static final String CONVERSE = "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse";
  private static final String CONVERSE_STREAM = "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream";
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

  private Switchboard build() {
    return Switchboard.builder()
        .provider(ProviderConfig.builder().name("aws").type("bedrock").baseUrl(bedrock.baseUrl())
            .option("region", "us-east-1")
            .option("access_key_id", "AKIDEXAMPLE")
            .option("secret_access_key", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
            .build())
        .provider(account("openai", openai))
        .providerComponent(HttpTransport.class, transport)
        .retryPolicy(retries(1))
        .circuitBreakerPolicy(CircuitBreakerPolicy.disabled())
        .timeouts(Timeouts.of(Duration.ofSeconds(5), Duration.ofSeconds(10)))
        .modelGroup(ModelGroup.builder("chat")
            .deployment("aws", MODEL)
            .deployment("openai", "gpt-4o-mini")
            .build())
        .build();
  }

  private static ResponseDefinitionBuilder converse(String text) {
    return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
        .withBody("{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":\"" + text + "\"}]}},"
            + "\"stopReason\":\"end_turn\",\"usage\":{\"inputTokens\":10,\"outputTokens\":4,\"totalTokens\":14},"
            + "\"metrics\":{\"latencyMs\":300}}");
  }

  private static ResponseDefinitionBuilder bedrockError(int status, String type, String message) {
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
        .withHeader("x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/com.amazon.bedrock/")
        .withBody("{\"message\":\"" + message + "\"}");
  }

  @Test
  void chat_bedrockAnswers_signedRequestRoutedToBedrock() {
    bedrock.stubFor(post(CONVERSE).willReturn(converse("from Bedrock")));
    switchboard = build();

    ChatResponse response = switchboard.chatBlocking(hello("chat"));

    assertThat(response.text()).isEqualTo("from Bedrock");
    assertThat(response.usage()).isEqualTo(Usage.of(10, 4));
    assertThat(response.route().provider()).isEqualTo("aws");
    assertThat(response.route().deployment()).isEqualTo("aws/" + MODEL);
    assertThat(response.route().fallbacks()).isZero();
    bedrock.verify(1, postRequestedFor(urlEqualTo(CONVERSE))
        .withHeader("Authorization", matching("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\\d{8}/us-east-1/bedrock/.*")));
    openai.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void stream_bedrockStreams_chunksWithRouteAndUsageThenCompletes() {
    bedrock.stubFor(post(CONVERSE_STREAM).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/vnd.amazon.eventstream")
        .withBody(concat(
            event("messageStart", "{\"p\":\"abcdefgh\",\"role\":\"assistant\"}"),
            event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"This is\"},\"p\":\"abc\"}"),
            event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\" a test.\"},\"p\":\"ab\"}"),
            event("contentBlockStop", "{\"contentBlockIndex\":0,\"p\":\"abcdefghijklmnop\"}"),
            event("messageStop", "{\"p\":\"abcdefghijklmnopqrstu\",\"stopReason\":\"end_turn\"}"),
            event("metadata", "{\"metrics\":{\"latencyMs\":200},\"p\":\"abcd\","
                + "\"usage\":{\"inputTokens\":9,\"outputTokens\":4,\"totalTokens\":13}}")))));
    switchboard = build();

    TestSubscriber<ChatChunk> subscriber = TestSubscriber.unbounded();
    switchboard.stream(hello("chat")).subscribe(subscriber);
    subscriber.awaitTerminal();

    assertThat(subscriber.error()).isNull();
    assertThat(subscriber.isCompleted()).isTrue();
    List<ChatChunk> chunks = subscriber.items();
    StringBuilder text = new StringBuilder();
    chunks.stream().map(ChatChunk::text).filter(t -> t != null).forEach(text::append);
    assertThat(text).hasToString("This is a test.");
    assertThat(chunks.get(0).route().provider()).isEqualTo("aws");
    assertThat(chunks.get(chunks.size() - 1).usage()).isEqualTo(Usage.of(9, 4));
    openai.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void chat_bedrockServiceUnavailable_fallsBackToOpenAi() {
    bedrock.stubFor(post(CONVERSE).willReturn(bedrockError(503, "ServiceUnavailableException",
        "The service isn't currently available. Try again later.")));
    openai.stubFor(chat().willReturn(completion("from OpenAI")));
    switchboard = build();

    ChatResponse response = switchboard.chatBlocking(hello("chat"));

    assertThat(response.text()).isEqualTo("from OpenAI");
    assertThat(response.route().provider()).isEqualTo("openai");
    assertThat(response.route().fallbacks()).isEqualTo(1);
    bedrock.verify(2, postRequestedFor(urlEqualTo(CONVERSE))); // the first try and one retry
    openai.verify(1, chatRequests());
  }

  @Test
  void stream_bedrockThrottled_fallsBackToOpenAiBeforeTheFirstChunk() {
    bedrock.stubFor(post(CONVERSE_STREAM).willReturn(bedrockError(429, "ThrottlingException",
        "Too many requests, please wait before trying again.")));
    openai.stubFor(chat().willReturn(textStream("from", " OpenAI")));
    switchboard = build();

    TestSubscriber<ChatChunk> subscriber = TestSubscriber.unbounded();
    switchboard.stream(hello("chat")).subscribe(subscriber);
    subscriber.awaitTerminal();

    assertThat(subscriber.error()).isNull();
    assertThat(subscriber.items().get(0).route().provider()).isEqualTo("openai");
    assertThat(subscriber.items().get(0).route().fallbacks()).isEqualTo(1);
    openai.verify(1, chatRequests().withHeader("Accept", equalTo("text/event-stream")));
  }
}

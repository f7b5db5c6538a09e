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
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import dev.switchboard.core.CircuitBreakerPolicy;
import dev.switchboard.core.RequestOptions;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.Timeouts;
import dev.switchboard.core.error.ContextWindowExceededException;
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
 * The Anthropic adapter through the real engine: found by type name {@code anthropic} through
 * {@link java.util.ServiceLoader}, chat and stream translated both ways, and fallback from Anthropic's
 * 529/429 (and a mid-stream {@code overloaded_error} before the first chunk) to an OpenAI deployment.
 * Anthropic answers are shaped as in Anthropic's API reference (see AnthropicFixtures).
 */
class SwitchboardAnthropicTest {

  @RegisterExtension
  static final WireMockExtension anthropic =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
  @RegisterExtension
  static final WireMockExtension openai =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final String KEY = "sk-ant-api03-e2eKeyValue123";
  private static final int MAX_RETRIES = 1;
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
        .provider(ProviderConfig.builder().name("claude").type("anthropic").baseUrl(anthropic.baseUrl() + "/v1")
            .apiKey(KEY).option("default_max_tokens", "1024").build())
        .provider(account("openai", openai))
        .providerComponent(HttpTransport.class, transport)
        .retryPolicy(retries(MAX_RETRIES))
        .circuitBreakerPolicy(CircuitBreakerPolicy.disabled())
        .timeouts(Timeouts.of(Duration.ofSeconds(5), Duration.ofSeconds(10)))
        .modelGroup(ModelGroup.builder("chat")
            .deployment("claude", "claude-sonnet-4-20250514")
            .deployment("openai", "gpt-4o-mini")
            .build());
  }

  private static MappingBuilder messages() {
    return post(urlEqualTo("/v1/messages"));
  }

  private static RequestPatternBuilder messageRequests() {
    return postRequestedFor(urlEqualTo("/v1/messages"));
  }

  private static ResponseDefinitionBuilder anthropicError(int status, String type, String message) {
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
        .withBody("{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"},"
            + "\"request_id\":\"req_011CSHoEeqs5C35K2UUqR7Fy\"}");
  }

  private static ResponseDefinitionBuilder anthropicStream(String body) {
    return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(body);
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
  void chat_anthropicTypeFromServiceLoader_translatesBothWaysAndRoutesToClaude() {
    anthropic.stubFor(messages().willReturn(okJson("""
        {"content": [{"text": "This is a test.", "type": "text"}], "id": "msg_013Zva2CMHLNnXjNJJKqJ2EF",
         "model": "claude-sonnet-4-20250514", "role": "assistant", "stop_reason": "end_turn", "stop_sequence": null,
         "type": "message", "usage": {"input_tokens": 12, "cache_read_input_tokens": 100, "output_tokens": 5}}
        """)));
    switchboard = builder().build();

    ChatResponse response = switchboard.chatBlocking(hello("chat"), RequestOptions.builder().requestId("req-e2e-1")
        .build());

    assertThat(response.text()).isEqualTo("This is a test.");
    assertThat(response.usage()).isEqualTo(Usage.builder().promptTokens(112).completionTokens(5).cachedTokens(100)
        .build());
    assertThat(response.route().provider()).isEqualTo("claude");
    assertThat(response.route().deployment()).isEqualTo("claude/claude-sonnet-4-20250514");
    assertThat(response.route().fallbacks()).isZero();
    anthropic.verify(1, messageRequests()
        .withHeader("x-api-key", equalTo(KEY))
        .withHeader("anthropic-version", equalTo("2023-06-01"))
        .withRequestBody(equalToJson("""
            {"model": "claude-sonnet-4-20250514", "max_tokens": 1024,
             "messages": [{"role": "user", "content": "Say this is a test"}]}
            """, false, false)));
    openai.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void stream_anthropicDeployment_streamsRoutedChunksAndEndsWithUsage() {
    anthropic.stubFor(messages().willReturn(anthropicStream("""
        event: message_start
        data: {"type": "message_start", "message": {"id": "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY", "type": "message", "role": "assistant", "content": [], "model": "claude-sonnet-4-20250514", "stop_reason": null, "stop_sequence": null, "usage": {"input_tokens": 25, "output_tokens": 1}}}

        event: content_block_start
        data: {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}

        event: ping
        data: {"type": "ping"}

        event: content_block_delta
        data: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "This is"}}

        event: content_block_delta
        data: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": " a test."}}

        event: content_block_stop
        data: {"type": "content_block_stop", "index": 0}

        event: message_delta
        data: {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence":null}, "usage": {"output_tokens": 6}}

        event: message_stop
        data: {"type": "message_stop"}

        """)));
    switchboard = builder().build();

    TestSubscriber<ChatChunk> subscriber = streamAll();

    List<ChatChunk> chunks = subscriber.items();
    assertThat(subscriber.isCompleted()).isTrue();
    assertThat(text(chunks)).isEqualTo("This is a test.");
    assertThat(chunks.get(0).route().provider()).isEqualTo("claude");
    ChatChunk last = chunks.get(chunks.size() - 1);
    assertThat(last.choices()).isEmpty();
    assertThat(last.usage()).isEqualTo(Usage.of(25, 6));
    anthropic.verify(1, messageRequests().withRequestBody(equalToJson("{\"stream\": true}", false, true)));
    openai.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void chat_anthropicOverloaded529_retriesThenFallsBackToOpenAi() {
    anthropic.stubFor(messages().willReturn(anthropicError(529, "overloaded_error", "Overloaded")));
    openai.stubFor(chat().willReturn(completion("from openai")));
    switchboard = builder().build();

    ChatResponse response = switchboard.chatBlocking(hello("chat"));

    assertThat(response.text()).isEqualTo("from openai");
    assertThat(response.route().provider()).isEqualTo("openai");
    assertThat(response.route().fallbacks()).isEqualTo(1);
    anthropic.verify(1 + MAX_RETRIES, messageRequests());
    openai.verify(1, chatRequests());
  }

  @Test
  void chat_anthropicRateLimited429WithRetryAfter_fallsBackAndCoolsClaudeDown() {
    anthropic.stubFor(messages().willReturn(anthropicError(429, "rate_limit_error",
        "Number of request tokens has exceeded your per-minute rate limit").withHeader("retry-after", "30")));
    openai.stubFor(chat().willReturn(completion("from openai")));
    switchboard = builder().build();

    ChatResponse first = switchboard.chatBlocking(hello("chat"));
    ChatResponse second = switchboard.chatBlocking(hello("chat"));

    assertThat(first.text()).isEqualTo("from openai");
    assertThat(first.route().fallbacks()).isEqualTo(1);
    assertThat(second.route().fallbacks()).as("claude is cooling down: skipped without a call").isZero();
    anthropic.verify(1, messageRequests());
    openai.verify(2, chatRequests());
  }

  @Test
  void stream_overloadedErrorEventBeforeTheFirstChunk_fallsBackToOpenAi() {
    anthropic.stubFor(messages().willReturn(anthropicStream("""
        event: message_start
        data: {"type": "message_start", "message": {"id": "msg_01Overloaded", "type": "message", "role": "assistant", "content": [], "model": "claude-sonnet-4-20250514", "stop_reason": null, "stop_sequence": null, "usage": {"input_tokens": 25, "output_tokens": 1}}}

        event: error
        data: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}

        """)));
    openai.stubFor(chat().willReturn(textStream("from", " openai")));
    switchboard = builder().retryPolicy(retries(0)).build();

    TestSubscriber<ChatChunk> subscriber = streamAll();

    assertThat(subscriber.isCompleted()).isTrue();
    assertThat(text(subscriber.items())).isEqualTo("from openai");
    assertThat(subscriber.items().get(0).route().provider()).isEqualTo("openai");
    assertThat(subscriber.items().get(0).route().fallbacks()).isEqualTo(1);
    anthropic.verify(1, messageRequests());
    openai.verify(1, chatRequests());
  }

  @Test
  void chat_promptTooLong_failsWithContextWindowExceededWithoutRetry() {
    anthropic.stubFor(messages().willReturn(anthropicError(400, "invalid_request_error",
        "prompt is too long: 208310 tokens > 200000 maximum")));
    switchboard = Switchboard.builder()
        .provider(ProviderConfig.builder().name("claude").type("anthropic").baseUrl(anthropic.baseUrl() + "/v1")
            .apiKey(KEY).build())
        .providerComponent(HttpTransport.class, transport)
        .retryPolicy(retries(MAX_RETRIES))
        .modelGroup(ModelGroup.builder("chat").deployment("claude", "claude-sonnet-4-20250514").build())
        .build();

    ContextWindowExceededException error = catchThrowableOfType(ContextWindowExceededException.class,
        () -> switchboard.chatBlocking(hello("chat")));

    assertThat(error.code()).isEqualTo("context_length_exceeded");
    assertThat(error.details().provider()).isEqualTo("claude");
    assertThat(error.getMessage()).doesNotContain(KEY);
    anthropic.verify(1, messageRequests());
  }
}

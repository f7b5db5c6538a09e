package dev.switchboard.providers.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.core.error.AuthenticationException;
import dev.switchboard.core.error.ContextWindowExceededException;
import dev.switchboard.core.error.InvalidRequestException;
import dev.switchboard.core.error.NotFoundException;
import dev.switchboard.core.error.PermissionDeniedException;
import dev.switchboard.core.error.RateLimitedException;
import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.error.UpstreamException;
import dev.switchboard.core.error.UpstreamTimeoutException;
import dev.switchboard.core.error.UpstreamUnavailableException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ModelInfo;
import dev.switchboard.core.model.ResponseFormat;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.Tool;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolCallDelta;
import dev.switchboard.core.model.ToolChoice;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.spi.CallContext;
import dev.switchboard.providers.http.OkHttpTransport;
import dev.switchboard.providers.internal.sse.SseDecoder;
import dev.switchboard.providers.testing.RawHttpServer;
import dev.switchboard.providers.testing.TestSubscriber;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OpenAiProviderTest {

  @RegisterExtension
  static final WireMockExtension wm =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final String KEY = "sk-test-Xq7secretKeyValue123";
  private static final long GUARD_SECONDS = 10;
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final OkHttpTransport transport = OkHttpTransport.builder().build();

  private final CallContext context = CallContext.builder("req_0123456789abcdef")
      .providerName("openai-main")
      .deploymentId("openai-main/gpt-4o-mini")
      .build();
  private final OpenAiProvider provider = provider(wm.baseUrl() + "/v1");

  @AfterEach
  void noLeakedCalls() {
    provider.close();
    TransportProbe.assertNoOpenCalls(transport);
  }

  @AfterAll
  static void closeTransport() {
    transport.close();
  }

  private static OpenAiProvider provider(String baseUrl) {
    return OpenAiProvider.builder()
        .baseUrl(baseUrl)
        .apiKey(KEY)
        .providerName("openai-main")
        .transport(transport)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC))
        .build();
  }

  private static ChatRequest hello() {
    return ChatRequest.builder().model("gpt-4o-mini").addMessage(Message.user("Hello!")).build();
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(GUARD_SECONDS, TimeUnit.SECONDS);
  }

  private static Throwable failureOf(CompletableFuture<?> future) {
    Throwable t = catchThrowable(() -> future.get(GUARD_SECONDS, TimeUnit.SECONDS));
    assertThat(t).as("the future must fail").isInstanceOf(ExecutionException.class);
    return t.getCause();
  }

  private static ResponseDefinitionBuilder eventStream(String body) {
    return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(body);
  }

  private TestSubscriber<ChatChunk> streamAll(ChatRequest request) {
    TestSubscriber<ChatChunk> subscriber = TestSubscriber.unbounded();
    provider.stream(request, context).subscribe(subscriber);
    return subscriber.awaitTerminal();
  }

  // ---------------------------------------------------------------- outbound request

  @Test
  void chat_richRequest_sendsEveryFieldAsOpenAiJsonWithHeaders() throws Exception {
    wm.stubFor(post("/v1/chat/completions").willReturn(okJson(OpenAiFixtures.CHAT_COMPLETION)));
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("properties", Map.of("city", Map.of("type", "string")));
    schema.put("required", List.of("city"));
    schema.put("additionalProperties", false);
    ChatRequest request = ChatRequest.builder()
        .model("gpt-4o")
        .addMessage(Message.system("You answer with weather reports."))
        .addMessage(Message.user(List.of(ContentPart.text("Where was this taken, and what is the weather there?"),
            ContentPart.imageUrl("https://example.com/boston.jpg", "low"))))
        .addMessage(Message.assistant(List.of(
            ToolCall.function("call_abc123", "get_current_weather", "{\"location\":\"Boston, MA\"}"))))
        .addMessage(Message.tool("call_abc123", "{\"temperature\":22,\"unit\":\"celsius\"}"))
        .temperature(0.2)
        .topP(0.9)
        .maxCompletionTokens(256)
        .stop(List.of("\n\n"))
        .seed(42L)
        .user("user-1234")
        .metadata("team", "weather")
        .addTool(Tool.builder().name("get_current_weather").description("Get the current weather in a location")
            .parameters(Map.of("type", "object", "properties", Map.of("location", Map.of("type", "string")),
                "required", List.of("location")))
            .strict(true).build())
        .toolChoice(ToolChoice.function("get_current_weather"))
        .parallelToolCalls(false)
        .responseFormat(ResponseFormat.jsonSchema("weather_report", schema, true))
        .extraParameter("reasoning_effort", "low")
        .extraParameter("logit_bias", Map.of("50256", -100))
        .build();

    await(provider.chat(request, context.toBuilder().header("X-Trace", "trace-7").build()));

    wm.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
        .withHeader("Authorization", equalTo("Bearer " + KEY))
        .withHeader("Content-Type", equalTo("application/json"))
        .withHeader("Accept", equalTo("application/json"))
        .withHeader("X-Client-Request-Id", equalTo("req_0123456789abcdef"))
        .withHeader("X-Trace", equalTo("trace-7"))
        .withHeader("OpenAI-Organization", absent())
        .withHeader("OpenAI-Project", absent())
        .withRequestBody(equalToJson("""
            {
              "model": "gpt-4o",
              "messages": [
                {"role": "system", "content": "You answer with weather reports."},
                {"role": "user", "content": [
                  {"type": "text", "text": "Where was this taken, and what is the weather there?"},
                  {"type": "image_url", "image_url": {"url": "https://example.com/boston.jpg", "detail": "low"}}
                ]},
                {"role": "assistant", "content": null, "tool_calls": [
                  {"id": "call_abc123", "type": "function",
                   "function": {"name": "get_current_weather", "arguments": "{\\"location\\":\\"Boston, MA\\"}"}}
                ]},
                {"role": "tool", "tool_call_id": "call_abc123",
                 "content": "{\\"temperature\\":22,\\"unit\\":\\"celsius\\"}"}
              ],
              "temperature": 0.2,
              "top_p": 0.9,
              "max_completion_tokens": 256,
              "stop": ["\\n\\n"],
              "seed": 42,
              "user": "user-1234",
              "metadata": {"team": "weather"},
              "tools": [
                {"type": "function", "function": {
                  "name": "get_current_weather",
                  "description": "Get the current weather in a location",
                  "parameters": {"type": "object", "properties": {"location": {"type": "string"}},
                                 "required": ["location"]},
                  "strict": true}}
              ],
              "tool_choice": {"type": "function", "function": {"name": "get_current_weather"}},
              "parallel_tool_calls": false,
              "response_format": {"type": "json_schema", "json_schema": {
                "name": "weather_report",
                "schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"],
                           "additionalProperties": false},
                "strict": true}},
              "reasoning_effort": "low",
              "logit_bias": {"50256": -100}
            }
            """, false, false)));
  }

  @Test
  void stream_request_sendsStreamTrueWithIncludeUsageAndAcceptsEventStream() {
    wm.stubFor(post("/v1/chat/completions").willReturn(eventStream(OpenAiFixtures.TEXT_STREAM)));

    streamAll(hello());

    wm.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
        .withHeader("Authorization", equalTo("Bearer " + KEY))
        .withHeader("Accept", equalTo("text/event-stream"))
        .withRequestBody(equalToJson("""
            {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hello!"}],
             "stream": true, "stream_options": {"include_usage": true}}
            """, false, false)));
  }

  @Test
  void chat_noApiKeyButOrganizationAndProject_sendsNoAuthorizationAndBothOpenAiHeaders() throws Exception {
    wm.stubFor(post("/v1/chat/completions").willReturn(okJson(OpenAiFixtures.CHAT_COMPLETION)));
    try (OpenAiProvider keyless = OpenAiProvider.builder().baseUrl(wm.baseUrl() + "/v1/").transport(transport)
        .organization("org-abc").project("proj_def").header("X-Account", "acct-1").build()) {

      await(keyless.chat(hello(), context));
    }

    wm.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
        .withHeader("Authorization", absent())
        .withHeader("OpenAI-Organization", equalTo("org-abc"))
        .withHeader("OpenAI-Project", equalTo("proj_def"))
        .withHeader("X-Account", equalTo("acct-1")));
  }

  @Test
  void chat_callHeadersNamingCredentials_doNotReplaceTheAccountsCredentials() throws Exception {
    wm.stubFor(post("/v1/chat/completions").willReturn(okJson(OpenAiFixtures.CHAT_COMPLETION)));
    CallContext sneaky = context.toBuilder().header("authorization", "Bearer sk-someone-else")
        .header("OpenAI-Project", "proj_other").build();

    await(provider.chat(hello(), sneaky));

    wm.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
        .withHeader("Authorization", equalTo("Bearer " + KEY))
        .withHeader("OpenAI-Project", absent()));
  }

  @Test
  void chat_requestIdNotPrintableAscii_sendsNoClientRequestIdHeader() throws Exception {
    wm.stubFor(post("/v1/chat/completions").willReturn(okJson(OpenAiFixtures.CHAT_COMPLETION)));

    await(provider.chat(hello(), CallContext.builder("anfrage-überprüfen").build()));

    wm.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withHeader("X-Client-Request-Id", absent()));
  }

  // ---------------------------------------------------------------- responses

  @Test
  void chat_textCompletion_mapsMessageFinishReasonUsageAndServiceTier() throws Exception {
    wm.stubFor(post("/v1/chat/completions").willReturn(okJson(OpenAiFixtures.CHAT_COMPLETION)));

    ChatResponse response = await(provider.chat(hello(), context));

    assertThat(response.id()).isEqualTo("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT");
    assertThat(response.created()).isEqualTo(1741569952L);
    assertThat(response.model()).isEqualTo("gpt-4o-2024-08-06");
    assertThat(response.text()).isEqualTo("Hello! How can I assist you today?");
    assertThat(response.choices()).singleElement().satisfies(c -> {
      assertThat(c.finishReason()).isEqualTo(FinishReason.STOP);
      assertThat(c.message().role()).isEqualTo(Role.ASSISTANT);
    });
    assertThat(response.usage())
        .isEqualTo(Usage.builder().promptTokens(19).completionTokens(10).totalTokens(29).build());
    assertThat(response.serviceTier()).isEqualTo("default");
    assertThat(response.route()).as("the engine sets the route, not the provider").isNull();
  }

  @Test
  void chat_toolCallCompletion_mapsToolCallsFinishReasonAndCachedAndReasoningTokens() throws Exception {
    wm.stubFor(post("/v1/chat/completions").willReturn(okJson(OpenAiFixtures.TOOL_CALL_COMPLETION)));

    ChatResponse response = await(provider.chat(hello(), context));

    assertThat(response.choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(response.text()).isNull();
    assertThat(response.toolCalls()).containsExactly(
        ToolCall.function("call_abc123", "get_current_weather", "{\n\"location\": \"Boston, MA\"\n}"));
    assertThat(response.usage()).isEqualTo(Usage.builder().promptTokens(82).completionTokens(17).totalTokens(99)
        .cachedTokens(64).reasoningTokens(8).build());
    assertThat(response.systemFingerprint()).isEqualTo("fp_44709d6fcb");
  }

  // ---------------------------------------------------------------- streaming

  @Test
  void stream_textDeltas_emitsEachChunkThenTheUsageOnlyChunkAndCompletes() {
    wm.stubFor(post("/v1/chat/completions").willReturn(eventStream(OpenAiFixtures.TEXT_STREAM)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    List<ChatChunk> chunks = subscriber.items();
    assertThat(subscriber.isCompleted()).isTrue();
    assertThat(chunks).hasSize(5);
    assertThat(chunks.get(0).choices().get(0).delta().role()).isEqualTo(Role.ASSISTANT);
    assertThat(chunks).extracting(ChatChunk::text).containsExactly("", "Hello", " world", null, null);
    assertThat(chunks.get(3).choices().get(0).finishReason()).isEqualTo(FinishReason.STOP);
    ChatChunk last = chunks.get(4);
    assertThat(last.choices()).isEmpty();
    assertThat(last.usage()).isEqualTo(Usage.of(9, 2));
    assertThat(chunks.subList(0, 4)).allSatisfy(c -> assertThat(c.usage()).isNull());
  }

  @Test
  void stream_toolCallDeltas_emitsIdAndNameFirstThenArgumentFragments() {
    wm.stubFor(post("/v1/chat/completions").willReturn(eventStream(OpenAiFixtures.TOOL_CALL_STREAM)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    List<ChatChunk> chunks = subscriber.items();
    assertThat(subscriber.isCompleted()).isTrue();
    assertThat(chunks).hasSize(6);
    ToolCallDelta first = chunks.get(0).choices().get(0).delta().toolCalls().get(0);
    assertThat(first.index()).isZero();
    assertThat(first.id()).isEqualTo("call_DdmO9pD3xa9XTPNJ32zg2hcA");
    assertThat(first.type()).isEqualTo("function");
    assertThat(first.name()).isEqualTo("get_weather");
    assertThat(first.arguments()).isEmpty();
    StringBuilder arguments = new StringBuilder();
    for (ChatChunk chunk : chunks.subList(1, 4)) {
      ToolCallDelta delta = chunk.choices().get(0).delta().toolCalls().get(0);
      assertThat(delta.index()).isZero();
      assertThat(delta.id()).isNull();
      assertThat(delta.name()).isNull();
      arguments.append(delta.arguments());
    }
    assertThat(arguments).hasToString("{\"location\":\"Paris\"}");
    assertThat(chunks.get(4).choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(chunks.get(5).usage()).isEqualTo(Usage.of(68, 15));
  }

  @Test
  void stream_commentsKeepAlivesCrlfAndPings_areSkipped() {
    String body = ": OPENROUTER PROCESSING\r\n\r\n"
        + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\r\n\r\n"
        + ":keep-alive\r\n\r\n"
        + "event: ping\r\ndata: {}\r\n\r\n"
        + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
        + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\r\n\r\n"
        + "data: [DONE]\r\n\r\n";
    wm.stubFor(post("/v1/chat/completions").willReturn(eventStream(body)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.isCompleted()).isTrue();
    assertThat(subscriber.items()).extracting(ChatChunk::text).containsExactly("Hi", null);
  }

  @Test
  void stream_bodyEndsAfterFinishReasonWithoutDone_completesNormally() {
    String body = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n"
        + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
        + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}],"
        + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}\n\n";
    wm.stubFor(post("/v1/chat/completions").willReturn(eventStream(body)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.error()).isNull();
    assertThat(subscriber.isCompleted()).isTrue();
    assertThat(subscriber.items()).hasSize(2);
    assertThat(subscriber.items().get(1).usage()).isEqualTo(Usage.of(3, 1));
  }

  @Test
  void stream_bodyEndsWithoutDoneOrFinishReason_failsInsteadOfLookingComplete() {
    String body = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hal\"},\"finish_reason\":null}]}\n\n";
    wm.stubFor(post("/v1/chat/completions").willReturn(eventStream(body)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.items()).extracting(ChatChunk::text).containsExactly("Hal");
    assertThat(subscriber.isCompleted()).isFalse();
    assertThat(subscriber.error()).isInstanceOf(UpstreamException.class)
        .hasMessageContaining("stream ended before completion");
    assertThat(((SwitchboardException) subscriber.error()).isRetryable()).isTrue();
    assertThat(((SwitchboardException) subscriber.error()).details().requestId()).isEqualTo("req_0123456789abcdef");
  }

  @Test
  void stream_errorEventAfterAChunk_failsWithMappedErrorAfterTheChunk() {
    String body = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n"
        + "data: {\"error\":{\"message\":\"The server had an error while processing your request.\","
        + "\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n";
    wm.stubFor(post("/v1/chat/completions").willReturn(eventStream(body)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.items()).extracting(ChatChunk::text).containsExactly("Hi");
    assertThat(subscriber.error()).isExactlyInstanceOf(UpstreamException.class)
        .hasMessageContaining("The server had an error while processing your request.");
  }

  @Test
  void stream_errorEventWithContextLengthCode_failsWithContextWindowExceeded() {
    String body = "data: " + OpenAiFixtures.error("This model's maximum context length is 8192 tokens.",
        "invalid_request_error", "messages", "context_length_exceeded").replace("\n", "") + "\n\n";
    wm.stubFor(post("/v1/chat/completions").willReturn(eventStream(body)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.items()).isEmpty();
    assertThat(subscriber.error()).isInstanceOf(ContextWindowExceededException.class);
    assertThat(((SwitchboardException) subscriber.error()).param()).isEqualTo("messages");
  }

  @Test
  void stream_errorEventWithHttpStatusAsCode_mapsByThatStatus() {
    // OpenRouter reports mid-stream failures with the HTTP status they stand for as the code.
    String body = "data: {\"error\":{\"code\":429,\"message\":\"Provider returned error: rate limited\"}}\n\n";
    wm.stubFor(post("/v1/chat/completions").willReturn(eventStream(body)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.error()).isInstanceOf(RateLimitedException.class)
        .hasMessageContaining("Provider returned error: rate limited");
    assertThat(((SwitchboardException) subscriber.error()).details().upstreamStatus()).isEqualTo(429);
  }

  @Test
  void stream_errorStatus_readsTheBodyAndFailsBeforeAnyChunk() {
    wm.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(429)
        .withHeader("Content-Type", "application/json").withHeader("retry-after-ms", "750")
        .withBody(OpenAiFixtures.error("Rate limit reached for gpt-4o-mini on requests per min (RPM).", "requests",
            null, "rate_limit_exceeded"))));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.items()).isEmpty();
    assertThat(subscriber.error()).isInstanceOf(RateLimitedException.class);
    RateLimitedException error = (RateLimitedException) subscriber.error();
    assertThat(error.retryAfter()).isEqualTo(Duration.ofMillis(750));
    assertThat(error.details().upstreamStatus()).isEqualTo(429);
    assertThat(error.getMessage()).contains("Rate limit reached");
  }

  @Test
  void stream_malformedChunk_failsWithUpstreamException() {
    wm.stubFor(post("/v1/chat/completions").willReturn(eventStream("data: {\"id\":\"c1\",\"choices\":[{\n\n")));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.items()).isEmpty();
    assertThat(subscriber.error()).isInstanceOf(UpstreamException.class).hasMessageContaining("malformed");
  }

  @Test
  void stream_lineWithoutEnd_failsWithUpstreamExceptionAfterTheChunksBeforeIt() {
    // an upstream that never ends a line: the stream fails at the decoder's limit instead of
    // buffering until the JVM runs out of memory
    String endless = "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
        + "z".repeat(SseDecoder.MAX_LINE_BYTES);
    wm.stubFor(post("/v1/chat/completions").willReturn(eventStream(OpenAiFixtures.TEXT_STREAM.split("\n\n")[0]
        + "\n\n" + endless)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.items()).hasSize(1);
    assertThat(subscriber.error()).isInstanceOf(UpstreamException.class)
        .hasMessageContaining("longer than 16777216 bytes");
  }

  @Test
  void stream_noDemand_sendsNothingUpstream_thenOneRequestBringsOneChunk() {
    wm.stubFor(post("/v1/chat/completions").willReturn(eventStream(OpenAiFixtures.TEXT_STREAM)));
    TestSubscriber<ChatChunk> subscriber = TestSubscriber.withoutDemand();
    provider.stream(hello(), context).subscribe(subscriber);
    subscriber.awaitSubscribed();

    wm.verify(0, anyRequestedFor(anyUrl()));

    subscriber.request(1);
    assertThat(subscriber.awaitItems(1)).hasSize(1);
    assertThat(subscriber.isTerminated()).isFalse();
    subscriber.request(Long.MAX_VALUE);
    subscriber.awaitTerminal();
    assertThat(subscriber.items()).hasSize(5);
    wm.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions")));
  }

  @Test
  void stream_secondSubscriber_isRefusedWithoutASecondCall() {
    wm.stubFor(post("/v1/chat/completions").willReturn(eventStream(OpenAiFixtures.TEXT_STREAM)));
    var publisher = provider.stream(hello(), context);
    TestSubscriber<ChatChunk> first = TestSubscriber.unbounded();
    TestSubscriber<ChatChunk> second = TestSubscriber.unbounded();

    publisher.subscribe(first);
    publisher.subscribe(second);

    assertThat(second.awaitTerminal().error()).isInstanceOf(IllegalStateException.class)
        .hasMessage("an OpenAI chat stream accepts one subscriber");
    assertThat(first.awaitTerminal().isCompleted()).isTrue();
    wm.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions")));
  }

  @Test
  void stream_cancelAfterFirstChunk_closesTheConnection() throws Exception {
    CountDownLatch clientGone = new CountDownLatch(1);
    try (RawHttpServer server = RawHttpServer.start(exchange -> {
      exchange.startChunked(200, "text/event-stream");
      exchange.writeChunk("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
          + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tick\"},\"finish_reason\":null}]}\n\n");
      exchange.awaitClientGone();
      clientGone.countDown();
    }); OpenAiProvider raw = provider(server.url("/v1"))) {
      TestSubscriber<ChatChunk> subscriber = new TestSubscriber<>(1);
      raw.stream(hello(), context).subscribe(subscriber);
      subscriber.awaitItems(1);

      subscriber.cancel();

      assertThat(clientGone.await(GUARD_SECONDS, TimeUnit.SECONDS)).as("server saw the connection closed").isTrue();
      assertThat(subscriber.isTerminated()).isFalse();
    }
  }

  @Test
  void stream_connectionCutAfterTwoChunks_failsAfterDeliveringThem() throws Exception {
    try (RawHttpServer server = RawHttpServer.start(exchange -> {
      exchange.startChunked(200, "text/event-stream");
      for (String word : new String[] {"one", "two"}) {
        exchange.writeChunk("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + word + "\"},\"finish_reason\":null}]}\n\n");
      }
      exchange.closeConnection();
    }); OpenAiProvider raw = provider(server.url("/v1"))) {
      TestSubscriber<ChatChunk> subscriber = TestSubscriber.unbounded();
      raw.stream(hello(), context).subscribe(subscriber);

      subscriber.awaitTerminal();

      assertThat(subscriber.items()).extracting(ChatChunk::text).containsExactly("one", "two");
      assertThat(subscriber.error()).isInstanceOf(SwitchboardException.class);
      assertThat(((SwitchboardException) subscriber.error()).isRetryable()).isTrue();
      assertThat(((SwitchboardException) subscriber.error()).details().provider()).isEqualTo("openai-main");
    }
  }

  // ---------------------------------------------------------------- embeddings and models

  @Test
  void embed_floatVectors_sendsRequestAndMapsVectorsAndUsage() throws Exception {
    wm.stubFor(post("/v1/embeddings").willReturn(okJson(OpenAiFixtures.EMBEDDINGS)));
    EmbeddingRequest request = EmbeddingRequest.builder().model("text-embedding-3-small")
        .input(List.of("The food was delicious", "and the waiter...")).dimensions(3).build();

    EmbeddingResponse response = await(provider.embed(request, context));

    wm.verify(postRequestedFor(urlEqualTo("/v1/embeddings"))
        .withHeader("Authorization", equalTo("Bearer " + KEY))
        .withRequestBody(equalToJson("""
            {"model": "text-embedding-3-small", "input": ["The food was delicious", "and the waiter..."],
             "dimensions": 3}
            """, false, false)));
    assertThat(response.model()).isEqualTo("text-embedding-3-small");
    assertThat(response.data()).hasSize(2);
    assertThat(response.data().get(0).vector()).containsExactly(0.0023064255f, -0.009327292f, -0.0028842222f);
    assertThat(response.data().get(1).index()).isEqualTo(1);
    assertThat(response.data().get(1).vector()).containsExactly(0.5f, -0.25f, 1.0f);
    assertThat(response.usage().promptTokens()).isEqualTo(8);
    assertThat(response.usage().totalTokens()).isEqualTo(8);
  }

  @Test
  void embed_base64Vectors_decodesLittleEndianFloat32() throws Exception {
    float[] vector = {0.25f, -1.5f, 3.0e-3f};
    ByteBuffer bytes = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : vector) {
      bytes.putFloat(f);
    }
    String base64 = Base64.getEncoder().encodeToString(bytes.array());
    wm.stubFor(post("/v1/embeddings").willReturn(okJson("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\","
        + "\"embedding\":\"" + base64 + "\",\"index\":0}],\"model\":\"text-embedding-3-small\","
        + "\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}")));
    EmbeddingRequest request = EmbeddingRequest.builder().model("text-embedding-3-small").input("hi")
        .encodingFormat("base64").build();

    EmbeddingResponse response = await(provider.embed(request, context));

    wm.verify(postRequestedFor(urlEqualTo("/v1/embeddings")).withRequestBody(equalToJson(
        "{\"model\":\"text-embedding-3-small\",\"input\":[\"hi\"],\"encoding_format\":\"base64\"}", false, false)));
    assertThat(response.data()).singleElement().satisfies(e -> assertThat(e.vector()).containsExactly(vector));
  }

  @Test
  void models_list_getsModelsAndMapsIdsCreatedAndOwners() throws Exception {
    wm.stubFor(get("/v1/models").willReturn(okJson(OpenAiFixtures.MODELS)));

    List<ModelInfo> models = await(provider.models(context));

    wm.verify(getRequestedFor(urlEqualTo("/v1/models")).withHeader("Authorization", equalTo("Bearer " + KEY)));
    assertThat(models).extracting(ModelInfo::id).containsExactly("model-id-0", "model-id-1", "model-id-2");
    assertThat(models.get(0).created()).isEqualTo(1686935002L);
    assertThat(models.get(2).ownedBy()).isEqualTo("openai");
  }

  // ---------------------------------------------------------------- errors

  static Stream<Arguments> errorTable() {
    String invalid = OpenAiFixtures.error("Invalid value for 'temperature': decimal above maximum value.",
        "invalid_request_error", "temperature", "decimal_above_max_value");
    return Stream.of(
        Arguments.of(400, Map.of(), invalid,
            InvalidRequestException.class, 400, false, null, "decimal_above_max_value"),
        Arguments.of(400, Map.of(), OpenAiFixtures.error("This model's maximum context length is 128000 tokens. "
            + "However, your messages resulted in 130000 tokens. Please reduce the length of the messages.",
            "invalid_request_error", "messages", "context_length_exceeded"),
            ContextWindowExceededException.class, 400, false, null, "context_length_exceeded"),
        Arguments.of(401, Map.of(), OpenAiFixtures.error("Incorrect API key provided: " + KEY + ". You can find your "
            + "API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", null,
            "invalid_api_key"), AuthenticationException.class, 401, false, null, "invalid_api_key"),
        Arguments.of(403, Map.of(), OpenAiFixtures.error("Country, region, or territory not supported",
            "request_forbidden", null, "unsupported_country_region_territory"),
            PermissionDeniedException.class, 403, false, null, "unsupported_country_region_territory"),
        Arguments.of(404, Map.of(), OpenAiFixtures.error("The model `gpt-9` does not exist or you do not have access "
            + "to it.", "invalid_request_error", null, "model_not_found"),
            NotFoundException.class, 404, false, null, "model_not_found"),
        Arguments.of(408, Map.of(), OpenAiFixtures.error("Request timed out.", "timeout", null, null),
            UpstreamTimeoutException.class, 504, true, null, "timeout"),
        Arguments.of(409, Map.of(), OpenAiFixtures.error("Another request is in progress.", "invalid_request_error",
            null, null), UpstreamException.class, 502, true, null, null),
        Arguments.of(422, Map.of(), OpenAiFixtures.error("Unprocessable entity.", "invalid_request_error", null, null),
            InvalidRequestException.class, 400, false, null, null),
        Arguments.of(429, Map.of("Retry-After", "20"), OpenAiFixtures.error("Rate limit reached for gpt-4o-mini in "
            + "organization org-xyz on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.",
            "requests", null, "rate_limit_exceeded"),
            RateLimitedException.class, 429, true, Duration.ofSeconds(20), "rate_limit_exceeded"),
        Arguments.of(429, Map.of("retry-after-ms", "1500", "retry-after", "2"), OpenAiFixtures.error("Rate limit "
            + "reached for tokens per min (TPM).", "tokens", null, "rate_limit_exceeded"),
            RateLimitedException.class, 429, true, Duration.ofMillis(1500), "rate_limit_exceeded"),
        Arguments.of(429, Map.of("Retry-After", "Sun, 01 Mar 2026 12:00:30 GMT"), OpenAiFixtures.error("You exceeded "
            + "your current quota.", "insufficient_quota", null, "insufficient_quota"),
            RateLimitedException.class, 429, true, Duration.ofSeconds(30), "insufficient_quota"),
        Arguments.of(500, Map.of(), OpenAiFixtures.error("The server had an error while processing your request. "
            + "Sorry about that!", "server_error", null, null), UpstreamException.class, 502, true, null, null),
        Arguments.of(502, Map.of("Content-Type", "text/html"), "<html><body><h1>502 Bad Gateway</h1></body></html>",
            UpstreamException.class, 502, true, null, null),
        Arguments.of(503, Map.of(), OpenAiFixtures.error("The engine is currently overloaded, please try again later.",
            "server_error", null, null), UpstreamUnavailableException.class, 503, true, null, null),
        Arguments.of(504, Map.of(), OpenAiFixtures.error("Gateway timeout.", "server_error", null, null),
            UpstreamTimeoutException.class, 504, true, null, "timeout"));
  }

  @ParameterizedTest(name = "{0} {7} -> {3}")
  @MethodSource("errorTable")
  void chat_errorStatus_mapsToTypedErrorWithDetailsAndNeverTheKey(int status, Map<String, String> headers, String body,
      Class<? extends SwitchboardException> type, int httpStatus, boolean retryable, Duration retryAfter, String code) {
    ResponseDefinitionBuilder response = aResponse().withStatus(status).withBody(body);
    if (!headers.containsKey("Content-Type")) {
      response.withHeader("Content-Type", "application/json");
    }
    headers.forEach(response::withHeader);
    wm.stubFor(post("/v1/chat/completions").willReturn(response));

    Throwable failure = failureOf(provider.chat(hello(), context));

    assertThat(failure).isExactlyInstanceOf(type);
    SwitchboardException error = (SwitchboardException) failure;
    assertThat(error.httpStatus()).isEqualTo(httpStatus);
    assertThat(error.isRetryable()).isEqualTo(retryable);
    assertThat(error.retryAfter()).isEqualTo(retryAfter);
    assertThat(error.code()).isEqualTo(code);
    assertThat(error.details().upstreamStatus()).isEqualTo(status);
    assertThat(error.details().provider()).isEqualTo("openai-main");
    assertThat(error.details().deployment()).isEqualTo("openai-main/gpt-4o-mini");
    assertThat(error.details().model()).isEqualTo("gpt-4o-mini");
    assertThat(error.details().requestId()).isEqualTo("req_0123456789abcdef");
    assertThat(error.getMessage()).startsWith("openai-main returned " + status).doesNotContain(KEY);
    assertThat(error.toString()).doesNotContain(KEY);
  }

  @Test
  void chat_malformedJsonWith200_failsWithUpstreamException() {
    wm.stubFor(post("/v1/chat/completions").willReturn(okJson("{\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,")));

    Throwable failure = failureOf(provider.chat(hello(), context));

    assertThat(failure).isExactlyInstanceOf(UpstreamException.class).hasMessageContaining("malformed");
    SwitchboardException error = (SwitchboardException) failure;
    assertThat(error.isRetryable()).isTrue();
    assertThat(error.details().provider()).isEqualTo("openai-main");
    assertThat(error.details().requestId()).isEqualTo("req_0123456789abcdef");
  }

  @Test
  void chat_connectionResetByPeer_failsWithUpstreamUnavailable() {
    wm.stubFor(post("/v1/chat/completions").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

    Throwable failure = failureOf(provider.chat(hello(), context));

    assertThat(failure).isInstanceOf(UpstreamUnavailableException.class);
    SwitchboardException error = (SwitchboardException) failure;
    assertThat(error.isRetryable()).isTrue();
    assertThat(error.details().deployment()).isEqualTo("openai-main/gpt-4o-mini");
    assertThat(error.getMessage()).startsWith("openai-main").doesNotContain(KEY);
  }

  @Test
  void chat_cancelFuture_cancelsTheCallAndClosesTheConnection() throws Exception {
    CountDownLatch received = new CountDownLatch(1);
    CountDownLatch clientGone = new CountDownLatch(1);
    try (RawHttpServer server = RawHttpServer.start(exchange -> {
      received.countDown();
      exchange.awaitClientGone();
      clientGone.countDown();
    }); OpenAiProvider raw = provider(server.url("/v1"))) {
      CompletableFuture<ChatResponse> future = raw.chat(hello(), context);
      assertThat(received.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();

      future.cancel(true);

      assertThat(clientGone.await(GUARD_SECONDS, TimeUnit.SECONDS)).as("server saw the connection closed").isTrue();
    }
  }

  // ---------------------------------------------------------------- lifecycle

  @Test
  void close_ownTransport_laterCallsFailWithIllegalState() {
    OpenAiProvider own = OpenAiProvider.builder().baseUrl(wm.baseUrl() + "/v1").build();

    own.close();
    own.close();

    assertThat(failureOf(own.chat(hello(), context))).isInstanceOf(UpstreamException.class)
        .hasMessageContaining("is closed");
  }

  @Test
  void close_sharedTransport_leavesTheTransportOpen() throws Exception {
    wm.stubFor(post("/v1/chat/completions").willReturn(okJson(OpenAiFixtures.CHAT_COMPLETION)));
    OpenAiProvider shared = provider(wm.baseUrl() + "/v1");

    shared.close();

    assertThat(await(provider.chat(hello(), context)).text()).isNotNull();
  }

  @Test
  void toString_withKey_neverShowsTheKey() {
    assertThat(provider.toString()).doesNotContain(KEY).contains("openai-main").contains("****");
  }

  @Test
  void builder_invalidValues_areRejectedNamingTheOption() {
    assertThatThrownBy(() -> OpenAiProvider.builder().baseUrl("ftp://example.com"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("baseUrl must start with http:// or https:// but was ftp://example.com");
    assertThatThrownBy(() -> OpenAiProvider.builder().connectTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("connectTimeout must be positive but was PT0S");
    assertThatThrownBy(() -> OpenAiProvider.builder().transport(transport).connectTimeout(Duration.ofSeconds(1))
        .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("connectTimeout (PT1S) applies only to the provider's own transport");
  }
}

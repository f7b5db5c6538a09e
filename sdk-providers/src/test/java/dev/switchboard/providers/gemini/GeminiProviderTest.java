package dev.switchboard.providers.gemini;

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
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.core.error.AuthenticationException;
import dev.switchboard.core.error.ContentPolicyException;
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
import dev.switchboard.providers.openai.TransportProbe;
import dev.switchboard.providers.testing.TestSubscriber;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class GeminiProviderTest {

  @RegisterExtension
  static final WireMockExtension wm =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final String KEY = "AIzaSyTest-Xq7secretKeyValue123";
  private static final String MODEL = "gemini-2.5-flash";
  private static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
  private static final String STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
  private static final long GUARD_SECONDS = 10;
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final OkHttpTransport transport = OkHttpTransport.builder().build();

  private final CallContext context = CallContext.builder("req_0123456789abcdef")
      .providerName("gemini-main")
      .deploymentId("gemini-main/gemini-2.5-flash")
      .build();
  private GeminiProvider provider = builder().build();

  @AfterEach
  void noLeakedCalls() {
    provider.close();
    TransportProbe.assertNoOpenCalls(transport);
  }

  @AfterAll
  static void closeTransport() {
    transport.close();
  }

  private static GeminiProvider.Builder builder() {
    return GeminiProvider.builder()
        .baseUrl(wm.baseUrl() + "/v1beta")
        .apiKey(KEY)
        .providerName("gemini-main")
        .transport(transport)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private static ChatRequest hello() {
    return ChatRequest.builder().model(MODEL).addMessage(Message.user("Hello!")).build();
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

  private static ResponseDefinitionBuilder googleError(int status, String body) {
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json; charset=UTF-8").withBody(body);
  }

  private TestSubscriber<ChatChunk> streamAll(ChatRequest request) {
    TestSubscriber<ChatChunk> subscriber = TestSubscriber.unbounded();
    provider.stream(request, context).subscribe(subscriber);
    return subscriber.awaitTerminal();
  }

  private static Map<String, Object> weatherSchema() {
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("$schema", "http://json-schema.org/draft-07/schema#");
    schema.put("type", "object");
    schema.put("properties", Map.of(
        "location", Map.of("type", "string", "description", "City name"),
        "unit", Map.of("type", List.of("string", "null"), "enum", List.of("celsius", "fahrenheit"))));
    schema.put("required", List.of("location"));
    schema.put("additionalProperties", false);
    return schema;
  }

  // ---------------------------------------------------------------- outbound request

  @Test
  void chat_fullConversation_sendsGenerateContentBodyFieldByField() throws Exception {
    wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(okJson(GeminiFixtures.TEXT_RESPONSE)));
    ChatRequest request = ChatRequest.builder()
        .model(MODEL)
        .addMessage(Message.system("You are terse."))
        .addMessage(Message.developer("Answer in English."))
        .addMessage(Message.user(List.of(ContentPart.text("What is in this picture?"),
            ContentPart.imageUrl("data:image/png;base64,iVBORw0KGgo="))))
        .addMessage(Message.user("And the weather in Paris?"))
        .addMessage(Message.assistant(List.of(ToolCall.function("call_0", "get_weather", "{\"location\":\"Paris\"}"))))
        .addMessage(Message.tool("call_0", "{\"temperature\":21,\"sky\":\"clear\"}"))
        .addMessage(Message.tool("call_0", "sunny"))
        .temperature(0.2)
        .topP(0.9)
        .maxTokens(100)
        .maxCompletionTokens(256)
        .stop(List.of("END", "STOP"))
        .n(2)
        .seed(42L)
        .presencePenalty(0.5)
        .frequencyPenalty(0.25)
        .user("user-123")
        .metadata("team", "search")
        .addTool(Tool.function("get_weather", "Current weather", weatherSchema()))
        .addTool(Tool.function("get_time", "Current time", Map.of("type", "object", "properties", Map.of())))
        .toolChoice(ToolChoice.function("get_weather"))
        .responseFormat(ResponseFormat.jsonObject())
        .extraParameter("top_k", 40)
        .extraParameter("safety_settings", List.of(Map.of("category", "HARM_CATEGORY_HARASSMENT",
            "threshold", "BLOCK_ONLY_HIGH")))
        .build();

    await(provider.chat(request, context));

    // Request body per https://ai.google.dev/api/generate-content#request-body (Content, Part, Tool,
    // FunctionDeclaration, Schema, ToolConfig/FunctionCallingConfig, GenerationConfig, SafetySetting).
    wm.verify(postRequestedFor(urlEqualTo(GENERATE))
        .withHeader("x-goog-api-key", equalTo(KEY))
        .withHeader("Authorization", absent())
        .withHeader("Content-Type", equalTo("application/json"))
        .withHeader("Accept", equalTo("application/json"))
        .withRequestBody(equalToJson("""
            {
              "contents": [
                {"role": "user", "parts": [
                  {"text": "What is in this picture?"},
                  {"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}},
                  {"text": "And the weather in Paris?"}
                ]},
                {"role": "model", "parts": [
                  {"functionCall": {"name": "get_weather", "args": {"location": "Paris"}}}
                ]},
                {"role": "user", "parts": [
                  {"functionResponse": {"name": "get_weather", "response": {"temperature": 21, "sky": "clear"}}},
                  {"functionResponse": {"name": "get_weather", "response": {"output": "sunny"}}}
                ]}
              ],
              "systemInstruction": {"parts": [{"text": "You are terse."}, {"text": "Answer in English."}]},
              "tools": [{"functionDeclarations": [
                {
                  "name": "get_weather",
                  "description": "Current weather",
                  "parameters": {
                    "type": "OBJECT",
                    "properties": {
                      "location": {"type": "STRING", "description": "City name"},
                      "unit": {"type": "STRING", "nullable": true, "enum": ["celsius", "fahrenheit"]}
                    },
                    "required": ["location"]
                  }
                },
                {"name": "get_time", "description": "Current time"}
              ]}],
              "toolConfig": {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["get_weather"]}},
              "generationConfig": {
                "stopSequences": ["END", "STOP"],
                "candidateCount": 2,
                "maxOutputTokens": 256,
                "temperature": 0.2,
                "topP": 0.9,
                "seed": 42,
                "presencePenalty": 0.5,
                "frequencyPenalty": 0.25,
                "responseMimeType": "application/json",
                "topK": 40
              },
              "safetySettings": [{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"}]
            }
            """, false, false)));
  }

  @ParameterizedTest
  @CsvSource({
      "auto, '{\"mode\":\"AUTO\"}'",
      "none, '{\"mode\":\"NONE\"}'",
      "required, '{\"mode\":\"ANY\"}'"})
  void chat_toolChoiceMode_mapsToFunctionCallingConfig(String mode, String expected) throws Exception {
    wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(okJson(GeminiFixtures.TEXT_RESPONSE)));
    ToolChoice choice = mode.equals("auto") ? ToolChoice.auto() : mode.equals("none") ? ToolChoice.none()
        : ToolChoice.required();
    ChatRequest request = hello().toBuilder()
        .addTool(Tool.function("get_weather", null, weatherSchema()))
        .toolChoice(choice)
        .build();

    await(provider.chat(request, context));

    wm.verify(postRequestedFor(urlEqualTo(GENERATE))
        .withRequestBody(equalToJson("{\"toolConfig\":{\"functionCallingConfig\":" + expected + "}}", false, true)));
  }

  @Test
  void chat_jsonSchemaResponseFormat_sendsConvertedResponseSchema() throws Exception {
    wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(okJson(GeminiFixtures.TEXT_RESPONSE)));
    Map<String, Object> schema = Map.of(
        "type", "object",
        "properties", Map.of("answer", Map.of("type", "string"), "confidence", Map.of("type", "number",
            "exclusiveMaximum", 1)),
        "required", List.of("answer", "confidence"),
        "additionalProperties", false);
    ChatRequest request = hello().toBuilder().responseFormat(ResponseFormat.jsonSchema("answer", schema, true)).build();

    await(provider.chat(request, context));

    wm.verify(postRequestedFor(urlEqualTo(GENERATE)).withRequestBody(equalToJson("""
        {"generationConfig": {
          "responseMimeType": "application/json",
          "responseSchema": {
            "type": "OBJECT",
            "properties": {"answer": {"type": "STRING"}, "confidence": {"type": "NUMBER"}},
            "required": ["answer", "confidence"]
          }
        }}
        """, false, true)));
  }

  @Test
  void chat_jsonSchemaModeJsonSchema_sendsSchemasVerbatimAsJsonSchemaFields() throws Exception {
    provider.close();
    provider = builder().schemaMode(GeminiProvider.SchemaMode.JSON_SCHEMA).build();
    wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(okJson(GeminiFixtures.TEXT_RESPONSE)));
    Map<String, Object> schema = Map.of("type", "object", "properties", Map.of("a", Map.of("type", "string")),
        "additionalProperties", false);
    ChatRequest request = hello().toBuilder()
        .addTool(Tool.function("f", null, schema))
        .responseFormat(ResponseFormat.jsonSchema("out", schema, null))
        .build();

    await(provider.chat(request, context));

    wm.verify(postRequestedFor(urlEqualTo(GENERATE)).withRequestBody(equalToJson("""
        {
          "tools": [{"functionDeclarations": [{"name": "f", "parametersJsonSchema":
            {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": false}}]}],
          "generationConfig": {"responseMimeType": "application/json", "responseJsonSchema":
            {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": false}}
        }
        """, false, true)));
  }

  @Test
  void chat_webImageUrl_failsNamingThePartWithoutCallingUpstream() {
    ChatRequest request = ChatRequest.builder().model(MODEL)
        .addMessage(Message.user(List.of(ContentPart.text("Describe"),
            ContentPart.imageUrl("https://example.com/cat.png"))))
        .build();

    Throwable failure = failureOf(provider.chat(request, context));

    assertThat(failure).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("gemini-main")
        .hasMessageContaining("messages[0].content[1]");
    assertThat(((SwitchboardException) failure).param()).isEqualTo("messages[0].content[1].image_url.url");
    wm.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void chat_filesApiAndCloudStorageImages_sendFileData() throws Exception {
    wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(okJson(GeminiFixtures.TEXT_RESPONSE)));
    ChatRequest request = ChatRequest.builder().model(MODEL)
        .addMessage(Message.user(List.of(
            ContentPart.imageUrl("https://generativelanguage.googleapis.com/v1beta/files/abc-123"),
            ContentPart.imageUrl("gs://bucket/photos/cat.jpg"))))
        .build();

    await(provider.chat(request, context));

    wm.verify(postRequestedFor(urlEqualTo(GENERATE)).withRequestBody(equalToJson("""
        {"contents": [{"role": "user", "parts": [
          {"fileData": {"fileUri": "https://generativelanguage.googleapis.com/v1beta/files/abc-123"}},
          {"fileData": {"mimeType": "image/jpeg", "fileUri": "gs://bucket/photos/cat.jpg"}}
        ]}]}
        """, false, true)));
  }

  @Test
  void chat_unsupportedParameter_failsNamingItUnlessDropped() throws Exception {
    ChatRequest request = hello().toBuilder().extraParameter("logit_bias", Map.of("50256", -100)).build();

    Throwable failure = failureOf(provider.chat(request, context));

    assertThat(failure).isInstanceOf(InvalidRequestException.class).hasMessageContaining("logit_bias")
        .hasMessageContaining("drop_unsupported_params");
    assertThat(((SwitchboardException) failure).param()).isEqualTo("logit_bias");
    assertThat(((SwitchboardException) failure).details().provider()).isEqualTo("gemini-main");
    wm.verify(0, anyRequestedFor(anyUrl()));

    provider.close();
    provider = builder().dropUnsupportedParams(true).build();
    wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(okJson(GeminiFixtures.TEXT_RESPONSE)));
    await(provider.chat(request.toBuilder().parallelToolCalls(false).build(), context));
    wm.verify(postRequestedFor(urlEqualTo(GENERATE)).withRequestBody(equalToJson(
        "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello!\"}]}]}", false, false)));
  }

  @Test
  void chat_parallelToolCallsFalse_failsNamingIt() {
    Throwable failure = failureOf(provider.chat(hello().toBuilder().parallelToolCalls(false).build(), context));

    assertThat(failure).isInstanceOf(InvalidRequestException.class);
    assertThat(((SwitchboardException) failure).param()).isEqualTo("parallel_tool_calls");
  }

  @Test
  void chat_toolResultForUnknownCall_failsNamingToolCallId() {
    ChatRequest request = ChatRequest.builder().model(MODEL)
        .addMessage(Message.user("hi"))
        .addMessage(Message.tool("call_missing", "42"))
        .build();

    Throwable failure = failureOf(provider.chat(request, context));

    assertThat(failure).isInstanceOf(InvalidRequestException.class).hasMessageContaining("call_missing");
    assertThat(((SwitchboardException) failure).param()).isEqualTo("messages[1].tool_call_id");
  }

  @Test
  void chat_onlySystemMessages_failsNamingMessages() {
    ChatRequest request = ChatRequest.builder().model(MODEL).addMessage(Message.system("be nice")).build();

    Throwable failure = failureOf(provider.chat(request, context));

    assertThat(((SwitchboardException) failure).param()).isEqualTo("messages");
  }

  // ---------------------------------------------------------------- responses

  @Test
  void chat_textResponse_mapsMessageFinishAndUsageWithThoughtsAndCache() throws Exception {
    wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(okJson(GeminiFixtures.TEXT_RESPONSE)));

    ChatResponse response = await(provider.chat(hello(), context));

    assertThat(response.id()).isEqualTo("mAitaKDbG5qmz7IPxbG6kQk");
    assertThat(response.model()).isEqualTo("gemini-2.5-flash");
    assertThat(response.created()).isEqualTo(NOW.getEpochSecond());
    assertThat(response.choices()).hasSize(1);
    assertThat(response.choices().get(0).message().role()).isEqualTo(Role.ASSISTANT);
    assertThat(response.text()).isEqualTo("Paris is the capital of France.");
    assertThat(response.choices().get(0).finishReason()).isEqualTo(FinishReason.STOP);
    // completion = candidates (8) + thoughts (42), as OpenAI counts reasoning inside completion tokens
    assertThat(response.usage()).isEqualTo(Usage.builder().promptTokens(120).completionTokens(50).totalTokens(170)
        .cachedTokens(100).reasoningTokens(42).build());
  }

  @Test
  void chat_functionCallsWithoutIds_mapToToolCallsWithStableGeneratedIds() throws Exception {
    wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(okJson(GeminiFixtures.FUNCTION_CALL_RESPONSE)));

    ChatResponse response = await(provider.chat(hello(), context));

    assertThat(response.text()).as("thought parts are not content").isNull();
    assertThat(response.toolCalls()).containsExactly(
        ToolCall.function("call_0", "get_weather", "{\"location\":\"Paris\",\"unit\":\"celsius\"}"),
        ToolCall.function("call_1", "get_weather", "{\"location\":\"Tokyo\"}"));
    assertThat(response.choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(response.id()).isEqualTo("gemini-req_0123456789abcdef");
  }

  @Test
  void chat_functionCallWithIdAndThoughtSignature_keepsBothAndSendsTheSignatureBack() throws Exception {
    wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(okJson(GeminiFixtures.FUNCTION_CALL_WITH_ID_RESPONSE)));

    ChatResponse first = await(provider.chat(hello(), context));
    ToolCall call = first.toolCalls().get(0);
    assertThat(call.id()).isEqualTo("fc-7f3a__thought__CiQBjz1rX2sig");

    ChatRequest followUp = hello().toBuilder()
        .addMessage(Message.assistant(List.of(call)))
        .addMessage(Message.tool(call.id(), "{\"temperature\":21}"))
        .build();
    await(provider.chat(followUp, context));

    wm.verify(postRequestedFor(urlEqualTo(GENERATE)).withRequestBody(equalToJson("""
        {"contents": [
          {"role": "user", "parts": [{"text": "Hello!"}]},
          {"role": "model", "parts": [{"functionCall": {"name": "get_weather", "args": {"location": "Paris"}},
            "thoughtSignature": "CiQBjz1rX2sig"}]},
          {"role": "user", "parts": [{"functionResponse": {"name": "get_weather", "response": {"temperature": 21}}}]}
        ]}
        """, false, true)));
  }

  static Stream<Arguments> finishReasons() {
    return Stream.of(
        Arguments.of("STOP", FinishReason.STOP),
        Arguments.of("MAX_TOKENS", FinishReason.LENGTH),
        Arguments.of("SAFETY", FinishReason.CONTENT_FILTER),
        Arguments.of("RECITATION", FinishReason.CONTENT_FILTER),
        Arguments.of("BLOCKLIST", FinishReason.CONTENT_FILTER),
        Arguments.of("PROHIBITED_CONTENT", FinishReason.CONTENT_FILTER),
        Arguments.of("SPII", FinishReason.CONTENT_FILTER),
        Arguments.of("MALFORMED_FUNCTION_CALL", FinishReason.of("malformed_function_call")),
        Arguments.of("OTHER", FinishReason.of("other")));
  }

  @ParameterizedTest
  @MethodSource("finishReasons")
  void chat_finishReason_mapsToOpenAiValue(String gemini, FinishReason expected) throws Exception {
    wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(okJson(GeminiFixtures.finishedWith(gemini))));

    ChatResponse response = await(provider.chat(hello(), context));

    assertThat(response.choices().get(0).finishReason()).isEqualTo(expected);
  }

  @Test
  void chat_promptBlocked_failsWithContentPolicyException() {
    wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(okJson(GeminiFixtures.PROMPT_BLOCKED_RESPONSE)));

    Throwable failure = failureOf(provider.chat(hello(), context));

    assertThat(failure).isInstanceOf(ContentPolicyException.class).hasMessageContaining("SAFETY");
    assertThat(((SwitchboardException) failure).code()).isEqualTo("content_policy_violation");
    assertThat(((SwitchboardException) failure).details().provider()).isEqualTo("gemini-main");
  }

  @Test
  void chat_malformedBody_failsWithRetryableUpstreamException() {
    wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(okJson("{\"candidates\": [")));

    Throwable failure = failureOf(provider.chat(hello(), context));

    assertThat(failure).isInstanceOf(UpstreamException.class).hasMessageContaining("gemini-main");
    assertThat(((SwitchboardException) failure).isRetryable()).isTrue();
  }

  // ---------------------------------------------------------------- errors

  static Stream<Arguments> errorStatuses() {
    return Stream.of(
        Arguments.of(400, "INVALID_ARGUMENT", "Request contains an invalid argument.", InvalidRequestException.class,
            false),
        Arguments.of(400, "INVALID_ARGUMENT", "The input token count (1200000) exceeds the maximum number of tokens "
            + "allowed (1048576).", ContextWindowExceededException.class, false),
        Arguments.of(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.",
            AuthenticationException.class, false),
        Arguments.of(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers.",
            PermissionDeniedException.class, false),
        Arguments.of(404, "NOT_FOUND", "models/gemini-9 is not found for API version v1beta.",
            NotFoundException.class, false),
        Arguments.of(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).",
            RateLimitedException.class, true),
        Arguments.of(500, "INTERNAL", "An internal error has occurred.", UpstreamException.class, true),
        Arguments.of(503, "UNAVAILABLE", "The model is overloaded. Please try again later.",
            UpstreamUnavailableException.class, true),
        Arguments.of(504, "DEADLINE_EXCEEDED", "Deadline expired before operation could complete.",
            UpstreamTimeoutException.class, true));
  }

  @ParameterizedTest
  @MethodSource("errorStatuses")
  void chat_googleErrorStatus_mapsToTypedError(int status, String googleStatus, String message,
      Class<? extends SwitchboardException> type, boolean retryable) {
    // Google echoes the key in some messages: it must never reach ours.
    wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(googleError(status,
        GeminiFixtures.error(status, googleStatus, message + " key=" + KEY))));

    Throwable failure = failureOf(provider.chat(hello(), context));

    assertThat(failure).isInstanceOf(type).hasMessageContaining(message).hasMessageNotContaining(KEY);
    SwitchboardException e = (SwitchboardException) failure;
    assertThat(e.isRetryable()).isEqualTo(retryable);
    assertThat(e.details().upstreamStatus()).isEqualTo(status);
    assertThat(e.details().provider()).isEqualTo("gemini-main");
    assertThat(e.details().model()).isEqualTo(MODEL);
    assertThat(e.details().requestId()).isEqualTo("req_0123456789abcdef");
    if (type == ContextWindowExceededException.class) {
      assertThat(e.code()).isEqualTo("context_length_exceeded");
    } else {
      assertThat(e.code()).isEqualTo(googleStatus);
    }
  }

  @Test
  void chat_rateLimitedWithRetryInfo_carriesRetryDelay() {
    wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(googleError(429, GeminiFixtures.RATE_LIMITED)));

    Throwable failure = failureOf(provider.chat(hello(), context));

    assertThat(failure).isInstanceOf(RateLimitedException.class);
    assertThat(((SwitchboardException) failure).retryAfter()).isEqualTo(Duration.ofSeconds(37));
    assertThat(((SwitchboardException) failure).isRetryable()).isTrue();
  }

  @Test
  void chat_badRequestWithFieldViolation_namesTheField() {
    wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(googleError(400, GeminiFixtures.BAD_REQUEST_WITH_FIELD)));

    Throwable failure = failureOf(provider.chat(hello(), context));

    assertThat(failure).isInstanceOf(InvalidRequestException.class);
    assertThat(((SwitchboardException) failure).param()).isEqualTo("generation_config.temperature");
  }

  @Test
  void chat_vertexErrorWrappedInArray_isRead() {
    wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(googleError(404,
        "[" + GeminiFixtures.error(404, "NOT_FOUND", "Publisher Model was not found.") + "]")));

    Throwable failure = failureOf(provider.chat(hello(), context));

    assertThat(failure).isInstanceOf(NotFoundException.class).hasMessageContaining("Publisher Model was not found.");
  }

  // ---------------------------------------------------------------- streaming

  @Test
  void stream_text_roleFirstThenDeltasFinishAndUsageChunk() {
    wm.stubFor(post(urlEqualTo(STREAM)).willReturn(eventStream(GeminiFixtures.TEXT_STREAM)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.error()).isNull();
    assertThat(subscriber.isCompleted()).isTrue();
    List<ChatChunk> chunks = subscriber.items();
    assertThat(chunks).hasSize(4);
    assertThat(chunks.get(0).choices().get(0).delta().role()).isEqualTo(Role.ASSISTANT);
    assertThat(chunks.get(0).text()).isEqualTo("The");
    assertThat(chunks.get(1).choices().get(0).delta().role()).isNull();
    assertThat(chunks.get(1).text()).isEqualTo(" capital is");
    assertThat(chunks.get(2).text()).isEqualTo(" Paris.");
    assertThat(chunks.get(2).choices().get(0).finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(chunks.get(3).choices()).isEmpty();
    assertThat(chunks.get(3).usage()).isEqualTo(Usage.builder().promptTokens(7).completionTokens(17).totalTokens(24)
        .reasoningTokens(12).build());
    assertThat(chunks).allSatisfy(c -> {
      assertThat(c.id()).isEqualTo("resp-stream-1");
      assertThat(c.model()).isEqualTo("gemini-2.5-flash");
      assertThat(c.created()).isEqualTo(NOW.getEpochSecond());
    });
    wm.verify(postRequestedFor(urlEqualTo(STREAM))
        .withHeader("Accept", equalTo("text/event-stream"))
        .withHeader("x-goog-api-key", equalTo(KEY))
        .withRequestBody(equalToJson("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello!\"}]}]}",
            false, false)));
  }

  @Test
  void stream_functionCall_completeToolCallDeltaThenToolCallsFinish() {
    wm.stubFor(post(urlEqualTo(STREAM)).willReturn(eventStream(GeminiFixtures.FUNCTION_CALL_STREAM)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.error()).isNull();
    List<ChatChunk> chunks = subscriber.items();
    assertThat(chunks).hasSize(2);
    assertThat(chunks.get(0).choices().get(0).delta().role()).isEqualTo(Role.ASSISTANT);
    assertThat(chunks.get(0).choices().get(0).delta().toolCalls()).containsExactly(ToolCallDelta.builder()
        .index(0).id("call_0").type("function").name("get_weather").arguments("{\"location\":\"Paris\"}").build());
    assertThat(chunks.get(0).choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(chunks.get(1).usage()).isEqualTo(Usage.of(50, 6));
  }

  @Test
  void stream_demandOfOne_deliversOneChunkAtATimeAndCancelReleasesTheConnection() {
    wm.stubFor(post(urlEqualTo(STREAM)).willReturn(eventStream(GeminiFixtures.TEXT_STREAM)));
    TestSubscriber<ChatChunk> subscriber = TestSubscriber.withoutDemand();
    provider.stream(hello(), context).subscribe(subscriber);
    subscriber.awaitSubscribed();
    wm.verify(0, anyRequestedFor(anyUrl())); // nothing is sent before the first demand

    subscriber.request(1);
    assertThat(subscriber.awaitItems(1)).hasSize(1);
    assertThat(subscriber.items()).hasSize(1);
    assertThat(subscriber.isTerminated()).isFalse();
    subscriber.request(1);
    assertThat(subscriber.awaitItems(2).get(1).text()).isEqualTo(" capital is");
    subscriber.cancel();

    assertThat(subscriber.isTerminated()).isFalse();
    subscriber.assertNoViolations();
    // the @AfterEach leak check proves the cancelled body released its connection
  }

  @Test
  void chat_twoCandidates_mapToTwoChoices() throws Exception {
    String twoCandidates = """
        {"candidates": [
          {"content": {"parts": [{"text": "One"}], "role": "model"}, "finishReason": "STOP", "index": 0},
          {"content": {"parts": [{"text": "Two"}], "role": "model"}, "finishReason": "MAX_TOKENS", "index": 1}
        ],
        "usageMetadata": {"promptTokenCount": 4, "candidatesTokenCount": 2, "totalTokenCount": 6}}
        """;
    wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(okJson(twoCandidates)));

    ChatResponse response = await(provider.chat(hello().toBuilder().n(2).build(), context));

    assertThat(response.choices()).extracting(c -> c.index()).containsExactly(0, 1);
    assertThat(response.choices()).extracting(c -> c.message().text()).containsExactly("One", "Two");
    assertThat(response.choices()).extracting(c -> c.finishReason())
        .containsExactly(FinishReason.STOP, FinishReason.LENGTH);
    assertThat(response.model()).isEqualTo(MODEL);
  }

  @Test
  void stream_bodyEndsBeforeFinishReason_failsInsteadOfCompleting() {
    String cut = GeminiFixtures.TEXT_STREAM.substring(0, GeminiFixtures.TEXT_STREAM.indexOf("data:", 10));
    wm.stubFor(post(urlEqualTo(STREAM)).willReturn(eventStream(cut)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.items()).hasSize(1);
    assertThat(subscriber.error()).isInstanceOf(UpstreamException.class).hasMessageContaining("finishReason");
  }

  @Test
  void stream_errorEventMidStream_failsWithMappedError() {
    String body = GeminiFixtures.TEXT_STREAM.substring(0, GeminiFixtures.TEXT_STREAM.indexOf("data:", 10))
        + "data: " + GeminiFixtures.error(503, "UNAVAILABLE", "The model is overloaded.").replace("\n", "") + "\r\n\r\n";
    wm.stubFor(post(urlEqualTo(STREAM)).willReturn(eventStream(body)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.items()).hasSize(1);
    assertThat(subscriber.error()).isInstanceOf(UpstreamUnavailableException.class)
        .hasMessageContaining("The model is overloaded.");
  }

  @Test
  void stream_promptBlocked_failsWithContentPolicyBeforeAnyChunk() {
    wm.stubFor(post(urlEqualTo(STREAM)).willReturn(eventStream(
        "data: " + GeminiFixtures.PROMPT_BLOCKED_RESPONSE.replace("\n", "") + "\r\n\r\n")));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.items()).isEmpty();
    assertThat(subscriber.error()).isInstanceOf(ContentPolicyException.class);
  }

  @Test
  void stream_rateLimited_failsWithRetryableErrorAndRetryAfter() {
    wm.stubFor(post(urlEqualTo(STREAM)).willReturn(googleError(429, GeminiFixtures.RATE_LIMITED)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.items()).isEmpty();
    assertThat(subscriber.error()).isInstanceOf(RateLimitedException.class);
    assertThat(((SwitchboardException) subscriber.error()).retryAfter()).isEqualTo(Duration.ofSeconds(37));
  }

  @Test
  void stream_invalidRequest_failsOnSubscribeWithoutCallingUpstream() {
    ChatRequest request = hello().toBuilder().extraParameter("logprobs", true).build();

    TestSubscriber<ChatChunk> subscriber = streamAll(request);

    assertThat(subscriber.error()).isInstanceOf(InvalidRequestException.class);
    assertThat(((SwitchboardException) subscriber.error()).param()).isEqualTo("logprobs");
    wm.verify(0, anyRequestedFor(anyUrl()));
  }

  // ---------------------------------------------------------------- embeddings and models

  @Test
  void embed_oneInput_usesEmbedContent() throws Exception {
    wm.stubFor(post(urlEqualTo("/v1beta/models/text-embedding-004:embedContent"))
        .willReturn(okJson(GeminiFixtures.EMBED_ONE_RESPONSE)));
    EmbeddingRequest request = EmbeddingRequest.builder().model("text-embedding-004").input("hello world")
        .dimensions(3).extraParameter("task_type", "RETRIEVAL_QUERY").build();

    EmbeddingResponse response = await(provider.embed(request, context));

    assertThat(response.data()).hasSize(1);
    assertThat(response.data().get(0).vector()).containsExactly(0.013168523f, -0.008711934f, -0.046782676f);
    assertThat(response.model()).isEqualTo("text-embedding-004");
    wm.verify(postRequestedFor(urlEqualTo("/v1beta/models/text-embedding-004:embedContent"))
        .withHeader("x-goog-api-key", equalTo(KEY))
        .withRequestBody(equalToJson("{\"content\":{\"parts\":[{\"text\":\"hello world\"}]},"
            + "\"taskType\":\"RETRIEVAL_QUERY\",\"outputDimensionality\":3}", false, false)));
  }

  @Test
  void embed_manyInputs_usesBatchEmbedContentsInOrder() throws Exception {
    wm.stubFor(post(urlEqualTo("/v1beta/models/text-embedding-004:batchEmbedContents"))
        .willReturn(okJson(GeminiFixtures.EMBED_BATCH_RESPONSE)));
    EmbeddingRequest request = EmbeddingRequest.builder().model("text-embedding-004")
        .input(List.of("first", "second")).build();

    EmbeddingResponse response = await(provider.embed(request, context));

    assertThat(response.data()).extracting(e -> e.index()).containsExactly(0, 1);
    assertThat(response.data().get(1).vector()).containsExactly(0.4f, 0.5f, 0.6f);
    wm.verify(postRequestedFor(urlEqualTo("/v1beta/models/text-embedding-004:batchEmbedContents"))
        .withRequestBody(equalToJson("""
            {"requests": [
              {"model": "models/text-embedding-004", "content": {"parts": [{"text": "first"}]}},
              {"model": "models/text-embedding-004", "content": {"parts": [{"text": "second"}]}}
            ]}
            """, false, false)));
  }

  @Test
  void models_list_stripsTheModelsPrefix() throws Exception {
    wm.stubFor(get(urlEqualTo("/v1beta/models?pageSize=1000")).willReturn(okJson(GeminiFixtures.MODELS_RESPONSE)));

    List<ModelInfo> models = await(provider.models(context));

    assertThat(models).extracting(ModelInfo::id).containsExactly("gemini-2.5-flash", "text-embedding-004");
    assertThat(models).extracting(ModelInfo::ownedBy).containsOnly("google");
    wm.verify(getRequestedFor(urlEqualTo("/v1beta/models?pageSize=1000")).withHeader("x-goog-api-key", equalTo(KEY)));
  }

  // ---------------------------------------------------------------- Vertex AI

  private static final String VERTEX_PREFIX = "/v1/projects/my-project/locations/us-central1/publishers/google/models/";

  private GeminiProvider vertex(AtomicInteger tokensAsked) {
    return GeminiProvider.vertexAiBuilder("my-project", "us-central1")
        .baseUrl(wm.baseUrl() + "/v1")
        .accessToken(() -> "ya29.token-" + tokensAsked.incrementAndGet())
        .providerName("vertex-main")
        .transport(transport)
        .build();
  }

  @Test
  void chat_vertexAi_usesProjectLocationPathAndBearerTokenAskedPerCall() throws Exception {
    AtomicInteger tokens = new AtomicInteger();
    String path = VERTEX_PREFIX + "gemini-2.5-pro:generateContent";
    wm.stubFor(post(urlEqualTo(path)).willReturn(okJson(GeminiFixtures.TEXT_RESPONSE)));
    try (GeminiProvider vertex = vertex(tokens)) {
      ChatRequest request = hello().toBuilder().model("gemini-2.5-pro").build();

      assertThat(await(vertex.chat(request, context)).text()).isEqualTo("Paris is the capital of France.");
      await(vertex.chat(request, context));
    }

    wm.verify(postRequestedFor(urlEqualTo(path)).withHeader("Authorization", equalTo("Bearer ya29.token-1"))
        .withHeader("x-goog-api-key", absent()));
    wm.verify(postRequestedFor(urlEqualTo(path)).withHeader("Authorization", equalTo("Bearer ya29.token-2")));
  }

  @Test
  void stream_vertexAi_usesStreamGenerateContentWithSse() {
    String path = VERTEX_PREFIX + "gemini-2.5-flash:streamGenerateContent?alt=sse";
    wm.stubFor(post(urlEqualTo(path)).willReturn(eventStream(GeminiFixtures.TEXT_STREAM)));
    try (GeminiProvider vertex = vertex(new AtomicInteger())) {
      TestSubscriber<ChatChunk> subscriber = TestSubscriber.unbounded();
      vertex.stream(hello(), context).subscribe(subscriber);
      subscriber.awaitTerminal();

      assertThat(subscriber.error()).isNull();
      assertThat(subscriber.items()).hasSize(4);
    }
  }

  @Test
  void embed_vertexAi_usesPredictAndSumsTokenCounts() throws Exception {
    String path = VERTEX_PREFIX + "text-embedding-005:predict";
    wm.stubFor(post(urlEqualTo(path)).willReturn(okJson(GeminiFixtures.VERTEX_EMBED_RESPONSE)));
    try (GeminiProvider vertex = vertex(new AtomicInteger())) {
      EmbeddingRequest request = EmbeddingRequest.builder().model("text-embedding-005")
          .input(List.of("first text", "second")).dimensions(2).build();

      EmbeddingResponse response = await(vertex.embed(request, context));

      assertThat(response.data().get(0).vector()).containsExactly(0.5f, -0.25f);
      assertThat(response.data().get(1).vector()).containsExactly(0.125f, 1.0f);
      assertThat(response.usage().promptTokens()).isEqualTo(10);
    }
    wm.verify(postRequestedFor(urlEqualTo(path)).withRequestBody(equalToJson("""
        {"instances": [{"content": "first text"}, {"content": "second"}],
         "parameters": {"outputDimensionality": 2}}
        """, false, false)));
  }

  @Test
  void chat_vertexAiTokenSupplierFails_failsWithAuthenticationWithoutCallingUpstream() {
    try (GeminiProvider vertex = GeminiProvider.vertexAiBuilder("p", "global").baseUrl(wm.baseUrl() + "/v1")
        .accessToken(() -> {
          throw new IllegalStateException("refresh failed");
        })
        .transport(transport).build()) {
      Throwable failure = failureOf(vertex.chat(hello(), context));

      assertThat(failure).isInstanceOf(AuthenticationException.class);
    }
    wm.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void vertexAiBuilder_globalLocation_usesTheGlobalHost() {
    try (GeminiProvider vertex = GeminiProvider.vertexAiBuilder("p", "global").accessToken("t").build()) {
      assertThat(vertex.baseUrl()).isEqualTo("https://aiplatform.googleapis.com/v1");
      assertThat(vertex.isVertexAi()).isTrue();
      assertThat(vertex.toString()).contains("accessToken=****");
    }
    try (GeminiProvider regional = GeminiProvider.vertexAiBuilder("p", "europe-west4").accessToken("t").build()) {
      assertThat(regional.baseUrl()).isEqualTo("https://europe-west4-aiplatform.googleapis.com/v1");
    }
  }

  @Test
  void toString_neverShowsTheKey() {
    assertThat(provider.toString()).doesNotContain(KEY).contains("apiKey=****");
  }
}

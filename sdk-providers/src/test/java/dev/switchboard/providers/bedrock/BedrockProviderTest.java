package dev.switchboard.providers.bedrock;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.switchboard.providers.bedrock.BedrockFixtures.REQUEST_ID;
import static dev.switchboard.providers.bedrock.BedrockFixtures.converse;
import static dev.switchboard.providers.bedrock.BedrockFixtures.error;
import static dev.switchboard.providers.bedrock.BedrockFixtures.eventStream;
import static dev.switchboard.providers.internal.aws.EventStreamEncoder.concat;
import static dev.switchboard.providers.internal.aws.EventStreamEncoder.event;
import static dev.switchboard.providers.internal.aws.EventStreamEncoder.exception;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
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
import dev.switchboard.providers.internal.aws.AwsCredentials;
import dev.switchboard.providers.internal.aws.SigV4Signer;
import dev.switchboard.providers.openai.TransportProbe;
import dev.switchboard.providers.testing.RawHttpServer;
import dev.switchboard.providers.testing.TestSubscriber;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
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

class BedrockProviderTest {

  @RegisterExtension
  static final WireMockExtension wm =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final String ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  private static final String SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLEsessionTOKEN";
  private static final String API_KEY = "ABSKQmVkcm9ja0FQSUtleS1leGFtcGxlLWtleQ==";
  private static final String MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0";
  private static final String CONVERSE_PATH = "/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse";
  private static final String STREAM_PATH = "/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream";
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final long GUARD_SECONDS = 10;
  private static final OkHttpTransport transport = OkHttpTransport.builder().build();

  private final CallContext context = CallContext.builder("req_0123456789abcdef")
      .providerName("bedrock-main")
      .deploymentId("bedrock-main/claude")
      .build();
  private final BedrockProvider provider = signed(wm.baseUrl(), null);

  @AfterEach
  void noLeakedCalls() {
    provider.close();
    TransportProbe.assertNoOpenCalls(transport);
  }

  @AfterAll
  static void closeTransport() {
    transport.close();
  }

  private static BedrockProvider signed(String baseUrl, String sessionToken) {
    return BedrockProvider.builder()
        .region("us-east-1")
        .baseUrl(baseUrl)
        .credentials(ACCESS_KEY_ID, SECRET, sessionToken)
        .providerName("bedrock-main")
        .transport(transport)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC))
        .build();
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

  private TestSubscriber<ChatChunk> streamAll(BedrockProvider p, ChatRequest request) {
    TestSubscriber<ChatChunk> subscriber = TestSubscriber.unbounded();
    p.stream(request, context).subscribe(subscriber);
    return subscriber.awaitTerminal();
  }

  /** Recomputes the signature of the request as the server received it: it must equal the one sent. */
  private static void assertSignedAsReceived(LoggedRequest received, String sessionToken) {
    SigV4Signer.Request asReceived = SigV4Signer.Request.builder().method(received.getMethod().getName())
        .path(received.getUrl())
        .header("Content-Type", received.getHeader("Content-Type"))
        .header("Host", received.getHeader("Host"))
        .body(received.getBody())
        .build();
    SigV4Signer.Signature expected = new SigV4Signer("bedrock", "us-east-1")
        .sign(asReceived, AwsCredentials.of(ACCESS_KEY_ID, SECRET, sessionToken), NOW);
    assertThat(received.getHeader("X-Amz-Date")).isEqualTo("20260301T120000Z");
    assertThat(received.getHeader("Authorization")).isEqualTo(expected.authorization())
        .startsWith("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260301/us-east-1/bedrock/aws4_request, "
            + "SignedHeaders=content-type;host;x-amz-date" + (sessionToken == null ? ", " : ";x-amz-security-token, "));
  }

  // ---------------------------------------------------------------- outbound request

  @Test
  void chat_richRequest_sendsConverseBodyFieldByField() throws Exception {
    wm.stubFor(post(CONVERSE_PATH).willReturn(converse(BedrockFixtures.TEXT_RESPONSE)));
    Map<String, Object> songSchema = new LinkedHashMap<>();
    songSchema.put("type", "object");
    songSchema.put("properties", Map.of("song", Map.of("type", "string")));
    songSchema.put("required", List.of("song"));
    songSchema.put("additionalProperties", false);
    ChatRequest request = ChatRequest.builder()
        .model(MODEL)
        .addMessage(Message.system("You are a radio DJ assistant."))
        .addMessage(Message.developer("Answer in one sentence."))
        .addMessage(Message.user(List.of(ContentPart.text("What is this station's top song?"),
            ContentPart.imageUrl("data:image/png;base64,iVBORw0KGgo=", "low"))))
        .addMessage(Message.assistant(List.of(
            ToolCall.function("tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", "top_song", "{\"sign\":\"WZPZ\"}"))))
        .addMessage(Message.tool("tooluse_kZJMlvQmRJ6eAyJE5GIl7Q",
            "{\"song\":\"Elemental Hotel\",\"artist\":\"8 Storey Hike\"}"))
        .addMessage(Message.user("Thanks! And on WKRP?"))
        .temperature(0.5)
        .topP(0.9)
        .maxTokens(100)
        .maxCompletionTokens(512)
        .stop(List.of("\n\nHuman:"))
        .seed(42L)
        .presencePenalty(0.5)
        .frequencyPenalty(0.25)
        .user("user-1234")
        .metadata("team", "radio")
        .addTool(Tool.builder().name("top_song").description("Get the most popular song played on a radio station.")
            .parameters(Map.of("type", "object",
                "properties", Map.of("sign", Map.of("type", "string", "description", "The call sign.")),
                "required", List.of("sign")))
            .strict(true).build())
        .toolChoice(ToolChoice.function("top_song"))
        .parallelToolCalls(false)
        .responseFormat(ResponseFormat.jsonSchema("song_report", songSchema, true))
        .extraParameter("additionalModelRequestFields", Map.of("top_k", 50))
        .extraParameter("guardrailConfig", Map.of("guardrailIdentifier", "gr-abc123", "guardrailVersion", "1"))
        .extraParameter("logit_bias", Map.of("50256", -100))
        .extraParameter("reasoning_effort", "low")
        .build();

    await(provider.chat(request, context.toBuilder().header("X-Trace", "trace-7").build()));

    wm.verify(postRequestedFor(urlEqualTo(CONVERSE_PATH))
        .withHeader("Content-Type", equalTo("application/json"))
        .withHeader("Accept", equalTo("application/json"))
        .withHeader("X-Trace", equalTo("trace-7"))
        .withHeader("X-Amz-Security-Token", absent())
        .withRequestBody(equalToJson("""
            {
              "messages": [
                {"role": "user", "content": [
                  {"text": "What is this station's top song?"},
                  {"image": {"format": "png", "source": {"bytes": "iVBORw0KGgo="}}}
                ]},
                {"role": "assistant", "content": [
                  {"toolUse": {"toolUseId": "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", "name": "top_song",
                               "input": {"sign": "WZPZ"}}}
                ]},
                {"role": "user", "content": [
                  {"toolResult": {"toolUseId": "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", "content": [
                    {"text": "{\\"song\\":\\"Elemental Hotel\\",\\"artist\\":\\"8 Storey Hike\\"}"}]}},
                  {"text": "Thanks! And on WKRP?"}
                ]}
              ],
              "system": [{"text": "You are a radio DJ assistant."}, {"text": "Answer in one sentence."}],
              "inferenceConfig": {"maxTokens": 512, "temperature": 0.5, "topP": 0.9,
                                  "stopSequences": ["\\n\\nHuman:"]},
              "toolConfig": {
                "tools": [{"toolSpec": {
                  "name": "top_song",
                  "description": "Get the most popular song played on a radio station.",
                  "inputSchema": {"json": {"type": "object",
                    "properties": {"sign": {"type": "string", "description": "The call sign."}},
                    "required": ["sign"]}},
                  "strict": true}}],
                "toolChoice": {"tool": {"name": "top_song"}}
              },
              "outputConfig": {"textFormat": {"type": "json_schema", "structure": {"jsonSchema": {
                "schema": "{\\"type\\":\\"object\\",\\"properties\\":{\\"song\\":{\\"type\\":\\"string\\"}},\\"required\\":[\\"song\\"],\\"additionalProperties\\":false}",
                "name": "song_report"}}}},
              "requestMetadata": {"team": "radio"},
              "additionalModelRequestFields": {"top_k": 50},
              "guardrailConfig": {"guardrailIdentifier": "gr-abc123", "guardrailVersion": "1"}
            }
            """, false, false)));
  }

  @Test
  void chat_sigV4_signsWhatIsSentWithTheFixedClock() throws Exception {
    wm.stubFor(post(CONVERSE_PATH).willReturn(converse(BedrockFixtures.TEXT_RESPONSE)));

    await(provider.chat(hello(), context));

    List<LoggedRequest> sent = wm.findAll(postRequestedFor(urlEqualTo(CONVERSE_PATH)));
    assertThat(sent).hasSize(1);
    assertSignedAsReceived(sent.get(0), null);
    assertThat(sent.get(0).getHeader("X-Amz-Security-Token")).isNull();
    assertThat(sent.get(0).getBodyAsString()).isEqualTo(
        "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hello!\"}]}]}");
  }

  @Test
  void chat_sessionTokenAndArnModelId_sendsTheTokenAndSignsTheEncodedPath() throws Exception {
    String arn = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/"
        + "us.anthropic.claude-3-5-sonnet-20241022-v2:0";
    String path = "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2F"
        + "us.anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse";
    wm.stubFor(post(urlEqualTo(path)).willReturn(converse(BedrockFixtures.TEXT_RESPONSE)));

    try (BedrockProvider temporary = signed(wm.baseUrl(), SESSION_TOKEN)) {
      ChatResponse response = await(temporary.chat(hello().toBuilder().model(arn).build(), context));
      assertThat(response.model()).isEqualTo(arn);
    }

    List<LoggedRequest> sent = wm.findAll(postRequestedFor(urlEqualTo(path)));
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).getHeader("X-Amz-Security-Token")).isEqualTo(SESSION_TOKEN);
    assertSignedAsReceived(sent.get(0), SESSION_TOKEN);
  }

  @Test
  void chat_bedrockApiKey_sendsBearerTokenAndNoSignature() throws Exception {
    wm.stubFor(post(CONVERSE_PATH).willReturn(converse(BedrockFixtures.TEXT_RESPONSE)));
    try (BedrockProvider keyed = BedrockProvider.builder().region("us-east-1").baseUrl(wm.baseUrl() + "/")
        .apiKey(API_KEY).transport(transport).build()) {

      await(keyed.chat(hello(), context));
    }

    wm.verify(postRequestedFor(urlEqualTo(CONVERSE_PATH))
        .withHeader("Authorization", equalTo("Bearer " + API_KEY))
        .withHeader("X-Amz-Date", absent())
        .withHeader("X-Amz-Security-Token", absent()));
  }

  @Test
  void chat_callHeadersNamingCredentialHeaders_doNotReplaceTheSignature() throws Exception {
    wm.stubFor(post(CONVERSE_PATH).willReturn(converse(BedrockFixtures.TEXT_RESPONSE)));
    CallContext sneaky = context.toBuilder().header("authorization", "Bearer someone-else")
        .header("X-Amz-Security-Token", "forged").header("X-Amz-Date", "19700101T000000Z").build();

    await(provider.chat(hello(), sneaky));

    LoggedRequest sent = wm.findAll(postRequestedFor(urlEqualTo(CONVERSE_PATH))).get(0);
    assertThat(sent.getHeader("X-Amz-Security-Token")).isNull();
    assertSignedAsReceived(sent, null);
  }

  @Test
  void chat_httpImageUrl_failsNamingThePartWithoutCallingBedrock() {
    ChatRequest request = ChatRequest.builder().model(MODEL).addMessage(Message.user(List.of(
        ContentPart.text("What is this?"), ContentPart.imageUrl("https://example.com/cat.png")))).build();

    Throwable failure = failureOf(provider.chat(request, context));

    assertThat(failure).isExactlyInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("bedrock-main (Bedrock Converse) cannot accept this request: "
            + "messages[0].content[1].image_url is a URL, but Bedrock Converse does not fetch images");
    assertThat(((SwitchboardException) failure).param()).isEqualTo("messages[0].content[1].image_url");
    assertThat(((SwitchboardException) failure).details().requestId()).isEqualTo("req_0123456789abcdef");
    assertThat(wm.findAll(postRequestedFor(urlEqualTo(CONVERSE_PATH)))).isEmpty();
  }

  static Stream<Arguments> unsupportedParameters() {
    ChatRequest base = hello();
    return Stream.of(
        Arguments.of(base.toBuilder().n(2).build(), "n"),
        Arguments.of(base.toBuilder().extraParameter("logprobs", true).build(), "logprobs"),
        Arguments.of(base.toBuilder().extraParameter("top_logprobs", 3).build(), "top_logprobs"),
        Arguments.of(base.toBuilder().responseFormat(ResponseFormat.jsonObject()).build(), "response_format"),
        Arguments.of(base.toBuilder().extraParameter("modalities", List.of("text", "audio")).build(), "modalities"),
        Arguments.of(base.toBuilder()
            .addMessage(Message.assistant(List.of(ToolCall.function("tooluse_1", "top_song", "{}"))))
            .addMessage(Message.tool("tooluse_1", "Elemental Hotel"))
            .addTool(Tool.function("top_song", null, null)).toolChoice(ToolChoice.none()).build(), "tool_choice"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("unsupportedParameters")
  void chat_unsupportedParameter_failsNamingItUnlessDropping(ChatRequest request, String param) throws Exception {
    Throwable failure = failureOf(provider.chat(request, context));

    assertThat(failure).isExactlyInstanceOf(InvalidRequestException.class).hasMessageContaining(param);
    assertThat(((SwitchboardException) failure).param()).isEqualTo(param);
    assertThat(((SwitchboardException) failure).code()).isEqualTo("unsupported_parameter");

    wm.stubFor(post(CONVERSE_PATH).willReturn(converse(BedrockFixtures.TEXT_RESPONSE)));
    try (BedrockProvider dropping = BedrockProvider.builder().region("us-east-1").baseUrl(wm.baseUrl())
        .apiKey(API_KEY).transport(transport).dropUnsupportedParams(true).build()) {
      assertThat(await(dropping.chat(request, context)).text()).isEqualTo("Hello! How can I help you today?");
    }
    String sent = wm.findAll(postRequestedFor(urlEqualTo(CONVERSE_PATH))).get(0).getBodyAsString();
    assertThat(sent).doesNotContain("logprobs", "\"n\"", "modalities", "outputConfig");
  }

  @Test
  void chat_toolChoiceNoneWithoutToolHistory_leavesTheToolsOut() throws Exception {
    wm.stubFor(post(CONVERSE_PATH).willReturn(converse(BedrockFixtures.TEXT_RESPONSE)));

    await(provider.chat(hello().toBuilder().addTool(Tool.function("top_song", "Top song.", null))
        .toolChoice(ToolChoice.none()).build(), context));

    wm.verify(postRequestedFor(urlEqualTo(CONVERSE_PATH)).withRequestBody(equalToJson(
        "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hello!\"}]}]}", false, false)));
  }

  @Test
  void chat_requiredToolChoiceS3ImageAndToolError_mapToAnyS3LocationAndStatus() throws Exception {
    wm.stubFor(post(CONVERSE_PATH).willReturn(converse(BedrockFixtures.TEXT_RESPONSE)));
    ChatRequest request = ChatRequest.builder().model(MODEL)
        .addMessage(Message.user(List.of(ContentPart.imageUrl("s3://my-bucket/photos/cat.JPG"))))
        .addMessage(Message.assistant(List.of(ToolCall.function("tooluse_2", "top_song", ""))))
        .addMessage(Message.tool("tooluse_2", "station unknown").toBuilder().extra("status", "error").build())
        .addTool(Tool.function("top_song", null, null))
        .toolChoice(ToolChoice.required())
        .build();

    await(provider.chat(request, context));

    wm.verify(postRequestedFor(urlEqualTo(CONVERSE_PATH)).withRequestBody(equalToJson("""
        {"messages": [
          {"role": "user", "content": [{"image": {"format": "jpeg",
            "source": {"s3Location": {"uri": "s3://my-bucket/photos/cat.JPG"}}}}]},
          {"role": "assistant", "content": [{"toolUse": {"toolUseId": "tooluse_2", "name": "top_song", "input": {}}}]},
          {"role": "user", "content": [{"toolResult": {"toolUseId": "tooluse_2",
            "content": [{"text": "station unknown"}], "status": "error"}}]}
         ],
         "toolConfig": {"tools": [{"toolSpec": {"name": "top_song",
                                                "inputSchema": {"json": {"type": "object", "properties": {}}}}}],
                        "toolChoice": {"any": {}}}}
        """, false, false)));
  }

  // ---------------------------------------------------------------- responses

  @Test
  void chat_textResponse_mapsMessageFinishReasonUsageAndIds() throws Exception {
    wm.stubFor(post(CONVERSE_PATH).willReturn(converse(BedrockFixtures.TEXT_RESPONSE)));

    ChatResponse response = await(provider.chat(hello(), context));

    assertThat(response.id()).isEqualTo(REQUEST_ID);
    assertThat(response.created()).isEqualTo(NOW.getEpochSecond());
    assertThat(response.model()).isEqualTo(MODEL);
    assertThat(response.text()).isEqualTo("Hello! How can I help you today?");
    assertThat(response.choices()).singleElement().satisfies(c -> {
      assertThat(c.finishReason()).isEqualTo(FinishReason.STOP);
      assertThat(c.message().role()).isEqualTo(Role.ASSISTANT);
      assertThat(c.message().toolCalls()).isEmpty();
    });
    assertThat(response.usage())
        .isEqualTo(Usage.builder().promptTokens(12).completionTokens(9).totalTokens(21).build());
    assertThat(response.route()).isNull();
  }

  @Test
  void chat_toolUseResponse_mapsToolCallsFinishReasonAndCacheUsage() throws Exception {
    wm.stubFor(post(CONVERSE_PATH).willReturn(converse(BedrockFixtures.TOOL_USE_RESPONSE)));

    ChatResponse response = await(provider.chat(hello(), context));

    assertThat(response.text()).isEqualTo("I'll look up the most popular song on WZPZ.");
    assertThat(response.toolCalls()).containsExactly(
        ToolCall.function("tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", "top_song", "{\"sign\":\"WZPZ\"}"));
    assertThat(response.choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(response.usage()).isEqualTo(Usage.builder().promptTokens(28 + 1500 + 300).completionTokens(61)
        .cachedTokens(1500).cacheCreationTokens(300).build());
    assertThat(response.usage().totalTokens()).isEqualTo(1889);
  }

  @Test
  void chat_reasoningResponse_keepsReasoningTextAsReasoningContentAndTheServiceTier() throws Exception {
    wm.stubFor(post(CONVERSE_PATH).willReturn(converse(BedrockFixtures.REASONING_RESPONSE)));

    ChatResponse response = await(provider.chat(hello(), context));

    assertThat(response.text()).isEqualTo("Hi there!");
    assertThat(response.choices().get(0).message().extra())
        .containsExactly(Map.entry("reasoning_content", "The user greets me; greet back."));
    assertThat(response.serviceTier()).isEqualTo("default");
  }

  static Stream<Arguments> stopReasons() {
    return Stream.of(
        Arguments.of("end_turn", FinishReason.STOP),
        Arguments.of("stop_sequence", FinishReason.STOP),
        Arguments.of("max_tokens", FinishReason.LENGTH),
        Arguments.of("model_context_window_exceeded", FinishReason.LENGTH),
        Arguments.of("tool_use", FinishReason.TOOL_CALLS),
        Arguments.of("guardrail_intervened", FinishReason.CONTENT_FILTER),
        Arguments.of("content_filtered", FinishReason.CONTENT_FILTER),
        Arguments.of("malformed_tool_use", FinishReason.of("malformed_tool_use")));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("stopReasons")
  void chat_stopReason_mapsToFinishReason(String stopReason, FinishReason expected) throws Exception {
    wm.stubFor(post(CONVERSE_PATH).willReturn(converse(BedrockFixtures.TEXT_RESPONSE.replace("end_turn", stopReason))));

    assertThat(await(provider.chat(hello(), context)).choices().get(0).finishReason()).isEqualTo(expected);
  }

  @Test
  void chat_malformedJsonWith200_failsWithRetryableUpstreamException() {
    wm.stubFor(post(CONVERSE_PATH).willReturn(converse("{\"output\":{\"message\":")));

    Throwable failure = failureOf(provider.chat(hello(), context));

    assertThat(failure).isExactlyInstanceOf(UpstreamException.class).hasMessageContaining("malformed");
    assertThat(((SwitchboardException) failure).isRetryable()).isTrue();
    assertThat(((SwitchboardException) failure).details().provider()).isEqualTo("bedrock-main");
  }

  // ---------------------------------------------------------------- streaming

  @Test
  void stream_textEvents_emitsRoleTextDeltasFinishAndUsageThenCompletes() {
    wm.stubFor(post(STREAM_PATH).willReturn(eventStream(BedrockFixtures.textStream())));

    TestSubscriber<ChatChunk> subscriber = streamAll(provider, hello());

    assertThat(subscriber.error()).isNull();
    assertThat(subscriber.isCompleted()).isTrue();
    List<ChatChunk> chunks = subscriber.items();
    assertThat(chunks).hasSize(6);
    assertThat(chunks).allSatisfy(c -> {
      assertThat(c.id()).isEqualTo(REQUEST_ID);
      assertThat(c.model()).isEqualTo(MODEL);
      assertThat(c.created()).isEqualTo(NOW.getEpochSecond());
    });
    assertThat(chunks.get(0).choices().get(0).delta().role()).isEqualTo(Role.ASSISTANT);
    assertThat(chunks).extracting(ChatChunk::text).containsExactly("", "Hello", " from", " Bedrock!", null, null);
    assertThat(chunks.get(4).choices().get(0).finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(chunks.get(5).choices()).isEmpty();
    assertThat(chunks.get(5).usage()).isEqualTo(Usage.of(11, 5));
    assertThat(chunks.subList(0, 5)).allSatisfy(c -> assertThat(c.usage()).isNull());
    wm.verify(postRequestedFor(urlEqualTo(STREAM_PATH))
        .withHeader("Accept", equalTo("application/vnd.amazon.eventstream"))
        .withRequestBody(equalToJson("{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hello!\"}]}]}",
            false, false)));
    assertSignedAsReceived(wm.findAll(postRequestedFor(urlEqualTo(STREAM_PATH))).get(0), null);
  }

  @Test
  void stream_toolUseEvents_emitsIdAndNameFirstThenArgumentFragmentsAndCachedUsage() {
    wm.stubFor(post(STREAM_PATH).willReturn(eventStream(BedrockFixtures.toolUseStream())));

    TestSubscriber<ChatChunk> subscriber = streamAll(provider, hello());

    assertThat(subscriber.isCompleted()).isTrue();
    List<ChatChunk> chunks = subscriber.items();
    assertThat(chunks).hasSize(8);
    assertThat(chunks.get(1).text()).isEqualTo("Let me check.");
    ToolCallDelta first = chunks.get(2).choices().get(0).delta().toolCalls().get(0);
    assertThat(first.index()).isZero();
    assertThat(first.id()).isEqualTo("tooluse_kZJMlvQmRJ6eAyJE5GIl7Q");
    assertThat(first.type()).isEqualTo("function");
    assertThat(first.name()).isEqualTo("top_song");
    assertThat(first.arguments()).isEmpty();
    StringBuilder arguments = new StringBuilder();
    for (ChatChunk chunk : chunks.subList(3, 6)) {
      ToolCallDelta fragment = chunk.choices().get(0).delta().toolCalls().get(0);
      assertThat(fragment.index()).isZero();
      assertThat(fragment.id()).isNull();
      assertThat(fragment.name()).isNull();
      arguments.append(fragment.arguments());
    }
    assertThat(arguments).hasToString("{\"sign\": \"WZPZ\"}");
    assertThat(chunks.get(6).choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(chunks.get(7).usage()).isEqualTo(Usage.builder().promptTokens(402 + 1024).completionTokens(56)
        .cachedTokens(1024).build());
  }

  @Test
  void stream_reasoningDeltas_emitReasoningContentAndSkipSignatures() {
    byte[] body = concat(
        event("messageStart", "{\"role\":\"assistant\"}"),
        event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"reasoningContent\":{\"text\":\"Hmm.\"}}}"),
        event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"reasoningContent\":"
            + "{\"signature\":\"EqoBCkgIARAB\"}}}"),
        event("contentBlockStop", "{\"contentBlockIndex\":0}"),
        event("contentBlockDelta", "{\"contentBlockIndex\":1,\"delta\":{\"text\":\"Hi\"}}"),
        event("messageStop", "{\"stopReason\":\"end_turn\"}"));
    wm.stubFor(post(STREAM_PATH).willReturn(eventStream(body)));

    TestSubscriber<ChatChunk> subscriber = streamAll(provider, hello());

    assertThat(subscriber.isCompleted()).as("metadata is optional").isTrue();
    assertThat(subscriber.items()).hasSize(4);
    assertThat(subscriber.items().get(1).choices().get(0).delta().extra())
        .containsExactly(Map.entry("reasoning_content", "Hmm."));
    assertThat(subscriber.items().get(2).text()).isEqualTo("Hi");
  }

  static Stream<Arguments> streamExceptions() {
    return Stream.of(
        Arguments.of("throttlingException", "Too many requests, please wait before trying again.",
            RateLimitedException.class, 429, "ThrottlingException"),
        Arguments.of("modelStreamErrorException", "The model encountered an error while streaming.",
            UpstreamException.class, 424, "ModelStreamErrorException"),
        Arguments.of("validationException", "Input is too long for requested model.",
            ContextWindowExceededException.class, 400, "context_length_exceeded"),
        Arguments.of("internalServerException", "An internal server error occurred.",
            UpstreamException.class, 500, "InternalServerException"),
        Arguments.of("serviceUnavailableException", "The service is unavailable. Try again later.",
            UpstreamUnavailableException.class, 503, "ServiceUnavailableException"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("streamExceptions")
  void stream_exceptionEventAfterAChunk_failsWithTheMappedErrorAfterTheChunk(String type, String message,
      Class<? extends SwitchboardException> expected, int status, String code) {
    byte[] body = concat(
        event("messageStart", "{\"role\":\"assistant\"}"),
        event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hi\"}}"),
        exception(type, "{\"message\":\"" + message + "\"}"));
    wm.stubFor(post(STREAM_PATH).willReturn(eventStream(body)));

    TestSubscriber<ChatChunk> subscriber = streamAll(provider, hello());

    assertThat(subscriber.items()).extracting(ChatChunk::text).containsExactly("", "Hi");
    assertThat(subscriber.error()).isExactlyInstanceOf(expected).hasMessageContaining(message)
        .hasMessageStartingWith("bedrock-main returned " + status);
    SwitchboardException error = (SwitchboardException) subscriber.error();
    assertThat(error.code()).isEqualTo(code);
    assertThat(error.details().upstreamStatus()).isEqualTo(status);
    assertThat(error.details().requestId()).isEqualTo("req_0123456789abcdef");
  }

  @Test
  void stream_corruptFrame_failsWithRetryableMalformedUpstreamError() {
    byte[] body = concat(event("messageStart", "{\"role\":\"assistant\"}"),
        event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hi\"}}"));
    body[body.length - 8] ^= 0x01; // inside the second payload: its message CRC no longer matches
    wm.stubFor(post(STREAM_PATH).willReturn(eventStream(body)));

    TestSubscriber<ChatChunk> subscriber = streamAll(provider, hello());

    assertThat(subscriber.error()).isExactlyInstanceOf(UpstreamException.class)
        .hasMessageStartingWith("bedrock-main answered with a malformed event stream: message CRC mismatch");
    assertThat(((SwitchboardException) subscriber.error()).isRetryable()).isTrue();
  }

  @Test
  void stream_bodyEndsInsideAFrame_failsInsteadOfLookingComplete() {
    byte[] whole = concat(event("messageStart", "{\"role\":\"assistant\"}"),
        event("messageStop", "{\"stopReason\":\"end_turn\"}"));
    wm.stubFor(post(STREAM_PATH).willReturn(eventStream(Arrays.copyOf(whole, whole.length - 3))));

    TestSubscriber<ChatChunk> subscriber = streamAll(provider, hello());

    assertThat(subscriber.items()).hasSize(1);
    assertThat(subscriber.error()).isExactlyInstanceOf(UpstreamException.class)
        .hasMessageContaining("malformed event stream: the stream ended inside a message");
  }

  @Test
  void stream_bodyEndsWithoutMessageStop_failsInsteadOfLookingComplete() {
    wm.stubFor(post(STREAM_PATH).willReturn(eventStream(concat(event("messageStart", "{\"role\":\"assistant\"}"),
        event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hal\"}}")))));

    TestSubscriber<ChatChunk> subscriber = streamAll(provider, hello());

    assertThat(subscriber.items()).extracting(ChatChunk::text).containsExactly("", "Hal");
    assertThat(subscriber.error()).isExactlyInstanceOf(UpstreamException.class)
        .hasMessage("bedrock-main stream ended before completion: the body ended without a messageStop event");
  }

  @Test
  void stream_errorStatus_readsTheBodyAndFailsWithTheMappedError() {
    wm.stubFor(post(STREAM_PATH).willReturn(error(429, "ThrottlingException", "Too many tokens, please wait.")
        .withHeader("Retry-After", "7")));

    TestSubscriber<ChatChunk> subscriber = streamAll(provider, hello());

    assertThat(subscriber.items()).isEmpty();
    assertThat(subscriber.error()).isExactlyInstanceOf(RateLimitedException.class)
        .hasMessage("bedrock-main returned 429: Too many tokens, please wait.");
    assertThat(((SwitchboardException) subscriber.error()).retryAfter()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void stream_framesSplitAcrossNetworkChunks_areDecodedWhole() throws Exception {
    byte[] body = BedrockFixtures.textStream();
    try (RawHttpServer server = RawHttpServer.start(exchange -> {
      exchange.startChunked(200, "application/vnd.amazon.eventstream");
      for (int from = 0; from < body.length; from += 37) { // 37 bytes: frames and headers cut anywhere
        exchange.writeChunk(Arrays.copyOfRange(body, from, Math.min(body.length, from + 37)));
      }
      exchange.endChunks();
    }); BedrockProvider raw = signed(server.url(""), null)) {
      TestSubscriber<ChatChunk> subscriber = streamAll(raw, hello());

      assertThat(subscriber.error()).isNull();
      assertThat(subscriber.items()).extracting(ChatChunk::text)
          .containsExactly("", "Hello", " from", " Bedrock!", null, null);
      assertThat(subscriber.items().get(5).usage()).isEqualTo(Usage.of(11, 5));
    }
  }

  @Test
  void stream_cancelAfterFirstChunk_closesTheConnection() throws Exception {
    CountDownLatch clientGone = new CountDownLatch(1);
    try (RawHttpServer server = RawHttpServer.start(exchange -> {
      exchange.startChunked(200, "application/vnd.amazon.eventstream");
      exchange.writeChunk(event("messageStart", "{\"role\":\"assistant\"}"));
      exchange.awaitClientGone();
      clientGone.countDown();
    }); BedrockProvider raw = signed(server.url(""), null)) {
      TestSubscriber<ChatChunk> subscriber = new TestSubscriber<>(1);
      raw.stream(hello(), context).subscribe(subscriber);
      subscriber.awaitItems(1);

      subscriber.cancel();

      assertThat(clientGone.await(GUARD_SECONDS, TimeUnit.SECONDS)).as("server saw the connection closed").isTrue();
      assertThat(subscriber.isTerminated()).isFalse();
    }
  }

  @Test
  void stream_untranslatableRequest_failsWithInvalidRequestWithoutCallingBedrock() {
    ChatRequest request = hello().toBuilder().n(3).build();

    TestSubscriber<ChatChunk> subscriber = streamAll(provider, request);

    assertThat(subscriber.items()).isEmpty();
    assertThat(subscriber.error()).isExactlyInstanceOf(InvalidRequestException.class)
        .hasMessage("bedrock-main (Bedrock Converse) cannot accept this request: n = 3: Converse returns one choice "
            + "per call");
    assertThat(wm.findAll(postRequestedFor(urlEqualTo(STREAM_PATH)))).isEmpty();
  }

  @Test
  void stream_secondSubscriber_isRefusedWithoutASecondCall() {
    wm.stubFor(post(STREAM_PATH).willReturn(eventStream(BedrockFixtures.textStream())));
    var publisher = provider.stream(hello(), context);
    TestSubscriber<ChatChunk> first = TestSubscriber.unbounded();
    TestSubscriber<ChatChunk> second = TestSubscriber.unbounded();

    publisher.subscribe(first);
    publisher.subscribe(second);

    assertThat(second.awaitTerminal().error()).isInstanceOf(IllegalStateException.class)
        .hasMessage("a Bedrock chat stream accepts one subscriber");
    assertThat(first.awaitTerminal().isCompleted()).isTrue();
    wm.verify(1, postRequestedFor(urlEqualTo(STREAM_PATH)));
  }

  // ---------------------------------------------------------------- errors

  static Stream<Arguments> errorTable() {
    return Stream.of(
        Arguments.of(400, "ValidationException", "Malformed input request: #: extraneous key [foo] is not permitted",
            InvalidRequestException.class, 400, false, "ValidationException"),
        Arguments.of(400, "ValidationException", "Input is too long for requested model.",
            ContextWindowExceededException.class, 400, false, "context_length_exceeded"),
        Arguments.of(400, "ValidationException", "The model returned the following errors: prompt is too long: "
            + "210000 tokens > 200000 maximum", ContextWindowExceededException.class, 400, false,
            "context_length_exceeded"),
        Arguments.of(403, "AccessDeniedException", "You don't have access to the model with the specified model ID.",
            PermissionDeniedException.class, 403, false, "AccessDeniedException"),
        Arguments.of(403, "UnrecognizedClientException", "The security token included in the request is invalid.",
            AuthenticationException.class, 401, false, "UnrecognizedClientException"),
        Arguments.of(403, "InvalidSignatureException", "The request signature we calculated does not match the "
            + "signature you provided. Check your AWS Secret Access Key " + SECRET + " and signing method.",
            AuthenticationException.class, 401, false, "InvalidSignatureException"),
        Arguments.of(404, "ResourceNotFoundException", "Model not found.",
            NotFoundException.class, 404, false, "ResourceNotFoundException"),
        Arguments.of(408, "ModelTimeoutException", "Model has timed out in processing the request.",
            UpstreamTimeoutException.class, 504, true, "ModelTimeoutException"),
        Arguments.of(424, "ModelErrorException", "The system encountered an unexpected error during processing.",
            UpstreamException.class, 502, true, "ModelErrorException"),
        Arguments.of(429, "ThrottlingException", "Too many requests, please wait before trying again.",
            RateLimitedException.class, 429, true, "ThrottlingException"),
        Arguments.of(429, "ModelNotReadyException", "Model is not ready to serve inference requests.",
            RateLimitedException.class, 429, true, "ModelNotReadyException"),
        Arguments.of(500, "InternalServerException", "An internal server error occurred. Retry your request.",
            UpstreamException.class, 502, true, "InternalServerException"),
        Arguments.of(503, "ServiceUnavailableException", "The service isn't currently available.",
            UpstreamUnavailableException.class, 503, true, "ServiceUnavailableException"));
  }

  @ParameterizedTest(name = "{0} {1} -> {3}")
  @MethodSource("errorTable")
  void chat_errorStatus_mapsToTypedErrorWithDetailsAndNeverASecret(int status, String type, String message,
      Class<? extends SwitchboardException> expected, int httpStatus, boolean retryable, String code) {
    wm.stubFor(post(CONVERSE_PATH).willReturn(error(status, type, message)));

    Throwable failure = failureOf(provider.chat(hello(), context));

    assertThat(failure).isExactlyInstanceOf(expected);
    SwitchboardException error = (SwitchboardException) failure;
    assertThat(error.httpStatus()).isEqualTo(httpStatus);
    assertThat(error.isRetryable()).isEqualTo(retryable);
    assertThat(error.code()).isEqualTo(code);
    assertThat(error.details().upstreamStatus()).isEqualTo(status);
    assertThat(error.details().provider()).isEqualTo("bedrock-main");
    assertThat(error.details().deployment()).isEqualTo("bedrock-main/claude");
    assertThat(error.details().model()).isEqualTo(MODEL);
    assertThat(error.details().requestId()).isEqualTo("req_0123456789abcdef");
    assertThat(error.getMessage()).startsWith("bedrock-main returned " + status + ": ").doesNotContain(SECRET);
    assertThat(error.toString()).doesNotContain(SECRET);
  }

  @Test
  void chat_errorWithoutTypeHeader_takesTheTypeFromTheBody() {
    wm.stubFor(post(CONVERSE_PATH).willReturn(aResponse().withStatus(400).withHeader("Content-Type",
        "application/json").withBody("{\"__type\":\"com.amazon.coral.validate#ValidationException\","
        + "\"message\":\"too many input tokens\"}")));

    Throwable failure = failureOf(provider.chat(hello(), context));

    assertThat(failure).isExactlyInstanceOf(ContextWindowExceededException.class)
        .hasMessage("bedrock-main returned 400: too many input tokens");
  }

  @Test
  void chat_bearerKeyEchoedInError_isRedacted() throws Exception {
    wm.stubFor(post(CONVERSE_PATH).willReturn(error(403, "AccessDeniedException", "Invalid API key " + API_KEY)));
    try (BedrockProvider keyed = BedrockProvider.builder().region("us-east-1").baseUrl(wm.baseUrl())
        .apiKey(API_KEY).transport(transport).build()) {

      Throwable failure = failureOf(keyed.chat(hello(), context));

      assertThat(failure).isExactlyInstanceOf(PermissionDeniedException.class).hasMessageNotContaining(API_KEY)
          .hasMessageContaining("[redacted]");
    }
  }

  // ---------------------------------------------------------------- embeddings, models, lifecycle

  @Test
  void embed_anyRequest_failsWithInvalidRequestNamingTheLimitation() {
    Throwable failure = failureOf(provider.embed(EmbeddingRequest.builder().model("amazon.titan-embed-text-v2:0")
        .input(List.of("hello")).build(), context));

    assertThat(failure).isExactlyInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith("bedrock-main (Bedrock Converse) has no embeddings");
    assertThat(((SwitchboardException) failure).code()).isEqualTo("unsupported_operation");
  }

  @Test
  void models_configuredOrNot_reportsThemOrFailsClearly() throws Exception {
    assertThat(failureOf(provider.models(context))).isExactlyInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("cannot list models");
    try (BedrockProvider configured = BedrockProvider.builder().region("eu-west-1").apiKey(API_KEY)
        .transport(transport).models(List.of(MODEL, "amazon.nova-pro-v1:0")).build()) {
      assertThat(await(configured.models(context))).extracting(ModelInfo::id)
          .containsExactly(MODEL, "amazon.nova-pro-v1:0");
      assertThat(configured.baseUrl()).isEqualTo("https://bedrock-runtime.eu-west-1.amazonaws.com");
    }
  }

  @Test
  void close_ownTransport_laterCallsFail() {
    BedrockProvider own = BedrockProvider.builder().region("us-east-1").baseUrl(wm.baseUrl()).apiKey(API_KEY).build();

    own.close();
    own.close();

    assertThat(failureOf(own.chat(hello(), context))).isInstanceOf(UpstreamException.class)
        .hasMessageContaining("is closed");
  }

  @Test
  void toString_withSecrets_neverShowsThem() {
    BedrockProvider temporary = signed(wm.baseUrl(), SESSION_TOKEN);
    BedrockProvider keyed = BedrockProvider.builder().region("us-east-1").apiKey(API_KEY).transport(transport).build();

    assertThat(temporary.toString()).contains("bedrock-main", "us-east-1", "sigv4", "AKIA****")
        .doesNotContain(SECRET, SESSION_TOKEN, ACCESS_KEY_ID);
    assertThat(keyed.toString()).contains("apiKey ****").doesNotContain(API_KEY);
    temporary.close();
    keyed.close();
  }

  @Test
  void builder_invalidValues_areRejectedNamingTheOption() {
    assertThatThrownBy(() -> BedrockProvider.builder().region("US East"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("region must be an AWS region name such as us-east-1 but was US East");
    assertThatThrownBy(() -> BedrockProvider.builder().baseUrl("ftp://example.com"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("baseUrl must start with http:// or https:// but was ftp://example.com");
    assertThatThrownBy(() -> BedrockProvider.builder().apiKey(API_KEY).build())
        .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("region is required");
    assertThatThrownBy(() -> BedrockProvider.builder().region("us-east-1").build())
        .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("Bedrock needs credentials");
    assertThatThrownBy(() -> BedrockProvider.builder().region("us-east-1").apiKey(API_KEY)
        .credentials(ACCESS_KEY_ID, SECRET, null).build())
        .isInstanceOf(IllegalStateException.class).hasMessage("set either an API key or AWS credentials, not both");
  }

  @Test
  void request_utf8Body_isSentAsUtf8Json() throws Exception {
    wm.stubFor(post(CONVERSE_PATH).willReturn(converse(BedrockFixtures.TEXT_RESPONSE)));

    await(provider.chat(ChatRequest.builder().model(MODEL).addMessage(Message.user("Grüße ሴ")).build(), context));

    LoggedRequest sent = wm.findAll(postRequestedFor(urlEqualTo(CONVERSE_PATH))).get(0);
    assertThat(new String(sent.getBody(), StandardCharsets.UTF_8)).contains("Grüße ሴ");
    assertSignedAsReceived(sent, null);
  }
}

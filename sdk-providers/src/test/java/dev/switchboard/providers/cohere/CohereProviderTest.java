package dev.switchboard.providers.cohere;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
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
import dev.switchboard.providers.testing.RawHttpServer;
import dev.switchboard.providers.testing.TestSubscriber;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
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

class CohereProviderTest {

  @RegisterExtension
  static final WireMockExtension wm =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final String KEY = "co-test-9F2kLm0PqR7sT4uV";
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final long GUARD_SECONDS = 10;
  private static final OkHttpTransport transport = OkHttpTransport.builder().build();

  private final CallContext context = CallContext.builder("req_cohere_0001")
      .providerName("cohere-main")
      .deploymentId("cohere-main/command-a-03-2025")
      .build();
  private final CohereProvider provider = provider(wm.baseUrl()).build();

  private static CohereProvider.Builder provider(String baseUrl) {
    return CohereProvider.builder()
        .baseUrl(baseUrl)
        .apiKey(KEY)
        .providerName("cohere-main")
        .transport(transport)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterEach
  void noLeakedCalls() {
    provider.close();
    TransportProbe.assertNoOpenCalls(transport);
  }

  @AfterAll
  static void closeTransport() {
    transport.close();
  }

  private static ChatRequest hello() {
    return ChatRequest.builder().model("command-a-03-2025").addMessage(Message.user("Tell me about LLMs")).build();
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
  void chat_richRequest_sendsCohereV2BodyFieldByFieldWithBearerKey() throws Exception {
    wm.stubFor(post("/v2/chat").willReturn(okJson(CohereFixtures.CHAT_RESPONSE)));
    Map<String, Object> weatherParams = new LinkedHashMap<>();
    weatherParams.put("type", "object");
    weatherParams.put("properties", Map.of("location", Map.of("type", "string",
        "description", "the location to get the weather, example: San Francisco.")));
    weatherParams.put("required", List.of("location"));
    ChatRequest request = ChatRequest.builder()
        .model("command-a-03-2025")
        .addMessage(Message.system("You answer with weather reports."))
        .addMessage(Message.developer("Use Celsius."))
        .addMessage(Message.user(List.of(ContentPart.text("What's the weather here and in Brasilia?"),
            ContentPart.imageUrl("data:image/png;base64,iVBORw0KGgo=", "low"))))
        .addMessage(Message.builder().role(Role.ASSISTANT)
            .toolCalls(List.of(
                ToolCall.function("get_weather_15c2p6g19s8f", "get_weather", "{\"location\":\"Madrid\"}"),
                ToolCall.function("get_weather_n01pkywy0p2w", "get_weather", "{\"location\":\"Brasilia\"}")))
            .extra("tool_plan", "I will use the get_weather tool to find the weather in Madrid and Brasilia.")
            .build())
        .addMessage(Message.tool("get_weather_15c2p6g19s8f", "{\"temperature\": {\"madrid\": \"24°C\"}}"))
        .addMessage(Message.builder().role(Role.TOOL).toolCallId("get_weather_n01pkywy0p2w")
            .content(List.of(ContentPart.text("{\"temperature\":"), ContentPart.text(" {\"brasilia\": \"28°C\"}}")))
            .build())
        .addMessage(Message.builder().role(Role.ASSISTANT).content("It is 24°C in Madrid.")
            .extra("reasoning_content", "Both results are in.").build())
        .addMessage(Message.user("Thanks! And tomorrow?"))
        .temperature(0.3)
        .topP(0.9)
        .maxTokens(300)
        .maxCompletionTokens(256)
        .stop(List.of("\n\n", "END"))
        .seed(42L)
        .frequencyPenalty(0.2)
        .presencePenalty(0.1)
        .user("user-1234")
        .metadata("team", "weather")
        .addTool(Tool.builder().name("get_weather").description("gets the weather of a given location")
            .parameters(weatherParams).strict(true).build())
        .toolChoice(ToolChoice.required())
        .parallelToolCalls(true)
        .extraParameter("safety_mode", "STRICT")
        .extraParameter("k", 40)
        .build();

    await(provider.chat(request, context.toBuilder().header("X-Client-Name", "switchboard-test").build()));

    wm.verify(postRequestedFor(urlEqualTo("/v2/chat"))
        .withHeader("Authorization", equalTo("Bearer " + KEY))
        .withHeader("Content-Type", equalTo("application/json"))
        .withHeader("Accept", equalTo("application/json"))
        .withHeader("X-Client-Name", equalTo("switchboard-test"))
        .withRequestBody(equalToJson("""
            {
              "model": "command-a-03-2025",
              "messages": [
                {"role": "system", "content": "You answer with weather reports."},
                {"role": "system", "content": "Use Celsius."},
                {"role": "user", "content": [
                  {"type": "text", "text": "What's the weather here and in Brasilia?"},
                  {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo=", "detail": "low"}}
                ]},
                {"role": "assistant",
                 "tool_calls": [
                   {"id": "get_weather_15c2p6g19s8f", "type": "function",
                    "function": {"name": "get_weather", "arguments": "{\\"location\\":\\"Madrid\\"}"}},
                   {"id": "get_weather_n01pkywy0p2w", "type": "function",
                    "function": {"name": "get_weather", "arguments": "{\\"location\\":\\"Brasilia\\"}"}}
                 ],
                 "tool_plan": "I will use the get_weather tool to find the weather in Madrid and Brasilia."},
                {"role": "tool", "tool_call_id": "get_weather_15c2p6g19s8f",
                 "content": "{\\"temperature\\": {\\"madrid\\": \\"24°C\\"}}"},
                {"role": "tool", "tool_call_id": "get_weather_n01pkywy0p2w", "content": [
                  {"type": "text", "text": "{\\"temperature\\":"},
                  {"type": "text", "text": " {\\"brasilia\\": \\"28°C\\"}}"}
                ]},
                {"role": "assistant", "content": [
                  {"type": "thinking", "thinking": "Both results are in."},
                  {"type": "text", "text": "It is 24°C in Madrid."}
                ]},
                {"role": "user", "content": "Thanks! And tomorrow?"}
              ],
              "tools": [{"type": "function", "function": {
                "name": "get_weather",
                "description": "gets the weather of a given location",
                "parameters": {"type": "object", "properties": {"location": {"type": "string",
                  "description": "the location to get the weather, example: San Francisco."}},
                  "required": ["location"]}}}],
              "strict_tools": true,
              "tool_choice": "REQUIRED",
              "temperature": 0.3,
              "p": 0.9,
              "max_tokens": 256,
              "stop_sequences": ["\\n\\n", "END"],
              "seed": 42,
              "frequency_penalty": 0.2,
              "presence_penalty": 0.1,
              "safety_mode": "STRICT",
              "k": 40,
              "stream": false
            }
            """, false, false)));
  }

  @Test
  void stream_request_sendsStreamTrueAndAcceptsEventStream() {
    wm.stubFor(post("/v2/chat").willReturn(eventStream(CohereFixtures.TEXT_STREAM)));

    streamAll(hello());

    wm.verify(postRequestedFor(urlEqualTo("/v2/chat"))
        .withHeader("Accept", equalTo("text/event-stream"))
        .withRequestBody(equalToJson("""
            {"model": "command-a-03-2025", "messages": [{"role": "user", "content": "Tell me about LLMs"}],
             "stream": true}
            """, false, false)));
  }

  @Test
  void chat_namedToolChoiceNoneChoiceAndToolWithoutParameters_mapToCohereForms() throws Exception {
    wm.stubFor(post("/v2/chat").willReturn(okJson(CohereFixtures.CHAT_RESPONSE)));
    ChatRequest.Builder request = hello().toBuilder()
        .addTool(Tool.function("get_weather", "weather", Map.of("type", "object")))
        .addTool(Tool.builder().name("get_time").build());

    await(provider.chat(request.toolChoice(ToolChoice.function("get_time")).build(), context));
    await(provider.chat(request.toolChoice(ToolChoice.none()).build(), context));

    // Forcing one function: only that function is offered, and a call is required.
    wm.verify(1, postRequestedFor(urlEqualTo("/v2/chat")).withRequestBody(equalToJson("""
        {"tools": [{"type": "function", "function": {"name": "get_time",
           "parameters": {"type": "object", "properties": {}}}}],
         "tool_choice": "REQUIRED"}
        """, false, true)));
    wm.verify(1, postRequestedFor(urlEqualTo("/v2/chat")).withRequestBody(equalToJson("""
        {"tools": [{"type": "function", "function": {"name": "get_weather", "description": "weather",
                     "parameters": {"type": "object"}}},
                   {"type": "function", "function": {"name": "get_time",
                     "parameters": {"type": "object", "properties": {}}}}],
         "tool_choice": "NONE"}
        """, false, true)));
  }

  @Test
  void chat_jsonSchemaAndJsonObjectFormats_mapToCoheresJsonObjectWithSchema() throws Exception {
    wm.stubFor(post("/v2/chat").willReturn(okJson(CohereFixtures.CHAT_RESPONSE)));
    Map<String, Object> schema = Map.of("type", "object", "properties", Map.of("name", Map.of("type", "string")),
        "required", List.of("name"));

    await(provider.chat(hello().toBuilder().responseFormat(ResponseFormat.jsonSchema("person", schema, true)).build(),
        context));
    await(provider.chat(hello().toBuilder().responseFormat(ResponseFormat.jsonObject()).build(), context));

    wm.verify(1, postRequestedFor(urlEqualTo("/v2/chat")).withRequestBody(matchingJsonPath("$.response_format",
        equalToJson("""
            {"type": "json_object", "json_schema": {"type": "object",
              "properties": {"name": {"type": "string"}}, "required": ["name"]}}
            """))));
    wm.verify(1, postRequestedFor(urlEqualTo("/v2/chat")).withRequestBody(matchingJsonPath("$.response_format",
        equalToJson("{\"type\": \"json_object\"}"))));
  }

  @Test
  void chat_topPAtTheEdges_isClampedToCoheresRange() throws Exception {
    wm.stubFor(post("/v2/chat").willReturn(okJson(CohereFixtures.CHAT_RESPONSE)));

    await(provider.chat(hello().toBuilder().topP(1.0).build(), context));
    await(provider.chat(hello().toBuilder().topP(0.0).build(), context));

    wm.verify(1, postRequestedFor(urlEqualTo("/v2/chat")).withRequestBody(equalToJson("{\"p\": 0.99}", false, true)));
    wm.verify(1, postRequestedFor(urlEqualTo("/v2/chat")).withRequestBody(equalToJson("{\"p\": 0.01}", false, true)));
  }

  @Test
  void chat_callHeaderNamingAuthorization_doesNotReplaceTheKey() throws Exception {
    wm.stubFor(post("/v2/chat").willReturn(okJson(CohereFixtures.CHAT_RESPONSE)));

    await(provider.chat(hello(), context.toBuilder().header("authorization", "Bearer someone-else").build()));

    wm.verify(postRequestedFor(urlEqualTo("/v2/chat")).withHeader("Authorization", equalTo("Bearer " + KEY)));
  }

  // ---------------------------------------------------------------- unsupported parameters

  static Stream<Arguments> unsupportedTable() {
    return Stream.of(
        Arguments.of(hello().toBuilder().n(2).build(), "n"),
        Arguments.of(hello().toBuilder().parallelToolCalls(false).build(), "parallel_tool_calls"),
        Arguments.of(hello().toBuilder().presencePenalty(-0.5).build(), "presence_penalty"),
        Arguments.of(hello().toBuilder().frequencyPenalty(1.5).build(), "frequency_penalty"),
        Arguments.of(hello().toBuilder().extraParameter("logprobs", true).build(), "logprobs"),
        Arguments.of(hello().toBuilder().extraParameter("logit_bias", Map.of("50256", -100)).build(), "logit_bias"),
        Arguments.of(ChatRequest.builder().model("command-a-03-2025")
            .addMessage(Message.builder().role(Role.USER).content("hi").name("alice").build()).build(),
            "messages[0].name"),
        Arguments.of(ChatRequest.builder().model("command-a-03-2025")
            .addMessage(Message.system(null).toBuilder().content(List.of(ContentPart.imageUrl("https://x/y.png")))
                .build()).addMessage(Message.user("hi")).build(), "messages[0].content[0]"),
        Arguments.of(ChatRequest.builder().model("command-a-03-2025")
            .addMessage(Message.user(List.of(ContentPart.raw(Map.of("type", "input_audio",
                "input_audio", Map.of("data", "AAAA", "format", "wav")))))).build(), "messages[0].content[0]"),
        Arguments.of(ChatRequest.builder().model("command-a-03-2025")
            .addMessage(Message.builder().role("function").content("42").build()).build(), "messages[0].role"),
        Arguments.of(ChatRequest.builder().model("command-a-03-2025")
            .addMessage(Message.builder().role(Role.USER).content("hi").extra("cache_control", Map.of()).build())
            .build(), "messages[0].cache_control"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("unsupportedTable")
  void chat_parameterCohereCannotHonour_failsNamingProviderAndParameterWithoutACall(ChatRequest request,
      String param) {
    Throwable failure = failureOf(provider.chat(request, context));

    assertThat(failure).isExactlyInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith("cohere-main (Cohere) does not support '" + param + "'")
        .hasMessageContaining("drop_unsupported_params");
    SwitchboardException error = (SwitchboardException) failure;
    assertThat(error.param()).isEqualTo(param);
    assertThat(error.code()).isEqualTo("unsupported_parameter");
    assertThat(error.details().provider()).isEqualTo("cohere-main");
    assertThat(error.isRetryable()).isFalse();
    wm.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void stream_parameterCohereCannotHonour_failsTheStreamWithoutACall() {
    TestSubscriber<ChatChunk> subscriber = streamAll(hello().toBuilder().n(3).build());

    assertThat(subscriber.error()).isInstanceOf(InvalidRequestException.class);
    assertThat(((SwitchboardException) subscriber.error()).param()).isEqualTo("n");
    wm.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void chat_dropUnsupportedParams_leavesThemOutAndSendsTheRest() throws Exception {
    wm.stubFor(post("/v2/chat").willReturn(okJson(CohereFixtures.CHAT_RESPONSE)));
    try (CohereProvider lenient = provider(wm.baseUrl()).dropUnsupportedParams(true).build()) {
      await(lenient.chat(ChatRequest.builder().model("command-a-03-2025")
          .addMessage(Message.builder().role(Role.USER).content("hi").name("alice").build())
          .n(2).presencePenalty(-1.0).temperature(0.5).extraParameter("logit_bias", Map.of("1", 2))
          .extraParameter("k", 10).build(), context));
    }

    wm.verify(postRequestedFor(urlEqualTo("/v2/chat")).withRequestBody(equalToJson("""
        {"model": "command-a-03-2025", "messages": [{"role": "user", "content": "hi"}], "temperature": 0.5,
         "k": 10, "stream": false}
        """, false, false)));
  }

  // ---------------------------------------------------------------- responses

  @Test
  void chat_textResponse_joinsTextItemsMapsFinishReasonAndBilledUsage() throws Exception {
    wm.stubFor(post("/v2/chat").willReturn(okJson(CohereFixtures.CHAT_RESPONSE)));

    ChatResponse response = await(provider.chat(hello(), context));

    assertThat(response.id()).isEqualTo("c14c80c3-18eb-4519-9460-6c92edd8cfb4");
    assertThat(response.model()).isEqualTo("command-a-03-2025");
    assertThat(response.created()).isEqualTo(NOW.getEpochSecond());
    assertThat(response.text()).isEqualTo("LLMs stand for Large Language Models, which are a type of neural network "
        + "model.");
    assertThat(response.choices()).singleElement().satisfies(c -> {
      assertThat(c.finishReason()).isEqualTo(FinishReason.STOP);
      assertThat(c.message().role()).isEqualTo(Role.ASSISTANT);
      assertThat(c.message().extra()).isEmpty();
    });
    assertThat(response.usage()).as("billed units, not the template-inclusive tokens; cached not reported")
        .isEqualTo(Usage.of(5, 418));
  }

  @Test
  void chat_toolCallResponse_mapsToolCallsToolPlanAndFinishReason() throws Exception {
    wm.stubFor(post("/v2/chat").willReturn(okJson(CohereFixtures.TOOL_CALL_RESPONSE)));

    ChatResponse response = await(provider.chat(hello(), context));

    assertThat(response.choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(response.text()).isNull();
    assertThat(response.toolCalls()).containsExactly(
        ToolCall.function("get_weather_15c2p6g19s8f", "get_weather", "{\"location\":\"Madrid\"}"),
        ToolCall.function("get_weather_n01pkywy0p2w", "get_weather", "{\"location\":\"Brasilia\"}"));
    assertThat(response.choices().get(0).message().extra()).containsExactly(Map.entry("tool_plan",
        "I will use the get_weather tool to find the weather in Madrid and Brasilia."));
    assertThat(response.usage()).isEqualTo(Usage.of(37, 28));
  }

  @Test
  void chat_thinkingResponse_keepsReasoningApartMapsMaxTokensAndFallsBackToTokens() throws Exception {
    wm.stubFor(post("/v2/chat").willReturn(okJson(CohereFixtures.THINKING_RESPONSE)));

    ChatResponse response = await(provider.chat(hello(), context));

    assertThat(response.text()).isEqualTo("Paris");
    assertThat(response.choices().get(0).message().extra())
        .containsExactly(Map.entry("reasoning_content", "The user wants a one-word answer."));
    assertThat(response.choices().get(0).finishReason()).isEqualTo(FinishReason.LENGTH);
    assertThat(response.usage()).as("no billed units reported: the token counts").isEqualTo(Usage.of(20, 16));
  }

  @Test
  void chat_generationFailedUpstream_passesFinishReasonErrorOnLowerCased() throws Exception {
    wm.stubFor(post("/v2/chat").willReturn(okJson(CohereFixtures.ERROR_FINISH_RESPONSE)));

    ChatResponse response = await(provider.chat(hello(), context));

    assertThat(response.choices().get(0).finishReason()).isEqualTo(FinishReason.of("error"));
    assertThat(response.text()).isEqualTo("The answer is");
  }

  @Test
  void finishReason_everyCohereValue_mapsToOpenAiTerms() {
    assertThat(CohereResponses.finishReason("COMPLETE")).isEqualTo(FinishReason.STOP);
    assertThat(CohereResponses.finishReason("STOP_SEQUENCE")).isEqualTo(FinishReason.STOP);
    assertThat(CohereResponses.finishReason("MAX_TOKENS")).isEqualTo(FinishReason.LENGTH);
    assertThat(CohereResponses.finishReason("TOOL_CALL")).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(CohereResponses.finishReason("ERROR")).hasToString("error");
    assertThat(CohereResponses.finishReason("TIMEOUT")).hasToString("timeout");
    assertThat(CohereResponses.finishReason(null)).isNull();
  }

  // ---------------------------------------------------------------- streaming

  @Test
  void stream_textEvents_emitRoleTextFinishThenUsageOnlyChunkAndComplete() {
    wm.stubFor(post("/v2/chat").willReturn(eventStream(CohereFixtures.TEXT_STREAM)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.isCompleted()).isTrue();
    List<ChatChunk> chunks = subscriber.items();
    assertThat(chunks).hasSize(5);
    assertThat(chunks).allSatisfy(c -> {
      assertThat(c.id()).isEqualTo("29f14a5a-11de-4cae-9800-25e4747408ea");
      assertThat(c.model()).isEqualTo("command-a-03-2025");
      assertThat(c.created()).isEqualTo(NOW.getEpochSecond());
    });
    assertThat(chunks.get(0).choices().get(0).delta().role()).isEqualTo(Role.ASSISTANT);
    assertThat(chunks).extracting(ChatChunk::text).containsExactly("", "Hello", " there", null, null);
    assertThat(chunks.get(3).choices().get(0).finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(chunks.get(3).usage()).isNull();
    assertThat(chunks.get(4).choices()).isEmpty();
    assertThat(chunks.get(4).usage()).isEqualTo(Usage.of(3, 2));
    subscriber.assertNoViolations();
  }

  @Test
  void stream_toolCallEvents_emitToolPlanThenIdAndNameThenArgumentFragmentsPerCall() {
    wm.stubFor(post("/v2/chat").willReturn(eventStream(CohereFixtures.TOOL_CALL_STREAM)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.isCompleted()).as("completes at message-end without [DONE]").isTrue();
    List<ChatChunk> chunks = subscriber.items();
    assertThat(chunks).hasSize(11);
    assertThat(chunks.get(1).choices().get(0).delta().extra()).containsExactly(Map.entry("tool_plan", "I will"));
    assertThat(chunks.get(2).choices().get(0).delta().extra()).containsExactly(Map.entry("tool_plan", " search."));
    ToolCallDelta first = chunks.get(3).choices().get(0).delta().toolCalls().get(0);
    assertThat(first.index()).isZero();
    assertThat(first.id()).isEqualTo("get_weather_p1t92w7gfgq7");
    assertThat(first.type()).isEqualTo("function");
    assertThat(first.name()).isEqualTo("get_weather");
    assertThat(first.arguments()).isEmpty();
    StringBuilder madrid = new StringBuilder();
    for (ChatChunk chunk : chunks.subList(4, 7)) {
      ToolCallDelta delta = chunk.choices().get(0).delta().toolCalls().get(0);
      assertThat(delta.index()).isZero();
      assertThat(delta.id()).isNull();
      assertThat(delta.name()).isNull();
      madrid.append(delta.arguments());
    }
    assertThat(madrid).hasToString("{\n    \"location\": \"Madrid\"\n}");
    ToolCallDelta second = chunks.get(7).choices().get(0).delta().toolCalls().get(0);
    assertThat(second.index()).isEqualTo(1);
    assertThat(second.id()).isEqualTo("get_weather_ay6nmvjgp9vn");
    assertThat(chunks.get(8).choices().get(0).delta().toolCalls().get(0).arguments())
        .isEqualTo("{\n    \"location\": \"Brasilia\"\n}");
    assertThat(chunks.get(9).choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(chunks.get(10).usage()).isEqualTo(Usage.of(37, 28));
  }

  @Test
  void stream_citationEvents_areIgnoredAndTheTextGoesThrough() {
    wm.stubFor(post("/v2/chat").willReturn(eventStream(CohereFixtures.CITED_STREAM)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.isCompleted()).isTrue();
    assertThat(subscriber.items()).extracting(ChatChunk::text)
        .containsExactly("", "It is currently 24°C in Madrid.", null, null);
    assertThat(subscriber.items().get(3).usage()).isEqualTo(Usage.of(87, 19));
  }

  @Test
  void stream_thinkingBlock_goesToReasoningContentAndTheTextToContent() {
    wm.stubFor(post("/v2/chat").willReturn(eventStream(CohereFixtures.THINKING_STREAM)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    List<ChatChunk> chunks = subscriber.items();
    assertThat(subscriber.isCompleted()).isTrue();
    assertThat(chunks).hasSize(5);
    assertThat(chunks.get(1).text()).isNull();
    assertThat(chunks.get(1).choices().get(0).delta().extra())
        .containsExactly(Map.entry("reasoning_content", "One word."));
    assertThat(chunks.get(2).text()).isEqualTo("Paris");
    assertThat(chunks.get(4).usage()).isEqualTo(Usage.of(9, 12));
  }

  @Test
  void stream_bodyEndsBeforeMessageEnd_failsAfterDeliveringWhatArrived() {
    String cut = CohereFixtures.TEXT_STREAM.substring(0, CohereFixtures.TEXT_STREAM.indexOf("event: content-end"));
    wm.stubFor(post("/v2/chat").willReturn(eventStream(cut)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.items()).extracting(ChatChunk::text).containsExactly("", "Hello", " there");
    assertThat(subscriber.isCompleted()).isFalse();
    assertThat(subscriber.error()).isInstanceOf(UpstreamException.class)
        .hasMessageContaining("stream ended before completion");
    assertThat(((SwitchboardException) subscriber.error()).isRetryable()).isTrue();
    assertThat(((SwitchboardException) subscriber.error()).details().requestId()).isEqualTo("req_cohere_0001");
  }

  @Test
  void stream_malformedEvent_failsWithUpstreamException() {
    wm.stubFor(post("/v2/chat").willReturn(eventStream("event: message-start\ndata: {\"id\":\"x\",\"type\":\n\n")));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.items()).isEmpty();
    assertThat(subscriber.error()).isInstanceOf(UpstreamException.class).hasMessageContaining("malformed");
  }

  @Test
  void stream_errorStatus_readsTheBodyAndFailsBeforeAnyChunk() {
    wm.stubFor(post("/v2/chat").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3")
        .withHeader("Content-Type", "application/json")
        .withBody(CohereFixtures.error("You are using a Trial key, which is limited to 10 API calls / minute."))));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.items()).isEmpty();
    assertThat(subscriber.error()).isInstanceOf(RateLimitedException.class).hasMessageContaining("Trial key");
    assertThat(((RateLimitedException) subscriber.error()).retryAfter()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void stream_noDemand_sendsNothing_thenOneRequestBringsOneChunk() {
    wm.stubFor(post("/v2/chat").willReturn(eventStream(CohereFixtures.TEXT_STREAM)));
    TestSubscriber<ChatChunk> subscriber = TestSubscriber.withoutDemand();
    provider.stream(hello(), context).subscribe(subscriber);
    subscriber.awaitSubscribed();

    wm.verify(0, anyRequestedFor(anyUrl()));

    subscriber.request(1);
    assertThat(subscriber.awaitItems(1)).hasSize(1);
    subscriber.request(Long.MAX_VALUE);
    subscriber.awaitTerminal();
    assertThat(subscriber.items()).hasSize(5);
    wm.verify(1, postRequestedFor(urlEqualTo("/v2/chat")));
    subscriber.assertNoViolations();
  }

  @Test
  void stream_secondSubscriber_isRefusedWithoutASecondCall() {
    wm.stubFor(post("/v2/chat").willReturn(eventStream(CohereFixtures.TEXT_STREAM)));
    var publisher = provider.stream(hello(), context);
    TestSubscriber<ChatChunk> first = TestSubscriber.unbounded();
    TestSubscriber<ChatChunk> second = TestSubscriber.unbounded();

    publisher.subscribe(first);
    publisher.subscribe(second);

    assertThat(second.awaitTerminal().error()).isInstanceOf(IllegalStateException.class);
    assertThat(first.awaitTerminal().isCompleted()).isTrue();
    wm.verify(1, postRequestedFor(urlEqualTo("/v2/chat")));
  }

  @Test
  void stream_cancelAfterFirstChunk_closesTheConnection() throws Exception {
    CountDownLatch clientGone = new CountDownLatch(1);
    try (RawHttpServer server = RawHttpServer.start(exchange -> {
      exchange.startChunked(200, "text/event-stream");
      exchange.writeChunk("event: message-start\ndata: {\"id\":\"c1\",\"type\":\"message-start\",\"delta\":"
          + "{\"message\":{\"role\":\"assistant\"}}}\n\n");
      exchange.awaitClientGone();
      clientGone.countDown();
    }); CohereProvider raw = provider(server.url("")).build()) {
      TestSubscriber<ChatChunk> subscriber = new TestSubscriber<>(1);
      raw.stream(hello(), context).subscribe(subscriber);
      subscriber.awaitItems(1);

      subscriber.cancel();

      assertThat(clientGone.await(GUARD_SECONDS, TimeUnit.SECONDS)).as("server saw the connection closed").isTrue();
      assertThat(subscriber.isTerminated()).isFalse();
    }
  }

  @Test
  void stream_connectionCutMidway_failsRetryablyAfterDeliveringTheChunks() throws Exception {
    try (RawHttpServer server = RawHttpServer.start(exchange -> {
      exchange.startChunked(200, "text/event-stream");
      exchange.writeChunk("event: message-start\ndata: {\"id\":\"c1\",\"type\":\"message-start\",\"delta\":"
          + "{\"message\":{\"role\":\"assistant\"}}}\n\n"
          + "event: content-delta\ndata: {\"type\":\"content-delta\",\"index\":0,\"delta\":{\"message\":"
          + "{\"content\":{\"text\":\"one\"}}}}\n\n");
      exchange.closeConnection();
    }); CohereProvider raw = provider(server.url("")).build()) {
      TestSubscriber<ChatChunk> subscriber = TestSubscriber.unbounded();
      raw.stream(hello(), context).subscribe(subscriber);

      subscriber.awaitTerminal();

      assertThat(subscriber.items()).extracting(ChatChunk::text).containsExactly("", "one");
      assertThat(subscriber.error()).isInstanceOf(SwitchboardException.class);
      assertThat(((SwitchboardException) subscriber.error()).isRetryable()).isTrue();
      assertThat(((SwitchboardException) subscriber.error()).details().provider()).isEqualTo("cohere-main");
    }
  }

  // ---------------------------------------------------------------- embeddings and models

  @Test
  void embed_texts_sendsCohereEmbedBodyAndMapsFloatVectorsAndBilledTokens() throws Exception {
    wm.stubFor(post("/v2/embed").willReturn(okJson(CohereFixtures.EMBED_RESPONSE)));

    EmbeddingResponse response = await(provider.embed(EmbeddingRequest.builder().model("embed-v4.0")
        .input(List.of("hello", "goodbye")).dimensions(256).encodingFormat("base64").user("u-1").build(), context));

    wm.verify(postRequestedFor(urlEqualTo("/v2/embed"))
        .withHeader("Authorization", equalTo("Bearer " + KEY))
        .withRequestBody(equalToJson("""
            {"model": "embed-v4.0", "texts": ["hello", "goodbye"], "input_type": "search_document",
             "embedding_types": ["float"], "output_dimension": 256}
            """, false, false)));
    assertThat(response.model()).isEqualTo("embed-v4.0");
    assertThat(response.data()).hasSize(2);
    assertThat(response.data().get(0).vector()).containsExactly(0.016296387f, -0.008354187f, -0.04699707f);
    assertThat(response.data().get(1).index()).isEqualTo(1);
    assertThat(response.usage().promptTokens()).isEqualTo(2);
    assertThat(response.usage().totalTokens()).isEqualTo(2);
  }

  @Test
  void embed_requestInputTypeAndProviderDefault_requestWinsOverProviderOverBuiltIn() throws Exception {
    wm.stubFor(post("/v2/embed").willReturn(okJson(CohereFixtures.EMBED_RESPONSE)));
    try (CohereProvider queries = provider(wm.baseUrl()).embeddingInputType("search_query").build()) {
      await(queries.embed(EmbeddingRequest.builder().model("embed-v4.0").input("hello").build(), context));
      await(queries.embed(EmbeddingRequest.builder().model("embed-v4.0").input("hello")
          .extraParameter("input_type", "classification").extraParameter("truncate", "END").build(), context));
    }

    wm.verify(1, postRequestedFor(urlEqualTo("/v2/embed")).withRequestBody(equalToJson(
        "{\"input_type\": \"search_query\"}", false, true)));
    wm.verify(1, postRequestedFor(urlEqualTo("/v2/embed")).withRequestBody(equalToJson(
        "{\"input_type\": \"classification\", \"truncate\": \"END\"}", false, true)));
  }

  @Test
  void embed_unknownExtraParameter_failsNamingIt() {
    Throwable failure = failureOf(provider.embed(EmbeddingRequest.builder().model("embed-v4.0").input("x")
        .extraParameter("images", List.of("data:image/png;base64,AAAA")).build(), context));

    assertThat(failure).isInstanceOf(InvalidRequestException.class);
    assertThat(((SwitchboardException) failure).param()).isEqualTo("images");
    wm.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void models_list_getsOneFullPageAndMapsNamesAndOwners() throws Exception {
    wm.stubFor(get("/v1/models?page_size=1000").willReturn(okJson(CohereFixtures.MODELS)));

    List<ModelInfo> models = await(provider.models(context));

    wm.verify(getRequestedFor(urlEqualTo("/v1/models?page_size=1000"))
        .withHeader("Authorization", equalTo("Bearer " + KEY)));
    assertThat(models).extracting(ModelInfo::id)
        .containsExactly("command-a-03-2025", "embed-v4.0", "my-finetuned-command");
    assertThat(models).extracting(ModelInfo::ownedBy).containsExactly("cohere", "cohere", null);
  }

  // ---------------------------------------------------------------- errors

  static Stream<Arguments> errorTable() {
    return Stream.of(
        Arguments.of(400, Map.of(), CohereFixtures.error("invalid request: message must be at least 1 token long or "
            + "tool results must be specified."), InvalidRequestException.class, false, null, null),
        Arguments.of(400, Map.of(), CohereFixtures.error("too many tokens: size limit exceeded by 3141 tokens. Try "
            + "using shorter or fewer inputs, or setting prompt_truncation='AUTO'."),
            ContextWindowExceededException.class, false, null, "context_length_exceeded"),
        Arguments.of(401, Map.of(), CohereFixtures.error("invalid api token"),
            AuthenticationException.class, false, null, null),
        Arguments.of(403, Map.of(), CohereFixtures.error("You do not have access to this model."),
            PermissionDeniedException.class, false, null, null),
        Arguments.of(404, Map.of(), CohereFixtures.error("model 'command-x' not found, make sure the correct model ID "
            + "was used and that you have access to the model."), NotFoundException.class, false, null, null),
        Arguments.of(422, Map.of(), CohereFixtures.error("No valid tool call or response generated"),
            InvalidRequestException.class, false, null, null),
        Arguments.of(429, Map.of("Retry-After", "12"), CohereFixtures.error("You are using a Trial key, which is "
            + "limited to 10 API calls / minute."), RateLimitedException.class, true, Duration.ofSeconds(12),
            "rate_limit_exceeded"),
        Arguments.of(498, Map.of(), CohereFixtures.error("blocked output: please adjust your prompt and try again, as "
            + "this generation may be a potential violation of our Usage Guidelines"),
            ContentPolicyException.class, false, null, "content_policy_violation"),
        Arguments.of(500, Map.of(), CohereFixtures.error("internal server error, this has been reported to our "
            + "developers"), UpstreamException.class, true, null, null),
        Arguments.of(503, Map.of(), CohereFixtures.error("service unavailable"),
            UpstreamUnavailableException.class, true, null, null),
        Arguments.of(504, Map.of(), CohereFixtures.error("request timed out"),
            UpstreamTimeoutException.class, true, null, "timeout"),
        Arguments.of(502, Map.of("Content-Type", "text/html"), "<html><body>502 Bad Gateway</body></html>",
            UpstreamException.class, true, null, null));
  }

  @ParameterizedTest(name = "{0} -> {3}")
  @MethodSource("errorTable")
  void chat_errorStatus_mapsToTypedErrorWithDetailsAndNeverTheKey(int status, Map<String, String> headers,
      String body, Class<? extends SwitchboardException> type, boolean retryable, Duration retryAfter, String code) {
    ResponseDefinitionBuilder response = aResponse().withStatus(status).withBody(body);
    if (!headers.containsKey("Content-Type")) {
      response.withHeader("Content-Type", "application/json");
    }
    headers.forEach(response::withHeader);
    wm.stubFor(post("/v2/chat").willReturn(response));

    Throwable failure = failureOf(provider.chat(hello(), context));

    assertThat(failure).isExactlyInstanceOf(type);
    SwitchboardException error = (SwitchboardException) failure;
    assertThat(error.isRetryable()).isEqualTo(retryable);
    assertThat(error.retryAfter()).isEqualTo(retryAfter);
    assertThat(error.code()).isEqualTo(code);
    assertThat(error.details().upstreamStatus()).isEqualTo(status);
    assertThat(error.details().provider()).isEqualTo("cohere-main");
    assertThat(error.details().deployment()).isEqualTo("cohere-main/command-a-03-2025");
    assertThat(error.details().model()).isEqualTo("command-a-03-2025");
    assertThat(error.details().requestId()).isEqualTo("req_cohere_0001");
    assertThat(error.getMessage()).startsWith("cohere-main returned " + status).doesNotContain(KEY);
  }

  @Test
  void chat_errorBodyEchoingTheKey_neverShowsIt() {
    wm.stubFor(post("/v2/chat").willReturn(aResponse().withStatus(401)
        .withBody(CohereFixtures.error("invalid api token " + KEY))));

    Throwable failure = failureOf(provider.chat(hello(), context));

    assertThat(failure).isInstanceOf(AuthenticationException.class);
    assertThat(failure.getMessage()).doesNotContain(KEY);
    assertThat(failure.toString()).doesNotContain(KEY);
  }

  @Test
  void chat_malformedJsonWith200_failsRetryablyWithUpstreamException() {
    wm.stubFor(post("/v2/chat").willReturn(okJson("{\"id\":\"x\",\"message\":{\"content\":[")));

    Throwable failure = failureOf(provider.chat(hello(), context));

    assertThat(failure).isExactlyInstanceOf(UpstreamException.class).hasMessageContaining("malformed");
    assertThat(((SwitchboardException) failure).isRetryable()).isTrue();
  }

  @Test
  void chat_connectionResetByPeer_failsWithUpstreamUnavailable() {
    wm.stubFor(post("/v2/chat").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

    Throwable failure = failureOf(provider.chat(hello(), context));

    assertThat(failure).isInstanceOf(UpstreamUnavailableException.class);
    assertThat(failure.getMessage()).startsWith("cohere-main").doesNotContain(KEY);
  }

  @Test
  void chat_cancelFuture_cancelsTheCallAndClosesTheConnection() throws Exception {
    CountDownLatch received = new CountDownLatch(1);
    CountDownLatch clientGone = new CountDownLatch(1);
    try (RawHttpServer server = RawHttpServer.start(exchange -> {
      received.countDown();
      exchange.awaitClientGone();
      clientGone.countDown();
    }); CohereProvider raw = provider(server.url("")).build()) {
      CompletableFuture<ChatResponse> future = raw.chat(hello(), context);
      assertThat(received.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();

      future.cancel(true);

      assertThat(clientGone.await(GUARD_SECONDS, TimeUnit.SECONDS)).as("server saw the connection closed").isTrue();
    }
  }

  // ---------------------------------------------------------------- lifecycle

  @Test
  void close_ownTransport_laterCallsFailWithoutACall() {
    CohereProvider own = CohereProvider.builder().baseUrl(wm.baseUrl()).apiKey(KEY).build();

    own.close();
    own.close();

    assertThat(failureOf(own.chat(hello(), context))).isInstanceOf(UpstreamException.class)
        .hasMessageContaining("is closed");
    TestSubscriber<ChatChunk> stream = TestSubscriber.unbounded();
    own.stream(hello(), context).subscribe(stream);
    assertThat(stream.awaitTerminal().error()).hasMessageContaining("is closed");
    wm.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void toString_withKey_neverShowsTheKey() {
    assertThat(provider.toString()).doesNotContain(KEY).contains("cohere-main").contains("****");
  }

  @Test
  void builder_invalidValues_areRejectedNamingTheOption() {
    assertThatThrownBy(() -> CohereProvider.builder().baseUrl("ftp://example.com"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("baseUrl must start with http:// or https:// but was ftp://example.com");
    assertThatThrownBy(() -> CohereProvider.builder().embeddingInputType(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("embeddingInputType must not be blank");
    assertThatThrownBy(() -> CohereProvider.builder().transport(transport).connectTimeout(Duration.ofSeconds(1))
        .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("connectTimeout (PT1S) applies only to the provider's own transport");
    assertThat(CohereProvider.builder().baseUrl("https://api.cohere.com/").build().baseUrl())
        .isEqualTo("https://api.cohere.com");
  }

  @Test
  void chat_noApiKey_sendsNoAuthorization() throws Exception {
    wm.stubFor(post("/v2/chat").willReturn(okJson(CohereFixtures.CHAT_RESPONSE)));
    try (CohereProvider keyless = provider(wm.baseUrl()).apiKey(null).build()) {
      await(keyless.chat(hello(), context));
    }

    wm.verify(postRequestedFor(urlEqualTo("/v2/chat")).withHeader("Authorization", absent()));
  }
}

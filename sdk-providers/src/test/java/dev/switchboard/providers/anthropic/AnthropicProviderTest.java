package dev.switchboard.providers.anthropic;

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
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
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
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class AnthropicProviderTest {

  @RegisterExtension
  static final WireMockExtension wm =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final String KEY = "sk-ant-api03-Xq7secretKeyValue123";
  private static final long GUARD_SECONDS = 10;
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final String MESSAGES = "/v1/messages";
  private static final OkHttpTransport transport = OkHttpTransport.builder().build();

  private final CallContext context = CallContext.builder("req_0123456789abcdef")
      .providerName("anthropic-main")
      .deploymentId("anthropic-main/claude-sonnet-4")
      .build();
  private final AnthropicProvider provider = provider(wm.baseUrl() + "/v1", b -> b);

  @AfterEach
  void noLeakedCalls() {
    provider.close();
    TransportProbe.assertNoOpenCalls(transport);
  }

  @AfterAll
  static void closeTransport() {
    transport.close();
  }

  private static AnthropicProvider provider(String baseUrl, UnaryOperator<AnthropicProvider.Builder> custom) {
    return custom.apply(AnthropicProvider.builder()
        .baseUrl(baseUrl)
        .apiKey(KEY)
        .providerName("anthropic-main")
        .transport(transport)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC)))
        .build();
  }

  private static ChatRequest hello() {
    return ChatRequest.builder().model("claude-sonnet-4-20250514").addMessage(Message.user("Hello, world")).build();
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
    return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream; charset=utf-8").withBody(body);
  }

  private TestSubscriber<ChatChunk> streamAll(AnthropicProvider p, ChatRequest request) {
    TestSubscriber<ChatChunk> subscriber = TestSubscriber.unbounded();
    p.stream(request, context).subscribe(subscriber);
    return subscriber.awaitTerminal();
  }

  private TestSubscriber<ChatChunk> streamAll(ChatRequest request) {
    return streamAll(provider, request);
  }

  private static String text(List<ChatChunk> chunks) {
    return chunks.stream().map(ChatChunk::text).filter(t -> t != null).collect(Collectors.joining());
  }

  // ---------------------------------------------------------------- outbound request

  @Test
  void chat_richConversation_sendsAnthropicMessagesBodyFieldByFieldWithHeaders() throws Exception {
    wm.stubFor(post(MESSAGES).willReturn(okJson(AnthropicFixtures.MESSAGE)));
    ChatRequest request = ChatRequest.builder()
        .model("claude-sonnet-4-20250514")
        .addMessage(Message.system("You answer with weather reports."))
        .addMessage(Message.user(List.of(ContentPart.text("What is in these pictures?"),
            ContentPart.imageUrl("data:image/png;base64,iVBORw0KGgo=", "low"),
            ContentPart.imageUrl("https://upload.wikimedia.org/ant.jpg"))))
        .addMessage(Message.developer("Prefer Celsius."))
        .addMessage(Message.user("And the weather in Paris and Rome?"))
        .addMessage(Message.builder().role(Role.ASSISTANT).content("")
            .addToolCall(ToolCall.function("toolu_01A", "get_weather", "{\"location\":\"Paris\",\"temp\":0.10}"))
            .addToolCall(ToolCall.function("toolu_01B", "get_weather", "{\"location\":\"Rome\"}")).build())
        .addMessage(Message.tool("toolu_01A", "21 degrees"))
        .addMessage(Message.tool("toolu_01B", "24 degrees"))
        .addMessage(Message.user("Thanks! Which is warmer?"))
        .temperature(0.2)
        .topP(0.9)
        .maxCompletionTokens(256)
        .maxTokens(999)
        .stop(List.of("\n\nHuman:"))
        .user("user-1234")
        .addTool(Tool.builder().name("get_weather").description("Get the current weather in a given location")
            .parameters(Map.of("type", "object", "properties", Map.of("location", Map.of("type", "string")),
                "required", List.of("location")))
            .strict(true).build())
        .toolChoice(ToolChoice.function("get_weather"))
        .parallelToolCalls(false)
        .build();

    await(provider.chat(request, context.toBuilder().header("X-Trace", "trace-7").build()));

    wm.verify(postRequestedFor(urlEqualTo(MESSAGES))
        .withHeader("x-api-key", equalTo(KEY))
        .withHeader("anthropic-version", equalTo("2023-06-01"))
        .withHeader("Content-Type", equalTo("application/json"))
        .withHeader("Accept", equalTo("application/json"))
        .withHeader("X-Trace", equalTo("trace-7"))
        .withHeader("Authorization", absent())
        .withRequestBody(equalToJson("""
            {
              "model": "claude-sonnet-4-20250514",
              "max_tokens": 256,
              "system": [
                {"type": "text", "text": "You answer with weather reports."},
                {"type": "text", "text": "Prefer Celsius."}
              ],
              "messages": [
                {"role": "user", "content": [
                  {"type": "text", "text": "What is in these pictures?"},
                  {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
                  {"type": "image", "source": {"type": "url", "url": "https://upload.wikimedia.org/ant.jpg"}},
                  {"type": "text", "text": "And the weather in Paris and Rome?"}
                ]},
                {"role": "assistant", "content": [
                  {"type": "tool_use", "id": "toolu_01A", "name": "get_weather",
                   "input": {"location": "Paris", "temp": 0.10}},
                  {"type": "tool_use", "id": "toolu_01B", "name": "get_weather", "input": {"location": "Rome"}}
                ]},
                {"role": "user", "content": [
                  {"type": "tool_result", "tool_use_id": "toolu_01A", "content": "21 degrees"},
                  {"type": "tool_result", "tool_use_id": "toolu_01B", "content": "24 degrees"},
                  {"type": "text", "text": "Thanks! Which is warmer?"}
                ]}
              ],
              "temperature": 0.2,
              "top_p": 0.9,
              "stop_sequences": ["\\n\\nHuman:"],
              "metadata": {"user_id": "user-1234"},
              "tools": [
                {"name": "get_weather", "description": "Get the current weather in a given location",
                 "input_schema": {"type": "object", "properties": {"location": {"type": "string"}},
                                  "required": ["location"]},
                 "strict": true}
              ],
              "tool_choice": {"type": "tool", "name": "get_weather", "disable_parallel_tool_use": true}
            }
            """, false, false)));
  }

  @Test
  void chat_toolArgumentsWithExactDecimals_sendsThemAsWritten() throws Exception {
    wm.stubFor(post(MESSAGES).willReturn(okJson(AnthropicFixtures.MESSAGE)));
    ChatRequest request = hello().toBuilder()
        .addMessage(Message.assistant(List.of(ToolCall.function("toolu_1", "f", "{\"x\":0.10,\"big\":1e400}"))))
        .addMessage(Message.tool("toolu_1", "ok"))
        .build();

    await(provider.chat(request, context));

    String body = wm.getAllServeEvents().get(0).getRequest().getBodyAsString();
    assertThat(body).contains("\"input\":{\"x\":0.10,\"big\":1E+400}");
  }

  @Test
  void chat_toolResultAfterUserText_movesTheResultsFirstInTheMergedTurn() throws Exception {
    wm.stubFor(post(MESSAGES).willReturn(okJson(AnthropicFixtures.MESSAGE)));
    ChatRequest request = ChatRequest.builder().model("claude-sonnet-4-20250514")
        .addMessage(Message.user("Weather?"))
        .addMessage(Message.assistant(List.of(ToolCall.function("toolu_1", "get_weather", ""))))
        .addMessage(Message.user("(the user typed while the tool ran)"))
        .addMessage(Message.builder().role(Role.TOOL).toolCallId("toolu_1")
            .content(List.of(ContentPart.text("21"), ContentPart.text(" degrees"))).build())
        .build();

    await(provider.chat(request, context));

    wm.verify(postRequestedFor(urlEqualTo(MESSAGES)).withRequestBody(equalToJson("""
        {"messages": [
          {"role": "user", "content": "Weather?"},
          {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {}}]},
          {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "toolu_1",
             "content": [{"type": "text", "text": "21"}, {"type": "text", "text": " degrees"}]},
            {"type": "text", "text": "(the user typed while the tool ran)"}
          ]}
        ]}
        """, false, true)));
  }

  @Test
  void chat_onlyMaxTokensOrNeither_sendsItOrTheConfiguredDefault() throws Exception {
    wm.stubFor(post(MESSAGES).willReturn(okJson(AnthropicFixtures.MESSAGE)));
    try (AnthropicProvider small = provider(wm.baseUrl() + "/v1", b -> b.defaultMaxTokens(1024))) {
      await(small.chat(hello(), context));
      await(small.chat(hello().toBuilder().maxTokens(77).build(), context));
    }
    await(provider.chat(hello(), context));

    List<String> bodies = wm.getAllServeEvents().stream().map(e -> e.getRequest().getBodyAsString()).toList();
    assertThat(bodies).hasSize(3).anySatisfy(b -> assertThat(b).contains("\"max_tokens\":1024"))
        .anySatisfy(b -> assertThat(b).contains("\"max_tokens\":77"))
        .anySatisfy(b -> assertThat(b).contains("\"max_tokens\":4096"));
    wm.verify(postRequestedFor(urlEqualTo(MESSAGES)).withRequestBody(equalToJson("""
        {"model": "claude-sonnet-4-20250514", "max_tokens": 4096,
         "messages": [{"role": "user", "content": "Hello, world"}]}
        """, false, false)));
  }

  static Stream<Arguments> toolChoices() {
    return Stream.of(
        Arguments.of(ToolChoice.auto(), null, "{\"type\": \"auto\"}"),
        Arguments.of(ToolChoice.required(), null, "{\"type\": \"any\"}"),
        Arguments.of(ToolChoice.required(), false, "{\"type\": \"any\", \"disable_parallel_tool_use\": true}"),
        Arguments.of(ToolChoice.function("get_weather"), null, "{\"type\": \"tool\", \"name\": \"get_weather\"}"),
        Arguments.of(ToolChoice.none(), false, "{\"type\": \"none\"}"),
        Arguments.of(null, false, "{\"type\": \"auto\", \"disable_parallel_tool_use\": true}"));
  }

  @ParameterizedTest(name = "{0} parallel={1} -> {2}")
  @MethodSource("toolChoices")
  void chat_toolChoiceAndParallelToolCalls_mapToAnthropicToolChoice(ToolChoice choice, Boolean parallel,
      String expected) throws Exception {
    wm.stubFor(post(MESSAGES).willReturn(okJson(AnthropicFixtures.MESSAGE)));
    ChatRequest request = hello().toBuilder()
        .addTool(Tool.function("get_weather", null, null))
        .toolChoice(choice)
        .parallelToolCalls(parallel)
        .build();

    await(provider.chat(request, context));

    wm.verify(postRequestedFor(urlEqualTo(MESSAGES)).withRequestBody(equalToJson("{\"tools\": [{\"name\": "
        + "\"get_weather\", \"input_schema\": {\"type\": \"object\", \"properties\": {}}}], \"tool_choice\": "
        + expected + "}", false, true)));
  }

  @Test
  void chat_jsonSchemaResponseFormat_sendsStructuredOutputsMergedWithPassedOutputConfig() throws Exception {
    wm.stubFor(post(MESSAGES).willReturn(okJson(AnthropicFixtures.STRUCTURED_OUTPUT_MESSAGE)));
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("properties", Map.of("name", Map.of("type", "string"), "email", Map.of("type", "string"),
        "plan_interest", Map.of("type", "string"), "demo_requested", Map.of("type", "boolean")));
    schema.put("required", List.of("name", "email", "plan_interest", "demo_requested"));
    schema.put("additionalProperties", false);
    ChatRequest request = hello().toBuilder()
        .responseFormat(ResponseFormat.builder().type("json_schema").name("contact").schema(schema).strict(true)
            .description("Contact details from the email").build())
        .extraParameter("output_config", Map.of("effort", "medium"))
        .build();

    ChatResponse response = await(provider.chat(request, context));

    wm.verify(postRequestedFor(urlEqualTo(MESSAGES)).withRequestBody(equalToJson("""
        {"output_config": {"effort": "medium", "format": {"type": "json_schema", "schema": {
          "type": "object",
          "properties": {"name": {"type": "string"}, "email": {"type": "string"},
                         "plan_interest": {"type": "string"}, "demo_requested": {"type": "boolean"}},
          "required": ["name", "email", "plan_interest", "demo_requested"],
          "additionalProperties": false,
          "description": "Contact details from the email"}}}}
        """, false, true)));
    assertThat(response.text()).isEqualTo("{\"name\":\"John Smith\",\"email\":\"john@example.com\","
        + "\"plan_interest\":\"Enterprise\",\"demo_requested\":true}");
    assertThat(response.choices().get(0).finishReason()).isEqualTo(FinishReason.STOP);
  }

  @Test
  void chat_jsonObjectResponseFormat_forcesTheJsonOutputToolAndAnswersWithItsInputAsText() throws Exception {
    wm.stubFor(post(MESSAGES).willReturn(okJson(AnthropicFixtures.JSON_OUTPUT_TOOL_MESSAGE)));

    ChatResponse response = await(provider.chat(hello().toBuilder().responseFormat(ResponseFormat.jsonObject())
        .build(), context));

    wm.verify(postRequestedFor(urlEqualTo(MESSAGES)).withRequestBody(equalToJson("""
        {"tools": [{"name": "json_output",
                    "description": "Answer with the JSON object that responds to the conversation.",
                    "input_schema": {"type": "object"}}],
         "tool_choice": {"type": "tool", "name": "json_output", "disable_parallel_tool_use": true}}
        """, false, true)));
    assertThat(response.text()).isEqualTo("{\"city\":\"Paris\",\"temperature\":21.5}");
    assertThat(response.toolCalls()).isEmpty();
    assertThat(response.choices().get(0).finishReason()).isEqualTo(FinishReason.STOP);
  }

  @Test
  void chat_anthropicFieldsAsExtraParameters_arePassedVerbatimAndNoOpOpenAiFieldsIgnored() throws Exception {
    wm.stubFor(post(MESSAGES).willReturn(okJson(AnthropicFixtures.MESSAGE)));
    ChatRequest request = hello().toBuilder()
        .extraParameter("top_k", 40)
        .extraParameter("thinking", Map.of("type", "enabled", "budget_tokens", 2048))
        .extraParameter("service_tier", "standard_only")
        .extraParameter("store", true)
        .extraParameter("prompt_cache_key", "k1")
        .extraParameter("safety_identifier", "hash-42")
        .extraParameter("logprobs", false)
        .extraParameter("modalities", List.of("text"))
        .metadata("team", "weather")
        .build();

    await(provider.chat(request, context));

    wm.verify(postRequestedFor(urlEqualTo(MESSAGES)).withRequestBody(equalToJson("""
        {"model": "claude-sonnet-4-20250514", "max_tokens": 4096,
         "messages": [{"role": "user", "content": "Hello, world"}],
         "top_k": 40, "thinking": {"type": "enabled", "budget_tokens": 2048}, "service_tier": "standard_only",
         "metadata": {"user_id": "hash-42"}}
        """, false, false)));
  }

  @Test
  void chat_cacheControlInExtras_isKeptOnTheBlocks() throws Exception {
    wm.stubFor(post(MESSAGES).willReturn(okJson(AnthropicFixtures.MESSAGE)));
    Map<String, Object> ephemeral = Map.of("type", "ephemeral");
    ChatRequest request = ChatRequest.builder().model("claude-sonnet-4-20250514")
        .addMessage(Message.builder().role(Role.SYSTEM)
            .content(List.of(ContentPart.text("A long shared context.").withExtra(Map.of("cache_control", ephemeral))))
            .build())
        .addMessage(Message.builder().role(Role.USER).content("Summarise it.").extra("cache_control", ephemeral).build())
        .build();

    await(provider.chat(request, context));

    wm.verify(postRequestedFor(urlEqualTo(MESSAGES)).withRequestBody(equalToJson("""
        {"system": [{"type": "text", "text": "A long shared context.", "cache_control": {"type": "ephemeral"}}],
         "messages": [{"role": "user", "content": [
           {"type": "text", "text": "Summarise it.", "cache_control": {"type": "ephemeral"}}]}]}
        """, false, true)));
  }

  static Stream<Arguments> unsupported() {
    ChatRequest base = hello();
    return Stream.of(
        Arguments.of(base.toBuilder().n(2).build(), "n"),
        Arguments.of(base.toBuilder().seed(42L).build(), "seed"),
        Arguments.of(base.toBuilder().presencePenalty(0.5).build(), "presence_penalty"),
        Arguments.of(base.toBuilder().frequencyPenalty(0.5).build(), "frequency_penalty"),
        Arguments.of(base.toBuilder().extraParameter("logit_bias", Map.of("50256", -100)).build(), "logit_bias"),
        Arguments.of(base.toBuilder().extraParameter("logprobs", true).build(), "logprobs"),
        Arguments.of(base.toBuilder().extraParameter("reasoning_effort", "low").build(), "reasoning_effort"),
        Arguments.of(base.toBuilder().extraParameter("modalities", List.of("text", "audio")).build(), "modalities"),
        Arguments.of(base.toBuilder().addMessage(Message.user(List.of(ContentPart.raw(Map.of("type", "input_audio",
            "input_audio", Map.of("data", "UklGR", "format", "wav")))))).build(), "messages[1].content[0]"),
        Arguments.of(base.toBuilder().addMessage(Message.user(List.of(
            ContentPart.imageUrl("data:image/bmp;base64,Qk0=")))).build(), "messages[1].content[0].image_url.url"),
        Arguments.of(base.toBuilder().addMessage(Message.builder().role(Role.SYSTEM)
            .content(List.of(ContentPart.imageUrl("https://example.com/logo.png"))).build()).build(),
            "messages[1].content[0]"),
        Arguments.of(base.toBuilder().addTool(Tool.function("f", null, null))
            .responseFormat(ResponseFormat.jsonObject()).build(), "response_format"),
        Arguments.of(base.toBuilder().addTool(Tool.builder().type("web_search_preview").name("search").build())
            .build(), "tools[0].type"),
        Arguments.of(base.toBuilder().extraParameter("functions", List.of(Map.of("name", "f"))).build(), "functions"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("unsupported")
  void chat_parameterAnthropicCannotHonour_failsNamingProviderAndParameterWithoutACall(ChatRequest request,
      String param) {
    Throwable failure = failureOf(provider.chat(request, context));

    assertThat(failure).isExactlyInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith("anthropic-main (Anthropic) does not support ")
        .hasMessageContaining("'" + param + "'")
        .hasMessageContaining("drop_unsupported_params");
    SwitchboardException error = (SwitchboardException) failure;
    assertThat(error.param()).isEqualTo(param);
    assertThat(error.code()).isEqualTo("unsupported_parameter");
    assertThat(error.isRetryable()).isFalse();
    assertThat(error.details().provider()).isEqualTo("anthropic-main");
    assertThat(error.details().requestId()).isEqualTo("req_0123456789abcdef");
    wm.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void chat_unsupportedParametersWithDropConfigured_areDroppedAndTheRestIsSent() throws Exception {
    wm.stubFor(post(MESSAGES).willReturn(okJson(AnthropicFixtures.MESSAGE)));
    ChatRequest request = hello().toBuilder().n(3).seed(7L).presencePenalty(1.0).frequencyPenalty(1.0)
        .extraParameter("logit_bias", Map.of("1", 2)).extraParameter("reasoning_effort", "high")
        .addMessage(Message.user(List.of(ContentPart.text("and this"), ContentPart.imageUrl("data:image/bmp;base64,Qk0="))))
        .addTool(Tool.builder().type("web_search_preview").name("search").build())
        .toolChoice(ToolChoice.required())
        .temperature(0.5)
        .build();
    try (AnthropicProvider dropping = provider(wm.baseUrl() + "/v1", b -> b.dropUnsupportedParams(true))) {

      await(dropping.chat(request, context));
    }

    wm.verify(postRequestedFor(urlEqualTo(MESSAGES)).withRequestBody(equalToJson("""
        {"model": "claude-sonnet-4-20250514", "max_tokens": 4096, "temperature": 0.5,
         "messages": [{"role": "user", "content": [{"type": "text", "text": "Hello, world"},
                                                   {"type": "text", "text": "and this"}]}]}
        """, false, false)));
  }

  @Test
  void chat_toolCallArgumentsNotAJsonObject_failsNamingTheArgumentsEvenWhenDropping() {
    ChatRequest request = hello().toBuilder()
        .addMessage(Message.assistant(List.of(ToolCall.function("toolu_1", "f", "[1, 2]"))))
        .build();
    try (AnthropicProvider dropping = provider(wm.baseUrl() + "/v1", b -> b.dropUnsupportedParams(true))) {

      Throwable failure = failureOf(dropping.chat(request, context));

      assertThat(failure).isExactlyInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("tool call arguments must be a JSON object");
      assertThat(((SwitchboardException) failure).param()).isEqualTo("messages[1].tool_calls[0].function.arguments");
    }
    wm.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void chat_callHeadersNamingCredentialsOrVersion_doNotReplaceTheAccounts() throws Exception {
    wm.stubFor(post(MESSAGES).willReturn(okJson(AnthropicFixtures.MESSAGE)));
    CallContext sneaky = context.toBuilder().header("X-Api-Key", "sk-ant-someone-else")
        .header("anthropic-version", "2099-01-01").header("anthropic-beta", "prompt-caching-2024-07-31").build();
    try (AnthropicProvider versioned = provider(wm.baseUrl() + "/v1", b -> b.anthropicVersion("2023-01-01")
        .header("X-Account", "acct-1"))) {

      await(versioned.chat(hello(), sneaky));
    }

    wm.verify(postRequestedFor(urlEqualTo(MESSAGES))
        .withHeader("x-api-key", equalTo(KEY))
        .withHeader("anthropic-version", equalTo("2023-01-01"))
        .withHeader("anthropic-beta", equalTo("prompt-caching-2024-07-31"))
        .withHeader("X-Account", equalTo("acct-1")));
  }

  @Test
  void stream_request_sendsStreamTrueAndAcceptsEventStream() {
    wm.stubFor(post(MESSAGES).willReturn(eventStream(AnthropicFixtures.TEXT_STREAM)));

    streamAll(hello());

    wm.verify(postRequestedFor(urlEqualTo(MESSAGES))
        .withHeader("x-api-key", equalTo(KEY))
        .withHeader("anthropic-version", equalTo("2023-06-01"))
        .withHeader("Accept", equalTo("text/event-stream"))
        .withRequestBody(equalToJson("""
            {"model": "claude-sonnet-4-20250514", "max_tokens": 4096,
             "messages": [{"role": "user", "content": "Hello, world"}], "stream": true}
            """, false, false)));
  }

  // ---------------------------------------------------------------- responses

  @Test
  void chat_textMessage_mapsIdModelTextFinishReasonUsageAndCreatedFromTheClock() throws Exception {
    wm.stubFor(post(MESSAGES).willReturn(okJson(AnthropicFixtures.MESSAGE)));

    ChatResponse response = await(provider.chat(hello(), context));

    assertThat(response.id()).isEqualTo("msg_013Zva2CMHLNnXjNJJKqJ2EF");
    assertThat(response.model()).isEqualTo("claude-sonnet-4-20250514");
    assertThat(response.created()).isEqualTo(NOW.getEpochSecond());
    assertThat(response.text()).isEqualTo("Hi! My name is Claude.");
    assertThat(response.choices()).singleElement().satisfies(c -> {
      assertThat(c.index()).isZero();
      assertThat(c.finishReason()).isEqualTo(FinishReason.STOP);
      assertThat(c.message().role()).isEqualTo(Role.ASSISTANT);
      assertThat(c.message().toolCalls()).isEmpty();
      assertThat(c.message().extra()).isEmpty();
    });
    assertThat(response.usage()).isEqualTo(Usage.of(2095, 503));
    assertThat(response.route()).as("the engine sets the route, not the provider").isNull();
  }

  @Test
  void chat_toolUseMessage_mapsTextToolCallsWithIdsAndCachedUsageWithTotalInput() throws Exception {
    wm.stubFor(post(MESSAGES).willReturn(okJson(AnthropicFixtures.TOOL_USE_MESSAGE)));

    ChatResponse response = await(provider.chat(hello(), context));

    assertThat(response.text()).isEqualTo("I'll check the current weather in San Francisco for you.");
    assertThat(response.toolCalls()).containsExactly(ToolCall.function("toolu_01A09q90qw90lq917835lq9", "get_weather",
        "{\"location\":\"San Francisco, CA\",\"unit\":\"celsius\"}"));
    assertThat(response.choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    // total input = input_tokens 50 + cache reads 2048 + cache writes 1200 (Anthropic's documented sum)
    assertThat(response.usage()).isEqualTo(Usage.builder().promptTokens(3298).completionTokens(78)
        .cachedTokens(2048).cacheCreationTokens(1200).build());
    assertThat(response.usage().totalTokens()).isEqualTo(3376);
    assertThat(response.serviceTier()).isEqualTo("standard");
  }

  @Test
  void chat_thinkingMessage_putsThinkingInReasoningContentAndCountsReasoningTokens() throws Exception {
    wm.stubFor(post(MESSAGES).willReturn(okJson(AnthropicFixtures.THINKING_MESSAGE)));

    ChatResponse response = await(provider.chat(hello(), context));

    assertThat(response.text()).isEqualTo("Based on my analysis...");
    assertThat(response.choices().get(0).message().extra())
        .containsExactly(Map.entry("reasoning_content", "Let me analyze this step by step..."));
    assertThat(response.usage()).isEqualTo(Usage.builder().promptTokens(40).completionTokens(320)
        .reasoningTokens(250).build());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "end_turn, stop",
      "stop_sequence, stop",
      "max_tokens, length",
      "model_context_window_exceeded, length",
      "tool_use, tool_calls",
      "refusal, content_filter",
      "pause_turn, pause_turn",
      "some_future_reason, some_future_reason"})
  void chat_stopReason_mapsToOpenAiFinishReason(String stopReason, String finishReason) throws Exception {
    wm.stubFor(post(MESSAGES).willReturn(okJson(AnthropicFixtures.messageWithStopReason(stopReason))));

    ChatResponse response = await(provider.chat(hello(), context));

    assertThat(response.choices().get(0).finishReason()).isEqualTo(FinishReason.of(finishReason));
  }

  @Test
  void chat_malformedJsonWith200_failsWithUpstreamException() {
    wm.stubFor(post(MESSAGES).willReturn(okJson("{\"id\":\"msg_1\",\"content\":[{\"type\":")));

    Throwable failure = failureOf(provider.chat(hello(), context));

    assertThat(failure).isExactlyInstanceOf(UpstreamException.class).hasMessageContaining("malformed");
    SwitchboardException error = (SwitchboardException) failure;
    assertThat(error.isRetryable()).isTrue();
    assertThat(error.details().provider()).isEqualTo("anthropic-main");
    assertThat(error.details().requestId()).isEqualTo("req_0123456789abcdef");
  }

  // ---------------------------------------------------------------- streaming

  @Test
  void stream_textEvents_emitsRoleAndTextThenFinishThenUsageOnlyChunkAndCompletes() {
    wm.stubFor(post(MESSAGES).willReturn(eventStream(AnthropicFixtures.TEXT_STREAM)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    List<ChatChunk> chunks = subscriber.items();
    assertThat(subscriber.isCompleted()).isTrue();
    assertThat(chunks).hasSize(4);
    assertThat(chunks).extracting(ChatChunk::text).containsExactly("Hello", "!", null, null);
    assertThat(chunks.get(0).choices().get(0).delta().role()).isEqualTo(Role.ASSISTANT);
    assertThat(chunks.subList(1, 4)).allSatisfy(c -> assertThat(c.choices().isEmpty()
        || c.choices().get(0).delta().role() == null).isTrue());
    assertThat(chunks).allSatisfy(c -> {
      assertThat(c.id()).isEqualTo("msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY");
      assertThat(c.model()).isEqualTo("claude-opus-4-20250514");
      assertThat(c.created()).isEqualTo(NOW.getEpochSecond());
    });
    assertThat(chunks.get(2).choices().get(0).finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(chunks.subList(0, 3)).allSatisfy(c -> assertThat(c.usage()).isNull());
    ChatChunk last = chunks.get(3);
    assertThat(last.choices()).isEmpty();
    assertThat(last.usage()).isEqualTo(Usage.of(25, 15));
  }

  @Test
  void stream_toolUseEvents_emitsToolCallIdAndNameFirstThenArgumentFragments() {
    wm.stubFor(post(MESSAGES).willReturn(eventStream(AnthropicFixtures.TOOL_USE_STREAM)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    List<ChatChunk> chunks = subscriber.items();
    assertThat(subscriber.isCompleted()).isTrue();
    assertThat(text(chunks)).isEqualTo("Okay, let's check the weather for San Francisco, CA:");
    List<ToolCallDelta> deltas = chunks.stream().filter(c -> !c.choices().isEmpty())
        .flatMap(c -> c.choices().get(0).delta().toolCalls().stream()).toList();
    assertThat(deltas).hasSize(9); // the start, then 8 non-empty fragments (the empty one carries nothing)
    ToolCallDelta first = deltas.get(0);
    assertThat(first.index()).as("OpenAI's index counts tool calls, not Anthropic's content blocks").isZero();
    assertThat(first.id()).isEqualTo("toolu_01T1x1fJ34qAmk2tNTrN7Up6");
    assertThat(first.type()).isEqualTo("function");
    assertThat(first.name()).isEqualTo("get_weather");
    assertThat(first.arguments()).isEmpty();
    assertThat(deltas.subList(1, 9)).allSatisfy(d -> {
      assertThat(d.index()).isZero();
      assertThat(d.id()).isNull();
      assertThat(d.name()).isNull();
    });
    assertThat(deltas.stream().map(ToolCallDelta::arguments).collect(Collectors.joining()))
        .isEqualTo("{\"location\": \"San Francisco, CA\", \"unit\": \"fahrenheit\"}");
    ChatChunk finish = chunks.get(chunks.size() - 2);
    assertThat(finish.choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(chunks.get(chunks.size() - 1).usage()).isEqualTo(Usage.of(472, 89));
  }

  @Test
  void stream_cachedUsage_keepsCacheReadsAndCountsThemInPromptTokens() {
    wm.stubFor(post(MESSAGES).willReturn(eventStream(AnthropicFixtures.CACHED_STREAM)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    List<ChatChunk> chunks = subscriber.items();
    assertThat(subscriber.isCompleted()).isTrue();
    assertThat(chunks).extracting(ChatChunk::text).containsExactly("Cached.", null, null);
    assertThat(chunks.get(1).choices().get(0).finishReason()).isEqualTo(FinishReason.LENGTH);
    assertThat(chunks.get(2).usage()).isEqualTo(Usage.builder().promptTokens(1812).completionTokens(30)
        .cachedTokens(1800).build());
    assertThat(chunks).allSatisfy(c -> assertThat(c.serviceTier()).isEqualTo("standard"));
  }

  @Test
  void stream_thinkingEvents_emitReasoningContentDeltasBeforeTheText() {
    wm.stubFor(post(MESSAGES).willReturn(eventStream(AnthropicFixtures.THINKING_STREAM)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    List<ChatChunk> chunks = subscriber.items();
    assertThat(subscriber.isCompleted()).isTrue();
    assertThat(chunks).hasSize(5);
    assertThat(chunks.subList(0, 2)).extracting(c -> c.choices().get(0).delta().extra().get("reasoning_content"))
        .containsExactly("Let me solve this step by step:\n\n1. First break down 27 * 453", "\n2. 453 = 400 + 50 + 3");
    assertThat(chunks.get(0).choices().get(0).delta().role()).isEqualTo(Role.ASSISTANT);
    assertThat(chunks.get(2).text()).isEqualTo("27 * 453 = 12,231");
    assertThat(chunks.get(3).choices().get(0).finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(chunks.get(4).usage()).isEqualTo(Usage.ZERO);
  }

  @Test
  void stream_jsonObjectResponseFormat_streamsTheForcedToolInputAsText() {
    String body = AnthropicFixtures.MESSAGE_START_EVENT
        + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
        + "{\"type\":\"tool_use\",\"id\":\"toolu_01J\",\"name\":\"json_output\",\"input\":{}}}\n\n"
        + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
        + "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\": \"}}\n\n"
        + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
        + "{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"Paris\\\"}\"}}\n\n"
        + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
        + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\","
        + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":12}}\n\n"
        + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    wm.stubFor(post(MESSAGES).willReturn(eventStream(body)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello().toBuilder().responseFormat(ResponseFormat.jsonObject())
        .build());

    List<ChatChunk> chunks = subscriber.items();
    assertThat(subscriber.isCompleted()).isTrue();
    assertThat(text(chunks)).isEqualTo("{\"city\": \"Paris\"}");
    assertThat(chunks).allSatisfy(c -> assertThat(c.choices().isEmpty()
        || c.choices().get(0).delta().toolCalls().isEmpty()).isTrue());
    assertThat(chunks.get(chunks.size() - 2).choices().get(0).finishReason()).isEqualTo(FinishReason.STOP);
  }

  @Test
  void stream_overloadedErrorEventAfterAChunk_failsRetryablyAfterTheChunk() {
    String body = AnthropicFixtures.MESSAGE_START_EVENT + AnthropicFixtures.textEvents("Hel")
        + AnthropicFixtures.errorEvent("overloaded_error", "Overloaded");
    wm.stubFor(post(MESSAGES).willReturn(eventStream(body)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.items()).extracting(ChatChunk::text).containsExactly("Hel");
    assertThat(subscriber.error()).isExactlyInstanceOf(UpstreamUnavailableException.class)
        .hasMessageContaining("error event in stream: Overloaded");
    SwitchboardException error = (SwitchboardException) subscriber.error();
    assertThat(error.isRetryable()).isTrue();
    assertThat(error.code()).isEqualTo("overloaded_error");
    assertThat(error.details().upstreamStatus()).isEqualTo(529);
    assertThat(error.details().provider()).isEqualTo("anthropic-main");
  }

  static Stream<Arguments> streamErrorEvents() {
    return Stream.of(
        Arguments.of("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit",
            RateLimitedException.class, "rate_limit_exceeded"),
        Arguments.of("invalid_request_error", "prompt is too long: 208310 tokens > 200000 maximum",
            ContextWindowExceededException.class, "context_length_exceeded"),
        Arguments.of("api_error", "Internal server error", UpstreamException.class, "api_error"),
        Arguments.of("a_new_error_type", "Something new", UpstreamException.class, "a_new_error_type"));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("streamErrorEvents")
  void stream_errorEventBeforeAnyContent_failsWithTheTypedErrorAndNoChunk(String type, String message,
      Class<? extends SwitchboardException> expected, String code) {
    wm.stubFor(post(MESSAGES).willReturn(eventStream(AnthropicFixtures.MESSAGE_START_EVENT
        + "event: ping\ndata: {\"type\": \"ping\"}\n\n" + AnthropicFixtures.errorEvent(type, message))));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.items()).as("message_start alone reaches no caller").isEmpty();
    assertThat(subscriber.error()).isExactlyInstanceOf(expected).hasMessageContaining(message);
    assertThat(((SwitchboardException) subscriber.error()).code()).isEqualTo(code);
  }

  @Test
  void stream_errorStatus_readsTheBodyAndFailsBeforeAnyChunk() {
    wm.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(529).withHeader("Content-Type", "application/json")
        .withHeader("request-id", "req_011CSHoEeqs5C35K2UUqR7Fy")
        .withBody("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}")));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.items()).isEmpty();
    assertThat(subscriber.error()).isExactlyInstanceOf(UpstreamUnavailableException.class)
        .hasMessage("anthropic-main returned 529: Overloaded (Anthropic request-id req_011CSHoEeqs5C35K2UUqR7Fy)");
    assertThat(((SwitchboardException) subscriber.error()).isRetryable()).isTrue();
  }

  @Test
  void stream_bodyEndsBeforeMessageStop_failsInsteadOfLookingComplete() {
    String body = AnthropicFixtures.MESSAGE_START_EVENT + AnthropicFixtures.textEvents("Hal")
        + "event: message_delta\ndata: {\"type\": \"message_delta\", \"delta\": {\"stop_reason\": \"end_turn\"}, "
        + "\"usage\": {\"output_tokens\": 2}}\n\n";
    wm.stubFor(post(MESSAGES).willReturn(eventStream(body)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.items()).extracting(ChatChunk::text).containsExactly("Hal", null);
    assertThat(subscriber.isCompleted()).isFalse();
    assertThat(subscriber.error()).isInstanceOf(UpstreamException.class)
        .hasMessageContaining("stream ended before completion");
    assertThat(((SwitchboardException) subscriber.error()).isRetryable()).isTrue();
  }

  @Test
  void stream_malformedEvent_failsWithUpstreamException() {
    wm.stubFor(post(MESSAGES).willReturn(eventStream(AnthropicFixtures.MESSAGE_START_EVENT
        + "event: content_block_delta\ndata: {\"type\": \"content_block_delta\", \"index\": 0, \"delta\": {\n\n")));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.items()).isEmpty();
    assertThat(subscriber.error()).isExactlyInstanceOf(UpstreamException.class)
        .hasMessageStartingWith("anthropic-main answered with a malformed response from upstream: the stream event");
  }

  @Test
  void stream_deltaForABlockNeverStarted_failsAsMalformed() {
    wm.stubFor(post(MESSAGES).willReturn(eventStream(AnthropicFixtures.MESSAGE_START_EVENT
        + "event: content_block_delta\ndata: {\"type\": \"content_block_delta\", \"index\": 3, \"delta\": "
        + "{\"type\": \"text_delta\", \"text\": \"x\"}}\n\n")));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.error()).isExactlyInstanceOf(UpstreamException.class)
        .hasMessageContaining("content_block_delta for block 3, which was never started");
  }

  @Test
  void stream_unsupportedParameter_failsOnFirstDemandWithoutACall() {
    TestSubscriber<ChatChunk> subscriber = streamAll(hello().toBuilder().seed(1L).build());

    assertThat(subscriber.items()).isEmpty();
    assertThat(subscriber.error()).isExactlyInstanceOf(InvalidRequestException.class);
    assertThat(((SwitchboardException) subscriber.error()).param()).isEqualTo("seed");
    wm.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void stream_noDemand_sendsNothingUpstream_thenOneRequestBringsOneChunk() {
    wm.stubFor(post(MESSAGES).willReturn(eventStream(AnthropicFixtures.TEXT_STREAM)));
    TestSubscriber<ChatChunk> subscriber = TestSubscriber.withoutDemand();
    provider.stream(hello(), context).subscribe(subscriber);
    subscriber.awaitSubscribed();

    wm.verify(0, anyRequestedFor(anyUrl()));

    subscriber.request(1);
    assertThat(subscriber.awaitItems(1)).extracting(ChatChunk::text).containsExactly("Hello");
    assertThat(subscriber.isTerminated()).isFalse();
    subscriber.request(Long.MAX_VALUE);
    subscriber.awaitTerminal();
    assertThat(subscriber.items()).hasSize(4);
    assertThat(subscriber.isCompleted()).isTrue();
    wm.verify(1, postRequestedFor(urlEqualTo(MESSAGES)));
  }

  @Test
  void stream_secondSubscriber_isRefusedWithoutASecondCall() {
    wm.stubFor(post(MESSAGES).willReturn(eventStream(AnthropicFixtures.TEXT_STREAM)));
    var publisher = provider.stream(hello(), context);
    TestSubscriber<ChatChunk> first = TestSubscriber.unbounded();
    TestSubscriber<ChatChunk> second = TestSubscriber.unbounded();
    publisher.subscribe(first);
    publisher.subscribe(second);

    assertThat(second.awaitTerminal().error()).isInstanceOf(IllegalStateException.class)
        .hasMessage("an Anthropic chat stream accepts one subscriber");
    assertThat(first.awaitTerminal().isCompleted()).isTrue();
    wm.verify(1, postRequestedFor(urlEqualTo(MESSAGES)));
  }

  @Test
  void stream_cancelAfterFirstChunk_closesTheConnection() throws Exception {
    CountDownLatch clientGone = new CountDownLatch(1);
    try (RawHttpServer server = RawHttpServer.start(exchange -> {
      exchange.startChunked(200, "text/event-stream");
      exchange.writeChunk(AnthropicFixtures.MESSAGE_START_EVENT + AnthropicFixtures.textEvents("tick"));
      exchange.awaitClientGone();
      clientGone.countDown();
    }); AnthropicProvider raw = provider(server.url("/v1"), b -> b)) {
      TestSubscriber<ChatChunk> subscriber = new TestSubscriber<>(1);
      raw.stream(hello(), context).subscribe(subscriber);
      assertThat(subscriber.awaitItems(1)).extracting(ChatChunk::text).containsExactly("tick");

      subscriber.cancel();

      assertThat(clientGone.await(GUARD_SECONDS, TimeUnit.SECONDS)).as("server saw the connection closed").isTrue();
      assertThat(subscriber.isTerminated()).isFalse();
    }
  }

  @Test
  void stream_connectionCutAfterTwoChunks_failsRetryablyAfterDeliveringThem() throws Exception {
    try (RawHttpServer server = RawHttpServer.start(exchange -> {
      exchange.startChunked(200, "text/event-stream");
      exchange.writeChunk(AnthropicFixtures.MESSAGE_START_EVENT + AnthropicFixtures.textEvents("one")
          + "event: content_block_delta\ndata: {\"type\": \"content_block_delta\", \"index\": 0, \"delta\": "
          + "{\"type\": \"text_delta\", \"text\": \" two\"}}\n\n");
      exchange.closeConnection();
    }); AnthropicProvider raw = provider(server.url("/v1"), b -> b)) {
      TestSubscriber<ChatChunk> subscriber = TestSubscriber.unbounded();
      raw.stream(hello(), context).subscribe(subscriber);

      subscriber.awaitTerminal();

      assertThat(subscriber.items()).extracting(ChatChunk::text).containsExactly("one", " two");
      assertThat(subscriber.error()).isInstanceOf(SwitchboardException.class);
      assertThat(((SwitchboardException) subscriber.error()).isRetryable()).isTrue();
      assertThat(((SwitchboardException) subscriber.error()).details().provider()).isEqualTo("anthropic-main");
    }
  }

  // ---------------------------------------------------------------- embeddings and models

  @Test
  void embed_anyRequest_failsWithInvalidRequestNamingTheProviderWithoutACall() {
    Throwable failure = failureOf(provider.embed(EmbeddingRequest.builder().model("claude-sonnet-4")
        .input(List.of("hi")).build(), context));

    assertThat(failure).isExactlyInstanceOf(InvalidRequestException.class)
        .hasMessage("anthropic-main (Anthropic) has no embeddings API; route embeddings to a provider that has one");
    assertThat(((SwitchboardException) failure).code()).isEqualTo("unsupported_operation");
    wm.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void models_twoPages_followsHasMoreWithAfterIdAndMapsIdsAndCreated() throws Exception {
    wm.stubFor(get(urlEqualTo("/v1/models?limit=1000")).willReturn(okJson(AnthropicFixtures.MODELS_PAGE_1)));
    wm.stubFor(get(urlEqualTo("/v1/models?limit=1000&after_id=claude-sonnet-4-20250514"))
        .willReturn(okJson(AnthropicFixtures.MODELS_PAGE_2)));

    List<ModelInfo> models = await(provider.models(context));

    wm.verify(2, getRequestedFor(urlPathEqualTo("/v1/models")).withHeader("x-api-key", equalTo(KEY))
        .withHeader("anthropic-version", equalTo("2023-06-01")));
    assertThat(models).extracting(ModelInfo::id).containsExactly("claude-sonnet-4-20250514",
        "claude-3-5-haiku-20241022");
    assertThat(models.get(0).created()).isEqualTo(Instant.parse("2025-02-19T00:00:00Z").getEpochSecond());
    assertThat(models).allSatisfy(m -> assertThat(m.ownedBy()).isEqualTo("anthropic"));
  }

  @Test
  void models_errorOnSecondPage_failsTheWholeList() {
    wm.stubFor(get(urlEqualTo("/v1/models?limit=1000")).willReturn(okJson(AnthropicFixtures.MODELS_PAGE_1)));
    wm.stubFor(get(urlEqualTo("/v1/models?limit=1000&after_id=claude-sonnet-4-20250514"))
        .willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/json")
            .withBody(AnthropicFixtures.error("api_error", "Internal server error"))));

    assertThat(failureOf(provider.models(context))).isExactlyInstanceOf(UpstreamException.class)
        .hasMessageContaining("Internal server error");
  }

  // ---------------------------------------------------------------- errors

  static Stream<Arguments> errorTable() {
    return Stream.of(
        Arguments.of(400, Map.of(), AnthropicFixtures.error("invalid_request_error",
            "messages: roles must alternate between \\\"user\\\" and \\\"assistant\\\""),
            InvalidRequestException.class, 400, false, null, "invalid_request_error"),
        Arguments.of(400, Map.of(), AnthropicFixtures.error("invalid_request_error",
            "prompt is too long: 208310 tokens > 200000 maximum"),
            ContextWindowExceededException.class, 400, false, null, "context_length_exceeded"),
        Arguments.of(400, Map.of(), AnthropicFixtures.error("invalid_request_error", "input length and `max_tokens` "
            + "exceed context limit: 188240 + 21333 > 200000, decrease input length or `max_tokens` and try again"),
            ContextWindowExceededException.class, 400, false, null, "context_length_exceeded"),
        Arguments.of(401, Map.of(), AnthropicFixtures.error("authentication_error", "invalid x-api-key " + KEY),
            AuthenticationException.class, 401, false, null, "authentication_error"),
        Arguments.of(403, Map.of(), AnthropicFixtures.error("permission_error",
            "Your API key does not have permission to use the specified resource."),
            PermissionDeniedException.class, 403, false, null, "permission_error"),
        Arguments.of(404, Map.of(), AnthropicFixtures.error("not_found_error",
            "The requested resource could not be found."),
            NotFoundException.class, 404, false, null, "not_found_error"),
        Arguments.of(413, Map.of(), AnthropicFixtures.error("request_too_large",
            "Request exceeds the maximum allowed number of bytes."),
            InvalidRequestException.class, 400, false, null, "request_too_large"),
        Arguments.of(429, Map.of("retry-after", "20"), AnthropicFixtures.error("rate_limit_error",
            "Number of request tokens has exceeded your per-minute rate limit"),
            RateLimitedException.class, 429, true, Duration.ofSeconds(20), "rate_limit_exceeded"),
        Arguments.of(429, Map.of("retry-after", "Sun, 01 Mar 2026 12:00:30 GMT"), AnthropicFixtures.error(
            "rate_limit_error", "This request would exceed the rate limit for your organization"),
            RateLimitedException.class, 429, true, Duration.ofSeconds(30), "rate_limit_exceeded"),
        Arguments.of(500, Map.of(), AnthropicFixtures.error("api_error", "Internal server error"),
            UpstreamException.class, 502, true, null, "api_error"),
        Arguments.of(502, Map.of("Content-Type", "text/html"), "<html><body><h1>502 Bad Gateway</h1></body></html>",
            UpstreamException.class, 502, true, null, null),
        Arguments.of(504, Map.of(), AnthropicFixtures.error("timeout_error", "Request timed out"),
            UpstreamTimeoutException.class, 504, true, null, "timeout_error"),
        Arguments.of(529, Map.of(), AnthropicFixtures.error("overloaded_error", "Overloaded"),
            UpstreamUnavailableException.class, 503, true, null, "overloaded_error"));
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
    wm.stubFor(post(MESSAGES).willReturn(response));

    Throwable failure = failureOf(provider.chat(hello(), context));

    assertThat(failure).isExactlyInstanceOf(type);
    SwitchboardException error = (SwitchboardException) failure;
    assertThat(error.httpStatus()).isEqualTo(httpStatus);
    assertThat(error.isRetryable()).isEqualTo(retryable);
    assertThat(error.retryAfter()).isEqualTo(retryAfter);
    assertThat(error.code()).isEqualTo(code);
    assertThat(error.details().upstreamStatus()).isEqualTo(status);
    assertThat(error.details().provider()).isEqualTo("anthropic-main");
    assertThat(error.details().deployment()).isEqualTo("anthropic-main/claude-sonnet-4");
    assertThat(error.details().model()).isEqualTo("claude-sonnet-4-20250514");
    assertThat(error.details().requestId()).isEqualTo("req_0123456789abcdef");
    assertThat(error.getMessage()).startsWith("anthropic-main returned " + status).doesNotContain(KEY);
    if (body.startsWith("{")) {
      assertThat(error.getMessage()).endsWith("(Anthropic request-id req_011CSHoEeqs5C35K2UUqR7Fy)");
    }
    assertThat(error.toString()).doesNotContain(KEY);
  }

  @Test
  void chat_connectionResetByPeer_failsWithUpstreamUnavailable() {
    wm.stubFor(post(MESSAGES).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

    Throwable failure = failureOf(provider.chat(hello(), context));

    assertThat(failure).isInstanceOf(UpstreamUnavailableException.class);
    SwitchboardException error = (SwitchboardException) failure;
    assertThat(error.isRetryable()).isTrue();
    assertThat(error.details().deployment()).isEqualTo("anthropic-main/claude-sonnet-4");
    assertThat(error.getMessage()).startsWith("anthropic-main").doesNotContain(KEY);
  }

  @Test
  void chat_cancelFuture_cancelsTheCallAndClosesTheConnection() throws Exception {
    CountDownLatch received = new CountDownLatch(1);
    CountDownLatch clientGone = new CountDownLatch(1);
    try (RawHttpServer server = RawHttpServer.start(exchange -> {
      received.countDown();
      exchange.awaitClientGone();
      clientGone.countDown();
    }); AnthropicProvider raw = provider(server.url("/v1"), b -> b)) {
      CompletableFuture<ChatResponse> future = raw.chat(hello(), context);
      assertThat(received.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();

      future.cancel(true);

      assertThat(clientGone.await(GUARD_SECONDS, TimeUnit.SECONDS)).as("server saw the connection closed").isTrue();
    }
  }

  // ---------------------------------------------------------------- lifecycle

  @Test
  void close_ownTransport_laterCallsFailWithIllegalState() {
    AnthropicProvider own = AnthropicProvider.builder().baseUrl(wm.baseUrl() + "/v1").apiKey(KEY).build();

    own.close();
    own.close();

    assertThat(failureOf(own.chat(hello(), context))).isInstanceOf(UpstreamException.class)
        .hasMessageContaining("is closed");
    assertThat(streamAll(own, hello()).error()).isInstanceOf(UpstreamException.class)
        .hasMessageContaining("is closed");
    wm.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void toString_withKey_neverShowsTheKey() {
    assertThat(provider.toString()).doesNotContain(KEY).contains("anthropic-main").contains("****")
        .contains("anthropicVersion=2023-06-01");
  }

  @Test
  void builder_invalidValues_areRejectedNamingTheOption() {
    assertThatThrownBy(() -> AnthropicProvider.builder().baseUrl("ftp://example.com"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("baseUrl must start with http:// or https:// but was ftp://example.com");
    assertThatThrownBy(() -> AnthropicProvider.builder().defaultMaxTokens(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("defaultMaxTokens must be >= 1 but was 0");
    assertThatThrownBy(() -> AnthropicProvider.builder().anthropicVersion(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("anthropicVersion must not be blank");
    assertThatThrownBy(() -> AnthropicProvider.builder().transport(transport).connectTimeout(Duration.ofSeconds(1))
        .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("connectTimeout (PT1S) applies only to the provider's own transport");
  }
}

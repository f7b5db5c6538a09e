package dev.switchboard.providers.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
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
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.core.error.AuthenticationException;
import dev.switchboard.core.error.ContentPolicyException;
import dev.switchboard.core.error.ContextWindowExceededException;
import dev.switchboard.core.error.InvalidRequestException;
import dev.switchboard.core.error.NotFoundException;
import dev.switchboard.core.error.RateLimitedException;
import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.error.UpstreamException;
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
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.spi.CallContext;
import dev.switchboard.providers.http.OkHttpTransport;
import dev.switchboard.providers.openai.TransportProbe;
import dev.switchboard.providers.testing.TestSubscriber;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
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

class AzureOpenAiProviderTest {

  @RegisterExtension
  static final WireMockExtension wm =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final String KEY = "4f1c0d9e8b7a4c3d9e8f7a6b5c4d3e2f";
  private static final String CHAT_URL = "/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21";
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final OkHttpTransport transport = OkHttpTransport.builder().build();

  private final CallContext context = CallContext.builder("req_azure_0001")
      .providerName("azure-eu")
      .deploymentId("azure-eu/gpt-4o-prod")
      .build();
  private final AzureOpenAiProvider provider = provider().build();

  private static AzureOpenAiProvider.Builder provider() {
    return AzureOpenAiProvider.builder()
        .endpoint(wm.baseUrl() + "/")
        .apiKey(KEY)
        .providerName("azure-eu")
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
    return ChatRequest.builder().model("gpt-4o-prod").addMessage(Message.user("Hello!")).build();
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(10, TimeUnit.SECONDS);
  }

  private static Throwable failureOf(CompletableFuture<?> future) {
    Throwable t = catchThrowable(() -> future.get(10, TimeUnit.SECONDS));
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
  void chat_request_postsOpenAiJsonToTheDeploymentUrlWithApiVersionAndApiKey() throws Exception {
    wm.stubFor(post(urlEqualTo(CHAT_URL)).willReturn(okJson(AzureFixtures.CHAT_COMPLETION)));
    ChatRequest request = ChatRequest.builder()
        .model("gpt-4o-prod")
        .addMessage(Message.system("You are a helpful assistant that talks like a pirate."))
        .addMessage(Message.user(List.of(ContentPart.text("What is in this image?"),
            ContentPart.imageUrl("https://example.com/parrot.png", "high"))))
        .addMessage(Message.assistant(List.of(ToolCall.function("call_1", "get_weather", "{\"city\":\"Madrid\"}"))))
        .addMessage(Message.tool("call_1", "{\"temp\":24}"))
        .temperature(0.7)
        .maxTokens(800)
        .addTool(Tool.function("get_weather", "Current weather", Map.of("type", "object",
            "properties", Map.of("city", Map.of("type", "string")))))
        .responseFormat(ResponseFormat.jsonObject())
        .extraParameter("data_sources", List.of(Map.of("type", "azure_search")))
        .build();

    await(provider.chat(request, context));

    wm.verify(postRequestedFor(urlEqualTo(CHAT_URL))
        .withHeader("api-key", equalTo(KEY))
        .withHeader("Authorization", absent())
        .withHeader("Content-Type", equalTo("application/json"))
        .withHeader("X-Client-Request-Id", equalTo("req_azure_0001"))
        .withRequestBody(equalToJson("""
            {
              "model": "gpt-4o-prod",
              "messages": [
                {"role": "system", "content": "You are a helpful assistant that talks like a pirate."},
                {"role": "user", "content": [
                  {"type": "text", "text": "What is in this image?"},
                  {"type": "image_url", "image_url": {"url": "https://example.com/parrot.png", "detail": "high"}}
                ]},
                {"role": "assistant", "content": null, "tool_calls": [
                  {"id": "call_1", "type": "function",
                   "function": {"name": "get_weather", "arguments": "{\\"city\\":\\"Madrid\\"}"}}]},
                {"role": "tool", "tool_call_id": "call_1", "content": "{\\"temp\\":24}"}
              ],
              "temperature": 0.7,
              "max_tokens": 800,
              "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Current weather",
                "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}],
              "response_format": {"type": "json_object"},
              "data_sources": [{"type": "azure_search"}]
            }
            """, false, false)));
  }

  @Test
  void stream_request_asksForUsageAndAcceptsEventStream() {
    wm.stubFor(post(urlEqualTo(CHAT_URL)).willReturn(eventStream(AzureFixtures.TEXT_STREAM)));

    streamAll(hello());

    wm.verify(postRequestedFor(urlEqualTo(CHAT_URL))
        .withHeader("api-key", equalTo(KEY))
        .withHeader("Accept", equalTo("text/event-stream"))
        .withRequestBody(equalToJson("""
            {"model": "gpt-4o-prod", "messages": [{"role": "user", "content": "Hello!"}],
             "stream": true, "stream_options": {"include_usage": true}}
            """, false, false)));
  }

  @Test
  void chat_entraToken_sendsABearerTokenAndNoApiKey() throws Exception {
    wm.stubFor(post(urlEqualTo(CHAT_URL)).willReturn(okJson(AzureFixtures.CHAT_COMPLETION)));
    try (AzureOpenAiProvider entra = provider().apiKey(null).entraToken("eyJ0eXAiOiJKV1Qi.entra.token").build()) {
      await(entra.chat(hello(), context));
    }

    wm.verify(postRequestedFor(urlEqualTo(CHAT_URL))
        .withHeader("Authorization", equalTo("Bearer eyJ0eXAiOiJKV1Qi.entra.token"))
        .withHeader("api-key", absent()));
  }

  @Test
  void chat_entraTokenProvider_isAskedForAFreshTokenOnEveryCall() throws Exception {
    wm.stubFor(post(urlEqualTo(CHAT_URL)).willReturn(okJson(AzureFixtures.CHAT_COMPLETION)));
    AtomicInteger issued = new AtomicInteger();
    try (AzureOpenAiProvider entra = provider().apiKey(null)
        .entraTokenProvider(() -> "token-" + issued.incrementAndGet()).build()) {
      await(entra.chat(hello(), context));
      await(entra.chat(hello(), context));
    }

    wm.verify(1, postRequestedFor(urlEqualTo(CHAT_URL)).withHeader("Authorization", equalTo("Bearer token-1")));
    wm.verify(1, postRequestedFor(urlEqualTo(CHAT_URL)).withHeader("Authorization", equalTo("Bearer token-2")));
  }

  @Test
  void chat_entraTokenProviderReturnsNothing_failsWithoutACall() {
    try (AzureOpenAiProvider entra = provider().apiKey(null).entraTokenProvider(() -> null).build()) {
      Throwable failure = failureOf(entra.chat(hello(), context));

      assertThat(failure).isInstanceOf(SwitchboardException.class)
          .hasMessageContaining("the Entra ID token provider returned no token");
    }
    assertThat(wm.getAllServeEvents()).isEmpty();
  }

  @Test
  void chat_callHeadersNamingCredentials_doNotReplaceTheAccountsCredentials() throws Exception {
    wm.stubFor(post(urlEqualTo(CHAT_URL)).willReturn(okJson(AzureFixtures.CHAT_COMPLETION)));

    await(provider.chat(hello(), context.toBuilder().header("API-Key", "someone-else")
        .header("Authorization", "Bearer someone-else").header("X-Trace", "t-1").build()));

    wm.verify(postRequestedFor(urlEqualTo(CHAT_URL))
        .withHeader("api-key", equalTo(KEY))
        .withHeader("Authorization", absent())
        .withHeader("X-Trace", equalTo("t-1")));
  }

  @Test
  void chat_customApiVersionAndDeploymentNeedingEscapes_areEncodedIntoTheUrl() throws Exception {
    String url = "/openai/deployments/gpt%204o%2Fprod/chat/completions?api-version=2025-04-01-preview";
    wm.stubFor(post(urlEqualTo(url)).willReturn(okJson(AzureFixtures.CHAT_COMPLETION)));
    try (AzureOpenAiProvider preview = provider().apiVersion("2025-04-01-preview").build()) {
      await(preview.chat(ChatRequest.builder().model("gpt 4o/prod").addMessage(Message.user("hi")).build(), context));
    }

    wm.verify(postRequestedFor(urlEqualTo(url)));
  }

  @Test
  void chat_noModel_failsWithInvalidRequestNamingTheDeploymentAndSendsNothing() {
    Throwable failure = failureOf(provider.chat(ChatRequest.builder().addMessage(Message.user("hi")).build(), context));

    assertThat(failure).isInstanceOf(InvalidRequestException.class).hasMessageContaining("deployment name");
    assertThat(wm.getAllServeEvents()).isEmpty();
  }

  // ---------------------------------------------------------------- responses

  @Test
  void chat_completionWithFilterAnnotations_mapsMessageFinishReasonAndUsage() throws Exception {
    wm.stubFor(post(urlEqualTo(CHAT_URL)).willReturn(okJson(AzureFixtures.CHAT_COMPLETION)));

    ChatResponse response = await(provider.chat(hello(), context));

    assertThat(response.id()).isEqualTo("chatcmpl-7R1nGnsXO8n4oi9UPz2f3UHdgAYMn");
    assertThat(response.model()).isEqualTo("gpt-4o-2024-08-06");
    assertThat(response.text()).isEqualTo("Ahoy matey! Keep yer parrot's cage clean, arrr!");
    assertThat(response.choices()).singleElement().satisfies(c -> {
      assertThat(c.finishReason()).isEqualTo(FinishReason.STOP);
      assertThat(c.message().role()).isEqualTo(Role.ASSISTANT);
    });
    assertThat(response.usage()).isEqualTo(Usage.builder().promptTokens(33).completionTokens(557).totalTokens(590)
        .build());
    assertThat(response.systemFingerprint()).isEqualTo("fp_b705f0c291");
  }

  @Test
  void chat_toolCallCompletion_mapsToolCallsAndCachedAndReasoningTokens() throws Exception {
    wm.stubFor(post(urlEqualTo(CHAT_URL)).willReturn(okJson(AzureFixtures.TOOL_CALL_COMPLETION)));

    ChatResponse response = await(provider.chat(hello(), context));

    assertThat(response.choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(response.toolCalls()).containsExactly(
        ToolCall.function("call_9Xm7N2kQ1vPz", "get_weather", "{\"location\":\"Madrid\"}"));
    assertThat(response.usage()).isEqualTo(Usage.builder().promptTokens(1536).completionTokens(81).totalTokens(1617)
        .cachedTokens(1280).reasoningTokens(64).build());
  }

  @Test
  void chat_completionStoppedByTheOutputFilter_endsWithFinishReasonContentFilter() throws Exception {
    wm.stubFor(post(urlEqualTo(CHAT_URL)).willReturn(okJson(AzureFixtures.FILTERED_COMPLETION)));

    ChatResponse response = await(provider.chat(hello(), context));

    assertThat(response.choices().get(0).finishReason()).isEqualTo(FinishReason.CONTENT_FILTER);
    assertThat(response.text()).isNull();
    assertThat(response.usage()).isEqualTo(Usage.of(25, 12));
  }

  // ---------------------------------------------------------------- streaming

  @Test
  void stream_defaultFilter_dropsThePromptAnnotationAndDeliversRoleTextFinishAndUsage() {
    wm.stubFor(post(urlEqualTo(CHAT_URL)).willReturn(eventStream(AzureFixtures.TEXT_STREAM)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.isCompleted()).isTrue();
    List<ChatChunk> chunks = subscriber.items();
    assertThat(chunks).hasSize(5);
    assertThat(chunks.get(0).id()).as("the annotation with an empty id is not the first chunk")
        .isEqualTo("chatcmpl-7rCNsVeZy0PGnX3H6jK8STps5nZUY");
    assertThat(chunks.get(0).choices().get(0).delta().role()).isEqualTo(Role.ASSISTANT);
    assertThat(chunks).extracting(ChatChunk::text).containsExactly("", "Color", " is", null, null);
    assertThat(chunks.get(3).choices().get(0).finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(chunks.get(4).choices()).isEmpty();
    assertThat(chunks.get(4).usage()).isEqualTo(Usage.of(12, 2));
    subscriber.assertNoViolations();
  }

  @Test
  void stream_asyncFilterBlocksTheCompletion_dropsAnnotationsAndEndsWithContentFilter() {
    wm.stubFor(post(urlEqualTo(CHAT_URL)).willReturn(eventStream(AzureFixtures.BLOCKED_ASYNC_STREAM)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.isCompleted()).isTrue();
    List<ChatChunk> chunks = subscriber.items();
    assertThat(chunks).extracting(ChatChunk::text).containsExactly(null, "Hey", " Jude", null, null);
    assertThat(chunks.get(3).choices().get(0).finishReason()).isEqualTo(FinishReason.CONTENT_FILTER);
    assertThat(chunks.get(4).usage()).isEqualTo(Usage.of(15, 2));
  }

  @Test
  void stream_filterCouldNotRun_theNestedErrorIsAnnotationNotAStreamFailure() {
    wm.stubFor(post(urlEqualTo(CHAT_URL)).willReturn(eventStream(AzureFixtures.FILTER_NOT_RUN_STREAM)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.error()).isNull();
    assertThat(subscriber.items()).extracting(ChatChunk::text).containsExactly("", "generated text", null);
    assertThat(subscriber.items().get(2).choices().get(0).finishReason()).isEqualTo(FinishReason.LENGTH);
  }

  @Test
  void stream_promptRejectedByTheContentFilter_failsWithContentPolicyBeforeAnyChunk() {
    wm.stubFor(post(urlEqualTo(CHAT_URL)).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json").withBody(AzureFixtures.CONTENT_FILTER_ERROR)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.items()).isEmpty();
    assertThat(subscriber.error()).isInstanceOf(ContentPolicyException.class);
    assertThat(((SwitchboardException) subscriber.error()).param()).isEqualTo("prompt");
  }

  @Test
  void stream_contentFilterErrorEventMidStream_failsWithContentPolicyAfterTheDeliveredChunks() {
    String body = AzureFixtures.PROMPT_ANNOTATION
        + "data: {\"choices\":[{\"delta\":{\"content\":\"Once upon\",\"role\":\"assistant\"},"
        + "\"finish_reason\":null,\"index\":0}],\"created\":1692913344,\"id\":\"chatcmpl-1\","
        + "\"model\":\"gpt-4o\",\"object\":\"chat.completion.chunk\"}\n\n"
        + "data: {\"error\":{\"message\":\"The response was filtered due to the prompt triggering Azure OpenAI's "
        + "content management policy.\",\"type\":null,\"param\":\"prompt\",\"code\":\"content_filter\","
        + "\"status\":400}}\n\n";
    wm.stubFor(post(urlEqualTo(CHAT_URL)).willReturn(eventStream(body)));

    TestSubscriber<ChatChunk> subscriber = streamAll(hello());

    assertThat(subscriber.items()).extracting(ChatChunk::text).containsExactly("Once upon");
    assertThat(subscriber.error()).isInstanceOf(ContentPolicyException.class)
        .hasMessageContaining("content management policy");
  }

  // ---------------------------------------------------------------- embeddings and models

  @Test
  void embed_texts_postsToTheEmbeddingsDeploymentAndMapsVectorsAndUsage() throws Exception {
    String url = "/openai/deployments/embedding-small/embeddings?api-version=2024-10-21";
    wm.stubFor(post(urlEqualTo(url)).willReturn(okJson(AzureFixtures.EMBEDDINGS)));

    EmbeddingResponse response = await(provider.embed(EmbeddingRequest.builder().model("embedding-small")
        .input("this is a test").dimensions(3).build(), context));

    wm.verify(postRequestedFor(urlEqualTo(url)).withHeader("api-key", equalTo(KEY)).withRequestBody(equalToJson(
        "{\"model\":\"embedding-small\",\"input\":[\"this is a test\"],\"dimensions\":3}", false, false)));
    assertThat(response.data()).singleElement()
        .satisfies(e -> assertThat(e.vector()).containsExactly(-0.012838088f, -0.007421397f, -0.017617522f));
    assertThat(response.usage().promptTokens()).isEqualTo(4);
  }

  @Test
  void models_list_readsAzuresModelShape() throws Exception {
    wm.stubFor(get(urlEqualTo("/openai/models?api-version=2024-10-21")).willReturn(okJson(AzureFixtures.MODELS)));

    List<ModelInfo> models = await(provider.models(context));

    wm.verify(getRequestedFor(urlEqualTo("/openai/models?api-version=2024-10-21")).withHeader("api-key", equalTo(KEY)));
    assertThat(models).extracting(ModelInfo::id).containsExactly("curie", "curie.ft-72a2792ef7d24ba7b82c7fe4a37e379f");
    assertThat(models.get(0).created()).isEqualTo(1646126127L);
  }

  // ---------------------------------------------------------------- errors

  static Stream<Arguments> errorTable() {
    return Stream.of(
        Arguments.of(400, Map.of(), AzureFixtures.CONTENT_FILTER_ERROR,
            ContentPolicyException.class, false, null, "content_policy_violation"),
        Arguments.of(400, Map.of(), AzureFixtures.POLICY_INNER_ERROR_ONLY,
            ContentPolicyException.class, false, null, "content_policy_violation"),
        Arguments.of(400, Map.of(), AzureFixtures.CONTEXT_LENGTH_ERROR,
            ContextWindowExceededException.class, false, null, "context_length_exceeded"),
        Arguments.of(400, Map.of(), AzureFixtures.CONTEXT_LENGTH_MESSAGE_ONLY,
            ContextWindowExceededException.class, false, null, "context_length_exceeded"),
        Arguments.of(400, Map.of(), AzureFixtures.INVALID_REQUEST,
            InvalidRequestException.class, false, null, "decimal_above_max_value"),
        Arguments.of(401, Map.of(), AzureFixtures.KEY_401, AuthenticationException.class, false, null, "401"),
        Arguments.of(401, Map.of(), AzureFixtures.ENTRA_401, AuthenticationException.class, false, null, null),
        Arguments.of(404, Map.of(), AzureFixtures.DEPLOYMENT_NOT_FOUND,
            NotFoundException.class, false, null, "DeploymentNotFound"),
        Arguments.of(429, Map.of("retry-after-ms", "6000", "retry-after", "6"), AzureFixtures.RATE_LIMITED,
            RateLimitedException.class, true, Duration.ofSeconds(6), "429"),
        Arguments.of(429, Map.of("Retry-After", "Sun, 01 Mar 2026 12:00:09 GMT"), AzureFixtures.RATE_LIMITED,
            RateLimitedException.class, true, Duration.ofSeconds(9), "429"),
        Arguments.of(429, Map.of("x-ratelimit-reset-requests", "1s", "x-ratelimit-reset-tokens", "55"),
            AzureFixtures.RATE_LIMITED, RateLimitedException.class, true, Duration.ofSeconds(55), "429"),
        Arguments.of(429, Map.of("x-rate-limit-reset-tokens", "1m30s"), AzureFixtures.RATE_LIMITED,
            RateLimitedException.class, true, Duration.ofSeconds(90), "429"),
        Arguments.of(500, Map.of(), AzureFixtures.SERVER_ERROR,
            UpstreamException.class, true, null, "InternalServerError"),
        Arguments.of(503, Map.of(), AzureFixtures.SERVER_ERROR,
            UpstreamUnavailableException.class, true, null, "InternalServerError"));
  }

  @ParameterizedTest(name = "{0} {6} -> {3}")
  @MethodSource("errorTable")
  void chat_errorStatus_mapsToTypedErrorWithDetailsAndNeverTheKey(int status, Map<String, String> headers,
      String body, Class<? extends SwitchboardException> type, boolean retryable, Duration retryAfter, String code) {
    ResponseDefinitionBuilder response = aResponse().withStatus(status)
        .withHeader("Content-Type", "application/json").withBody(body);
    headers.forEach(response::withHeader);
    wm.stubFor(post(urlEqualTo(CHAT_URL)).willReturn(response));

    Throwable failure = failureOf(provider.chat(hello(), context));

    assertThat(failure).isExactlyInstanceOf(type);
    SwitchboardException error = (SwitchboardException) failure;
    assertThat(error.isRetryable()).isEqualTo(retryable);
    assertThat(error.retryAfter()).isEqualTo(retryAfter);
    assertThat(error.code()).isEqualTo(code);
    assertThat(error.details().upstreamStatus()).isEqualTo(status);
    assertThat(error.details().provider()).isEqualTo("azure-eu");
    assertThat(error.details().deployment()).isEqualTo("azure-eu/gpt-4o-prod");
    assertThat(error.details().model()).isEqualTo("gpt-4o-prod");
    assertThat(error.details().requestId()).isEqualTo("req_azure_0001");
    assertThat(error.getMessage()).startsWith("azure-eu returned " + status).doesNotContain(KEY);
  }

  @Test
  void chat_errorBodyEchoingTheKey_neverShowsIt() {
    wm.stubFor(post(urlEqualTo(CHAT_URL)).willReturn(aResponse().withStatus(401)
        .withBody("{\"error\":{\"code\":\"401\",\"message\":\"Key " + KEY + " is not valid for this resource.\"}}")));

    Throwable failure = failureOf(provider.chat(hello(), context));

    assertThat(failure).isInstanceOf(AuthenticationException.class);
    assertThat(failure.getMessage()).doesNotContain(KEY).contains("[redacted]");
    assertThat(failure.toString()).doesNotContain(KEY);
  }

  @ParameterizedTest(name = "{0} -> {1} ms")
  @CsvSource({"55, 55000", "0.5, 500", "1s, 1000", "6m0s, 360000", "1m30.5s, 90500", "120ms, 120", "1h, 3600000",
      "soon, -1", "-3, -1", "5x, -1"})
  void parseReset_secondsOrGoDurations_readsTheDelayAndRejectsTheRest(String value, long millis) {
    Duration parsed = AzureDialect.parseReset(value);

    assertThat(parsed).isEqualTo(millis < 0 ? null : Duration.ofMillis(millis));
  }

  // ---------------------------------------------------------------- lifecycle and builder

  @Test
  void toString_withKeyOrToken_neverShowsTheCredential() {
    try (AzureOpenAiProvider entra = provider().apiKey(null).entraToken("secret-entra-token-123").build()) {
      assertThat(entra.toString()).doesNotContain("secret-entra-token-123").contains("auth=entra");
    }
    assertThat(provider.toString()).doesNotContain(KEY).contains("azure-eu").contains("apiVersion=2024-10-21")
        .contains("auth=api-key");
  }

  @Test
  void builder_endpointWithOpenAiSuffix_isNormalisedToTheResourceEndpoint() {
    try (AzureOpenAiProvider p = provider().endpoint("https://my-resource.openai.azure.com/openai/").build()) {
      assertThat(p.endpoint()).isEqualTo("https://my-resource.openai.azure.com");
      assertThat(p.apiVersion()).isEqualTo(AzureOpenAiProvider.DEFAULT_API_VERSION);
    }
  }

  @Test
  void builder_invalidOrConflictingSettings_areRejectedNamingThem() {
    assertThatThrownBy(() -> AzureOpenAiProvider.builder().endpoint("ftp://x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("endpoint must start with http:// or https:// but was ftp://x");
    assertThatThrownBy(() -> AzureOpenAiProvider.builder().apiVersion(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("apiVersion must not be blank");
    assertThatThrownBy(() -> AzureOpenAiProvider.builder().apiKey(KEY).build())
        .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("endpoint is required");
    assertThatThrownBy(() -> AzureOpenAiProvider.builder().endpoint("https://x.openai.azure.com").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("exactly one of apiKey, entraToken and entraTokenProvider must be set, but none was");
    assertThatThrownBy(() -> AzureOpenAiProvider.builder().endpoint("https://x.openai.azure.com").apiKey(KEY)
        .entraToken("t").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("exactly one of apiKey, entraToken and entraTokenProvider must be set, but 2 were");
  }

  @Test
  void close_ownTransport_laterCallsFailWithoutACall() {
    AzureOpenAiProvider own = AzureOpenAiProvider.builder().endpoint(wm.baseUrl()).apiKey(KEY).build();

    own.close();
    own.close();

    assertThat(failureOf(own.chat(hello(), context))).hasMessageContaining("is closed");
    assertThat(wm.getAllServeEvents()).isEmpty();
  }
}

package dev.switchboard.providers.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.core.error.ContextWindowExceededException;
import dev.switchboard.core.error.InvalidRequestException;
import dev.switchboard.core.error.RateLimitedException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ModelInfo;
import dev.switchboard.core.spi.CallContext;
import dev.switchboard.core.wire.ErrorBody;
import dev.switchboard.providers.http.OkHttpTransport;
import dev.switchboard.providers.testing.TestSubscriber;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The {@link OpenAiDialect} hooks: every one is used where {@link OpenAiProvider} used OpenAI's fixed behaviour. */
class OpenAiDialectTest {

  @RegisterExtension
  static final WireMockExtension wm =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final OkHttpTransport transport = OkHttpTransport.builder().build();
  private final CallContext context = CallContext.builder("req_dialect").providerName("custom").build();

  /** A dialect that changes every hook, as an adapter for another service would. */
  private static final OpenAiDialect CUSTOM = new OpenAiDialect() {
    @Override
    public String url(String baseUrl, Operation operation, String model) {
      if (model == null && operation != Operation.MODELS) {
        throw new IllegalArgumentException("this service needs a model in the URL");
      }
      return baseUrl + "/m/" + (model == null ? "all" : model) + operation.path() + "?v=7";
    }

    @Override
    public Map<String, String> credentialHeaders(String apiKey) {
      return Map.of("x-key", apiKey);
    }

    @Override
    public Set<String> protectedHeaders() {
      return Set.of("x-key");
    }

    @Override
    public ErrorBody readError(byte[] body) {
      ErrorBody read = super.readError(body);
      return read.message().contains("too long") ? new ErrorBody(read.message(), read.type(), read.param(),
          "context_length_exceeded") : read;
    }

    @Override
    public Duration retryAfter(Function<String, String> headers, Clock clock) {
      String value = headers.apply("x-wait-seconds");
      return value == null ? null : Duration.ofSeconds(Long.parseLong(value));
    }

    @Override
    public ChatChunk adaptChunk(ChatChunk chunk) {
      return "skip-me".equals(chunk.id()) ? null : chunk;
    }

    @Override
    public List<ModelInfo> readModels(byte[] body) {
      return List.of(ModelInfo.builder().id("from-dialect").build());
    }
  };

  private final OpenAiProvider provider = OpenAiProvider.builder().baseUrl(wm.baseUrl()).apiKey("k-123456789")
      .providerName("custom").transport(transport).dialect(CUSTOM).build();

  @AfterEach
  void noLeakedCalls() {
    provider.close();
    TransportProbe.assertNoOpenCalls(transport);
  }

  @AfterAll
  static void closeTransport() {
    transport.close();
  }

  private static ChatRequest hello(String model) {
    return ChatRequest.builder().model(model).addMessage(Message.user("Hello!")).build();
  }

  private static Throwable failureOf(java.util.concurrent.CompletableFuture<?> future) {
    Throwable t = catchThrowable(() -> future.get(10, TimeUnit.SECONDS));
    assertThat(t).isInstanceOf(ExecutionException.class);
    return t.getCause();
  }

  @Test
  void chat_customDialect_usesItsUrlAndCredentialHeadersAndProtectsThem() throws Exception {
    wm.stubFor(post(urlEqualTo("/m/gpt-x/chat/completions?v=7")).willReturn(okJson(OpenAiFixtures.CHAT_COMPLETION)));

    provider.chat(hello("gpt-x"), context.toBuilder().header("X-Key", "stolen").build()).get(10, TimeUnit.SECONDS);

    wm.verify(postRequestedFor(urlEqualTo("/m/gpt-x/chat/completions?v=7"))
        .withHeader("x-key", equalTo("k-123456789"))
        .withHeader("Authorization", absent()));
  }

  @Test
  void chat_dialectCannotAddressTheCall_failsWithInvalidRequestWithoutACall() {
    Throwable failure = failureOf(provider.chat(ChatRequest.builder().addMessage(Message.user("hi")).build(), context));

    assertThat(failure).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("this service needs a model in the URL");
    assertThat(wm.getAllServeEvents()).isEmpty();
  }

  @Test
  void chat_errorStatus_readsTheBodyAndRetryAfterThroughTheDialect() {
    wm.stubFor(post(urlEqualTo("/m/gpt-x/chat/completions?v=7")).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"error\":{\"message\":\"prompt too long\",\"type\":null,\"param\":null,\"code\":null}}")));
    wm.stubFor(post(urlEqualTo("/m/gpt-y/chat/completions?v=7")).willReturn(aResponse().withStatus(429)
        .withHeader("x-wait-seconds", "7").withHeader("Retry-After", "1").withBody("{\"error\":{\"message\":\"slow\"}}")));

    assertThat(failureOf(provider.chat(hello("gpt-x"), context))).isInstanceOf(ContextWindowExceededException.class);
    Throwable limited = failureOf(provider.chat(hello("gpt-y"), context));
    assertThat(limited).isInstanceOf(RateLimitedException.class);
    assertThat(((RateLimitedException) limited).retryAfter()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void stream_chunkTheDialectDrops_isNotDeliveredAndTheStreamGoesOn() {
    String body = "data: {\"id\":\"skip-me\",\"object\":\"\",\"created\":0,\"model\":\"\",\"choices\":[]}\n\n"
        + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"stop\"}]}\n\n"
        + "data: [DONE]\n\n";
    wm.stubFor(post(urlEqualTo("/m/gpt-x/chat/completions?v=7")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "text/event-stream").withBody(body)));
    TestSubscriber<ChatChunk> subscriber = new TestSubscriber<>(1);

    provider.stream(hello("gpt-x"), context).subscribe(subscriber);

    assertThat(subscriber.awaitItems(1)).extracting(ChatChunk::id).containsExactly("c1");
    subscriber.request(1);
    assertThat(subscriber.awaitTerminal().isCompleted()).isTrue();
    subscriber.assertNoViolations();
  }

  @Test
  void models_customDialect_usesItsUrlAndReader() throws Exception {
    wm.stubFor(get(urlEqualTo("/m/all/models?v=7")).willReturn(okJson("{\"whatever\":true}")));

    List<ModelInfo> models = provider.models(context).get(10, TimeUnit.SECONDS);

    assertThat(models).extracting(ModelInfo::id).containsExactly("from-dialect");
    wm.verify(getRequestedFor(urlEqualTo("/m/all/models?v=7")));
  }

  @Test
  void stream_defaultDialectChunkWithNestedErrorKey_isAChunkNotAnErrorEvent() throws Exception {
    // Only a top-level "error" (or "object":"error") makes an error event; a nested one is data.
    String body = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"stop\","
        + "\"content_filter_results\":{\"error\":{\"code\":\"content_filter_error\","
        + "\"message\":\"The contents are not filtered\"}}}]}\n\n"
        + "data: [DONE]\n\n";
    wm.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "text/event-stream").withBody(body)));
    try (OpenAiProvider plain = OpenAiProvider.builder().baseUrl(wm.baseUrl() + "/v1").transport(transport).build()) {
      TestSubscriber<ChatChunk> subscriber = TestSubscriber.unbounded();

      plain.stream(hello("gpt-4o"), context).subscribe(subscriber);

      assertThat(subscriber.awaitTerminal().error()).isNull();
      assertThat(subscriber.items()).extracting(ChatChunk::text).containsExactly("Hi");
    }
  }
}

package dev.switchboard.redis;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.cache.CacheSettings;
import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.UpstreamException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ModelInfo;
import dev.switchboard.core.model.RouteInfo;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.spi.CallContext;
import dev.switchboard.core.spi.Provider;
import dev.switchboard.core.wire.OpenAiJson;
import dev.switchboard.redis.testing.RedisServerExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Single-flight against a real HTTP upstream: 100 concurrent identical calls reach WireMock once.
 * The provider is a test-only one over java.net.http (sdk-redis may not depend on sdk-providers).
 */
class SingleFlightWireMockTest {

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private static final String ANSWER = "{\"id\":\"chatcmpl-w\",\"object\":\"chat.completion\",\"created\":1700000000,"
      + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Paris\"},"
      + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":1,\"total_tokens\":21}}";

  private final WireMockServer wiremock = new WireMockServer(wireMockConfig().dynamicPort());
  private RedisConnection connection;
  private Switchboard switchboard;
  private ExecutorService callers;

  /** POSTs the chat body to WireMock and reads the answer. */
  private static final class HttpProvider implements Provider {
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;

    HttpProvider(String base) {
      this.base = base;
    }

    @Override
    public CompletableFuture<ChatResponse> chat(ChatRequest request, CallContext context) {
      HttpRequest post = HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
          .header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(OpenAiJson.writeChatRequest(request, false))).build();
      return http.sendAsync(post, HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> {
        if (r.statusCode() != 200) {
          throw new UpstreamException("status " + r.statusCode(), ErrorDetails.builder().upstreamStatus(r.statusCode())
              .build());
        }
        return OpenAiJson.readChatResponse(r.body());
      });
    }

    @Override
    public Flow.Publisher<ChatChunk> stream(ChatRequest request, CallContext context) {
      throw new UnsupportedOperationException("not used by this test");
    }

    @Override
    public CompletableFuture<EmbeddingResponse> embed(EmbeddingRequest request, CallContext context) {
      throw new UnsupportedOperationException("not used by this test");
    }

    @Override
    public CompletableFuture<List<ModelInfo>> models(CallContext context) {
      return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public void close() {}
  }

  @BeforeEach
  void start() {
    wiremock.start();
    connection = RedisConnection.create(redis.uri());
    switchboard = Switchboard.builder()
        .provider("openai", new HttpProvider(wiremock.baseUrl()))
        .retryPolicy(RetryPolicy.none())
        .cache(CacheSettings.ofDefaults())
        .cacheStore(RedisCacheStore.builder(connection).build())
        .modelGroup(ModelGroup.builder("fast").deployment("openai", "gpt-4o-mini").build())
        .build();
    callers = Executors.newFixedThreadPool(32);
  }

  @AfterEach
  void stop() {
    callers.shutdownNow();
    switchboard.close();
    connection.close();
    wiremock.stop();
  }

  private List<CompletableFuture<ChatResponse>> hundredConcurrentCalls() throws Exception {
    ChatRequest request = ChatRequest.builder().model("fast").temperature(0.0)
        .addMessage(Message.user("Capital of France?")).build();
    CountDownLatch go = new CountDownLatch(1);
    List<Future<CompletableFuture<ChatResponse>>> submitted = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      submitted.add(callers.submit(() -> {
        go.await();
        return switchboard.chat(request);
      }));
    }
    go.countDown();
    List<CompletableFuture<ChatResponse>> answers = new ArrayList<>();
    for (Future<CompletableFuture<ChatResponse>> f : submitted) {
      answers.add(f.get(10, TimeUnit.SECONDS));
    }
    return answers;
  }

  @Test
  void chat_100ConcurrentIdenticalCalls_reachTheUpstreamOnce() throws Exception {
    // The delay keeps the one upstream call in flight while all 100 calls arrive.
    wiremock.stubFor(post(urlEqualTo("/v1/chat/completions"))
        .willReturn(aResponse().withStatus(200).withHeader("content-type", "application/json").withBody(ANSWER)
            .withFixedDelay(500)));

    List<String> labels = new ArrayList<>();
    for (CompletableFuture<ChatResponse> answer : hundredConcurrentCalls()) {
      ChatResponse r = answer.get(10, TimeUnit.SECONDS);
      assertThat(r.text()).isEqualTo("Paris");
      labels.add(r.route().cache());
    }

    wiremock.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions")));
    assertThat(labels).filteredOn(RouteInfo.CACHE_MISS::equals).hasSize(1);
    assertThat(labels).filteredOn(l -> !l.equals(RouteInfo.CACHE_MISS))
        .allMatch(l -> l.equals(RouteInfo.CACHE_COALESCED) || l.equals(RouteInfo.CACHE_HIT_L1));
  }

  @Test
  void chat_100ConcurrentIdenticalCallsAndTheUpstreamFails_allFailOnceAndNothingIsCached() throws Exception {
    wiremock.stubFor(post(urlEqualTo("/v1/chat/completions"))
        .willReturn(aResponse().withStatus(500).withBody("{\"error\":{\"message\":\"boom\"}}").withFixedDelay(500)));

    List<CompletableFuture<ChatResponse>> answers = hundredConcurrentCalls();
    for (CompletableFuture<ChatResponse> answer : answers) {
      assertThat(answer).failsWithin(10, TimeUnit.SECONDS);
    }

    wiremock.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions")));
    assertThat(redis.server().command("DBSIZE")).isEqualTo(0L);
  }
}

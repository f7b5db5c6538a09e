package dev.switchboard.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.spi.ProviderConfig;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.server.internal.GatewayServer;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An answer from an OpenAI upstream, streamed or whole, reaches the client as the upstream wrote it,
 * fields Switchboard does not model included; a compatible upstream's chunks that lack fields OpenAI
 * clients need are written anew in OpenAI's form. The upstream is WireMock, the gateway a real server on the
 * transport it uses in production, the clients the JDK's HTTP client and the official OpenAI SDK.
 */
class GatewayPassThroughTest {

  /** OpenAI's chunks as sent with stream_options.include_usage (usage null until the last), plus its obfuscation field. */
  private static final List<String> OPENAI_EVENTS = List.of(
      "{\"id\":\"chatcmpl-P1\",\"object\":\"chat.completion.chunk\",\"created\":1750000000,\"model\":\"gpt-4o-mini-2024-07-18\","
          + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
          + "\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"q9\"}",
      "{\"id\":\"chatcmpl-P1\",\"object\":\"chat.completion.chunk\",\"created\":1750000000,\"model\":\"gpt-4o-mini-2024-07-18\","
          + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Bonjour\"},"
          + "\"logprobs\":null,\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"Zk\"}",
      "{\"id\":\"chatcmpl-P1\",\"object\":\"chat.completion.chunk\",\"created\":1750000000,\"model\":\"gpt-4o-mini-2024-07-18\","
          + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,"
          + "\"finish_reason\":\"stop\"}],\"usage\":null,\"obfuscation\":\"a\"}",
      "{\"id\":\"chatcmpl-P1\",\"object\":\"chat.completion.chunk\",\"created\":1750000000,\"model\":\"gpt-4o-mini-2024-07-18\","
          + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_1\",\"choices\":[],\"usage\":{\"prompt_tokens\":8,"
          + "\"completion_tokens\":2,\"total_tokens\":10,\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
          + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0}},\"obfuscation\":\"x7\"}");

  /** OpenAI's whole answer, with fields the model does not represent (annotations, token details). */
  private static final String OPENAI_ANSWER = "{\"id\":\"chatcmpl-W1\",\"object\":\"chat.completion\","
      + "\"created\":1750000000,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":"
      + "{\"role\":\"assistant\",\"content\":\"Bonjour\",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,"
      + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":2,\"total_tokens\":10,"
      + "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},\"completion_tokens_details\":"
      + "{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},"
      + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_1\"}";

  /** A compatible server that leaves out object, created and the choice index. */
  private static final List<String> LOOSE_EVENTS = List.of(
      "{\"id\":\"loose-1\",\"model\":\"loose-upstream\",\"choices\":[{\"delta\":{\"content\":\"Hola\"}}]}",
      "{\"id\":\"loose-1\",\"model\":\"loose-upstream\",\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}");

  private static WireMockServer upstream;
  private static Vertx vertx;
  private static VertxHttpTransport transport;
  private static Switchboard switchboard;
  private static GatewayServer gateway;
  private static OpenAIClient sdk;
  private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() {
    upstream = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    upstream.start();
    upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("\"gpt-4o-mini\""))
        .withRequestBody(containing("\"stream\":true")).willReturn(sse(OPENAI_EVENTS)));
    upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("\"gpt-4o-mini\""))
        .withRequestBody(notContaining("\"stream\":true")).willReturn(aResponse().withStatus(200)
            .withHeader("Content-Type", "application/json").withBody(OPENAI_ANSWER)));
    upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("\"loose-upstream\""))
        .willReturn(sse(LOOSE_EVENTS)));
    vertx = GatewayServer.newVertx();
    transport = VertxHttpTransport.builder(vertx).build();
    switchboard = Switchboard.builder()
        .provider(ProviderConfig.builder().name("openai").type("openai").baseUrl(upstream.baseUrl() + "/v1")
            .apiKey("sk-test-pass-through").build())
        .modelGroup(ModelGroup.builder("mini").deployment("openai", "gpt-4o-mini").build())
        .modelGroup(ModelGroup.builder("loose").deployment("openai", "loose-upstream").build())
        .retryPolicy(RetryPolicy.none())
        .providerComponent(HttpTransport.class, transport)
        .build();
    gateway = GatewayServer.start(vertx, switchboard, null, "127.0.0.1", 0, 1024 * 1024, Duration.ofSeconds(10));
    sdk = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + gateway.port() + "/v1").apiKey("unused")
        .maxRetries(0).timeout(Duration.ofSeconds(30)).build();
  }

  @AfterAll
  static void stop() {
    sdk.close();
    gateway.close();
    switchboard.close();
    transport.close();
    GatewayServer.closeVertx(vertx);
    upstream.stop();
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder sse(List<String> events) {
    String body = events.stream().map(e -> "data: " + e + "\n\n").collect(Collectors.joining()) + "data: [DONE]\n\n";
    return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(body);
  }

  /** The data of each event the gateway sent, in order. */
  private static List<String> streamData(String model, boolean includeUsage) throws Exception {
    String body = "{\"model\":\"" + model + "\",\"stream\":true,"
        + (includeUsage ? "\"stream_options\":{\"include_usage\":true}," : "")
        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions"))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).endsWith("data: [DONE]\n\n");
    return Arrays.stream(response.body().split("\n\n"))
        .map(event -> event.substring("data: ".length()))
        .filter(data -> !data.equals("[DONE]"))
        .collect(Collectors.toList());
  }

  @Test
  void openAiStream_withUsageAsked_isForwardedAsTheUpstreamWroteIt() throws Exception {
    assertThat(streamData("mini", true)).containsExactlyElementsOf(OPENAI_EVENTS);
  }

  @Test
  void openAiStream_withoutUsageAsked_dropsOnlyTheUsageChunk() throws Exception {
    assertThat(streamData("mini", false)).containsExactlyElementsOf(OPENAI_EVENTS.subList(0, 3));
  }

  @Test
  void openAiAnswer_isForwardedAsTheUpstreamWroteIt() throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions"))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"mini\",\"messages\":[{\"role\":\"user\","
            + "\"content\":\"hi\"}]}")).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(OPENAI_ANSWER);
  }

  @Test
  void looseCompatibleStream_isWrittenInOpenAisForm() throws Exception {
    List<String> data = streamData("loose", true);

    assertThat(data).hasSize(2).allSatisfy(d -> assertThat(d).contains("\"object\":\"chat.completion.chunk\"")
        .contains("\"created\":0").contains("\"index\":0"));
    assertThat(data.get(0)).contains("\"content\":\"Hola\"");
    assertThat(data.get(1)).contains("\"finish_reason\":\"stop\"").contains("\"total_tokens\":4");
  }

  @Test
  void openAiSdk_readsTheForwardedStream_fieldsSwitchboardDoesNotModelIncluded() {
    List<ChatCompletionChunk> chunks;
    try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model("mini").addUserMessage("hi").build())) {
      chunks = stream.stream().collect(Collectors.toList());
    }

    assertThat(chunks).hasSize(3);
    assertThat(chunks.stream().map(c -> c.choices().get(0).delta().content().orElse("")).collect(Collectors.joining()))
        .isEqualTo("Bonjour");
    assertThat(chunks.get(2).choices().get(0).finishReason()).hasValue(ChatCompletionChunk.Choice.FinishReason.STOP);
    assertThat(chunks.get(1).obfuscation()).hasValue("Zk");
  }
}

package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

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

/** The gateway's HTTP contract below what an SDK shows: status lines, headers, bodies and SSE framing. */
class GatewayHttpTest {

  private static final long BODY_LIMIT = 4096;

  private static Gateway gateway;
  private static HttpClient http;

  @BeforeAll
  static void start() {
    gateway = Gateway.start(GatewaySettings.builder().port(0).maxBodyBytes(BODY_LIMIT).build());
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private static HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> send(String method, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + gateway.port() + path);
  }

  private static String chat(String extra) {
    return "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + extra + "}";
  }

  @Test
  void chat_malformedJson_answers400InvalidJson() throws Exception {
    HttpResponse<String> response = post("/v1/chat/completions", "{\"model\": \"demo\", \"messages\": [");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(response.body()).startsWith("{\"error\":{\"message\":\"")
        .contains("\"type\":\"invalid_request_error\"", "\"param\":null", "\"code\":\"invalid_json\"");
  }

  @Test
  void chat_wrongTypeForKnownField_answers400NamingTheParam() throws Exception {
    HttpResponse<String> response = post("/v1/chat/completions",
        "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":\"hot\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("\"param\":\"temperature\"");
  }

  @Test
  void chat_bodyOverTheLimit_answers413() throws Exception {
    char[] filler = new char[(int) BODY_LIMIT];
    Arrays.fill(filler, 'a');
    HttpResponse<String> response = post("/v1/chat/completions",
        "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"" + new String(filler) + "\"}]}");

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body()).isEqualTo("{\"error\":{\"message\":\"The request body exceeds the limit of "
        + BODY_LIMIT + " bytes\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"request_too_large\"}}");
    assertThat(response.headers().firstValue("x-request-id")).isPresent();
  }

  @Test
  void chat_clientRequestId_isEchoedAndReachesTheProvider() throws Exception {
    HttpResponse<String> response = post("/v1/chat/completions", chat(""), "x-request-id", "client-id-42");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("x-request-id")).hasValue("client-id-42");
    assertThat(response.body()).contains("\"id\":\"chatcmpl-demo-client-id-42\"");
    assertThat(response.headers().firstValue("x-switchboard-provider")).hasValue("demo");
    assertThat(response.headers().firstValue("x-switchboard-deployment")).hasValue("demo/demo");
  }

  @Test
  void chat_unusableRequestId_isReplacedByAGeneratedOne() throws Exception {
    HttpResponse<String> response = post("/v1/chat/completions", chat(""), "x-request-id", "has spaces");

    assertThat(response.headers().firstValue("x-request-id")).hasValueSatisfying(id ->
        assertThat(id).startsWith("req_").doesNotContain(" "));
  }

  @Test
  void unknownRoute_get_answers404UnknownUrl() throws Exception {
    HttpResponse<String> response = send("GET", "/v1/nothing-here");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).isEqualTo("{\"error\":{\"message\":\"Unknown request URL: GET /v1/nothing-here\","
        + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"unknown_url\"}}");
    assertThat(response.headers().firstValue("x-request-id")).isPresent();
  }

  @Test
  void chatCompletions_getInsteadOfPost_answers405() throws Exception {
    HttpResponse<String> response = send("GET", "/v1/chat/completions");

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.body()).contains("\"code\":\"method_not_allowed\"");
  }

  @Test
  void models_retrieveWithEncodedSlash_findsNoSuchModel() throws Exception {
    HttpResponse<String> response = send("GET", "/v1/models/groq%2Fllama");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).isEqualTo("{\"error\":{\"message\":\"The model 'groq/llama' does not exist\","
        + "\"type\":\"invalid_request_error\",\"param\":\"model\",\"code\":\"model_not_found\"}}");
  }

  @Test
  void healthLive_runningGateway_answersUp() throws Exception {
    HttpResponse<String> response = send("GET", "/health/live");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"status\":\"up\"}");
  }

  @Test
  void healthReady_startedGateway_answers200() throws Exception {
    HttpResponse<String> response = send("GET", "/health/ready");

    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void metrics_afterAChat_containsSwitchboardRequests() throws Exception {
    assertThat(post("/v1/chat/completions", chat("")).statusCode()).isEqualTo(200);

    HttpResponse<String> response = send("GET", "/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    assertThat(response.body()).contains("switchboard_requests_seconds_count{").contains("group=\"demo\"");
  }

  @Test
  void stream_framing_isDataLinesSeparatedByBlankLinesEndingWithDone() throws Exception {
    HttpResponse<String> response = post("/v1/chat/completions",
        chat(",\"stream\":true,\"stream_options\":{\"include_usage\":true}"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-cache");
    assertThat(response.headers().firstValue("x-switchboard-provider")).hasValue("demo");
    String body = response.body();
    assertThat(body).endsWith("\n\ndata: [DONE]\n\n");
    List<String> events = Arrays.asList(body.split("\n\n"));
    assertThat(events).allSatisfy(e -> assertThat(e).startsWith("data: ").doesNotContain("\n"));
    assertThat(events.get(0)).contains("\"object\":\"chat.completion.chunk\"", "\"role\":\"assistant\"");
    assertThat(events.get(events.size() - 2)).contains("\"choices\":[]", "\"usage\":{");
  }

  @Test
  void stream_includeUsageFalse_stripsTheUsageChunk() throws Exception {
    HttpResponse<String> response = post("/v1/chat/completions",
        chat(",\"stream\":true,\"stream_options\":{\"include_usage\":false}"));

    List<String> events = Arrays.stream(response.body().split("\n\n")).collect(Collectors.toList());
    assertThat(events).last().isEqualTo("data: [DONE]");
    assertThat(response.body()).doesNotContain("\"usage\"").doesNotContain("\"choices\":[]");
  }

  @Test
  void chat_streamOptionsWithoutStream_answers400() throws Exception {
    HttpResponse<String> response = post("/v1/chat/completions", chat(",\"stream_options\":{\"include_usage\":true}"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("\"param\":\"stream_options\"");
  }

  @Test
  void chat_streamNotABoolean_answers400NamingStream() throws Exception {
    HttpResponse<String> response = post("/v1/chat/completions", chat(",\"stream\":\"yes\""));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("\"param\":\"stream\"", "\"code\":\"invalid_type\"");
  }

  @Test
  void embeddings_malformedJson_answers400() throws Exception {
    HttpResponse<String> response = post("/v1/embeddings", "not json");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("\"code\":\"invalid_json\"");
  }

  @Test
  void chat_emptyBody_answers400() throws Exception {
    HttpResponse<String> response = post("/v1/chat/completions", "");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("\"code\":\"invalid_json\"");
  }

  @Test
  void chat_sameDeterministicRequestTwice_secondAnsweredFromCacheWithHeader() throws Exception {
    String body = "{\"model\":\"demo\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"cache me 1\"}]}";

    HttpResponse<String> first = post("/v1/chat/completions", body);
    HttpResponse<String> second = post("/v1/chat/completions", body);

    assertThat(first.headers().firstValue("x-switchboard-cache")).hasValue("miss");
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.headers().firstValue("x-switchboard-cache")).hasValue("hit-l1");
    assertThat(second.body()).isEqualTo(first.body());
  }

  @Test
  void chat_noCacheInBodyOrHeader_bypassesTheCache() throws Exception {
    String body = "{\"model\":\"demo\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"cache me 2\"}]";
    post("/v1/chat/completions", body + "}");

    HttpResponse<String> viaBody = post("/v1/chat/completions", body + ",\"cache\":{\"no-cache\":true}}");
    HttpResponse<String> viaHeader = post("/v1/chat/completions", body + "}", "x-switchboard-cache", "no-cache");
    HttpResponse<String> viaCacheControl = post("/v1/chat/completions", body + "}", "Cache-Control", "no-cache");

    assertThat(viaBody.statusCode()).isEqualTo(200);
    assertThat(viaBody.headers().firstValue("x-switchboard-cache")).hasValue("bypass");
    assertThat(viaHeader.headers().firstValue("x-switchboard-cache")).hasValue("bypass");
    assertThat(viaCacheControl.headers().firstValue("x-switchboard-cache")).hasValue("bypass");
  }

  @Test
  void chat_badCacheOption_answers400NamingIt() throws Exception {
    HttpResponse<String> badTtl = post("/v1/chat/completions", chat(",\"cache\":{\"ttl\":\"soon\"}"));
    HttpResponse<String> unknown = post("/v1/chat/completions", chat(",\"cache\":{\"forever\":true}"));
    HttpResponse<String> badHeader = post("/v1/chat/completions", chat(""), "x-switchboard-cache", "maybe");

    assertThat(badTtl.statusCode()).isEqualTo(400);
    assertThat(badTtl.body()).contains("\"param\":\"cache.ttl\"");
    assertThat(unknown.body()).contains("\"param\":\"cache.forever\"");
    assertThat(badHeader.statusCode()).isEqualTo(400);
    assertThat(badHeader.body()).contains("\"param\":\"x-switchboard-cache\"");
  }
}

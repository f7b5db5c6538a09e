package dev.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.switchboard.core.testing.ManualClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real gateway on a random port, started from a YAML file, with the HTTP calls tests make. */
final class TestGateway implements AutoCloseable {

  static final String MASTER = "master-key-for-tests-0123456789";
  static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Two demo-backed groups with prices (a call costs about $0.03), cache off, keys in a file. A demo
   * call's tokens: prompt estimated from the text, 13 completion tokens for a short echo.
   */
  static String config(Path dir) {
    return String.join("\n",
        "auth: { master-key: '${MASTER}', keys-file: '" + dir.resolve("keys.json") + "' }",
        "providers:",
        "  demo: { type: demo }",
        "  backup: { type: demo }",
        "models:",
        "  demo:",
        "    deployments:",
        "      - { provider: demo, model: demo, price: { input-per-million: 1000, output-per-million: 2000 } }",
        "  premium:",
        "    deployments:",
        "      - { provider: backup, model: demo, price: { input-per-million: 1000, output-per-million: 2000 } }",
        "cache: { mode: off }",
        "");
  }

  final Gateway gateway;
  final ManualClock clock;
  final LinkedBlockingQueue<String> accessLog;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private TestGateway(Gateway gateway, ManualClock clock, LinkedBlockingQueue<String> accessLog) {
    this.gateway = gateway;
    this.clock = clock;
    this.accessLog = accessLog;
  }

  static TestGateway start(Path dir, String yaml) throws Exception {
    return start(dir, yaml, Map.of("MASTER", MASTER));
  }

  static TestGateway start(Path dir, String yaml, Map<String, String> env) throws Exception {
    Path file = dir.resolve("gateway-" + System.nanoTime() + ".yaml");
    Files.writeString(file, yaml);
    ManualClock clock = new ManualClock(Instant.now());
    LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Gateway gateway = Gateway.start(GatewaySettings.builder().port(0).configFile(file).environment(env)
        .accessLogSink(lines::add).clock(clock).build());
    return new TestGateway(gateway, clock, lines);
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + gateway.port() + path);
  }

  HttpResponse<String> get(String path, String key) throws Exception {
    return send(request(path, key).GET());
  }

  HttpResponse<String> delete(String path, String key) throws Exception {
    return send(request(path, key).DELETE());
  }

  HttpResponse<String> post(String path, String body, String key, String... headers) throws Exception {
    HttpRequest.Builder b = request(path, key).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return send(b);
  }

  HttpResponse<String> chat(String model, String prompt, String key) throws Exception {
    return post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
        + prompt + "\"}]}", key);
  }

  private HttpRequest.Builder request(String path, String key) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return b;
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Creates a virtual key through the admin API; returns the response body. */
  JsonNode createKey(String body) throws Exception {
    HttpResponse<String> r = post("/admin/keys", body, MASTER);
    if (r.statusCode() != 201) {
      throw new AssertionError("create key answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  /** The official OpenAI client for this gateway with {@code apiKey}: no retries, so a refusal is seen as it is. */
  OpenAIClient openAiClient(String apiKey) {
    return OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + gateway.port() + "/v1").apiKey(apiKey)
        .maxRetries(0).timeout(Duration.ofSeconds(30)).build();
  }

  static JsonNode json(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  /** The first access log line (parsed) matching {@code filter}, waiting up to ten seconds for it. */
  JsonNode accessLine(Predicate<JsonNode> filter) throws Exception {
    List<String> seen = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      String line = accessLog.poll(100, TimeUnit.MILLISECONDS);
      if (line == null) {
        continue;
      }
      seen.add(line);
      JsonNode node = JSON.readTree(line);
      if (filter.test(node)) {
        accessLog.addAll(seen.subList(0, seen.size() - 1)); // leave the others for later lookups
        return node;
      }
    }
    accessLog.addAll(seen);
    throw new AssertionError("no access log line matched; lines: " + seen);
  }

  /** Every access log line so far (raw), for "never contains" checks. */
  List<String> accessLinesSoFar() {
    return new ArrayList<>(accessLog);
  }

  static Map<String, String> env(String... pairs) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  @Override
  public void close() {
    gateway.close();
  }
}

package dev.switchboard.server;

import static dev.switchboard.server.TestGateway.MASTER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One JSON line per request, with route, tokens and cost, and never a key or a prompt. */
class GatewayAccessLogTest {

  private static final String PROMPT = "the zanzibar-quokka passphrase";

  @TempDir
  static Path dir;
  private static TestGateway gw;

  @BeforeAll
  static void start() throws Exception {
    gw = TestGateway.start(dir, TestGateway.config(dir));
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void chat_withAVirtualKey_logsOneLineWithRouteTokensAndCost() throws Exception {
    JsonNode created = gw.createKey("{\"user\":\"log-user\",\"team\":\"log-team\"}");
    String key = created.get("key").asText();

    HttpResponse<String> r = gw.post("/v1/chat/completions", "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\","
        + "\"content\":\"" + PROMPT + "\"}]}", key, "x-request-id", "log-test-1");

    assertThat(r.statusCode()).isEqualTo(200);
    String cost = r.headers().firstValue("x-switchboard-cost").orElseThrow();
    JsonNode line = gw.accessLine(l -> l.path("request_id").asText().equals("log-test-1"));
    assertThat(line.get("method").asText()).isEqualTo("POST");
    assertThat(line.get("path").asText()).isEqualTo("/v1/chat/completions");
    assertThat(line.get("status").asInt()).isEqualTo(200);
    assertThat(line.get("latency_ms").asLong()).isNotNegative();
    assertThat(line.get("key").asText()).isEqualTo(created.get("key-prefix").asText());
    assertThat(line.get("key_id").asText()).isEqualTo(created.get("id").asText());
    assertThat(line.get("user").asText()).isEqualTo("log-user");
    assertThat(line.get("team").asText()).isEqualTo("log-team");
    assertThat(line.get("model").asText()).isEqualTo("demo");
    assertThat(line.get("provider").asText()).isEqualTo("demo");
    assertThat(line.get("deployment").asText()).isEqualTo("demo/demo");
    assertThat(line.get("cache").asText()).isNotEmpty();
    assertThat(line.get("stream").asBoolean()).isFalse();
    assertThat(line.get("tokens_in").asInt()).isPositive();
    assertThat(line.get("tokens_out").asInt()).isPositive();
    assertThat(line.get("cost_usd").asText()).isEqualTo(cost);
    assertThat(line.get("client_ip").asText()).isEqualTo("127.0.0.1");
    assertThat(line.toString()).doesNotContain(key).doesNotContain("zanzibar").doesNotContain("quokka");
  }

  @Test
  void stream_logsTokensFromTheUsageChunk() throws Exception {
    HttpResponse<String> r = gw.post("/v1/chat/completions", "{\"model\":\"demo\",\"stream\":true,\"messages\":"
        + "[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}", MASTER, "x-request-id", "log-test-stream");

    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode line = gw.accessLine(l -> l.path("request_id").asText().equals("log-test-stream"));
    assertThat(line.get("stream").asBoolean()).isTrue();
    assertThat(line.get("tokens_out").asInt()).isPositive();
    assertThat(line.get("key_id").asText()).isEqualTo("master");
    assertThat(line.get("key").asText()).isEqualTo("master");
    assertThat(line.toString()).doesNotContain(MASTER.substring(MASTER.length() - 4)).doesNotContain("quokka");
  }

  @Test
  void refusedKey_logsTheStatusButNotTheKey() throws Exception {
    String wrong = "sk-sb-aWrongKeyThatMustNeverBeLoggedAnywhere0000";

    gw.post("/v1/chat/completions", "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT
        + "\"}]}", wrong, "x-request-id", "log-test-401");

    JsonNode line = gw.accessLine(l -> l.path("request_id").asText().equals("log-test-401"));
    assertThat(line.get("status").asInt()).isEqualTo(401);
    assertThat(line.has("key")).isFalse();
    assertThat(line.has("provider")).isFalse();
    assertThat(line.toString()).doesNotContain(wrong).doesNotContain("quokka");
  }

  @Test
  void healthProbes_areNotLogged_adminCallsAre() throws Exception {
    gw.get("/health/ready", null);
    gw.get("/admin/keys", MASTER);

    JsonNode line = gw.accessLine(l -> l.path("path").asText().equals("/admin/keys")
        && l.path("method").asText().equals("GET"));
    assertThat(line.get("status").asInt()).isEqualTo(200);
    assertThat(gw.accessLinesSoFar()).noneMatch(l -> l.contains("/health/"));
  }

  @Test
  void embeddings_carryTheCostHeaderAndALine() throws Exception {
    HttpResponse<String> r = gw.post("/v1/embeddings", "{\"model\":\"demo\",\"input\":\"" + PROMPT + "\"}", MASTER,
        "x-request-id", "log-test-embed");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-switchboard-cost")).isPresent();
    JsonNode line = gw.accessLine(l -> l.path("request_id").asText().equals("log-test-embed"));
    assertThat(line.get("tokens_in").asInt()).isPositive();
    assertThat(line.toString()).doesNotContain("quokka");
  }
}

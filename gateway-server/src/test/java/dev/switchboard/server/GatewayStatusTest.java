package dev.switchboard.server;

import static dev.switchboard.server.TestGateway.MASTER;
import static dev.switchboard.server.TestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /health/ready with a Redis that cannot be reached, and /v1/providers/status. */
class GatewayStatusTest {

  @TempDir
  static Path dir;
  private static TestGateway gw;

  @BeforeAll
  static void start() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort(); // free again once closed: nothing listens there
    }
    gw = TestGateway.start(dir, TestGateway.config(dir).replace("cache: { mode: off }",
        "cache: { mode: deterministic-only, ttl: 5m }\nredis: { uri: 'redis://127.0.0.1:" + closedPort + "' }"));
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void ready_redisUnreachable_isDegradedButStill200WithEachComponent() throws Exception {
    HttpResponse<String> r = gw.get("/health/ready", null);

    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.get("status").asText()).isEqualTo("degraded");
    JsonNode c = body.get("components");
    assertThat(c.at("/server/status").asText()).isEqualTo("up");
    assertThat(c.at("/key-store/status").asText()).isEqualTo("up");
    assertThat(c.at("/key-store/required").asBoolean()).isTrue();
    assertThat(c.at("/redis/status").asText()).isEqualTo("degraded");
    assertThat(c.at("/redis/required").asBoolean()).isFalse();
    assertThat(c.at("/cache-store/status").asText()).isIn("up", "degraded");
    assertThat(c.get("deployments").get("demo/demo").get("circuit").asText()).isEqualTo("closed");
    assertThat(c.get("deployments").get("backup/demo").get("status").asText()).isEqualTo("up");
  }

  @Test
  void chat_redisUnreachable_isStillServed() throws Exception {
    assertThat(gw.post("/v1/chat/completions", "{\"model\":\"demo\",\"temperature\":0,\"messages\":[{\"role\":"
        + "\"user\",\"content\":\"hi\"}]}", MASTER).statusCode()).isEqualTo(200);
  }

  @Test
  void providersStatus_listsProvidersWithTheirDeploymentsCircuits() throws Exception {
    HttpResponse<String> r = gw.get("/v1/providers/status", MASTER);

    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.get("object").asText()).isEqualTo("list");
    JsonNode demo = body.get("data").get(0);
    assertThat(demo.get("provider").asText()).isEqualTo("demo");
    assertThat(demo.get("type").asText()).isEqualTo("demo");
    assertThat(demo.get("status").asText()).isEqualTo("up");
    JsonNode d = demo.get("deployments").get(0);
    assertThat(d.get("id").asText()).isEqualTo("demo/demo");
    assertThat(d.get("model").asText()).isEqualTo("demo");
    assertThat(d.get("groups").toString()).isEqualTo("[\"demo\"]");
    assertThat(d.get("circuit").asText()).isEqualTo("closed");
    assertThat(d.get("cooling_down").asBoolean()).isFalse();
    assertThat(d.get("in_flight").asInt()).isZero();
    assertThat(body.get("data").get(1).get("provider").asText()).isEqualTo("backup");
  }
}

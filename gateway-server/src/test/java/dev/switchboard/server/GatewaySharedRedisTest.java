package dev.switchboard.server;

import static dev.switchboard.server.TestGateway.MASTER;
import static dev.switchboard.server.TestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.ratelimit.Limit;
import dev.switchboard.core.ratelimit.Limits;
import dev.switchboard.redis.testing.RedisServerExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateways on one real Redis, with no keys file: they share virtual keys (created on one, revoked
 * on the other), the caller limit (its capacity in total across both), a key's own limit and the
 * spend.
 */
class GatewaySharedRedisTest {

  private static final int LIMIT = 12;
  /**
   * The calls one caller may make at once: the configured rate gets the shipped burst rule (twice the
   * rate over 10 s), here 4 calls, refilled one every 2.5 s.
   */
  private static final long CAPACITY = Math.min(LIMIT, Limit.requestsPerMinute(LIMIT)
      .withBurst(Limits.DEFAULT_BURST_MULTIPLIER, Limits.DEFAULT_BURST_WINDOW).burstCapacity());

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  @TempDir
  Path dir;
  private TestGateway a;
  private TestGateway b;

  @BeforeEach
  void start() throws Exception {
    String yaml = String.join("\n",
        "auth: { master-key: '${MASTER}' }",
        "providers:",
        "  demo: { type: demo }",
        "models:",
        "  demo:",
        "    deployments:",
        "      - { provider: demo, model: demo, price: { input-per-million: 1000, output-per-million: 2000 } }",
        "cache: { mode: off }",
        "limits:",
        "  default: { requests-per-minute: " + LIMIT + " }",
        "redis: { uri: '" + redis.uri() + "' }",
        "");
    a = TestGateway.start(dir, yaml);
    b = TestGateway.start(dir, yaml);
  }

  @AfterEach
  void stop() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  @Test
  void keyCreatedOnA_worksOnB_revokedOnB_isRefusedOnA() throws Exception {
    JsonNode created = a.createKey("{\"models\":[\"demo\"]}");
    String key = created.get("key").asText();
    String id = created.get("id").asText();

    assertThat(b.chat("demo", "hi", key).statusCode()).isEqualTo(200);
    assertThat(json(b.get("/admin/keys/" + id, MASTER)).get("id").asText()).isEqualTo(id);

    assertThat(b.delete("/admin/keys/" + id, MASTER).statusCode()).isEqualTo(200);

    HttpResponse<String> refused = a.chat("demo", "hi", key);
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(b.chat("demo", "hi", key).statusCode()).isEqualTo(401);
  }

  @Test
  void callerLimit_isSharedAcrossInstances_thenBothRefuse() throws Exception {
    String key = a.createKey("{}").get("key").asText();

    assertThat(CAPACITY).isEqualTo(4);
    for (int i = 0; i < CAPACITY; i++) {
      TestGateway gw = i % 2 == 0 ? a : b;
      assertThat(gw.chat("demo", "hi " + i, key).statusCode()).as("call %d", i).isEqualTo(200);
    }

    assertThat(a.chat("demo", "one more", key).statusCode()).isEqualTo(429);
    assertThat(b.chat("demo", "one more", key).statusCode()).isEqualTo(429);
  }

  @Test
  void keysOwnLimit_createdOnA_replacesTheTiersOnBoth_andIsSharedAcrossThem() throws Exception {
    // requests-per-minute: 6 admits 2 at once (the burst rule), where the tier's 12 admit 4
    String limited = a.createKey("{\"limits\":{\"requests-per-minute\":6}}").get("key").asText();
    String plain = b.createKey("{}").get("key").asText();

    HttpResponse<String> first = a.chat("demo", "one", limited);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).hasValue("6");
    assertThat(b.chat("demo", "two", limited).statusCode()).isEqualTo(200);
    HttpResponse<String> refused = a.chat("demo", "three", limited);
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(json(refused).at("/error/message").asText()).startsWith("rate limit 'key:requests-per-minute' "
        + "exceeded (6 requests per 1m, at most 2 per 10s)");
    assertThat(refused.headers().firstValue("x-ratelimit-limit-requests")).hasValue("6");
    assertThat(b.chat("demo", "four", limited).statusCode()).isEqualTo(429);

    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = (i % 2 == 0 ? b : a).chat("demo", "plain " + i, plain);
      assertThat(r.statusCode()).as("plain call %d", i).isEqualTo(200);
      assertThat(r.headers().firstValue("x-ratelimit-limit-requests")).hasValue(Integer.toString(LIMIT));
    }
  }

  @Test
  void spendThroughBoth_showsInAsSpend() throws Exception {
    JsonNode created = a.createKey("{}");
    String key = created.get("key").asText();
    String id = created.get("id").asText();

    assertThat(a.chat("demo", "one", key).statusCode()).isEqualTo(200);
    assertThat(b.chat("demo", "two", key).statusCode()).isEqualTo(200);
    assertThat(b.chat("demo", "three", key).statusCode()).isEqualTo(200);

    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    String query = "/admin/spend?group-by=key&from=" + today.minusDays(1) + "&to=" + today.plusDays(1);
    assertThat(b.get(query, MASTER).statusCode()).isEqualTo(200); // flushes B's pending usage
    JsonNode spend = json(a.get(query, MASTER));

    JsonNode row = null;
    for (JsonNode r : spend.get("data")) {
      if (id.equals(r.path("key").asText())) {
        row = r;
      }
    }
    assertThat(row).as("a row for %s in %s", id, spend).isNotNull();
    assertThat(row.get("requests").asLong()).isEqualTo(3);
  }
}

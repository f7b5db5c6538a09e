package dev.switchboard.server;

import static dev.switchboard.server.TestGateway.MASTER;
import static dev.switchboard.server.TestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin API: keys created once, listed without secrets, revoked; budgets at run time; spend. */
class GatewayAdminTest {

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
  void createKey_returnsTheKeyOnceWithItsMetadata() throws Exception {
    HttpResponse<String> r = gw.post("/admin/keys", "{\"models\":[\"demo\"],\"limits\":{\"requests-per-minute\":10},"
        + "\"budget\":{\"limit-usd\":5,\"period\":\"month\",\"on-exceeded\":\"reject\"},\"user\":\"alice\","
        + "\"team\":\"research\",\"tier\":\"gold\",\"expires-at\":\"2099-01-01T00:00:00Z\"}", MASTER);

    assertThat(r.statusCode()).isEqualTo(201);
    JsonNode k = json(r);
    String key = k.get("key").asText();
    String id = k.get("id").asText();
    assertThat(key).matches("sk-sb-[A-Za-z0-9_-]{43}");
    assertThat(id).matches("key_[A-Za-z0-9_-]{16}");
    assertThat(k.get("object").asText()).isEqualTo("key");
    assertThat(k.get("key-prefix").asText()).isEqualTo("sk-sb-…" + key.substring(key.length() - 4));
    assertThat(k.get("models").toString()).isEqualTo("[\"demo\"]");
    assertThat(k.get("limits").toString()).isEqualTo("{\"requests-per-minute\":10}");
    assertThat(k.get("budget").toString()).isEqualTo("{\"limit-usd\":5,\"period\":\"month\",\"on-exceeded\":"
        + "\"reject\",\"alert-at\":[0.8,1]}");
    assertThat(k.get("user").asText()).isEqualTo("alice");
    assertThat(k.get("team").asText()).isEqualTo("research");
    assertThat(k.get("tier").asText()).isEqualTo("gold");
    assertThat(k.get("expires-at").asText()).isEqualTo("2099-01-01T00:00:00Z");
    assertThat(k.get("created-at").asText()).isEqualTo(gw.clock.instant().toString());
    assertThat(k.get("revoked-at").isNull()).isTrue();
    assertThat(k.has("sha256")).isFalse();

    // never again: not in the list, not by id, not on disk (only its hash is)
    HttpResponse<String> list = gw.get("/admin/keys", MASTER);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).contains(id).doesNotContain(key).doesNotContain("\"key\":").doesNotContain("sha256");
    HttpResponse<String> one = gw.get("/admin/keys/" + id, MASTER);
    assertThat(one.body()).contains(id).doesNotContain(key);
    String file = Files.readString(dir.resolve("keys.json"));
    assertThat(file).contains(id).contains(dev.switchboard.core.auth.ApiKeys.hash(key)).doesNotContain(key);
  }

  @Test
  void revokeKey_isIdempotent_unknownIdIs404() throws Exception {
    String id = gw.createKey("{}").get("id").asText();

    HttpResponse<String> first = gw.delete("/admin/keys/" + id, MASTER);
    HttpResponse<String> second = gw.delete("/admin/keys/" + id, MASTER);

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(json(first).get("revoked-at").asText()).isEqualTo(gw.clock.instant().toString());
    assertThat(json(second).get("revoked-at")).isEqualTo(json(first).get("revoked-at"));
    HttpResponse<String> unknown = gw.delete("/admin/keys/key_nope", MASTER);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).isEqualTo("{\"error\":{\"message\":\"No key with id 'key_nope'\",\"type\":"
        + "\"invalid_request_error\",\"param\":\"id\",\"code\":\"key_not_found\"}}");
    assertThat(gw.get("/admin/keys/key_nope", MASTER).statusCode()).isEqualTo(404);
  }

  @Test
  void createKey_badBodies_answer400NamingTheParam() throws Exception {
    assertBad("{\"modles\":[]}", "modles", "unknown parameter 'modles'; expected models, limits, budget, tier, user, "
        + "team, expires-at");
    assertBad("{\"models\":[\"gpt-5\"]}", "models[0]", "unknown model group 'gpt-5'; configured: demo, premium");
    assertBad("{\"models\":\"demo\"}", "models", "'models' must be a list of model group names");
    assertBad("{\"limits\":{\"requests-per-hour\":1}}", "limits.requests-per-hour", "unknown limit "
        + "'requests-per-hour'; expected one of requests-per-minute, tokens-per-minute, concurrent-requests, "
        + "tokens-per-day, tokens-per-month");
    assertBad("{\"limits\":{\"requests-per-minute\":0}}", "limits.requests-per-minute",
        "limits.requests-per-minute must be a whole number >= 1");
    assertBad("{\"limits\":{\"requests-per-minute\":60000000001}}", "limits.requests-per-minute",
        "limits.requests-per-minute: requests must refill at most one per nanosecond, so at most 60000000000 per "
            + "PT1M, but was 60000000001");
    assertBad("{\"limits\":{\"concurrent-requests\":2147483648}}", "limits.concurrent-requests",
        "limits.concurrent-requests: concurrent-requests must be from 1 to 2147483647 but was 2147483648");
    assertBad("{\"budget\":{\"limit-usd\":0}}", "budget.limit-usd",
        "budget.limit-usd must be a number of US dollars above 0");
    assertBad("{\"budget\":{\"limit-usd\":1,\"period\":\"week\"}}", "budget.period",
        "budget.period must be day, month or total but was 'week'");
    assertBad("{\"budget\":{\"limit-usd\":1,\"on-exceeded\":\"downgrade:nope\"}}", "budget.on-exceeded",
        "budget.on-exceeded downgrades to unknown model group 'nope'");
    assertBad("{\"budget\":{\"limit-usd\":1,\"on-exceeded\":\"shrug\"}}", "budget.on-exceeded",
        "budget.on-exceeded must be reject or downgrade:<model group> but was 'shrug'");
    assertBad("{\"budget\":{\"limit-usd\":1,\"alert\":1}}", "budget.alert",
        "unknown budget parameter 'alert'; expected limit-usd, period, on-exceeded");
    assertBad("{\"expires-at\":\"tomorrow\"}", "expires-at", "'expires-at' must be an ISO-8601 time with offset "
        + "such as 2026-12-31T23:59:59Z but was 'tomorrow'");
    assertBad("{\"expires-at\":\"2001-01-01T00:00:00Z\"}", "expires-at",
        "'expires-at' must be in the future but was 2001-01-01T00:00:00Z");
    assertBad("{\"user\":42}", "user", "'user' must be a string");
    HttpResponse<String> malformed = gw.post("/admin/keys", "{\"models\":", MASTER);
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(json(malformed).at("/error/code").asText()).isEqualTo("invalid_json");
  }

  private static void assertBad(String body, String param, String message) throws Exception {
    HttpResponse<String> r = gw.post("/admin/keys", body, MASTER);
    assertThat(r.statusCode()).as(body).isEqualTo(400);
    assertThat(json(r).at("/error/param").asText()).as(body).isEqualTo(param);
    assertThat(json(r).at("/error/message").asText()).as(body).isEqualTo(message);
    assertThat(json(r).at("/error/type").asText()).isEqualTo("invalid_request_error");
  }

  @Test
  void budget_ofAKeyCreatedAtRunTime_rejectsOnceSpent() throws Exception {
    JsonNode created = gw.createKey("{\"budget\":{\"limit-usd\":0.01,\"period\":\"day\"}}");
    String key = created.get("key").asText();
    String id = created.get("id").asText();

    assertThat(gw.chat("demo", "hi", key).statusCode()).isEqualTo(200); // about $0.03: over the limit now
    HttpResponse<String> refused = gw.chat("demo", "hi", key);

    assertThat(refused.statusCode()).isEqualTo(402);
    assertThat(json(refused).at("/error/code").asText()).isEqualTo("budget_exceeded");
    assertThat(json(refused).at("/error/message").asText()).startsWith("budget 'key:" + id + ":day' is exhausted");

    // revoking the key drops its budget from the client as well
    gw.delete("/admin/keys/" + id, MASTER);
    assertThat(gw.gateway.switchboard().budgets().find("key:" + id + ":day")).isEmpty();
  }

  @Test
  void budget_downgrade_sendsCallsToTheCheaperGroup() throws Exception {
    String key = gw.createKey("{\"budget\":{\"limit-usd\":0.01,\"period\":\"total\","
        + "\"on-exceeded\":\"downgrade:premium\"}}").get("key").asText();

    HttpResponse<String> first = gw.chat("demo", "hi", key);
    HttpResponse<String> second = gw.chat("demo", "hi", key);

    assertThat(first.headers().firstValue("x-switchboard-provider")).hasValue("demo");
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.headers().firstValue("x-switchboard-provider")).hasValue("backup");
  }

  @Test
  void spend_afterCalls_groupsByKeyUserTeamModelAndProvider() throws Exception {
    JsonNode created = gw.createKey("{\"user\":\"spend-user\",\"team\":\"spend-team\"}");
    String key = created.get("key").asText();
    String id = created.get("id").asText();
    HttpResponse<String> a = gw.chat("demo", "one", key);
    HttpResponse<String> b = gw.chat("premium", "two", key);
    BigDecimal cost = new BigDecimal(a.headers().firstValue("x-switchboard-cost").orElseThrow())
        .add(new BigDecimal(b.headers().firstValue("x-switchboard-cost").orElseThrow()));
    String range = "&from=" + today().minusDays(1) + "&to=" + today().plusDays(1);

    JsonNode byKey = json(gw.get("/admin/spend?group-by=key" + range, MASTER));
    JsonNode row = row(byKey, "key", id);
    assertThat(row.get("requests").asLong()).isEqualTo(2);
    assertThat(row.get("key-prefix").asText()).isEqualTo(created.get("key-prefix").asText());
    assertThat(new BigDecimal(row.get("cost-usd").asText())).isEqualByComparingTo(cost);
    assertThat(row.get("completion-tokens").asLong()).isPositive();
    assertThat(byKey.get("object").asText()).isEqualTo("spend");
    assertThat(byKey.get("group-by").asText()).isEqualTo("key");

    assertThat(row(json(gw.get("/admin/spend?group-by=user" + range, MASTER)), "user", "spend-user")
        .get("requests").asLong()).isEqualTo(2);
    assertThat(row(json(gw.get("/admin/spend?group-by=team" + range, MASTER)), "team", "spend-team")
        .get("requests").asLong()).isEqualTo(2);
    assertThat(row(json(gw.get("/admin/spend?group-by=model" + range, MASTER)), "model", "premium")
        .get("requests").asLong()).isPositive();
    assertThat(row(json(gw.get("/admin/spend?group-by=provider" + range, MASTER)), "provider", "backup")
        .get("requests").asLong()).isPositive();
  }

  @Test
  void spend_badParameters_answer400NamingThem() throws Exception {
    HttpResponse<String> groupBy = gw.get("/admin/spend?group-by=colour", MASTER);
    assertThat(groupBy.statusCode()).isEqualTo(400);
    assertThat(json(groupBy).at("/error/param").asText()).isEqualTo("group-by");
    assertThat(json(groupBy).at("/error/message").asText()).isEqualTo("group-by must be one of key, user, team, "
        + "model, upstream-model, provider but was 'colour'");

    HttpResponse<String> from = gw.get("/admin/spend?from=yesterday", MASTER);
    assertThat(json(from).at("/error/param").asText()).isEqualTo("from");
    HttpResponse<String> order = gw.get("/admin/spend?from=2026-02-01&to=2026-01-01", MASTER);
    assertThat(json(order).at("/error/message").asText()).isEqualTo("from (2026-02-01) must not be after to "
        + "(2026-01-01)");
  }

  private static LocalDate today() {
    return LocalDate.now(ZoneOffset.UTC);
  }

  private static JsonNode row(JsonNode spend, String field, String value) {
    for (JsonNode r : spend.get("data")) {
      if (r.get(field).asText().equals(value)) {
        return r;
      }
    }
    throw new AssertionError("no row with " + field + "=" + value + " in " + spend);
  }
}

package dev.switchboard.server;

import static dev.switchboard.server.TestGateway.MASTER;
import static dev.switchboard.server.TestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may call: master key, virtual keys and their model groups, expiry and revocation. */
class GatewayAuthTest {

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
  void start_withAMasterKey_bindsToEveryInterface() {
    assertThat(gw.gateway.host()).isEqualTo("0.0.0.0");
  }

  @Test
  void chat_withoutKey_answers401LikeOpenAi() throws Exception {
    HttpResponse<String> r = gw.chat("demo", "hi", null);

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).isEqualTo("{\"error\":{\"message\":\"You didn't provide an API key. You need to provide "
        + "your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).\","
        + "\"type\":\"authentication_error\",\"param\":null,\"code\":null}}");
    assertThat(r.headers().firstValue("x-request-id")).isPresent();
  }

  @Test
  void chat_notBearer_answers401() throws Exception {
    HttpResponse<String> r = gw.post("/v1/chat/completions", "{}", null, "Authorization", "Basic " + MASTER);

    assertThat(r.statusCode()).isEqualTo(401);
  }

  @Test
  void chat_unknownKey_answers401WithoutEchoingTheKey() throws Exception {
    String wrong = "sk-sb-thisKeyWasNeverIssuedByTheGatewayAtAllXYZW";
    HttpResponse<String> r = gw.chat("demo", "hi", wrong);

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).isEqualTo("{\"error\":{\"message\":\"Incorrect API key provided: sk-sb-…XYZW.\","
        + "\"type\":\"authentication_error\",\"param\":null,\"code\":\"invalid_api_key\"}}");
  }

  @Test
  void chat_masterKey_answers() throws Exception {
    HttpResponse<String> r = gw.chat("demo", "hi", MASTER);

    assertThat(r.statusCode()).isEqualTo(200);
  }

  @Test
  void chat_masterKeyWithLowerCaseScheme_answers() throws Exception {
    HttpResponse<String> r = gw.post("/v1/chat/completions",
        "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", null,
        "Authorization", "bearer " + MASTER);

    assertThat(r.statusCode()).isEqualTo(200);
  }

  @Test
  void virtualKey_allowedGroup_answers_otherGroupIs403() throws Exception {
    String key = gw.createKey("{\"models\":[\"demo\"]}").get("key").asText();

    assertThat(gw.chat("demo", "hi", key).statusCode()).isEqualTo(200);
    HttpResponse<String> forbidden = gw.chat("premium", "hi", key);
    assertThat(forbidden.statusCode()).isEqualTo(403);
    assertThat(forbidden.body()).isEqualTo("{\"error\":{\"message\":\"The API key " + prefix(key) + " is not allowed "
        + "to use the model 'premium'; it may use: demo\",\"type\":\"permission_error\",\"param\":\"model\","
        + "\"code\":\"model_not_allowed\"}}");
  }

  @Test
  void virtualKey_embeddingsOfAnotherGroup_is403() throws Exception {
    String key = gw.createKey("{\"models\":[\"demo\"]}").get("key").asText();

    HttpResponse<String> r = gw.post("/v1/embeddings", "{\"model\":\"premium\",\"input\":\"x\"}", key);

    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(json(r).at("/error/param").asText()).isEqualTo("model");
  }

  @Test
  void virtualKey_modelsList_showsOnlyAllowedGroups() throws Exception {
    String restricted = gw.createKey("{\"models\":[\"premium\"]}").get("key").asText();
    String unrestricted = gw.createKey("{}").get("key").asText();

    assertThat(ids(gw.get("/v1/models", restricted))).containsExactly("premium");
    assertThat(ids(gw.get("/v1/models", unrestricted))).containsExactly("demo", "premium");
    assertThat(gw.get("/v1/models/demo", restricted).statusCode()).isEqualTo(404);
    assertThat(gw.get("/v1/models/premium", restricted).statusCode()).isEqualTo(200);
  }

  @Test
  void virtualKey_revoked_is401OnTheNextRequest() throws Exception {
    JsonNode created = gw.createKey("{}");
    String key = created.get("key").asText();
    assertThat(gw.chat("demo", "hi", key).statusCode()).isEqualTo(200);

    assertThat(gw.delete("/admin/keys/" + created.get("id").asText(), MASTER).statusCode()).isEqualTo(200);

    HttpResponse<String> r = gw.chat("demo", "hi", key);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(json(r).at("/error/message").asText()).isEqualTo("The API key " + prefix(key) + " has been revoked.");
    assertThat(json(r).at("/error/code").asText()).isEqualTo("invalid_api_key");
  }

  @Test
  void virtualKey_expired_is401() throws Exception {
    String expiresAt = gw.clock.instant().plus(Duration.ofHours(1)).toString();
    String key = gw.createKey("{\"expires-at\":\"" + expiresAt + "\"}").get("key").asText();
    assertThat(gw.chat("demo", "hi", key).statusCode()).isEqualTo(200);

    gw.clock.advance(Duration.ofHours(2));

    HttpResponse<String> r = gw.chat("demo", "hi", key);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(json(r).at("/error/message").asText()).isEqualTo("The API key " + prefix(key) + " expired at "
        + expiresAt + ".");
  }

  @Test
  void adminApi_virtualKey_is403_noKey_is401() throws Exception {
    String key = gw.createKey("{}").get("key").asText();

    HttpResponse<String> withVirtual = gw.get("/admin/keys", key);
    assertThat(withVirtual.statusCode()).isEqualTo(403);
    assertThat(json(withVirtual).at("/error/code").asText()).isEqualTo("master_key_required");
    assertThat(gw.get("/admin/keys", null).statusCode()).isEqualTo(401);
    assertThat(gw.get("/v1/providers/status", key).statusCode()).isEqualTo(403);
  }

  @Test
  void healthAndMetrics_needNoKey() throws Exception {
    assertThat(gw.get("/health/live", null).statusCode()).isEqualTo(200);
    assertThat(gw.get("/health/ready", null).statusCode()).isEqualTo(200);
    assertThat(gw.get("/metrics", null).statusCode()).isEqualTo(200);
  }

  @Test
  void unknownV1Route_withoutKey_is401BeforeAnything() throws Exception {
    assertThat(gw.get("/v1/nothing", null).statusCode()).isEqualTo(401);
    assertThat(gw.get("/v1/nothing", MASTER).statusCode()).isEqualTo(404);
  }

  private static String prefix(String key) {
    return "sk-sb-…" + key.substring(key.length() - 4);
  }

  private static java.util.List<String> ids(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).isEqualTo(200);
    java.util.List<String> ids = new java.util.ArrayList<>();
    json(r).get("data").forEach(m -> ids.add(m.get("id").asText()));
    return ids;
  }
}

package dev.switchboard.server;

import static dev.switchboard.server.TestGateway.MASTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.redis.testing.Await;
import dev.switchboard.redis.testing.RedisServerExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateways on one real Redis, keys in Redis and cached by each gateway for an hour (on a clock
 * that moves only when a test moves it), called with the official OpenAI Java SDK: a cached key costs
 * Redis no lookup, yet a key revoked through the admin API is refused on the very next request on
 * that gateway and, within a bounded wait, on the other; an expired key is refused while cached.
 */
class GatewayKeyCacheTest {

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  @TempDir
  Path dir;
  private TestGateway a;
  private TestGateway b;
  private final List<OpenAIClient> clients = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    String yaml = String.join("\n",
        "auth:",
        "  master-key: '${MASTER}'",
        "  key-cache: { ttl: 1h, negative-ttl: 1h, max-size: 1000 }",
        "providers:",
        "  demo: { type: demo }",
        "models:",
        "  demo:",
        "    deployments:",
        "      - { provider: demo, model: demo }",
        "cache: { mode: off }",
        "redis: { uri: '" + redis.uri() + "' }",
        "");
    a = TestGateway.start(dir, yaml);
    b = TestGateway.start(dir, yaml);
    // Both subscribed to key changes: what they hold from now on is dropped when a key changes.
    Await.until(Duration.ofSeconds(10), "both gateways subscribed to key changes", () ->
        redis.server().subscribers("{sb:keys}:changes") == 2);
  }

  @AfterEach
  void stop() {
    clients.forEach(OpenAIClient::close);
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  private OpenAIClient client(TestGateway gw, String key) {
    OpenAIClient client = gw.openAiClient(key);
    clients.add(client);
    return client;
  }

  private static ChatCompletion chat(OpenAIClient client, String prompt) {
    return client.chat().completions().create(ChatCompletionCreateParams.builder().model("demo")
        .addUserMessage(prompt).build());
  }

  /** Key lookups Redis answered so far: each one that misses the cache starts with a GET of the key's id. */
  private static long keyLookupsInRedis() {
    return redis.server().commandCalls("get");
  }

  /**
   * Calls until one is answered with the key from the cache, asking Redis nothing. The first call or two
   * may not be: the create's own pub/sub message drops the key from every cache when it arrives.
   */
  private static void awaitCached(OpenAIClient client) {
    Await.until(Duration.ofSeconds(5), "a call answered with the key from the cache", () -> {
      long before = keyLookupsInRedis();
      assertThat(chat(client, "cached?").choices()).isNotEmpty();
      return keyLookupsInRedis() == before;
    });
  }

  @Test
  void keyRevokedThroughTheAdminApi_isRefusedOnTheVeryNextRequestOnThatGateway() throws Exception {
    JsonNode created = a.createKey("{\"models\":[\"demo\"]}");
    String key = created.get("key").asText();
    OpenAIClient client = client(a, key);
    assertThat(chat(client, "one").choices()).isNotEmpty();
    awaitCached(client);

    HttpResponse<String> revoked = a.delete("/admin/keys/" + created.get("id").asText(), MASTER);
    assertThat(revoked.statusCode()).isEqualTo(200);

    assertThatThrownBy(() -> chat(client, "three")).isInstanceOfSatisfying(UnauthorizedException.class, e -> {
      assertThat(e.statusCode()).isEqualTo(401);
      assertThat(e.code()).hasValue("invalid_api_key");
      assertThat(e.getMessage()).contains("has been revoked").doesNotContain(key);
    });
  }

  @Test
  void keyRevokedOnOneGateway_isRefusedPromptlyByAnotherThatHadItCached() throws Exception {
    JsonNode created = a.createKey("{\"models\":[\"demo\"]}");
    String key = created.get("key").asText();
    OpenAIClient onB = client(b, key);
    assertThat(chat(onB, "one").choices()).isNotEmpty();
    awaitCached(onB);

    assertThat(a.delete("/admin/keys/" + created.get("id").asText(), MASTER).statusCode()).isEqualTo(200);

    Await.until(Duration.ofSeconds(5), "B refuses the key revoked on A", () -> {
      try {
        chat(onB, "again");
        return false;
      } catch (UnauthorizedException e) {
        assertThat(e.statusCode()).isEqualTo(401);
        assertThat(e.code()).hasValue("invalid_api_key");
        assertThat(e.getMessage()).contains("has been revoked");
        return true;
      }
    });
  }

  @Test
  void keyExpiring_whileCached_isRefusedOnceItsTimeIsPast() throws Exception {
    String expiresAt = a.clock.instant().plusSeconds(60).toString();
    String key = a.createKey("{\"expires-at\":\"" + expiresAt + "\"}").get("key").asText();
    OpenAIClient client = client(a, key);
    assertThat(chat(client, "before").choices()).isNotEmpty();

    a.clock.advance(Duration.ofMinutes(2)); // well within the cache's hour

    Await.until(Duration.ofSeconds(5), "a call refused with the key from the cache", () -> {
      long before = keyLookupsInRedis();
      assertThatThrownBy(() -> chat(client, "after")).isInstanceOfSatisfying(UnauthorizedException.class, e -> {
        assertThat(e.statusCode()).isEqualTo(401);
        assertThat(e.getMessage()).contains("expired at " + expiresAt);
      });
      return keyLookupsInRedis() == before;
    });
  }

  @Test
  void wrongKeyRepeated_asksRedisOnce() throws Exception {
    OpenAIClient client = client(a, "sk-sb-notAKeyThisGatewayEverIssued000000000000");
    long lookups = keyLookupsInRedis();

    for (int i = 0; i < 20; i++) {
      assertThatThrownBy(() -> chat(client, "guess")).isInstanceOf(UnauthorizedException.class);
    }

    assertThat(keyLookupsInRedis() - lookups).isEqualTo(1);
  }
}

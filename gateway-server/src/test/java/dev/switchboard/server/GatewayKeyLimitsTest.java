package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.Headers;
import com.openai.core.http.HttpResponseFor;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A virtual key's own {@code limits}, set through the admin API, enforced at the gateway in place of
 * its tier's limits of the same name, with OpenAI's errors and {@code x-ratelimit-*} headers.
 */
class GatewayKeyLimitsTest {

  private static final ChatCompletionCreateParams HELLO = ChatCompletionCreateParams.builder().model("demo")
      .addUserMessage("hello").build();

  @TempDir
  static Path dir;
  private static TestGateway gw;

  @BeforeAll
  static void start() throws Exception {
    gw = TestGateway.start(dir, TestGateway.config(dir) + String.join("\n",
        "limits:",
        "  gold: { requests-per-minute: 60, tokens-per-minute: 1000000 }",
        "  bronze: { requests-per-minute: 3 }",
        ""));
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  private static OpenAIClient client(String apiKey) {
    return gw.openAiClient(apiKey);
  }

  private static Headers chat(OpenAIClient client) {
    HttpResponseFor<ChatCompletion> r = client.chat().completions().withRawResponse().create(HELLO);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.parse().choices()).hasSize(1);
    return r.headers();
  }

  private static String header(Headers headers, String name) {
    assertThat(headers.values(name)).as(name).hasSize(1);
    return headers.values(name).get(0);
  }

  /**
   * The key's {@code requests-per-minute: 6} gets the burst rule a tier's would: at most 2 in any 10 s,
   * so two calls pass at once and the third is refused, while the tier's 60 a minute admit 20 at once.
   * (The limiter runs on the system clock: the calls are made well within the 5 s one call takes to
   * come back.)
   */
  @Test
  void keyAllowedTwoAtOnceInATierOfTwenty_thirdCallIs429_anotherKeyOfTheTierIsNot() throws Exception {
    JsonNode created = gw.createKey("{\"models\":[\"demo\"],\"tier\":\"gold\",\"limits\":{\"requests-per-minute\":6}}");
    String limited = created.get("key").asText();
    String plain = gw.createKey("{\"models\":[\"demo\"],\"tier\":\"gold\"}").get("key").asText();
    OpenAIClient limitedClient = client(limited);
    OpenAIClient plainClient = client(plain);
    try {
      for (int call = 1; call <= 2; call++) {
        Headers limitedHeaders = chat(limitedClient);
        assertThat(header(limitedHeaders, "x-ratelimit-limit-requests")).as("call %d", call).isEqualTo("6");
        assertThat(header(limitedHeaders, "x-ratelimit-remaining-requests")).isEqualTo(Integer.toString(2 - call));
        assertThat(header(limitedHeaders, "x-ratelimit-limit-tokens")).isEqualTo("1000000"); // the tier's, kept
        assertThat(header(chat(plainClient), "x-ratelimit-limit-requests")).isEqualTo("60");
      }

      assertThatThrownBy(() -> limitedClient.chat().completions().create(HELLO))
          .isInstanceOfSatisfying(RateLimitException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(429);
            assertThat(e.type()).hasValue("rate_limit_error");
            assertThat(e.code()).hasValue("rate_limit_exceeded");
            assertThat(e.body().toString()).contains("rate limit 'key:requests-per-minute' exceeded (6 requests "
                + "per 1m, at most 2 per 10s): retry after ").doesNotContain(limited)
                .doesNotContain(created.get("id").asText());
            assertThat(Long.parseLong(header(e.headers(), "retry-after"))).isBetween(1L, 5L);
            assertThat(header(e.headers(), "x-ratelimit-limit-requests")).isEqualTo("6");
            assertThat(header(e.headers(), "x-ratelimit-remaining-requests")).isEqualTo("0");
            assertThat(header(e.headers(), "x-ratelimit-reset-requests")).isNotEmpty();
            assertThat(header(e.headers(), "x-ratelimit-limit-tokens")).isEqualTo("1000000");
          });
      Headers plainThird = chat(plainClient);
      assertThat(header(plainThird, "x-ratelimit-limit-requests")).isEqualTo("60");
      assertThat(Long.parseLong(header(plainThird, "x-ratelimit-remaining-requests"))) // 20 at once, 3 taken
          .isBetween(17L, 19L);
    } finally {
      limitedClient.close();
      plainClient.close();
    }
    assertThat(gw.accessLinesSoFar()).noneMatch(line -> line.contains(limited) || line.contains(plain));
  }

  @Test
  void keyAllowedMoreThanItsTier_isAdmittedBeyondTheTier_theTiersOtherKeysAreNot() throws Exception {
    String loose = gw.createKey("{\"models\":[\"demo\"],\"tier\":\"bronze\",\"limits\":{\"requests-per-minute\":30}}")
        .get("key").asText();
    String plain = gw.createKey("{\"models\":[\"demo\"],\"tier\":\"bronze\"}").get("key").asText();

    for (int i = 0; i < 5; i++) { // 30 a minute, at most 10 per 10 s
      HttpResponse<String> r = gw.chat("demo", "hi", loose);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("x-ratelimit-limit-requests")).hasValue("30");
    }
    assertThat(gw.chat("demo", "hi", plain).statusCode()).isEqualTo(200); // 3 a minute, at most 1 per 10 s
    HttpResponse<String> refused = gw.chat("demo", "hi", plain);
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("x-ratelimit-limit-requests")).hasValue("3");
  }

  @Test
  void withoutALimitsSection_aKeysOwnLimitsStillApply_otherKeysAreNeverLimited(@TempDir Path own) throws Exception {
    try (TestGateway unlimited = TestGateway.start(own, TestGateway.config(own))) {
      String limited = unlimited.createKey("{\"limits\":{\"requests-per-minute\":1}}").get("key").asText();
      String plain = unlimited.createKey("{}").get("key").asText();

      HttpResponse<String> first = unlimited.chat("demo", "hi", limited);
      assertThat(first.statusCode()).isEqualTo(200);
      assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).hasValue("1");
      HttpResponse<String> refused = unlimited.chat("demo", "hi", limited);
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(TestGateway.json(refused).at("/error/message").asText())
          .startsWith("rate limit 'key:requests-per-minute' exceeded (1 requests per 1m");
      for (int i = 0; i < 10; i++) {
        HttpResponse<String> r = unlimited.chat("demo", "hi", plain);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-ratelimit-limit-requests")).isEmpty();
      }
    }
  }
}

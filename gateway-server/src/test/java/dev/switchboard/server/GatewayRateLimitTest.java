package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration's {@code limits:} enforced at the gateway, with OpenAI's rate-limit headers. */
class GatewayRateLimitTest {

  @TempDir
  static Path dir;
  private static TestGateway gw;

  @BeforeAll
  static void start() throws Exception {
    gw = TestGateway.start(dir, TestGateway.config(dir) + "limits:\n  default: { requests-per-minute: 3 }\n");
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void chat_overTheDefaultTier_answers429WithRetryAfterAndEveryAnswerCarriesOpenAiHeaders() throws Exception {
    HttpResponse<String> first = gw.chat("demo", "hi", TestGateway.MASTER);

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).hasValue("3");
    assertThat(first.headers().firstValue("x-ratelimit-remaining-requests")).isPresent();
    assertThat(first.headers().firstValue("x-ratelimit-reset-requests")).isPresent();

    HttpResponse<String> refused = null;
    for (int i = 0; i < 10 && refused == null; i++) { // the clock does not move: the bucket never refills
      HttpResponse<String> r = gw.chat("demo", "hi", TestGateway.MASTER);
      if (r.statusCode() == 429) {
        refused = r;
      }
    }

    assertThat(refused).as("a 429 within the limit's capacity").isNotNull();
    assertThat(refused.body()).contains("\"type\":\"rate_limit_error\"", "requests-per-minute");
    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    assertThat(refused.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
  }
}

package dev.switchboard.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.error.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The small parsing rules at the HTTP edge: request ids, stream flags, path decoding, Retry-After. */
class RequestHelpersTest {

  private static StreamFlags flags(String json) {
    return StreamFlags.read(json.getBytes(StandardCharsets.UTF_8), "req-1");
  }

  @Test
  void requestId_visibleAsciiUpTo128_isKept() {
    assertThat(RequestIds.acceptOrGenerate("abc-123_XYZ:/.")).isEqualTo("abc-123_XYZ:/.");
    assertThat(RequestIds.acceptOrGenerate("a".repeat(128))).hasSize(128);
  }

  @Test
  void requestId_unusable_isReplaced() {
    assertThat(RequestIds.acceptOrGenerate(null)).startsWith("req_");
    assertThat(RequestIds.acceptOrGenerate("")).startsWith("req_");
    assertThat(RequestIds.acceptOrGenerate("a".repeat(129))).startsWith("req_");
    assertThat(RequestIds.acceptOrGenerate("line\nbreak")).startsWith("req_");
    assertThat(RequestIds.acceptOrGenerate("ünïcode")).startsWith("req_");
  }

  @Test
  void streamFlags_absent_areFalse() {
    StreamFlags f = flags("{\"model\":\"m\",\"messages\":[{\"stream\":true}]}");

    assertThat(f.stream()).isFalse();
    assertThat(f.includeUsage()).isFalse();
  }

  @Test
  void streamFlags_streamWithUsage_areRead() {
    StreamFlags f = flags("{\"messages\":[],\"stream\":true,\"stream_options\":{\"x\":[1],\"include_usage\":true}}");

    assertThat(f.stream()).isTrue();
    assertThat(f.includeUsage()).isTrue();
  }

  @Test
  void streamFlags_nulls_meanUnset() {
    StreamFlags f = flags("{\"stream\":null,\"stream_options\":null}");

    assertThat(f.stream()).isFalse();
  }

  @Test
  void streamFlags_includeUsageNotBoolean_failsNamingIt() {
    assertThatThrownBy(() -> flags("{\"stream\":true,\"stream_options\":{\"include_usage\":1}}"))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
          assertThat(e.param()).isEqualTo("stream_options.include_usage");
          assertThat(e.details().requestId()).isEqualTo("req-1");
        });
  }

  @Test
  void streamFlags_streamOptionsNotAnObject_failsNamingIt() {
    assertThatThrownBy(() -> flags("{\"stream\":true,\"stream_options\":true}"))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo("stream_options"));
  }

  @Test
  void percentDecode_escapedPath_decodesUtf8AndKeepsPlusAndBadEscapes() {
    assertThat(GatewayRouter.percentDecode("groq%2Fllama")).isEqualTo("groq/llama");
    assertThat(GatewayRouter.percentDecode("a+b")).isEqualTo("a+b");
    assertThat(GatewayRouter.percentDecode("caf%C3%A9")).isEqualTo("café");
    assertThat(GatewayRouter.percentDecode("100%")).isEqualTo("100%");
    assertThat(GatewayRouter.percentDecode("%zz")).isEqualTo("%zz");
  }

  @Test
  void retryAfter_fractionalSeconds_roundUp() {
    assertThat(ErrorResponses.ceilSeconds(Duration.ofMillis(1500))).isEqualTo(2);
    assertThat(ErrorResponses.ceilSeconds(Duration.ofSeconds(3))).isEqualTo(3);
    assertThat(ErrorResponses.ceilSeconds(Duration.ZERO)).isEqualTo(0);
  }
}

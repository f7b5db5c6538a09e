package dev.switchboard.providers.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpResponseTest {

  @Test
  void header_anyCase_findsFirstValue() {
    HttpResponse response = HttpResponse.builder().status(200)
        .addHeader("X-Request-Id", "req-1").addHeader("x-request-id", "req-2").build();

    assertThat(response.header("x-REQUEST-id")).isEqualTo("req-1");
    assertThat(response.headerValues("X-Request-ID")).containsExactly("req-1", "req-2");
    assertThat(response.header("missing")).isNull();
    assertThat(response.headerValues("missing")).isEmpty();
    assertThat(response.headers()).containsExactly(Map.entry("x-request-id", List.of("req-1", "req-2")));
  }

  @Test
  void body_isCopiedAndDecodedAsUtf8() {
    byte[] input = "Grüße €".getBytes(StandardCharsets.UTF_8);
    HttpResponse response = HttpResponse.builder().body(input).build();
    input[0] = 'X';
    response.body()[1] = 'X';

    assertThat(response.bodyString()).isEqualTo("Grüße €");
    assertThat(response.bodyLength()).isEqualTo(input.length);
  }

  @Test
  void builder_noBody_givesEmptyBody() {
    HttpResponse response = HttpResponse.builder().status(204).build();

    assertThat(response.body()).isEmpty();
    assertThat(response.bodyString()).isEmpty();
    assertThat(response.isSuccessful()).isTrue();
  }

  @Test
  void status_outOfRange_isRejected() {
    assertThatThrownBy(() -> HttpResponse.builder().status(42)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("status must be between 100 and 999 but was 42");
  }

  @Test
  void toString_showsHeaderNamesOnly() {
    HttpResponse response = HttpResponse.builder().status(401).addHeader("Set-Cookie", "session=secret")
        .body("{}".getBytes(StandardCharsets.UTF_8)).build();

    assertThat(response.toString()).isEqualTo("HttpResponse{status=401, headers=[set-cookie], body=2 bytes}");
  }

  @Test
  void equals_sameValues_areEqual() {
    HttpResponse a = HttpResponse.builder().status(200).addHeader("A", "1").body(new byte[] {1}).build();
    HttpResponse b = HttpResponse.builder().status(200).addHeader("a", "1").body(new byte[] {1}).build();

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(HttpResponse.builder().status(201).addHeader("a", "1").body(new byte[] {1}).build());
  }
}

package dev.switchboard.providers.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpRequestTest {

  @Test
  void builder_onlyUrl_appliesDefaults() {
    HttpRequest request = HttpRequest.builder().url("https://api.openai.com/v1/models").build();

    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.contentType()).isEqualTo("application/json");
    assertThat(request.headers()).isEmpty();
    assertThat(request.body()).isNull();
    assertThat(request.bodyLength()).isZero();
  }

  @Test
  void toString_credentialHeaders_areMasked() {
    HttpRequest request = HttpRequest.builder()
        .url("https://example.com/v1/chat")
        .header("Authorization", "Bearer sk-secret-1")
        .header("api-key", "azure-secret-2")
        .header("X-Api-Key", "anthropic-secret-3")
        .header("x-goog-api-key", "gemini-secret-4")
        .header("Proxy-Authorization", "Basic secret-5")
        .header("anthropic-version", "2023-06-01")
        .body("{\"prompt\":\"private\"}".getBytes(StandardCharsets.UTF_8))
        .build();

    assertThat(request.toString())
        .isEqualTo("HttpRequest{POST https://example.com/v1/chat, headers={Authorization=****, api-key=****, "
            + "X-Api-Key=****, x-goog-api-key=****, Proxy-Authorization=****, anthropic-version=2023-06-01}, "
            + "body=20 bytes application/json}")
        .doesNotContain("secret", "private");
  }

  @Test
  void toString_awsSessionToken_isMasked() {
    HttpRequest request = HttpRequest.builder()
        .url("https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse")
        .header("X-Amz-Date", "20260301T120000Z")
        .header("X-Amz-Security-Token", "IQoJb3JpZ2luX2VjSecretToken")
        .build();

    assertThat(request.toString()).isEqualTo("HttpRequest{POST https://bedrock-runtime.us-east-1.amazonaws.com/"
        + "model/m/converse, headers={X-Amz-Date=20260301T120000Z, X-Amz-Security-Token=****}}");
  }

  @Test
  void toString_keyQueryParameter_isMasked() {
    HttpRequest request = HttpRequest.builder()
        .method("GET")
        .url("https://generativelanguage.googleapis.com/v1beta/models?alt=sse&key=AIzaSecret&pageSize=5")
        .build();

    assertThat(request.toString()).isEqualTo("HttpRequest{GET "
        + "https://generativelanguage.googleapis.com/v1beta/models?alt=sse&key=****&pageSize=5, headers={}}");
  }

  @Test
  void body_mutatedAfterBuildOrAfterRead_doesNotChangeTheRequest() {
    byte[] input = {1, 2, 3};
    HttpRequest.Builder builder = HttpRequest.builder().url("http://localhost/x").body(input);
    input[0] = 9;
    HttpRequest request = builder.build();
    request.body()[1] = 9;

    assertThat(request.body()).containsExactly(1, 2, 3);
    assertThat(request.toBuilder().build().body()).containsExactly(1, 2, 3);
  }

  @Test
  void headers_keepInsertionOrderAndAreUnmodifiable() {
    HttpRequest request = HttpRequest.builder().url("http://localhost/x")
        .header("b", "2").header("a", "1").header("c", "3").build();

    assertThat(request.headers().keySet()).containsExactly("b", "a", "c");
    assertThatThrownBy(() -> request.headers().put("d", "4")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void header_sameNameOtherCase_replacesValueInPlace() {
    HttpRequest request = HttpRequest.builder().url("http://localhost/x")
        .header("X-One", "1").header("Authorization", "old").header("X-Two", "2")
        .header("authorization", "new").build();

    assertThat(request.headers()).containsExactly(
        Map.entry("X-One", "1"), Map.entry("authorization", "new"), Map.entry("X-Two", "2"));
    assertThat(request.header("AUTHORIZATION")).isEqualTo("new");
    assertThat(request.header("missing")).isNull();
  }

  @Test
  void header_contentType_setsContentTypeInsteadOfAHeader() {
    HttpRequest request = HttpRequest.builder().url("http://localhost/x").header("content-type", "text/plain").build();

    assertThat(request.contentType()).isEqualTo("text/plain");
    assertThat(request.headers()).isEmpty();
  }

  @Test
  void headersMapAndRemoveHeader_applyCaseInsensitively() {
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put("X-A", "1");
    extra.put("X-B", "2");
    HttpRequest request = HttpRequest.builder().url("http://localhost/x").headers(extra).removeHeader("x-a").build();

    assertThat(request.headers()).containsExactly(Map.entry("X-B", "2"));
  }

  @Test
  void build_withoutUrl_throwsNullPointerException() {
    assertThatThrownBy(() -> HttpRequest.builder().build()).isInstanceOf(NullPointerException.class).hasMessage("url");
  }

  @Test
  void url_notHttp_isRejectedWithoutPrintingSecrets() {
    assertThatThrownBy(() -> HttpRequest.builder().url("ftp://host/x?key=secret"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("url must start with http:// or https:// but was ftp://host/x?key=****");
  }

  @Test
  void build_getWithBody_isRejected() {
    assertThatThrownBy(() -> HttpRequest.builder().method("GET").url("http://localhost/x").body(new byte[2]).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("body must be null for method GET but was 2 bytes");
  }

  @Test
  void builder_blankOrNullValues_areRejectedNamingTheOption() {
    HttpRequest.Builder builder = HttpRequest.builder();
    assertThatThrownBy(() -> builder.method(" ")).isInstanceOf(IllegalArgumentException.class).hasMessage("method must not be blank");
    assertThatThrownBy(() -> builder.contentType("")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("contentType must not be blank");
    assertThatThrownBy(() -> builder.header(" ", "v")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("header name must not be blank");
    assertThatThrownBy(() -> builder.header("n", null)).isInstanceOf(NullPointerException.class).hasMessage("value");
  }

  @Test
  void equals_sameValues_areEqualIncludingBodyContent() {
    HttpRequest a = HttpRequest.builder().url("http://localhost/x").header("h", "v").body(new byte[] {1}).build();
    HttpRequest b = HttpRequest.builder().url("http://localhost/x").header("h", "v").body(new byte[] {1}).build();
    HttpRequest c = a.toBuilder().body(new byte[] {2}).build();

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(c);
    assertThat(a.toBuilder().build()).isEqualTo(a);
  }
}

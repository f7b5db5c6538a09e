package dev.switchboard.providers.internal.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The signer against AWS's published Signature Version 4 test suite (Apache-2.0; copied into
 * {@code src/test/resources/aws-sig-v4-test-suite}, see the README there for origin and selection),
 * and against the AWS SDK for Python for the Bedrock specifics the suite does not cover.
 */
class SigV4SignerTest {

  private static final String SUITE = "/aws-sig-v4-test-suite/";
  private static final Instant SUITE_TIME = Instant.parse("2015-08-30T12:36:00Z");
  private static final String SUITE_KEY_ID = "AKIDEXAMPLE";
  private static final String SUITE_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

  static Stream<String> suiteCases() {
    return Stream.of(
        "get-vanilla",
        "get-vanilla-empty-query-key",
        "get-vanilla-query-order-key",
        "get-vanilla-query-order-key-case",
        "get-vanilla-query-order-value",
        "get-vanilla-query-unreserved",
        "get-vanilla-utf8-query",
        "get-unreserved",
        "get-utf8",
        "get-header-key-duplicate",
        "get-header-value-order",
        "get-header-value-trim",
        "post-header-key-case",
        "post-header-key-sort",
        "post-header-value-case",
        "post-vanilla",
        "post-vanilla-query",
        "post-x-www-form-urlencoded",
        "post-x-www-form-urlencoded-parameters",
        "get-relative",
        "get-relative-relative",
        "get-slash",
        "get-slash-dot-slash",
        "get-slash-pointless-dot",
        "get-slashes",
        "get-space",
        "post-sts-header-before",
        "get-vanilla-with-session-token");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("suiteCases")
  void sign_awsTestSuiteCase_matchesCanonicalRequestStringToSignAndAuthorization(String name) throws IOException {
    ParsedRequest parsed = ParsedRequest.parse(resource(name, "req"));
    AwsCredentials credentials = AwsCredentials.of(SUITE_KEY_ID, SUITE_SECRET, parsed.securityToken);

    SigV4Signer.Signature signature = new SigV4Signer("service", "us-east-1")
        .sign(parsed.request, credentials, SUITE_TIME);

    assertThat(signature.canonicalRequest()).isEqualTo(resource(name, "creq"));
    assertThat(signature.stringToSign()).isEqualTo(resource(name, "sts"));
    assertThat(signature.authorization()).isEqualTo(resource(name, "authz"));
    assertThat(signature.headers()).containsEntry("X-Amz-Date", "20150830T123600Z")
        .containsEntry("Authorization", resource(name, "authz"));
    if (parsed.securityToken != null) {
      assertThat(signature.headers()).containsEntry("X-Amz-Security-Token", parsed.securityToken);
    } else {
      assertThat(signature.headers()).doesNotContainKey("X-Amz-Security-Token");
    }
  }

  // Expected values computed with the AWS SDK for Python (botocore 1.43.11, SigV4Auth("bedrock", "us-east-1"))
  // for the same request: a Converse call whose model id is an inference-profile ARN, URL-encoded into the
  // path as every AWS SDK does, so that the canonical URI double-encodes it (%3A -> %253A).
  private static final String ARN_PATH = "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile"
      + "%2Fus.anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse";
  private static final byte[] BODY = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hello!\"}]}]}"
      .getBytes(StandardCharsets.UTF_8);
  private static final Instant BOTO_TIME = Instant.parse("2026-11-22T07:08:56Z");

  private static SigV4Signer.Request converse() {
    return SigV4Signer.Request.builder().method("POST").path(ARN_PATH)
        .header("Content-Type", "application/json")
        .header("Host", "bedrock-runtime.us-east-1.amazonaws.com")
        .body(BODY).build();
  }

  @Test
  void sign_bedrockArnModelIdPath_doubleEncodesAndMatchesBotocore() {
    SigV4Signer.Signature signature = new SigV4Signer("bedrock", "us-east-1")
        .sign(converse(), AwsCredentials.of(SUITE_KEY_ID, SUITE_SECRET, null), BOTO_TIME);

    assertThat(signature.canonicalRequest()).startsWith("POST\n/model/arn%253Aaws%253Abedrock%253Aus-east-1%253A"
        + "123456789012%253Ainference-profile%252Fus.anthropic.claude-3-5-sonnet-20241022-v2%253A0/converse\n\n"
        + "content-type:application/json\nhost:bedrock-runtime.us-east-1.amazonaws.com\nx-amz-date:20261122T070856Z\n");
    assertThat(signature.authorization()).isEqualTo("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/us-east-1/"
        + "bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-date, "
        + "Signature=cbac339ad9ab46368c513b2a58c6f86ad1ea1d3c9f65b1b93a57f29360e87ec3");
  }

  @Test
  void sign_bedrockWithSessionToken_signsTheTokenAndMatchesBotocore() {
    SigV4Signer.Signature signature = new SigV4Signer("bedrock", "us-east-1")
        .sign(converse(), AwsCredentials.of(SUITE_KEY_ID, SUITE_SECRET, "FwoGZXIvYXdzEXAMPLEtoken"), BOTO_TIME);

    assertThat(signature.authorization()).isEqualTo("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/us-east-1/"
        + "bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, "
        + "Signature=9723dc9a0767e6cefa4691ca7924129bd266aace0e3c16f5c2c7341bd5515eb4");
    assertThat(signature.headers()).containsExactly(
        java.util.Map.entry("X-Amz-Date", "20261122T070856Z"),
        java.util.Map.entry("X-Amz-Security-Token", "FwoGZXIvYXdzEXAMPLEtoken"),
        java.util.Map.entry("Authorization", signature.authorization()));
  }

  @Test
  void sign_givenDateAndTokenHeaders_areReplacedByTheSignersOwn() {
    SigV4Signer.Request request = SigV4Signer.Request.builder().method("GET").path("/")
        .header("Host", "example.amazonaws.com").header("X-Amz-Date", "19700101T000000Z")
        .header("x-amz-security-token", "stale").build();

    SigV4Signer.Signature signature = new SigV4Signer("service", "us-east-1")
        .sign(request, AwsCredentials.of(SUITE_KEY_ID, SUITE_SECRET, null), SUITE_TIME);

    assertThat(signature.authorization()).isEqualTo(uncheckedResource("get-vanilla", "authz"));
  }

  @Test
  void credentials_toString_showsNeitherSecretNorToken() {
    AwsCredentials credentials = AwsCredentials.of("AKIAIOSFODNN7EXAMPLE", SUITE_SECRET, "token-value-123");

    assertThat(credentials.toString()).isEqualTo(
        "AwsCredentials{accessKeyId=AKIA****, secretAccessKey=****, sessionToken=****}");
  }

  @Test
  void constructors_blankValues_areRejectedNamingTheValue() {
    assertThatThrownBy(() -> new SigV4Signer("bedrock", " ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("region must not be blank");
    assertThatThrownBy(() -> AwsCredentials.of("AKID", "", null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("secretAccessKey must not be blank");
  }

  // ---- the suite's files

  private static String resource(String name, String extension) throws IOException {
    try (InputStream in = SigV4SignerTest.class.getResourceAsStream(SUITE + name + "/" + name + "." + extension)) {
      if (in == null) {
        throw new IOException("missing test vector " + name + "." + extension);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String uncheckedResource(String name, String extension) {
    try {
      return resource(name, extension);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** A suite {@code .req} file: request line, headers, blank line, body. */
  private static final class ParsedRequest {
    final SigV4Signer.Request request;
    final String securityToken;

    private ParsedRequest(SigV4Signer.Request request, String securityToken) {
      this.request = request;
      this.securityToken = securityToken;
    }

    static ParsedRequest parse(String text) {
      int blank = text.indexOf("\n\n");
      String head = blank < 0 ? text : text.substring(0, blank);
      String body = blank < 0 ? "" : text.substring(blank + 2);
      String[] lines = head.split("\n");
      String requestLine = lines[0];
      String method = requestLine.substring(0, requestLine.indexOf(' '));
      String target = requestLine.substring(method.length() + 1, requestLine.lastIndexOf(" HTTP/1.1"));
      int q = target.indexOf('?');
      SigV4Signer.Request.Builder b = SigV4Signer.Request.builder().method(method)
          .path(q < 0 ? target : target.substring(0, q))
          .query(q < 0 ? null : target.substring(q + 1))
          .body(body.getBytes(StandardCharsets.UTF_8));
      String token = null;
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        String name = lines[i].substring(0, colon);
        String value = lines[i].substring(colon + 1);
        if (name.equalsIgnoreCase("X-Amz-Security-Token")) {
          token = value; // the signer adds it from the credentials
        } else if (!name.equalsIgnoreCase("X-Amz-Date")) { // the signer adds it from the time
          b.header(name, value);
        }
      }
      return new ParsedRequest(b.build(), token);
    }
  }
}

package dev.switchboard.providers.azure;

import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.error.UpstreamErrors;
import dev.switchboard.core.internal.json.JsonFields;
import dev.switchboard.core.internal.json.PlainJson;
import dev.switchboard.core.internal.json.Problems;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.ModelInfo;
import dev.switchboard.core.wire.ErrorBody;
import dev.switchboard.core.wire.OpenAiJson;
import dev.switchboard.providers.openai.OpenAiDialect;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Azure OpenAI's differences from OpenAI's API: deployment URLs with an {@code api-version}, the
 * {@code api-key} header or an Entra ID bearer token, content-filter errors and annotations, and its
 * rate-limit headers. Immutable and thread-safe.
 */
final class AzureDialect extends OpenAiDialect {

  private static final Set<String> PROTECTED_HEADERS = Set.of("authorization", "api-key");
  // Azure's prompt filter rejects with code content_filter and innererror.code ResponsibleAIPolicyViolation
  // (image models: code content_policy_violation, inner_error); either inner code marks a policy refusal.
  private static final String POLICY_VIOLATION = "ResponsibleAIPolicyViolation";
  // Both the OpenAI spelling and the one Azure has been seen to send on token-limit 429s.
  private static final List<String> RESET_HEADERS = List.of("x-ratelimit-reset-requests", "x-ratelimit-reset-tokens",
      "x-rate-limit-reset-requests", "x-rate-limit-reset-tokens");
  // OpenAI writes reset times as Go durations ("1s", "6m0s", "120ms"); Azure as plain seconds ("55").
  private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

  /** How calls are authenticated. */
  enum Auth {
    /** {@code api-key: <key>}. */
    API_KEY("api-key"),
    /** {@code Authorization: Bearer <Entra ID token>}. */
    ENTRA("entra");

    private final String optionValue;

    Auth(String optionValue) {
      this.optionValue = optionValue;
    }

    /** The value of the factory's {@code auth} option that selects it. */
    String optionValue() {
      return optionValue;
    }
  }

  private final String apiVersion;
  private final Auth auth;
  private final Supplier<String> tokenProvider; // Entra ID only; null when the token is the provider's apiKey

  AzureDialect(String apiVersion, Auth auth, Supplier<String> tokenProvider) {
    this.apiVersion = apiVersion;
    this.auth = auth;
    this.tokenProvider = tokenProvider;
  }

  @Override
  public String url(String baseUrl, Operation operation, String model) {
    String query = "?api-version=" + percentEncode(apiVersion);
    if (operation == Operation.MODELS) {
      return baseUrl + "/openai/models" + query;
    }
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("an Azure OpenAI call needs the deployment name as the request's model");
    }
    return baseUrl + "/openai/deployments/" + percentEncode(model) + operation.path() + query;
  }

  @Override
  public Map<String, String> credentialHeaders(String apiKey) {
    if (auth == Auth.API_KEY) {
      return apiKey == null ? Map.of() : Map.of("api-key", apiKey);
    }
    String token = tokenProvider != null ? tokenProvider.get() : apiKey;
    if (token == null || token.isBlank()) {
      throw new IllegalStateException("the Entra ID token provider returned no token");
    }
    return Map.of("Authorization", "Bearer " + token);
  }

  @Override
  public Set<String> protectedHeaders() {
    return PROTECTED_HEADERS;
  }

  /**
   * OpenAI's error fields, with Azure's signals normalised to OpenAI's codes: a
   * {@code ResponsibleAIPolicyViolation} inner error is a content-filter refusal, and "This model's
   * maximum context length…" without a code is a context window exceeded.
   */
  @Override
  public ErrorBody readError(byte[] body) {
    ErrorBody error = OpenAiJson.readErrorBody(body);
    String code = error.code();
    if (UpstreamErrors.CONTEXT_LENGTH_EXCEEDED.equals(code) || UpstreamErrors.CONTENT_POLICY_VIOLATION.equals(code)
        || "content_filter".equals(code)) {
      return error;
    }
    if (POLICY_VIOLATION.equals(innerCode(body))) {
      return new ErrorBody(error.message(), error.type(), error.param(), "content_filter");
    }
    if (error.message().toLowerCase(Locale.ROOT).contains("maximum context length")) {
      return new ErrorBody(error.message(), error.type(), error.param(), UpstreamErrors.CONTEXT_LENGTH_EXCEEDED);
    }
    return error;
  }

  /**
   * {@code retry-after-ms}, else {@code Retry-After}, else the longest of the
   * {@code x-ratelimit-reset-*} headers: a 429 does not say which limit it hit, and retrying before
   * the later reset would hit the other.
   */
  @Override
  public Duration retryAfter(Function<String, String> headers, Clock clock) {
    Duration standard = super.retryAfter(headers, clock);
    if (standard != null) {
      return standard;
    }
    Duration longest = null;
    for (String name : RESET_HEADERS) {
      Duration reset = parseReset(headers.apply(name));
      if (reset != null && (longest == null || reset.compareTo(longest) > 0)) {
        longest = reset;
      }
    }
    return longest;
  }

  /**
   * Drops the chunks that carry nothing the model represents: the prompt-filter annotation that
   * opens every Azure stream (no choices, no usage) and the content-filter annotations of the
   * asynchronous filter (a choice without delta or finish reason). They must not count as the
   * stream's first chunk, which commits a stream to its deployment.
   */
  @Override
  public ChatChunk adaptChunk(ChatChunk chunk) {
    if (chunk.usage() != null) {
      return chunk;
    }
    for (ChunkChoice choice : chunk.choices()) {
      if (choice.finishReason() != null || choice.logprobs() != null || !choice.delta().isEmpty()) {
        return chunk;
      }
    }
    return null;
  }

  /**
   * Azure's {@code GET /openai/models} list: {@code data[].id} and {@code created_at} (it reports no
   * owner).
   */
  @Override
  public List<ModelInfo> readModels(byte[] body) {
    Problems problems = Problems.RESPONSE;
    JsonFields f = new JsonFields(PlainJson.parseObject(body, problems, "the response body"), "", problems);
    List<Object> data = f.array("data");
    if (data == null) {
      return List.of();
    }
    List<ModelInfo> models = new ArrayList<>(data.size());
    try {
      for (int i = 0; i < data.size(); i++) {
        JsonFields m = f.element("data", data, i);
        Long created = m.longValue("created_at");
        models.add(ModelInfo.builder().id(m.string("id")).created(created == null ? 0 : created).build());
      }
    } catch (IllegalArgumentException e) {
      throw problems.fail(e.getMessage(), null, Problems.INVALID_VALUE);
    }
    return List.copyOf(models);
  }

  Auth auth() {
    return auth;
  }

  String apiVersion() {
    return apiVersion;
  }

  @Override
  public String toString() {
    return "AzureDialect{apiVersion=" + apiVersion + ", auth=" + auth.optionValue() + "}";
  }

  // ---- helpers

  private static String innerCode(byte[] body) {
    if (body.length == 0) {
      return null;
    }
    try {
      Object root = PlainJson.parse(body, Problems.RESPONSE);
      Object error = root instanceof Map ? ((Map<?, ?>) root).get("error") : null;
      if (!(error instanceof Map)) {
        return null;
      }
      Object inner = ((Map<?, ?>) error).get("innererror");
      if (inner == null) {
        inner = ((Map<?, ?>) error).get("inner_error");
      }
      Object code = inner instanceof Map ? ((Map<?, ?>) inner).get("code") : null;
      return code instanceof String ? (String) code : null;
    } catch (SwitchboardException notJson) {
      return null;
    }
  }

  static Duration parseReset(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.strip();
    try {
      double seconds = Double.parseDouble(v);
      return seconds < 0 || Double.isNaN(seconds) || Double.isInfinite(seconds) ? null
          : Duration.ofMillis((long) (seconds * 1000));
    } catch (NumberFormatException notSeconds) {
      // a Go duration, below
    }
    Matcher m = DURATION_PART.matcher(v);
    double millis = 0;
    int end = 0;
    while (m.find() && m.start() == end) {
      double amount = Double.parseDouble(m.group(1));
      switch (m.group(2)) {
        case "h":
          millis += amount * 3_600_000;
          break;
        case "m":
          millis += amount * 60_000;
          break;
        case "s":
          millis += amount * 1000;
          break;
        default:
          millis += amount;
      }
      end = m.end();
    }
    return end == v.length() && end > 0 ? Duration.ofMillis((long) millis) : null;
  }

  /** Percent-encodes everything but RFC 3986's unreserved characters, for a path segment or query value. */
  static String percentEncode(String value) {
    StringBuilder sb = new StringBuilder(value.length());
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
          || c == '~') {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }
}

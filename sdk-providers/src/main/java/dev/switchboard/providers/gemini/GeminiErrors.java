package dev.switchboard.providers.gemini;

import dev.switchboard.core.error.ContentPolicyException;
import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.InvalidRequestException;
import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.error.UpstreamErrors;
import dev.switchboard.core.error.UpstreamException;
import dev.switchboard.core.internal.json.PlainJson;
import dev.switchboard.core.internal.json.Problems;
import dev.switchboard.providers.internal.http.UpstreamStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what one Gemini call failed with into the typed error, with the call's {@link ErrorDetails}.
 * The status mapping itself is {@link UpstreamErrors}'s; this class reads Google's error body
 * ({@code {"error":{"code","message","status","details"}}}, also wrapped in an array as Vertex AI
 * sometimes sends it), normalises Gemini's signals to OpenAI's codes, and makes sure the API key or
 * access token never reaches a message.
 *
 * <p>Immutable and thread-safe; one per call.
 */
final class GeminiErrors implements UpstreamStream.Failures {

  // Gemini: "The input token count (1234567) exceeds the maximum number of tokens allowed (1048576)."
  private static final Pattern TOO_MANY_TOKENS = Pattern.compile(
      "(?i)exceeds the maximum number of tokens|input token count .* exceeds|exceeds the context window");
  // google.rpc.RetryInfo.retryDelay is a Duration in its JSON form: "37s", "0.5s".
  private static final Pattern PROTO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)s");
  private static final String RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo";
  private static final String BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest";
  private static final int MAX_BODY_IN_MESSAGE = 500;

  private final ErrorDetails details;
  private final String secret;
  private final Clock clock;

  GeminiErrors(ErrorDetails details, String secret, Clock clock) {
    this.details = details;
    this.secret = secret;
    this.clock = clock;
  }

  ErrorDetails details() {
    return details;
  }

  /** The credential this call sends (API key or access token), redacted from every message; may be null. */
  String secret() {
    return secret;
  }

  /** These errors for a call that sends {@code secret}. */
  GeminiErrors withSecret(String secret) {
    return new GeminiErrors(details, secret, clock);
  }

  /** A non-2xx answer: status, its headers and its (error) body. */
  SwitchboardException fromStatus(int status, Function<String, String> headers, byte[] body) {
    GoogleError error = GoogleError.read(body);
    Duration retryAfter = UpstreamErrors.parseRetryAfter(headers.apply("retry-after"), clock);
    if (retryAfter == null) {
      retryAfter = error.retryDelay;
    }
    ErrorDetails d = details.toBuilder()
        .code(code(error))
        .param(error.field)
        .retryAfter(retryAfter)
        .build();
    return UpstreamErrors.fromResponse(status, redact(error.describe()), d);
  }

  /**
   * An error object inside a 200 stream ({@code data: {"error":{…}}}). Its {@code code} is the HTTP
   * status Google would have answered with; anything outside 4xx/5xx is an upstream failure.
   */
  SwitchboardException fromStreamEvent(Map<String, Object> event) {
    GoogleError error = GoogleError.of(event);
    String message = "error event in stream: " + redact(error.describe());
    ErrorDetails d = details.toBuilder().code(code(error)).param(error.field).retryAfter(error.retryDelay).build();
    if (error.httpCode >= 400 && error.httpCode <= 599) {
      return UpstreamErrors.fromResponse(error.httpCode, message, d);
    }
    return new UpstreamException(provider() + " sent an " + UpstreamErrors.sanitize(message),
        d.toBuilder().upstreamStatus(200).build());
  }

  /** Gemini refused the prompt itself: {@code promptFeedback.blockReason} and no candidates. */
  SwitchboardException promptBlocked(String blockReason, String blockReasonMessage) {
    String message = provider() + " blocked the prompt (blockReason " + blockReason + ")"
        + (blockReasonMessage == null || blockReasonMessage.isBlank() ? "" : ": "
            + UpstreamErrors.sanitize(redact(blockReasonMessage)));
    return new ContentPolicyException(message, details.toBuilder().upstreamStatus(200)
        .code(UpstreamErrors.CONTENT_POLICY_VIOLATION).build());
  }

  /** A request this adapter cannot translate: names the parameter, never retried. */
  InvalidRequestException invalid(String message, String param) {
    return new InvalidRequestException(provider() + " (gemini) cannot accept this request: " + message,
        details.toBuilder().param(param).code("invalid_request_for_provider").build());
  }

  /** A failure to reach or read from the upstream, as reported by the transport or body publisher. */
  SwitchboardException fromTransport(Throwable failure) {
    Throwable e = failure;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof IllegalArgumentException) { // the client refused to send it, e.g. a control character in a header
      return new InvalidRequestException(provider() + " could not send the request: "
          + UpstreamErrors.sanitize(redact(e.getMessage())), details);
    }
    // The transport reports failures mapped without context, the original failure as the cause: map it again with ours.
    Throwable original = e instanceof SwitchboardException && e.getCause() != null ? e.getCause() : e;
    return UpstreamErrors.fromTransportFailure(original, details);
  }

  /** A 2xx body (or stream event) that could not be read. */
  SwitchboardException malformed(SwitchboardException codecError) {
    String reason = UpstreamErrors.sanitize(redact(codecError.getMessage()));
    return new UpstreamException(provider() + " answered with a " + reason,
        details.toBuilder().upstreamStatus(200).build(), codecError);
  }

  /** A 2xx body that is JSON but not the shape Gemini documents. */
  SwitchboardException malformed(String reason) {
    return new UpstreamException(provider() + " answered with a malformed response from upstream: "
        + UpstreamErrors.sanitize(redact(reason)), details.toBuilder().upstreamStatus(200).build());
  }

  /** A stream whose body ended before any candidate reported a finish reason. */
  SwitchboardException streamEndedEarly() {
    return new UpstreamException(provider() + " stream ended before completion: the body ended without a "
        + "finishReason", details.toBuilder().upstreamStatus(200).build());
  }

  @Override
  public Throwable transportFailure(Throwable failure) {
    return fromTransport(failure);
  }

  @Override
  public Throwable errorStatus(int status, Function<String, String> headers, byte[] body) {
    return fromStatus(status, headers, body);
  }

  String provider() {
    return details.provider() == null ? "upstream" : details.provider();
  }

  private static String code(GoogleError error) {
    if (error.message != null && TOO_MANY_TOKENS.matcher(error.message).find()) {
      return UpstreamErrors.CONTEXT_LENGTH_EXCEEDED;
    }
    return error.status; // e.g. INVALID_ARGUMENT, RESOURCE_EXHAUSTED: Google's canonical code names
  }

  private String redact(String text) {
    if (text == null || secret == null || secret.isEmpty()) {
      return text;
    }
    return text.replace(secret, "[redacted]");
  }

  /** The fields of Google's error body that matter here; tolerant of anything else. */
  static final class GoogleError {
    final int httpCode;
    final String message;
    final String status;
    final String field;
    final Duration retryDelay;

    private GoogleError(int httpCode, String message, String status, String field, Duration retryDelay) {
      this.httpCode = httpCode;
      this.message = message;
      this.status = status;
      this.field = field;
      this.retryDelay = retryDelay;
    }

    static GoogleError read(byte[] body) {
      if (body == null || body.length == 0) {
        return new GoogleError(0, null, null, null, null);
      }
      Object parsed;
      try {
        parsed = PlainJson.parse(body, Problems.RESPONSE);
      } catch (RuntimeException notJson) {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        return new GoogleError(0, text.length() > MAX_BODY_IN_MESSAGE ? text.substring(0, MAX_BODY_IN_MESSAGE) : text,
            null, null, null);
      }
      if (parsed instanceof List && !((List<?>) parsed).isEmpty()) {
        parsed = ((List<?>) parsed).get(0); // Vertex AI's streaming endpoints wrap the error in an array
      }
      if (parsed instanceof Map) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) parsed;
        return of(map);
      }
      return new GoogleError(0, null, null, null, null);
    }

    static GoogleError of(Map<String, Object> body) {
      Object error = body.get("error");
      if (!(error instanceof Map)) {
        return new GoogleError(0, null, null, null, null);
      }
      Map<?, ?> e = (Map<?, ?>) error;
      int code = e.get("code") instanceof Number ? ((Number) e.get("code")).intValue() : 0;
      String message = e.get("message") instanceof String ? (String) e.get("message") : null;
      String status = e.get("status") instanceof String ? (String) e.get("status") : null;
      String field = null;
      Duration retryDelay = null;
      if (e.get("details") instanceof List) {
        for (Object detail : (List<?>) e.get("details")) {
          if (!(detail instanceof Map)) {
            continue;
          }
          Map<?, ?> d = (Map<?, ?>) detail;
          if (RETRY_INFO.equals(d.get("@type")) && d.get("retryDelay") instanceof String) {
            retryDelay = parseProtoDuration((String) d.get("retryDelay"));
          } else if (BAD_REQUEST.equals(d.get("@type")) && field == null
              && d.get("fieldViolations") instanceof List && !((List<?>) d.get("fieldViolations")).isEmpty()
              && ((List<?>) d.get("fieldViolations")).get(0) instanceof Map) {
            Object f = ((Map<?, ?>) ((List<?>) d.get("fieldViolations")).get(0)).get("field");
            field = f instanceof String ? (String) f : null;
          }
        }
      }
      return new GoogleError(code, message, status, field, retryDelay);
    }

    String describe() {
      if (message == null || message.isBlank()) {
        return status;
      }
      return status == null ? message : message + " (" + status + ")";
    }

    private static Duration parseProtoDuration(String value) {
      Matcher m = PROTO_DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
      if (!m.matches()) {
        return null;
      }
      return Duration.ofMillis(Math.round(Double.parseDouble(m.group(1)) * 1000));
    }
  }
}

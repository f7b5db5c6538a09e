package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.InvalidRequestException;
import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.error.UpstreamErrors;
import dev.switchboard.core.error.UpstreamException;
import dev.switchboard.core.wire.ErrorBody;
import dev.switchboard.core.wire.OpenAiJson;
import dev.switchboard.providers.internal.http.UpstreamStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * Turns what one Anthropic call failed with into the typed error, with the call's
 * {@link ErrorDetails}. The status mapping itself is {@link UpstreamErrors}'s; this class reads
 * Anthropic's error body ({@code {"type":"error","error":{"type":…,"message":…},"request_id":…}}),
 * normalises its signals to OpenAI's codes ({@code rate_limit_error} → {@code rate_limit_exceeded},
 * "prompt is too long" → {@code context_length_exceeded}; other types are kept as the code, e.g.
 * {@code overloaded_error}), reads {@code retry-after}, and keeps the API key out of every message.
 * Anthropic's request id (body or {@code request-id} header) is added to the message for support.
 *
 * <p>Immutable and thread-safe; one per call.
 */
final class AnthropicErrors implements UpstreamStream.Failures {

  /**
   * The HTTP status each Anthropic error type stands for (API reference, "Errors"), for error events
   * inside a 200 stream, which carry no status.
   */
  static final Map<String, Integer> STATUS_OF_TYPE = Map.ofEntries(
      Map.entry("invalid_request_error", 400),
      Map.entry("authentication_error", 401),
      Map.entry("billing_error", 402),
      Map.entry("permission_error", 403),
      Map.entry("not_found_error", 404),
      Map.entry("request_too_large", 413),
      Map.entry("rate_limit_error", 429),
      Map.entry("api_error", 500),
      Map.entry("timeout_error", 504),
      Map.entry("overloaded_error", 529));

  private final ErrorDetails details;
  private final String apiKey;
  private final Clock clock;

  AnthropicErrors(ErrorDetails details, String apiKey, Clock clock) {
    this.details = details;
    this.apiKey = apiKey;
    this.clock = clock;
  }

  ErrorDetails details() {
    return details;
  }

  /** A non-2xx answer: status, its headers and its (error) body. */
  SwitchboardException fromStatus(int status, Function<String, String> headers, byte[] body) {
    Parsed error = parse(body);
    String requestId = error.requestId != null ? error.requestId : headers.apply("request-id");
    ErrorDetails d = details.toBuilder()
        .code(code(error.type, error.message))
        .retryAfter(UpstreamErrors.parseRetryAfter(headers.apply("retry-after"), clock))
        .build();
    return UpstreamErrors.fromResponse(status, withRequestId(redact(error.message), requestId), d);
  }

  /**
   * An {@code error} event inside a 200 stream, e.g. {@code overloaded_error}: mapped by the status
   * its type stands for; an unknown type is an upstream failure (retryable).
   */
  SwitchboardException fromStreamEvent(String data) {
    Parsed error = parse(data.getBytes(StandardCharsets.UTF_8));
    String message = "error event in stream: " + withRequestId(redact(error.message), error.requestId);
    ErrorDetails d = details.toBuilder().code(code(error.type, error.message)).build();
    Integer status = error.type == null ? null : STATUS_OF_TYPE.get(error.type);
    if (status == null) {
      return new UpstreamException(provider() + " sent an " + UpstreamErrors.sanitize(message), d);
    }
    return UpstreamErrors.fromResponse(status, message, d);
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

  /** A stream whose body ended before {@code message_stop}. */
  SwitchboardException streamEndedEarly() {
    return new UpstreamException(provider() + " stream ended before completion: the body ended without "
        + "message_stop", details.toBuilder().upstreamStatus(200).build());
  }

  @Override
  public Throwable transportFailure(Throwable failure) {
    return fromTransport(failure);
  }

  @Override
  public Throwable errorStatus(int status, Function<String, String> headers, byte[] body) {
    return fromStatus(status, headers, body);
  }

  /** A request this adapter refused to translate is reported as it is; nothing was sent. */
  @Override
  public Throwable requestFailure(RuntimeException failure) {
    return failure instanceof SwitchboardException ? failure : fromTransport(failure);
  }

  private String provider() {
    return details.provider() == null ? "upstream" : details.provider();
  }

  // OpenAI's codes where Anthropic means the same, so that fallback and callers see one vocabulary.
  static String code(String type, String message) {
    String text = message == null ? "" : message.toLowerCase(Locale.ROOT);
    // "prompt is too long: 208310 tokens > 200000 maximum"; "input length and `max_tokens` exceed context limit: …"
    if (text.contains("prompt is too long") || text.contains("exceed context limit")) {
      return UpstreamErrors.CONTEXT_LENGTH_EXCEEDED;
    }
    if ("rate_limit_error".equals(type)) {
      return "rate_limit_exceeded";
    }
    return type;
  }

  private String redact(String text) {
    if (text == null || apiKey == null || apiKey.isEmpty()) {
      return text;
    }
    return text.replace(apiKey, "[redacted]");
  }

  private static String withRequestId(String message, String requestId) {
    if (requestId == null || requestId.isBlank()) {
      return message;
    }
    return (message == null || message.isBlank() ? "" : message + " ") + "(Anthropic request-id " + requestId + ")";
  }

  private record Parsed(String type, String message, String requestId) {}

  // Anthropic's shape first; anything else (a proxy's HTML, OpenAI's shape) through the tolerant reader.
  private static Parsed parse(byte[] body) {
    if (body != null && body.length > 0) {
      try {
        JsonNode root = AnthropicJson.MAPPER.readTree(body);
        JsonNode error = root == null ? null : root.get("error");
        if (error != null && error.isObject()) {
          return new Parsed(AnthropicJson.string(error, "type"), AnthropicJson.string(error, "message"),
              AnthropicJson.string(root, "request_id"));
        }
      } catch (IOException notJson) {
        // fall through
      }
    }
    ErrorBody tolerant = OpenAiJson.readErrorBody(body);
    return new Parsed(tolerant.type(), tolerant.message(), null);
  }
}

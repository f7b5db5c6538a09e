package dev.switchboard.providers.openai;

import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.InvalidRequestException;
import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.error.UpstreamErrors;
import dev.switchboard.core.error.UpstreamException;
import dev.switchboard.core.wire.ErrorBody;
import dev.switchboard.providers.internal.http.UpstreamStream;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * Turns what one OpenAI-compatible call failed with into the typed error, with the call's
 * {@link ErrorDetails}. Status and code mapping itself is {@link UpstreamErrors}'s; this class only
 * extracts status, body fields and retry-after, and makes sure the API key never reaches a message.
 *
 * <p>Immutable and thread-safe; one per call.
 */
final class OpenAiErrors implements UpstreamStream.Failures {

  private final ErrorDetails details;
  private final String apiKey;
  private final Clock clock;
  private final OpenAiDialect dialect;

  OpenAiErrors(ErrorDetails details, String apiKey, Clock clock, OpenAiDialect dialect) {
    this.details = details;
    this.apiKey = apiKey;
    this.clock = clock;
    this.dialect = dialect;
  }

  ErrorDetails details() {
    return details;
  }

  /** A non-2xx answer: status, its headers and its (error) body. */
  SwitchboardException fromStatus(int status, Function<String, String> headers, byte[] body) {
    ErrorBody error = dialect.readError(body == null ? new byte[0] : body);
    ErrorDetails d = details.toBuilder()
        .code(error.code())
        .param(error.param())
        .retryAfter(dialect.retryAfter(headers, clock))
        .build();
    return UpstreamErrors.fromResponse(status, redact(error.message()), d);
  }

  /**
   * An error event inside a 200 stream ({@code data: {"error":{…}}}). There is no status, so the
   * event's code says what it is: a numeric code in the HTTP range is taken as the status (OpenRouter
   * sends those), a known OpenAI code as the status OpenAI uses for it; anything else is an upstream
   * failure.
   */
  SwitchboardException fromStreamEvent(String data) {
    ErrorBody error = dialect.readError(data.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    int status = impliedStatus(error);
    String message = "error event in stream: " + redact(error.message());
    ErrorDetails d = details.toBuilder().code(error.code()).param(error.param()).build();
    if (status == 0) {
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

  /** A 2xx body (or stream event) the codec could not read. */
  SwitchboardException malformed(SwitchboardException codecError) {
    String reason = UpstreamErrors.sanitize(redact(codecError.getMessage()));
    return new UpstreamException(provider() + " answered with a " + reason,
        details.toBuilder().upstreamStatus(200).build(), codecError);
  }

  /** A stream whose body ended without {@code [DONE]} and without a finish reason. */
  SwitchboardException streamEndedEarly() {
    return new UpstreamException(provider() + " stream ended before completion: the body ended without [DONE] "
        + "and without a finish_reason", details.toBuilder().upstreamStatus(200).build());
  }

  @Override
  public Throwable transportFailure(Throwable failure) {
    return fromTransport(failure);
  }

  @Override
  public Throwable errorStatus(int status, Function<String, String> headers, byte[] body) {
    return fromStatus(status, headers, body);
  }

  private String provider() {
    return details.provider() == null ? "upstream" : details.provider();
  }

  private String redact(String text) {
    if (text == null || apiKey == null || apiKey.isEmpty()) {
      return text;
    }
    return text.replace(apiKey, "[redacted]");
  }

  private static int impliedStatus(ErrorBody error) {
    String code = error.code();
    if (code != null && code.matches("[45]\\d\\d")) {
      return Integer.parseInt(code);
    }
    String c = code == null ? "" : code.toLowerCase(Locale.ROOT);
    String type = error.type() == null ? "" : error.type().toLowerCase(Locale.ROOT);
    if (c.equals(UpstreamErrors.CONTEXT_LENGTH_EXCEEDED) || c.equals(UpstreamErrors.CONTENT_POLICY_VIOLATION)
        || c.equals("content_filter")) {
      return 400; // UpstreamErrors maps these by code whatever the status
    }
    if (c.equals("rate_limit_exceeded") || type.equals("rate_limit_error") || type.equals("rate_limit_exceeded")) {
      return 429;
    }
    return 0;
  }
}

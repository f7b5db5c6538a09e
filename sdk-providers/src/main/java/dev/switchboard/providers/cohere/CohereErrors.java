package dev.switchboard.providers.cohere;

import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.InvalidRequestException;
import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.error.UpstreamErrors;
import dev.switchboard.core.error.UpstreamException;
import dev.switchboard.core.wire.ErrorBody;
import dev.switchboard.core.wire.OpenAiJson;
import dev.switchboard.providers.internal.http.DeferredResponseBody;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * Turns what one Cohere call failed with into the typed error, with the call's {@link ErrorDetails}.
 * Cohere's error bodies are {@code {"id":…,"message":…}}; its signals are normalised to OpenAI's
 * codes before {@link UpstreamErrors} maps status and code: "too many tokens" is
 * {@code context_length_exceeded}, and 498 (a deny-listed token in the request or response) is
 * {@code content_policy_violation}. The API key never reaches a message.
 *
 * <p>Immutable and thread-safe; one per call.
 */
final class CohereErrors implements DeferredResponseBody.Failures {

  /** The code of a request parameter Cohere cannot honour. */
  static final String UNSUPPORTED_PARAMETER = "unsupported_parameter";
  /** Cohere's status for a request or response that contains a deny-listed token. */
  private static final int BLOCKED = 498;

  private final ErrorDetails details;
  private final String apiKey;
  private final Clock clock;

  CohereErrors(ErrorDetails details, String apiKey, Clock clock) {
    this.details = details;
    this.apiKey = apiKey;
    this.clock = clock;
  }

  /** A non-2xx answer: status, its headers and its (error) body. */
  SwitchboardException fromStatus(int status, Function<String, String> headers, byte[] body) {
    ErrorBody error = OpenAiJson.readErrorBody(body);
    ErrorDetails d = details.toBuilder()
        .code(code(status, error))
        .param(error.param())
        .retryAfter(UpstreamErrors.parseRetryAfter(headers.apply("retry-after"), clock))
        .build();
    return UpstreamErrors.fromResponse(status, redact(error.message()), d);
  }

  /** A failure to reach or read from Cohere, as reported by the transport or the body publisher. */
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

  /** A 2xx body or stream event that is not shaped like Cohere's reference says. */
  SwitchboardException malformed(SwitchboardException codecError) {
    return new UpstreamException(provider() + " answered with a "
        + UpstreamErrors.sanitize(redact(codecError.getMessage())), details.toBuilder().upstreamStatus(200).build(),
        codecError);
  }

  /** A stream whose body ended before its {@code message-end} event. */
  SwitchboardException streamEndedEarly() {
    return new UpstreamException(provider() + " stream ended before completion: the body ended without a "
        + "message-end event", details.toBuilder().upstreamStatus(200).build());
  }

  /** A request parameter Cohere has no way to honour, refused before any call. */
  InvalidRequestException unsupported(String param, String why) {
    return new InvalidRequestException(provider() + " (Cohere) does not support '" + param + "': " + why
        + "; set the provider option drop_unsupported_params=true to drop such parameters instead",
        details.toBuilder().param(param).code(UNSUPPORTED_PARAMETER).build());
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

  private static String code(int status, ErrorBody error) {
    if (status == BLOCKED) {
      return UpstreamErrors.CONTENT_POLICY_VIOLATION;
    }
    boolean badRequest = status == 400 || status == 413 || status == 422;
    if (badRequest && error.message().toLowerCase(Locale.ROOT).contains("too many tokens")) {
      return UpstreamErrors.CONTEXT_LENGTH_EXCEEDED;
    }
    return error.code();
  }

  private String redact(String text) {
    if (text == null || apiKey == null || apiKey.isEmpty()) {
      return text;
    }
    return text.replace(apiKey, "[redacted]");
  }
}

package dev.switchboard.providers.bedrock;

import dev.switchboard.core.error.AuthenticationException;
import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.InvalidRequestException;
import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.error.UpstreamErrors;
import dev.switchboard.core.error.UpstreamException;
import dev.switchboard.core.internal.json.PlainJson;
import dev.switchboard.core.internal.json.Problems;
import dev.switchboard.providers.internal.aws.EventStreamFormatException;
import dev.switchboard.providers.internal.http.UpstreamStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Turns what one Bedrock call failed with into the typed error, with the call's {@link ErrorDetails}.
 *
 * <p>Bedrock names its error in the {@code x-amzn-ErrorType} header (e.g.
 * {@code ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/}) and puts the text in
 * the body's {@code message}; inside a stream, an exception message names it in {@code :exception-type}
 * ({@code throttlingException}). The error type becomes the error's {@code code}, except that a
 * {@code ValidationException} about a prompt that is too long becomes {@code context_length_exceeded}.
 * The status decides the type through {@link UpstreamErrors}, with two Bedrock-specific exceptions made
 * here: {@code ModelErrorException} / {@code modelStreamErrorException} (424, the model failed) is a
 * retryable {@link UpstreamException}, and AWS's authentication failures (403 with
 * {@code UnrecognizedClientException}, {@code InvalidSignatureException}, …) are an
 * {@link AuthenticationException}. Secrets (API key, secret access key, session token) never reach a
 * message.
 *
 * <p>Immutable and thread-safe; one per call.
 */
final class BedrockErrors implements UpstreamStream.Failures {

  /** Bedrock's status for "the model returned an error". */
  static final int MODEL_ERROR_STATUS = 424;

  // Bedrock's and the models' own wordings for a prompt that does not fit, e.g. "Input is too long for
  // requested model.", "prompt is too long: 210000 tokens > 200000 maximum", "too many input tokens".
  private static final Pattern CONTEXT_TOO_LONG = Pattern.compile(
      "(?i)too long|too many (input )?tokens|context (length|window)|maximum context|exceeds? the max(imum)? "
          + "(number of )?(input )?tokens");
  // AWS's authentication failures (sent with 400 or 403): the credentials, not the caller's permissions.
  private static final Set<String> AUTHENTICATION_TYPES = Set.of("UnrecognizedClientException",
      "InvalidSignatureException", "IncompleteSignatureException", "MissingAuthenticationTokenException",
      "ExpiredTokenException", "InvalidClientTokenId", "SignatureDoesNotMatch");
  // The status Bedrock gives each stream exception (its API reference), for those that arrive without one.
  private static final Map<String, Integer> STREAM_EXCEPTION_STATUS = Map.of(
      "internalserverexception", 500,
      "modelstreamerrorexception", MODEL_ERROR_STATUS,
      "validationexception", 400,
      "throttlingexception", 429,
      "serviceunavailableexception", 503,
      "modeltimeoutexception", 408,
      "modelerrorexception", MODEL_ERROR_STATUS,
      "accessdeniedexception", 403,
      "resourcenotfoundexception", 404);

  private final ErrorDetails details;
  private final List<String> secrets;
  private final Clock clock;

  BedrockErrors(ErrorDetails details, List<String> secrets, Clock clock) {
    this.details = details;
    this.secrets = secrets;
    this.clock = clock;
  }

  ErrorDetails details() {
    return details;
  }

  /** A non-2xx answer: status, its headers and its (error) body. */
  SwitchboardException fromStatus(int status, Function<String, String> headers, byte[] body) {
    Map<String, Object> json = parseQuietly(body);
    String type = errorType(headers.apply("x-amzn-errortype"), json);
    String message = message(json, body);
    ErrorDetails d = details.toBuilder()
        .code(code(type, message))
        .retryAfter(UpstreamErrors.parseRetryAfter(headers.apply("retry-after"), clock))
        .build();
    return map(status, type, redact(message), d);
  }

  /** A {@code :message-type exception} message inside a 200 stream. */
  SwitchboardException fromStreamException(String exceptionType, byte[] payload) {
    Map<String, Object> json = parseQuietly(payload);
    String message = message(json, payload);
    String type = exceptionType == null ? "" : exceptionType;
    Integer status = STREAM_EXCEPTION_STATUS.get(type.toLowerCase(Locale.ROOT));
    Object original = json == null ? null : json.get("originalStatusCode");
    ErrorDetails d = details.toBuilder().code(code(capitalise(type), message)).build();
    String text = "error event in stream: " + type + (message == null ? "" : ": " + redact(message))
        + (original instanceof Number ? " (the model answered " + original + ")" : "");
    if (status == null) {
      return new UpstreamException(provider() + " sent an " + UpstreamErrors.sanitize(text),
          d.toBuilder().upstreamStatus(200).build());
    }
    return map(status, capitalise(type), text, d);
  }

  /** A {@code :message-type error} message inside a 200 stream (a service failure without a modelled type). */
  SwitchboardException fromStreamError(String errorCode, String errorMessage) {
    String text = "error event in stream: " + (errorCode == null ? "error" : errorCode)
        + (errorMessage == null ? "" : ": " + redact(errorMessage));
    return new UpstreamException(provider() + " sent an " + UpstreamErrors.sanitize(text),
        details.toBuilder().code(errorCode).upstreamStatus(200).build());
  }

  /** A failure to reach or read from the upstream, as reported by the transport or body publisher. */
  SwitchboardException fromTransport(Throwable failure) {
    Throwable e = failure;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    // Ours: a request this adapter cannot translate (a transport never fails with one).
    if (e instanceof InvalidRequestException) {
      return (InvalidRequestException) e;
    }
    if (e instanceof IllegalArgumentException) { // the client refused to send it, e.g. a control character in a header
      return new InvalidRequestException(provider() + " could not send the request: "
          + UpstreamErrors.sanitize(redact(e.getMessage())), details);
    }
    // The transport reports failures mapped without context, the original failure as the cause: map it again with ours.
    Throwable original = e instanceof SwitchboardException && e.getCause() != null ? e.getCause() : e;
    return UpstreamErrors.fromTransportFailure(original, details);
  }

  /** A 2xx body, stream message or frame that could not be read. */
  SwitchboardException malformed(SwitchboardException codecError) {
    String reason = UpstreamErrors.sanitize(redact(codecError.getMessage()));
    return new UpstreamException(provider() + " answered with a " + reason,
        details.toBuilder().upstreamStatus(200).build(), codecError);
  }

  /** A stream whose body ended before {@code messageStop}. */
  SwitchboardException streamEndedEarly() {
    return new UpstreamException(provider() + " stream ended before completion: the body ended without a "
        + "messageStop event", details.toBuilder().upstreamStatus(200).build());
  }

  /** A failed call or body read; a body that is not a valid event stream (bad CRC, cut frame) is malformed. */
  @Override
  public Throwable transportFailure(Throwable failure) {
    return failure instanceof EventStreamFormatException ? malformed((EventStreamFormatException) failure)
        : fromTransport(failure);
  }

  @Override
  public Throwable errorStatus(int status, Function<String, String> headers, byte[] body) {
    return fromStatus(status, headers, body);
  }

  /** A request this adapter cannot translate: names the parameter. */
  InvalidRequestException invalidRequest(String message, String param) {
    return new InvalidRequestException(provider() + " (Bedrock Converse) cannot accept this request: " + message,
        details.toBuilder().param(param).code("unsupported_parameter").build());
  }

  String provider() {
    return details.provider() == null ? "bedrock" : details.provider();
  }

  // ---- internals

  private SwitchboardException map(int status, String type, String message, ErrorDetails d) {
    String text = provider() + " returned " + status + (message == null || message.isBlank() ? ""
        : ": " + UpstreamErrors.sanitize(message));
    if (status == MODEL_ERROR_STATUS) {
      return new UpstreamException(text, d.toBuilder().upstreamStatus(status).build());
    }
    if (AUTHENTICATION_TYPES.contains(type)) {
      return new AuthenticationException(text, d.toBuilder().upstreamStatus(status).build());
    }
    return UpstreamErrors.fromResponse(status, message, d);
  }

  private static String code(String type, String message) {
    if ("ValidationException".equals(type) && message != null && CONTEXT_TOO_LONG.matcher(message).find()) {
      return UpstreamErrors.CONTEXT_LENGTH_EXCEEDED;
    }
    return type == null || type.isEmpty() ? null : type;
  }

  /** The type from {@code x-amzn-ErrorType} ("Type:namespace-uri"), else the body's {@code __type} ("ns#Type"). */
  private static String errorType(String header, Map<String, Object> json) {
    String raw = header;
    if ((raw == null || raw.isBlank()) && json != null) {
      Object t = json.get("__type");
      raw = t instanceof String ? (String) t : null;
    }
    if (raw == null || raw.isBlank()) {
      return null;
    }
    String type = raw.strip();
    int colon = type.indexOf(':');
    if (colon >= 0) {
      type = type.substring(0, colon);
    }
    int hash = type.lastIndexOf('#');
    if (hash >= 0) {
      type = type.substring(hash + 1);
    }
    return type;
  }

  private static String message(Map<String, Object> json, byte[] body) {
    if (json != null) {
      for (String key : new String[] {"message", "Message", "errorMessage"}) {
        Object m = json.get(key);
        if (m instanceof String) {
          return (String) m;
        }
      }
    }
    if (body == null || body.length == 0) {
      return null;
    }
    String text = new String(body, StandardCharsets.UTF_8).strip();
    return text.length() <= 500 ? text : text.substring(0, 500);
  }

  private static Map<String, Object> parseQuietly(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      return PlainJson.parseObject(body, Problems.RESPONSE, "the error body");
    } catch (SwitchboardException notJson) {
      return null;
    }
  }

  private static String capitalise(String type) {
    return type == null || type.isEmpty() ? type : Character.toUpperCase(type.charAt(0)) + type.substring(1);
  }

  private String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String secret : secrets) {
      if (secret != null && !secret.isEmpty()) {
        out = out.replace(secret, "[redacted]");
      }
    }
    return out;
  }
}

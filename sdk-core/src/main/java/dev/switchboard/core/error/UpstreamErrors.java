package dev.switchboard.core.error;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one place where what an upstream answered becomes a typed {@link SwitchboardException}.
 *
 * <p>Provider adapters extract status, message and code from their own error bodies, normalise
 * provider-specific signals to OpenAI's codes where they mean the same (e.g. Anthropic's "prompt is
 * too long" to {@code context_length_exceeded}), and call {@link #fromResponse}. Transport failures
 * go through {@link #fromTransportFailure}. Thread-safe; stateless.
 */
public final class UpstreamErrors {

  /** OpenAI's code for a prompt that does not fit the context window. */
  public static final String CONTEXT_LENGTH_EXCEEDED = "context_length_exceeded";
  /** OpenAI's code for a content policy refusal. */
  public static final String CONTENT_POLICY_VIOLATION = "content_policy_violation";

  // Upstream messages sometimes echo (masked) keys back; never let anything key-shaped through.
  private static final Pattern SECRET_LIKE = Pattern.compile(
      "(?i)\\b(sk|pk|rk|key|xai|gsk|sk-ant|AIza)[-_][A-Za-z0-9_*\\-]{6,}|(?i)(bearer\\s+)[A-Za-z0-9._~+/=\\-]{8,}");
  private static final int MAX_MESSAGE_LENGTH = 500;

  private UpstreamErrors() {}

  /**
   * Maps an upstream error response.
   *
   * @param status the upstream HTTP status (>= 400)
   * @param message the upstream's error message, or null; secrets are redacted and it is cut to 500 chars
   * @param details context; its {@code upstreamStatus} is set to {@code status} and its
   *     {@code code} decides between the 400 subtypes
   * @return the typed error, never null
   */
  public static SwitchboardException fromResponse(int status, String message, ErrorDetails details) {
    ErrorDetails d = details.toBuilder().upstreamStatus(status).build();
    String provider = d.provider() == null ? "upstream" : d.provider();
    String text = provider + " returned " + status + (message == null || message.isBlank() ? "" : ": " + sanitize(message));
    String code = d.code();
    if (CONTEXT_LENGTH_EXCEEDED.equals(code)) {
      return new ContextWindowExceededException(text, d);
    }
    if (CONTENT_POLICY_VIOLATION.equals(code) || "content_filter".equals(code)) {
      return new ContentPolicyException(text, d.toBuilder().code(CONTENT_POLICY_VIOLATION).build());
    }
    switch (status) {
      case 400:
      case 413:
      case 422:
        return new InvalidRequestException(text, d);
      case 401:
        return new AuthenticationException(text, d);
      case 403:
        return new PermissionDeniedException(text, d);
      case 404:
        return new NotFoundException(text, d);
      case 408:
      case 504: // the upstream's own gateway gave up waiting: a timeout, whoever reports it
        return new UpstreamTimeoutException(text, UpstreamTimeoutException.Phase.TOTAL, null, d, null);
      case 429:
        return new RateLimitedException(text, d);
      case 503:
      case 529: // Anthropic's "overloaded"
        return new UpstreamUnavailableException(text, d);
      default:
        if (status >= 500 || status == 409) { // 409: a conflict on the provider's side, worth retrying
          return new UpstreamException(text, d);
        }
        return new InvalidRequestException(text, d);
    }
  }

  /**
   * Maps a failure to reach or read from the upstream (connection refused, reset, DNS, socket
   * timeout) to a retryable error.
   *
   * @param failure what the transport threw; its message is sanitised into the error's message
   * @param details context
   */
  public static SwitchboardException fromTransportFailure(Throwable failure, ErrorDetails details) {
    String provider = details.provider() == null ? "upstream" : details.provider();
    String reason = failure.getClass().getSimpleName()
        + (failure.getMessage() == null ? "" : ": " + sanitize(failure.getMessage()));
    if (failure instanceof SocketTimeoutException || failure instanceof InterruptedIOException) {
      return new UpstreamTimeoutException(provider + " timed out: " + reason,
          failure instanceof SocketTimeoutException && String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT).contains("connect")
              ? UpstreamTimeoutException.Phase.CONNECT : UpstreamTimeoutException.Phase.TOTAL,
          null, details, failure);
    }
    if (failure instanceof ConnectException || failure instanceof UnknownHostException
        || failure instanceof NoRouteToHostException) {
      return new UpstreamUnavailableException(provider + " unreachable: " + reason, details, failure);
    }
    if (failure instanceof SocketException) {
      return new UpstreamUnavailableException(provider + " connection failed: " + reason, details, failure);
    }
    return new UpstreamException(provider + " failed: " + reason, details, failure);
  }

  /**
   * Reads a {@code Retry-After} value: delay-seconds or an HTTP date. OpenAI's {@code retry-after-ms}
   * should be preferred by callers when present (see {@link #parseRetryAfterMillis}).
   *
   * @return the delay (never negative), or null when absent or unparseable
   */
  public static Duration parseRetryAfter(String value, Clock clock) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    try {
      double seconds = Double.parseDouble(v);
      return seconds < 0 || Double.isNaN(seconds) ? null : Duration.ofMillis((long) (seconds * 1000));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(clock.instant(), at.toInstant());
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
  }

  /** Reads OpenAI's {@code retry-after-ms} header; null when absent or unparseable. */
  public static Duration parseRetryAfterMillis(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      double ms = Double.parseDouble(value.trim());
      return ms < 0 || Double.isNaN(ms) ? null : Duration.ofMillis((long) ms);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Redacts anything key-shaped and cuts to 500 characters; safe for logs and error messages. */
  public static String sanitize(String text) {
    if (text == null) {
      return null;
    }
    String redacted = SECRET_LIKE.matcher(text).replaceAll("[redacted]");
    return redacted.length() <= MAX_MESSAGE_LENGTH ? redacted : redacted.substring(0, MAX_MESSAGE_LENGTH) + "…";
  }
}

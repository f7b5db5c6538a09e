package dev.switchboard.providers.internal.http;

import java.io.IOException;
import java.util.Locale;

/**
 * A response body longer than a transport reads into memory ({@code maxResponseBodyBytes}): the call
 * fails instead of growing one buffer until the JVM runs out of memory and every other call fails
 * with it. An {@link IOException}, so that
 * {@link dev.switchboard.core.error.UpstreamErrors#fromTransportFailure} maps it like any other
 * failure to read an answer (an {@code UpstreamException}, 502). The message gives sizes only, never
 * any of the body.
 */
public final class ResponseBodyTooLargeException extends IOException {

  /**
   * The longest body a transport can hold, whatever is configured above it: a whole body is one
   * byte array (the JDK's own collections stop at this size too).
   */
  public static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;

  private static final long serialVersionUID = 1L;

  private ResponseBodyTooLargeException(String message) {
    super(message);
  }

  /**
   * The failure for a response whose {@code Content-Length} announces more than {@code maxBytes},
   * so that the call fails before a byte of its body is read; null when the response announces no
   * length, a length within the limit, or one that describes no body to read (the answer to a
   * {@code HEAD}, a 1xx, 204 or 304).
   *
   * @param contentLength the {@code Content-Length} header's value, or null when absent
   */
  public static ResponseBodyTooLargeException ifAnnounced(String method, int status, String contentLength,
      long maxBytes) {
    if (contentLength == null || method.toUpperCase(Locale.ROOT).equals("HEAD") || status < 200 || status == 204
        || status == 304) {
      return null;
    }
    long length;
    try {
      length = Long.parseLong(contentLength.strip());
    } catch (NumberFormatException e) {
      return null; // the HTTP client refuses a malformed length itself, or reads the body as it comes
    }
    return length > maxBytes ? new ResponseBodyTooLargeException("the response body of " + length
        + " bytes (Content-Length) exceeds the limit of " + maxBytes + " bytes") : null;
  }

  /** The failure for a body whose bytes read so far add up to more than {@code maxBytes}. */
  public static ResponseBodyTooLargeException exceeded(long maxBytes) {
    return new ResponseBodyTooLargeException("the response body exceeded the limit of " + maxBytes + " bytes");
  }
}

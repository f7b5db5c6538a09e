package dev.switchboard.providers.internal.sse;

/** A server-sent event line or event longer than {@link SseDecoder}'s limits: the stream cannot go on. */
public final class SseTooLargeException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  SseTooLargeException(String message) {
    super(message);
  }
}

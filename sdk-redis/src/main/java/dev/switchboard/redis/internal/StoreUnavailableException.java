package dev.switchboard.redis.internal;

/**
 * Redis could not be asked (unreachable, too slow, or it answered with an error): what a fail-closed
 * limiter fails its future with. The engine turns it into a 503 naming this message.
 */
public final class StoreUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}

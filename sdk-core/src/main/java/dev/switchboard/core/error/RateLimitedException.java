package dev.switchboard.core.error;

/**
 * A rate limit refused the call (429): either a provider's own limit ({@link ErrorDetails#provider()}
 * set) or a local limit, which {@link #limit()} names (e.g. {@code key:requests-per-minute}).
 * {@link #retryAfter()} says when to try again, where known.
 */
public class RateLimitedException extends SwitchboardException {

  private static final long serialVersionUID = 1L;

  private final String limit;

  /** An upstream provider's rate limit. */
  public RateLimitedException(String message, ErrorDetails details) {
    this(message, null, details, null);
  }

  /**
   * @param limit the name of the local limit that refused the call, or null for a provider's limit
   */
  public RateLimitedException(String message, String limit, ErrorDetails details, Throwable cause) {
    super(message, withDefaultCode(details, "rate_limit_exceeded"), cause);
    this.limit = limit;
  }

  /** The local limit that refused the call, or null when an upstream provider refused it. */
  public String limit() {
    return limit;
  }

  @Override
  public int httpStatus() {
    return 429;
  }

  @Override
  public String type() {
    return "rate_limit_error";
  }

  @Override
  public boolean isRetryable() {
    return true;
  }
}

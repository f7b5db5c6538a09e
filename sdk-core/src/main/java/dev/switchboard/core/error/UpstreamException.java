package dev.switchboard.core.error;

/**
 * The upstream failed or answered something unusable (502): a 5xx status, a malformed body, or
 * a stream cut before its end. Retryable: another attempt or deployment may succeed.
 */
public class UpstreamException extends SwitchboardException {

  private static final long serialVersionUID = 1L;

  public UpstreamException(String message, ErrorDetails details) {
    this(message, details, null);
  }

  public UpstreamException(String message, ErrorDetails details, Throwable cause) {
    super(message, details, cause);
  }

  @Override
  public int httpStatus() {
    return 502;
  }
  @Override
  public String type() {
    return "api_error";
  }
  @Override
  public boolean isRetryable() {
    return true;
  }
}

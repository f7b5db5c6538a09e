package dev.switchboard.core.error;

/**
 * The request is malformed or asks for something impossible (400). Never retried: the same request fails everywhere.
 * {@link #param()} names the offending parameter where known, e.g. {@code messages[2].tool_call_id}.
 */
public class InvalidRequestException extends SwitchboardException {

  private static final long serialVersionUID = 1L;

  public InvalidRequestException(String message, ErrorDetails details) {
    this(message, details, null);
  }

  public InvalidRequestException(String message, ErrorDetails details, Throwable cause) {
    super(message, details, cause);
  }

  @Override
  public int httpStatus() {
    return 400;
  }
  @Override
  public String type() {
    return "invalid_request_error";
  }
  @Override
  public boolean isRetryable() {
    return false;
  }
}

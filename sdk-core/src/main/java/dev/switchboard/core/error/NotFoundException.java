package dev.switchboard.core.error;

/**
 * What the request names does not exist (404).
 */
public class NotFoundException extends SwitchboardException {

  private static final long serialVersionUID = 1L;

  public NotFoundException(String message, ErrorDetails details) {
    this(message, details, null);
  }

  public NotFoundException(String message, ErrorDetails details, Throwable cause) {
    super(message, details, cause);
  }

  @Override
  public int httpStatus() {
    return 404;
  }
  @Override
  public String type() {
    return "invalid_request_error"; // what OpenAI answers for a 404, e.g. with code model_not_found
  }
  @Override
  public boolean isRetryable() {
    return false;
  }
}

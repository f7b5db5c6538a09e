package dev.switchboard.core.error;

/**
 * Credentials are missing, invalid or expired (401): the caller's key at the gateway, or the
 * configured upstream key when {@link ErrorDetails#provider()} is set.
 */
public class AuthenticationException extends SwitchboardException {

  private static final long serialVersionUID = 1L;

  public AuthenticationException(String message, ErrorDetails details) {
    this(message, details, null);
  }

  public AuthenticationException(String message, ErrorDetails details, Throwable cause) {
    super(message, details, cause);
  }

  @Override
  public int httpStatus() {
    return 401;
  }
  @Override
  public String type() {
    return "authentication_error";
  }
  @Override
  public boolean isRetryable() {
    return false;
  }
}

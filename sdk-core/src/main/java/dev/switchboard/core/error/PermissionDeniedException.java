package dev.switchboard.core.error;

/**
 * The credentials are valid but not allowed to do this (403), e.g. a virtual key not allowed
 * to use a model group.
 */
public class PermissionDeniedException extends SwitchboardException {

  private static final long serialVersionUID = 1L;

  public PermissionDeniedException(String message, ErrorDetails details) {
    this(message, details, null);
  }

  public PermissionDeniedException(String message, ErrorDetails details, Throwable cause) {
    super(message, details, cause);
  }

  @Override
  public int httpStatus() {
    return 403;
  }
  @Override
  public String type() {
    return "permission_error";
  }
  @Override
  public boolean isRetryable() {
    return false;
  }
}

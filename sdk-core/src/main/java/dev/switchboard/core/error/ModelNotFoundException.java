package dev.switchboard.core.error;

/**
 * The requested model group is not configured (404, code {@code model_not_found}); no upstream
 * call is made.
 */
public class ModelNotFoundException extends NotFoundException {

  private static final long serialVersionUID = 1L;

  public ModelNotFoundException(String message, ErrorDetails details) {
    this(message, details, null);
  }

  public ModelNotFoundException(String message, ErrorDetails details, Throwable cause) {
    super(message, withDefaultCode(details, "model_not_found"), cause);
  }

}

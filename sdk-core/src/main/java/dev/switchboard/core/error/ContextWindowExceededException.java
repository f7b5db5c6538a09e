package dev.switchboard.core.error;

/**
 * The prompt plus the requested output does not fit the model's context window (400,
 * code {@code context_length_exceeded}). A model group may name another group to fall back to on this error.
 */
public class ContextWindowExceededException extends InvalidRequestException {

  private static final long serialVersionUID = 1L;

  public ContextWindowExceededException(String message, ErrorDetails details) {
    this(message, details, null);
  }

  public ContextWindowExceededException(String message, ErrorDetails details, Throwable cause) {
    super(message, withDefaultCode(details, "context_length_exceeded"), cause);
  }

}

package dev.switchboard.core.error;

/**
 * The provider refused the input or output under its content policy (400, code
 * {@code content_policy_violation}). A model group may name another group to fall back to on this error.
 */
public class ContentPolicyException extends InvalidRequestException {

  private static final long serialVersionUID = 1L;

  public ContentPolicyException(String message, ErrorDetails details) {
    this(message, details, null);
  }

  public ContentPolicyException(String message, ErrorDetails details, Throwable cause) {
    super(message, withDefaultCode(details, "content_policy_violation"), cause);
  }

}

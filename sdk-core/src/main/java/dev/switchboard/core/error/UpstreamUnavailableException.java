package dev.switchboard.core.error;

/**
 * No upstream could take the call (503): connection refused or reset, the upstream reported 503,
 * or every deployment of the group is unavailable (circuit open, cooling down after 429).
 */
public class UpstreamUnavailableException extends SwitchboardException {

  private static final long serialVersionUID = 1L;

  public UpstreamUnavailableException(String message, ErrorDetails details) {
    this(message, details, null);
  }

  public UpstreamUnavailableException(String message, ErrorDetails details, Throwable cause) {
    super(message, details, cause);
  }

  @Override
  public int httpStatus() {
    return 503;
  }
  @Override
  public String type() {
    return "service_unavailable";
  }
  @Override
  public boolean isRetryable() {
    return true;
  }
}

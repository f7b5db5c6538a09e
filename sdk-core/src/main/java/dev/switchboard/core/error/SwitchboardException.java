package dev.switchboard.core.error;

import java.time.Duration;
import java.util.Objects;

/**
 * Root of every error Switchboard reports: one unchecked hierarchy whose subclasses map 1:1 to
 * OpenAI-style HTTP errors.
 *
 * <p>Each error knows the HTTP status a gateway answers with ({@link #httpStatus()}), OpenAI's
 * error {@link #type()}, whether trying again (on this or another deployment) can succeed
 * ({@link #isRetryable()}), and its {@link #details() context}: provider, deployment, model, request
 * id, upstream status, code, param and retry-after. Messages never contain secrets or prompt text.
 *
 * <p>Futures returned by Switchboard complete exceptionally with a subclass of this type (wrapped in
 * {@link java.util.concurrent.CompletionException} by {@code join()}); blocking methods throw it
 * directly.
 */
public abstract class SwitchboardException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient ErrorDetails details;

  protected SwitchboardException(String message, ErrorDetails details, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.details = Objects.requireNonNull(details, "details");
  }

  /** The HTTP status a gateway answers this error with. */
  public abstract int httpStatus();

  /** OpenAI's {@code error.type} for this error, e.g. {@code invalid_request_error}. */
  public abstract String type();

  /** Whether the same request may succeed if tried again, here or on another deployment. */
  public abstract boolean isRetryable();

  /** Where and why it happened; never null. */
  public ErrorDetails details() {
    return details;
  }

  /** Shortcut for {@code details().code()}: OpenAI's {@code error.code}, or null. */
  public String code() {
    return details.code();
  }

  /** Shortcut for {@code details().param()}, or null. */
  public String param() {
    return details.param();
  }

  /** Shortcut for {@code details().retryAfter()}, or null. */
  public Duration retryAfter() {
    return details.retryAfter();
  }

  /** Returns {@code details} with {@code code} filled in where it is unset. */
  protected static ErrorDetails withDefaultCode(ErrorDetails details, String code) {
    return details.code() != null ? details : details.toBuilder().code(code).build();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(" + httpStatus() + " " + type() + "): " + getMessage()
        + (details.equals(ErrorDetails.none()) ? "" : " " + details);
  }
}

package dev.switchboard.core.error;

import java.time.Duration;
import java.util.Objects;

/**
 * The upstream did not answer in time (504): connecting, producing the first token, or finishing
 * the whole call took longer than the configured timeout. Retryable.
 */
public class UpstreamTimeoutException extends SwitchboardException {

  private static final long serialVersionUID = 1L;

  /** Which timeout expired. */
  public enum Phase {
    /** Establishing the connection. */
    CONNECT,
    /** Waiting for the first token of a stream. */
    FIRST_TOKEN,
    /** The whole call, from the first attempt's start. */
    TOTAL
  }

  private final Phase phase;
  private final Duration timeout;

  public UpstreamTimeoutException(String message, Phase phase, Duration timeout, ErrorDetails details, Throwable cause) {
    super(message, withDefaultCode(details, "timeout"), cause);
    this.phase = Objects.requireNonNull(phase, "phase");
    this.timeout = timeout;
  }

  /** Which timeout expired; never null. */
  public Phase phase() {
    return phase;
  }

  /** The configured timeout that expired, or null when the transport did not say. */
  public Duration timeout() {
    return timeout;
  }

  @Override
  public int httpStatus() {
    return 504;
  }

  @Override
  public String type() {
    return "timeout_error";
  }

  @Override
  public boolean isRetryable() {
    return true;
  }
}

package dev.switchboard.providers.internal.aws;

import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.UpstreamException;

/**
 * An {@code application/vnd.amazon.eventstream} body that is not a valid sequence of messages: a CRC
 * that does not match, a length out of bounds, a malformed header, or a body that ends inside a
 * message. Retryable, like every malformed upstream answer; carries no context (the adapter that
 * reads the stream adds its own).
 */
public final class EventStreamFormatException extends UpstreamException {

  private static final long serialVersionUID = 1L;

  /** @param reason what is wrong, completing "malformed event stream: " */
  public EventStreamFormatException(String reason) {
    super("malformed event stream: " + reason, ErrorDetails.none());
  }
}

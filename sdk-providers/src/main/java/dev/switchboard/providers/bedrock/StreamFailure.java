package dev.switchboard.providers.bedrock;

import dev.switchboard.core.error.SwitchboardException;

/**
 * Carries an already mapped error out of the stream's chunk mapper through
 * {@link dev.switchboard.providers.internal.flow.FlatMapIterablePublisher} (which fails the stream with
 * what its mapper throws), so that the stream can tell it from a transport failure that still needs
 * mapping.
 */
final class StreamFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final SwitchboardException error;

  StreamFailure(SwitchboardException error) {
    super(error.getMessage(), error, false, false);
    this.error = error;
  }

  SwitchboardException error() {
    return error;
  }
}

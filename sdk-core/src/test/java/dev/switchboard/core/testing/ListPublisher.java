package dev.switchboard.core.testing;

import dev.switchboard.core.internal.cache.Replay;
import java.util.List;
import java.util.concurrent.Flow;

/** A cold publisher of fixed items that honours demand. */
public final class ListPublisher {

  private ListPublisher() {}

  public static <T> Flow.Publisher<T> of(List<T> items) {
    return Replay.publisher(List.copyOf(items));
  }
}

package dev.switchboard.core.internal.engine;

import java.util.concurrent.Flow;

/** Small publishers the engine needs. */
public final class Publishers {

  private Publishers() {}

  /** A publisher that signals {@code error} to each subscriber right after subscription. */
  public static <T> Flow.Publisher<T> failed(Throwable error) {
    return subscriber -> {
      subscriber.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      });
      subscriber.onError(error);
    };
  }
}

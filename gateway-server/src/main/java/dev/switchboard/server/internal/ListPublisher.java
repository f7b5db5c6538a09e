package dev.switchboard.server.internal;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes a fixed list to one subscriber, honouring demand and cancellation. Items are emitted on
 * the thread that signals demand; re-entrant {@code request} calls from inside {@code onNext} only
 * add demand (the running drain loop emits), so the stack never grows with the list.
 */
final class ListPublisher<T> implements Flow.Publisher<T> {

  private final List<T> items;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  ListPublisher(List<T> items) {
    this.items = List.copyOf(items);
  }

  @Override
  public void subscribe(Flow.Subscriber<? super T> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    if (!subscribed.compareAndSet(false, true)) {
      subscriber.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      });
      subscriber.onError(new IllegalStateException("this publisher accepts one subscriber"));
      return;
    }
    subscriber.onSubscribe(new ListSubscription<>(items, subscriber));
  }

  private static final class ListSubscription<T> implements Flow.Subscription {
    private final List<T> items;
    private final Flow.Subscriber<? super T> subscriber;
    private final AtomicLong demand = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private volatile boolean cancelled;
    private int next; // touched only by the thread that holds wip

    ListSubscription(List<T> items, Flow.Subscriber<? super T> subscriber) {
      this.items = items;
      this.subscriber = subscriber;
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        cancelled = true;
        subscriber.onError(new IllegalArgumentException(
            "request must be positive (Reactive Streams §3.9) but was " + n));
        return;
      }
      demand.getAndUpdate(d -> d + n < 0 ? Long.MAX_VALUE : d + n);
      drain();
    }

    @Override
    public void cancel() {
      cancelled = true;
    }

    private void drain() {
      if (wip.getAndIncrement() != 0) {
        return; // another call is draining and will see the new demand
      }
      int missed = 1;
      while (true) {
        while (!cancelled && next < items.size() && demand.get() > 0) {
          demand.decrementAndGet();
          subscriber.onNext(items.get(next++));
        }
        if (!cancelled && next == items.size()) {
          cancelled = true; // terminal: nothing more is emitted
          subscriber.onComplete();
          return;
        }
        missed = wip.addAndGet(-missed);
        if (missed == 0) {
          return;
        }
      }
    }
  }
}

package dev.switchboard.providers.testing;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A single-subscriber publisher driven by the test: it records demand and cancellation and emits
 * only what the test tells it to, refusing to emit beyond demand.
 */
public final class ManualPublisher<T> implements Flow.Publisher<T> {

  private final AtomicLong requested = new AtomicLong();
  private final AtomicLong requestCalls = new AtomicLong();
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private volatile Flow.Subscriber<? super T> subscriber;
  private long emitted;

  @Override
  public void subscribe(Flow.Subscriber<? super T> s) {
    if (subscriber != null) {
      throw new IllegalStateException("ManualPublisher takes one subscriber");
    }
    subscriber = s;
    s.onSubscribe(new Flow.Subscription() {
      @Override
      public void request(long n) {
        requestCalls.incrementAndGet();
        requested.addAndGet(n);
      }

      @Override
      public void cancel() {
        cancelled.set(true);
      }
    });
  }

  /** Total items requested so far. */
  public long requested() {
    return requested.get();
  }

  /** Requested and not yet emitted. */
  public long outstanding() {
    return requested.get() - emitted;
  }

  public long requestCalls() {
    return requestCalls.get();
  }

  public boolean isCancelled() {
    return cancelled.get();
  }

  /** Emits {@code item}; fails if the subscriber has not asked for it. */
  public void emit(T item) {
    if (outstanding() <= 0) {
      throw new IllegalStateException("emit without demand: requested " + requested.get() + ", emitted " + emitted);
    }
    emitted++;
    subscriber.onNext(item);
  }

  public void complete() {
    subscriber.onComplete();
  }

  public void error(Throwable failure) {
    subscriber.onError(failure);
  }
}

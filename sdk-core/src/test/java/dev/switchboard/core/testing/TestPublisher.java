package dev.switchboard.core.testing;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A publisher the test drives by hand: it records demand and cancellation, and emits only what the
 * test tells it to (checking that it never exceeds demand).
 */
public final class TestPublisher<T> implements Flow.Publisher<T> {

  private final AtomicReference<Flow.Subscriber<? super T>> subscriber = new AtomicReference<>();
  private final AtomicLong requested = new AtomicLong();
  private final AtomicLong emitted = new AtomicLong();
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final CountDownLatch subscribed = new CountDownLatch(1);
  private final CountDownLatch cancelledLatch = new CountDownLatch(1);

  @Override
  public void subscribe(Flow.Subscriber<? super T> s) {
    if (!subscriber.compareAndSet(null, s)) {
      throw new AssertionError("TestPublisher accepts one subscriber");
    }
    s.onSubscribe(new Flow.Subscription() {
      @Override
      public void request(long n) {
        if (n <= 0) {
          throw new AssertionError("non-positive request " + n);
        }
        requested.getAndUpdate(r -> r + n < 0 ? Long.MAX_VALUE : r + n);
      }

      @Override
      public void cancel() {
        cancelled.set(true);
        cancelledLatch.countDown();
      }
    });
    subscribed.countDown();
  }

  /** Emits {@code item}; fails the test if the subscriber did not ask for it. */
  public void emit(T item) {
    awaitSubscribed();
    if (emitted.get() >= requested.get()) {
      throw new AssertionError("emit without demand: emitted " + emitted.get() + ", requested " + requested.get());
    }
    emitted.incrementAndGet();
    subscriber.get().onNext(item);
  }

  public void complete() {
    awaitSubscribed();
    subscriber.get().onComplete();
  }

  public void fail(Throwable error) {
    awaitSubscribed();
    subscriber.get().onError(error);
  }

  public long requested() {
    return requested.get();
  }

  public boolean isSubscribed() {
    return subscriber.get() != null;
  }

  public boolean isCancelled() {
    return cancelled.get();
  }

  public boolean awaitCancelled(long seconds) throws InterruptedException {
    return cancelledLatch.await(seconds, TimeUnit.SECONDS);
  }

  public void awaitSubscribed() {
    try {
      if (!subscribed.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("never subscribed");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}

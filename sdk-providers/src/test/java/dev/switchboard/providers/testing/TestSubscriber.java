package dev.switchboard.providers.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Records what a publisher signals and checks the Reactive Streams rules a subscriber can see:
 * {@code onSubscribe} first and once, signals never overlapping, {@code onNext} never beyond demand,
 * at most one terminal signal. Waits only as failure guards (generous timeouts), never for time to
 * pass.
 */
public final class TestSubscriber<T> implements Flow.Subscriber<T> {

  /** How long any await waits before failing the test. */
  public static final Duration GUARD = Duration.ofSeconds(15);

  private final long initialRequest;
  private final List<T> items = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private final AtomicBoolean inSignal = new AtomicBoolean();
  private final AtomicInteger terminalSignals = new AtomicInteger();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final CountDownLatch subscribed = new CountDownLatch(1);
  private volatile BiConsumer<TestSubscriber<T>, T> onNextAction = (s, item) -> {};
  private volatile Flow.Subscription subscription;
  private volatile Throwable error;
  private volatile boolean completed;
  private long outstanding; // guarded by this

  public TestSubscriber(long initialRequest) {
    this.initialRequest = initialRequest;
  }

  /** A subscriber that requests nothing until told. */
  public static <T> TestSubscriber<T> withoutDemand() {
    return new TestSubscriber<>(0);
  }

  /** A subscriber that requests everything at once. */
  public static <T> TestSubscriber<T> unbounded() {
    return new TestSubscriber<>(Long.MAX_VALUE);
  }

  /** Runs {@code action} inside every {@code onNext} (e.g. to request more or cancel). */
  public TestSubscriber<T> onEachItem(BiConsumer<TestSubscriber<T>, T> action) {
    this.onNextAction = action;
    return this;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    enter("onSubscribe");
    try {
      if (subscription != null) {
        violation("onSubscribe called twice");
      }
      subscription = s;
      subscribed.countDown();
      if (initialRequest > 0) {
        request(initialRequest);
      }
    } finally {
      exit();
    }
  }

  @Override
  public void onNext(T item) {
    enter("onNext");
    try {
      if (subscription == null) {
        violation("onNext before onSubscribe");
      }
      if (terminalSignals.get() > 0) {
        violation("onNext after a terminal signal");
      }
      synchronized (this) {
        if (outstanding == 0) {
          violation("onNext beyond demand");
        } else if (outstanding != Long.MAX_VALUE) {
          outstanding--;
        }
        items.add(item);
        notifyAll();
      }
      onNextAction.accept(this, item);
    } finally {
      exit();
    }
  }

  @Override
  public void onError(Throwable failure) {
    enter("onError");
    try {
      error = failure;
      terminal();
    } finally {
      exit();
    }
  }

  @Override
  public void onComplete() {
    enter("onComplete");
    try {
      completed = true;
      terminal();
    } finally {
      exit();
    }
  }

  public void request(long n) {
    synchronized (this) {
      if (n > 0) {
        outstanding = outstanding + n < 0 ? Long.MAX_VALUE : outstanding + n;
      }
    }
    subscription.request(n);
  }

  public void cancel() {
    subscription.cancel();
  }

  public synchronized List<T> items() {
    return new ArrayList<>(items);
  }

  public Throwable error() {
    return error;
  }

  public boolean isCompleted() {
    return completed;
  }

  public boolean isTerminated() {
    return terminated.getCount() == 0;
  }

  /** Waits for {@code onSubscribe}. */
  public TestSubscriber<T> awaitSubscribed() {
    await(subscribed, "onSubscribe");
    return this;
  }

  /** Waits for a terminal signal and checks that no rule was broken. */
  public TestSubscriber<T> awaitTerminal() {
    await(terminated, "a terminal signal");
    assertNoViolations();
    return this;
  }

  /** Waits until at least {@code count} items arrived. */
  public List<T> awaitItems(int count) {
    long deadline = System.nanoTime() + GUARD.toNanos();
    synchronized (this) {
      while (items.size() < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || (isTerminated() && items.size() < count)) {
          fail("expected " + count + " items but got " + items + " (error=" + error + ", completed=" + completed + ")");
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          fail("interrupted");
        }
      }
      return new ArrayList<>(items);
    }
  }

  public void assertNoViolations() {
    synchronized (violations) {
      assertThat(violations).as("Reactive Streams rule violations").isEmpty();
    }
  }

  private void terminal() {
    if (terminalSignals.incrementAndGet() > 1) {
      violation("more than one terminal signal");
    }
    terminated.countDown();
    synchronized (this) {
      notifyAll();
    }
  }

  private void enter(String signal) {
    if (!inSignal.compareAndSet(false, true)) {
      violation(signal + " overlapped another signal");
    }
  }

  private void exit() {
    inSignal.set(false);
  }

  private void violation(String text) {
    synchronized (violations) {
      violations.add(text);
    }
  }

  private static void await(CountDownLatch latch, String what) {
    try {
      if (!latch.await(GUARD.toMillis(), TimeUnit.MILLISECONDS)) {
        fail("no " + what + " within " + GUARD);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted");
    }
  }
}

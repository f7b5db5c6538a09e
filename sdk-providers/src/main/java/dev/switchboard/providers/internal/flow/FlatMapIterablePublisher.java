package dev.switchboard.providers.internal.flow;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Maps each upstream item to zero or more downstream items through a stateful {@link Mapper}
 * (one per subscription), e.g. bytes to decoded events.
 *
 * <p><b>Demand.</b> Upstream items are requested one at a time, and only while the downstream has
 * unmet demand and no mapped item is waiting: a slow downstream slows the upstream, and at most one
 * upstream item's worth of mapped items is held.
 *
 * <p><b>Termination.</b> On upstream completion, {@link Mapper#finish()}'s items are emitted and
 * then {@code onComplete}. An upstream error is delivered after the items mapped before it (so that
 * nothing that arrived is lost), and immediately when none are waiting. A mapper that throws fails
 * the stream with what it threw and cancels the upstream. A mapper that {@linkplain Mapper#isComplete()
 * ends the stream itself} (an end marker) completes it after the items mapped so far; the upstream is
 * then drained rather than cancelled (see there).
 *
 * <p><b>Cancellation.</b> Downstream {@code cancel()} (from any thread) cancels the upstream and
 * drops waiting items. {@code request(n)} with {@code n <= 0} cancels the upstream and signals
 * {@link IllegalArgumentException} (rule 3.9).
 *
 * <p>Signals to the downstream are serial. Calls on the upstream subscription are serial too: they
 * are all made from the one drain loop. Each {@link #subscribe} subscribes to the upstream anew.
 *
 * @param <T> upstream item type
 * @param <R> downstream item type
 */
public final class FlatMapIterablePublisher<T, R> implements Flow.Publisher<R> {

  /**
   * Stateful mapping for one subscription. Called serially (never concurrently) but possibly from
   * different threads; must not block.
   */
  public interface Mapper<T, R> {
    /** The items {@code item} maps to, in order; may be empty, must not contain null. */
    Iterable<? extends R> apply(T item);

    /** The items still pending when the upstream completes; may be empty. */
    Iterable<? extends R> finish();

    /**
     * Whether the items mapped so far end the stream before the upstream does (an end marker, such
     * as a server-sent {@code data: [DONE]}); asked after each {@link #apply}. Once it is true the
     * downstream receives those items and then {@code onComplete}, without waiting for the upstream
     * to end, and {@link #finish()} is never called. The upstream is then drained rather than
     * cancelled: it is asked for one more item so that it can reach its own end (an HTTP body read to
     * its end leaves its connection reusable); if an item comes instead, it is cancelled. Its
     * terminal signal is ignored, and a downstream {@code cancel()} still cancels it.
     *
     * <p>Default: false, the stream ends when the upstream does.
     */
    default boolean isComplete() {
      return false;
    }
  }

  private final Flow.Publisher<? extends T> upstream;
  private final Supplier<? extends Mapper<? super T, ? extends R>> mappers;

  /**
   * @param upstream the source
   * @param mappers makes one fresh mapper per subscription
   */
  public FlatMapIterablePublisher(Flow.Publisher<? extends T> upstream,
      Supplier<? extends Mapper<? super T, ? extends R>> mappers) {
    this.upstream = Objects.requireNonNull(upstream, "upstream");
    this.mappers = Objects.requireNonNull(mappers, "mappers");
  }

  @Override
  public void subscribe(Flow.Subscriber<? super R> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    Mapper<? super T, ? extends R> mapper;
    try {
      mapper = Objects.requireNonNull(mappers.get(), "mapper");
    } catch (RuntimeException | Error e) {
      subscriber.onSubscribe(NoopSubscription.INSTANCE);
      subscriber.onError(e);
      return;
    }
    upstream.subscribe(new Bridge<T, R>(subscriber, mapper));
  }

  private static final class Bridge<T, R> implements Flow.Subscriber<T>, Flow.Subscription {

    private final Flow.Subscriber<? super R> downstream;
    private final Mapper<? super T, ? extends R> mapper;
    private final Queue<R> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong requested = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicReference<Throwable> requestError = new AtomicReference<>();

    private volatile Flow.Subscription upstream;
    // true from the drain's request(1) until the item (or a terminal signal) arrives
    private volatile boolean upstreamPending;
    private volatile boolean done;
    private volatile boolean completedByMapper; // the mapper saw the end before the upstream did
    private volatile boolean draining; // completed by the mapper: the upstream is read on to its end
    private volatile boolean overrun; // an item came while draining
    private volatile Throwable error;
    private volatile boolean cancelled;
    private boolean terminated; // drain loop only

    Bridge(Flow.Subscriber<? super R> downstream, Mapper<? super T, ? extends R> mapper) {
      this.downstream = downstream;
      this.mapper = mapper;
    }

    // ---- upstream signals (serial among themselves) ----

    @Override
    public void onSubscribe(Flow.Subscription s) {
      Objects.requireNonNull(s, "subscription");
      if (upstream != null) {
        s.cancel(); // rule 2.5
        return;
      }
      upstream = s;
      downstream.onSubscribe(this);
    }

    @Override
    public void onNext(T item) {
      if (done) {
        if (draining) { // more after the end the mapper saw: not ours to read
          overrun = true;
          drain();
        }
        return;
      }
      boolean complete;
      try {
        for (R r : mapper.apply(item)) {
          queue.offer(Objects.requireNonNull(r, "mapper produced null"));
        }
        complete = mapper.isComplete();
      } catch (RuntimeException | Error e) {
        // Reported like a downstream-visible failure; the drain cancels the upstream.
        requestError.compareAndSet(null, e);
        done = true;
        drain();
        return;
      }
      if (complete) { // written after the items, like done below
        completedByMapper = true;
        done = true;
      }
      // Written after the items so that a drain that sees false also sees them.
      upstreamPending = false;
      drain();
    }

    @Override
    public void onError(Throwable failure) {
      if (done) {
        return;
      }
      error = Objects.requireNonNull(failure, "failure");
      done = true;
      upstreamPending = false;
      drain();
    }

    @Override
    public void onComplete() {
      if (done) {
        return;
      }
      try {
        for (R r : mapper.finish()) {
          queue.offer(Objects.requireNonNull(r, "mapper produced null"));
        }
      } catch (RuntimeException | Error e) {
        error = e;
      }
      done = true;
      upstreamPending = false;
      drain();
    }

    // ---- downstream subscription (any thread) ----

    @Override
    public void request(long n) {
      if (n <= 0) {
        requestError.compareAndSet(null, Demand.nonPositiveRequest(n));
      } else {
        Demand.add(requested, n);
      }
      drain();
    }

    @Override
    public void cancel() {
      cancelled = true;
      drain();
    }

    // ---- the one place that signals downstream and calls upstream ----

    private void drain() {
      if (wip.getAndIncrement() != 0) {
        return;
      }
      int missed = 1;
      for (;;) {
        if (!terminated) {
          drainOnce();
        } else {
          queue.clear();
          if (draining && (cancelled || overrun)) {
            draining = false;
            cancelUpstream();
          }
        }
        missed = wip.addAndGet(-missed);
        if (missed == 0) {
          return;
        }
      }
    }

    private void drainOnce() {
      if (cancelled) {
        terminate();
        cancelUpstream();
        return;
      }
      Throwable refused = requestError.get();
      if (refused != null) {
        terminate();
        cancelUpstream();
        signalError(refused);
        return;
      }
      long demand = requested.get();
      long emitted = 0;
      while (emitted != demand && !cancelled) {
        R item = queue.poll();
        if (item == null) {
          break;
        }
        try {
          downstream.onNext(item);
        } catch (RuntimeException | Error e) { // rule 2.13 broken: stop and say why
          terminate();
          cancelUpstream();
          signalError(e);
          return;
        }
        emitted++;
      }
      if (emitted != 0) {
        Demand.produced(requested, emitted);
      }
      if (cancelled || requestError.get() != null) {
        return; // the next loop turn handles it (cancel/request bumped wip)
      }
      boolean finished = done; // read before the queue: items are queued before done is set
      if (queue.isEmpty()) {
        if (finished) {
          terminate();
          Throwable failure = error;
          if (failure != null) {
            signalError(failure);
          } else {
            try {
              downstream.onComplete();
            } catch (RuntimeException | Error ignored) {
              // rule 2.13: nothing left to tell anyone
            }
            if (completedByMapper) {
              draining = true;
              upstream.request(1); // to the upstream's end, or to an item that makes the drain cancel it
            }
          }
        } else if (requested.get() > 0 && !upstreamPending && queue.isEmpty()) {
          upstreamPending = true;
          upstream.request(1);
        }
      }
    }

    private void cancelUpstream() {
      Flow.Subscription s = upstream;
      if (s != null) { // null only for a publisher that skipped onSubscribe
        s.cancel();
      }
    }

    private void terminate() {
      terminated = true;
      queue.clear();
    }

    private void signalError(Throwable failure) {
      try {
        downstream.onError(failure);
      } catch (RuntimeException | Error ignored) {
        // rule 2.13: nothing left to tell anyone
      }
    }
  }

  /** A subscription for subscribers that are refused at once. */
  static final class NoopSubscription implements Flow.Subscription {
    static final NoopSubscription INSTANCE = new NoopSubscription();

    @Override
    public void request(long n) {}

    @Override
    public void cancel() {}
  }

}

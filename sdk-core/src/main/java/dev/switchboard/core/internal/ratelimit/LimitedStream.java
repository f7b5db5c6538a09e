package dev.switchboard.core.internal.ratelimit;

import dev.switchboard.core.Interceptor;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.ratelimit.LimitCheck;
import dev.switchboard.core.ratelimit.LimitDecision;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stream behind the caller's limits. The subscriber gets its subscription at once; the limits are
 * checked (possibly asynchronously) and only when they admit is the rest of the chain subscribed, with
 * the demand asked for meanwhile. The reservation is settled exactly once: on completion with the final
 * chunk's usage, on error or cancel with what was streamed (nothing before the first chunk).
 */
final class LimitedStream implements Flow.Publisher<ChatChunk> {

  private final RateLimiting limiting;
  private final Interceptor.StreamChain chain;
  private final List<LimitCheck> checks;
  private final TokenEstimate tokens;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  LimitedStream(RateLimiting limiting, Interceptor.StreamChain chain, List<LimitCheck> checks, TokenEstimate tokens) {
    this.limiting = limiting;
    this.chain = chain;
    this.checks = checks;
    this.tokens = tokens;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ChatChunk> subscriber) {
    if (!subscribed.compareAndSet(false, true)) {
      subscriber.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      });
      subscriber.onError(new IllegalStateException("a Switchboard stream accepts one subscriber"));
      return;
    }
    Relay relay = new Relay(subscriber);
    subscriber.onSubscribe(relay);
    limiting.acquire(checks).whenComplete(relay::decided);
  }

  private final class Relay implements Flow.Subscription, Flow.Subscriber<ChatChunk> {
    private final Flow.Subscriber<? super ChatChunk> downstream;
    private final AtomicLong pending = new AtomicLong(); // demand asked for before the upstream existed
    private final AtomicBoolean terminated = new AtomicBoolean();
    private volatile Flow.Subscription upstream;
    private volatile boolean cancelled;
    private volatile Reservation reservation;
    private volatile StreamUsage usage;

    Relay(Flow.Subscriber<? super ChatChunk> downstream) {
      this.downstream = downstream;
    }

    void decided(LimitDecision decision, Throwable error) {
      if (error != null) {
        fail(RateLimiting.unavailable(error, chain.request().model(), chain.requestId()));
        return;
      }
      limiting.decidedForCaller(chain.requestId(), chain.options(), decision);
      if (!decision.isAdmitted()) {
        fail(RateLimiting.refused(decision, chain.request().model(), chain.requestId()));
        return;
      }
      Reservation r = new Reservation(limiting.limiter, decision, limiting.listener, chain.requestId(), null);
      usage = new StreamUsage(tokens, r.holdsTokens());
      reservation = r;
      if (cancelled) { // the caller left while the limiter decided: no call will be made
        r.unused();
        return;
      }
      Flow.Publisher<ChatChunk> rest;
      try {
        rest = chain.proceed(chain.request());
      } catch (RuntimeException e) {
        r.settle(0);
        fail(e);
        return;
      }
      rest.subscribe(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      if (upstream != null) {
        s.cancel();
        return;
      }
      upstream = s;
      if (cancelled) {
        s.cancel();
        return;
      }
      drain(s);
    }

    @Override
    public void onNext(ChatChunk chunk) {
      usage.observe(chunk);
      downstream.onNext(chunk);
    }

    @Override
    public void onError(Throwable error) {
      reservation.settle(usage.onAbort());
      if (terminated.compareAndSet(false, true)) {
        downstream.onError(error);
      }
    }

    @Override
    public void onComplete() {
      reservation.settle(usage.onComplete());
      if (terminated.compareAndSet(false, true)) {
        downstream.onComplete();
      }
    }

    @Override
    public void request(long n) {
      if (n <= 0) { // signalled before cancelling: a cancelled relay stays silent
        IllegalArgumentException e =
            new IllegalArgumentException("request must be positive (Reactive Streams §3.9) but was " + n);
        if (terminated.compareAndSet(false, true)) {
          downstream.onError(e);
        }
        cancel();
        return;
      }
      Flow.Subscription s = upstream;
      if (s != null) {
        s.request(n);
        return;
      }
      pending.getAndUpdate(p -> p + n < 0 ? Long.MAX_VALUE : p + n);
      s = upstream;
      if (s != null) { // the upstream arrived meanwhile: make sure the demand reaches it
        drain(s);
      }
    }

    @Override
    public void cancel() {
      if (cancelled) {
        return;
      }
      cancelled = true;
      Flow.Subscription s = upstream;
      if (s != null) {
        s.cancel();
      }
      Reservation r = reservation;
      if (r != null) {
        StreamUsage u = usage;
        r.settle(u == null ? 0 : u.onAbort());
      }
    }

    private void drain(Flow.Subscription s) {
      long n = pending.getAndSet(0);
      if (n > 0) {
        s.request(n);
      }
    }

    private void fail(Throwable error) {
      if (!cancelled && terminated.compareAndSet(false, true)) {
        downstream.onError(error);
      }
    }
  }
}

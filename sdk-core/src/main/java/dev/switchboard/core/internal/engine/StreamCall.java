package dev.switchboard.core.internal.engine;

import dev.switchboard.core.RequestOptions;
import dev.switchboard.core.Timeouts;
import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.error.UpstreamTimeoutException;
import dev.switchboard.core.internal.ratelimit.Reservation;
import dev.switchboard.core.internal.ratelimit.StreamUsage;
import dev.switchboard.core.internal.ratelimit.TokenEstimate;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.spi.CallContext;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A routed streaming call: one subscription to the caller, a sequence of upstream attempts behind it.
 *
 * <p>Until the first chunk reaches the caller an attempt may fail over to a retry or the next
 * deployment; the first chunk commits the call to its deployment, and later failures end the stream
 * with an error. The caller's demand is mirrored to the current attempt exactly (upstream outstanding
 * requests == caller outstanding demand), so a slow caller slows the upstream read; cancel reaches
 * the upstream subscription, which closes the connection.
 */
final class StreamCall extends RoutedCall implements Flow.Subscription {

  private final ChatRequest request;
  private final Flow.Subscriber<? super ChatChunk> downstream;
  private final AtomicLong demand = new AtomicLong(); // caller's outstanding demand; Long.MAX_VALUE = unbounded
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile boolean subscribed; // the caller's onSubscribe has returned
  private final Object emitLock = new Object();
  private boolean terminated; // guarded by emitLock
  private volatile boolean done;
  private volatile boolean cancelled;
  private volatile boolean committed;
  private volatile Attempt active;

  StreamCall(Engine engine, String requestId, RequestOptions options, GroupRuntime group, ChatRequest request,
      Flow.Subscriber<? super ChatChunk> downstream) {
    super(engine, requestId, options, group);
    this.request = request;
    this.downstream = downstream;
    if (engine.rateLimiting.limitsDeployments()) {
      tokens(TokenEstimate.of(engine.rateLimiting.estimator(), request));
    }
  }

  @Override
  public void request(long n) {
    if (n <= 0) {
      cancel();
      emitError(new IllegalArgumentException("request must be positive (Reactive Streams §3.9) but was " + n));
      return;
    }
    demand.getAndUpdate(d -> d + n < 0 ? Long.MAX_VALUE : d + n);
    if (subscribed && started.compareAndSet(false, true)) { // nothing goes upstream before the caller wants a chunk
      begin();
      return;
    }
    Attempt a = active;
    if (a != null) {
      a.syncDemand();
    }
  }

  /**
   * Hands this subscription to the caller and starts the upstream call once the caller wants a
   * chunk. Never from inside the caller's {@code onSubscribe}: an upstream answering on another
   * thread could otherwise signal {@code onNext} before {@code onSubscribe} returned (Reactive
   * Streams §1.3).
   */
  void subscribe() {
    downstream.onSubscribe(this);
    subscribed = true;
    if (demand.get() > 0 && !cancelled && started.compareAndSet(false, true)) {
      begin();
    }
  }

  @Override
  public void cancel() {
    if (cancelled) {
      return;
    }
    cancelled = true;
    done = true;
    Attempt a = active;
    if (a != null) {
      a.abandon();
    }
  }

  @Override
  void launch(DeploymentRuntime d, CallContext context, Timeouts timeouts) {
    Attempt a = new Attempt(d, context, timeouts);
    active = a;
    a.start();
  }

  @Override
  void fail(SwitchboardException error) {
    emitError(error);
  }

  @Override
  boolean isAbandoned() {
    return done;
  }

  private void emitNext(ChatChunk chunk) {
    synchronized (emitLock) {
      if (!terminated) {
        downstream.onNext(chunk);
      }
    }
  }

  private void emitError(Throwable error) {
    synchronized (emitLock) {
      if (terminated) {
        return;
      }
      terminated = true;
      done = true;
    }
    downstream.onError(error);
  }

  private void emitComplete() {
    synchronized (emitLock) {
      if (terminated) {
        return;
      }
      terminated = true;
      done = true;
    }
    downstream.onComplete();
  }

  /** One upstream stream on one deployment. */
  private final class Attempt implements Flow.Subscriber<ChatChunk> {
    private final DeploymentRuntime d;
    private final CallContext context;
    private final Timeouts timeouts;
    private final Reservation permit; // the deployment limits' reservation, settled when this attempt ends
    private final StreamUsage usage;
    private long startNanos;
    private volatile ScheduledFuture<?> firstTokenTimer;
    private volatile ScheduledFuture<?> totalTimer;
    // guarded by this
    private Flow.Subscription upstream;
    private long requested;
    private long received;
    private boolean unbounded;
    private boolean firstSeen;
    private boolean finished;

    Attempt(DeploymentRuntime d, CallContext context, Timeouts timeouts) {
      this.d = d;
      this.context = context;
      this.timeouts = timeouts;
      this.permit = takePermit();
      this.usage = permit == null ? null : new StreamUsage(tokens(), permit.holdsTokens());
    }

    /** Settles the deployment limits: what the stream used, nothing when no chunk came (or all of it on completion). */
    private void settle(boolean completed) {
      if (permit != null) {
        permit.settle(completed ? usage.onComplete() : usage.onAbort());
      }
    }

    void start() {
      startNanos = engine.nanoTime();
      firstTokenTimer = engine.schedule(() -> timeout(UpstreamTimeoutException.Phase.FIRST_TOKEN), timeouts.firstToken());
      totalTimer = engine.schedule(() -> timeout(UpstreamTimeoutException.Phase.TOTAL), timeouts.total());
      Flow.Publisher<ChatChunk> publisher;
      try {
        publisher = d.provider.stream(request.toBuilder().model(d.deployment.model()).build(), context);
      } catch (RuntimeException e) { // a provider must not throw, but one that does must not escape the engine
        onError(e);
        return;
      }
      publisher.subscribe(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      boolean refuse;
      synchronized (this) {
        refuse = upstream != null || finished;
        if (upstream == null) {
          upstream = s;
        }
      }
      if (refuse) {
        s.cancel();
        return;
      }
      syncDemand();
    }

    /** Requests upstream whatever the caller wants that this attempt has not yet asked for. */
    void syncDemand() {
      Flow.Subscription s;
      long toRequest;
      synchronized (this) {
        if (upstream == null || finished || unbounded) {
          return;
        }
        long want = demand.get();
        if (want == Long.MAX_VALUE) {
          unbounded = true;
          toRequest = Long.MAX_VALUE;
        } else {
          toRequest = want - (requested - received);
          if (toRequest <= 0) {
            return;
          }
          requested += toRequest;
        }
        s = upstream;
      }
      s.request(toRequest);
    }

    @Override
    public void onNext(ChatChunk chunk) {
      boolean first;
      synchronized (this) {
        if (finished) {
          return; // a late chunk from an attempt that timed out or was abandoned
        }
        received++;
        first = !firstSeen;
        firstSeen = true;
      }
      if (usage != null) {
        usage.observe(chunk);
      }
      ChatChunk out = chunk;
      if (first) {
        firstTokenTimer.cancel(false);
        committed = true;
        long ttft = engine.nanoTime() - startNanos;
        d.recordLatency(ttft);
        engine.listener.firstToken(requestId, d.deployment, Duration.ofNanos(ttft));
        out = chunk.toBuilder().route(route(d)).build();
      }
      demand.getAndUpdate(v -> v == Long.MAX_VALUE ? v : v - 1);
      emitNext(out);
    }

    @Override
    public void onError(Throwable error) {
      if (!finish()) {
        return;
      }
      settle(false);
      end(normalize(error, d, null, null));
    }

    @Override
    public void onComplete() {
      if (!finish()) {
        return;
      }
      settle(true);
      long latency = engine.nanoTime() - startNanos;
      d.onSuccess(latency);
      engine.listener.attemptEnd(requestId, d.deployment, context.attempt(), Duration.ofNanos(latency), null);
      emitComplete();
    }

    void timeout(UpstreamTimeoutException.Phase phase) {
      Flow.Subscription s;
      synchronized (this) {
        if (finished || (phase == UpstreamTimeoutException.Phase.FIRST_TOKEN && firstSeen)) {
          return;
        }
        finished = true;
        s = upstream;
      }
      cancelTimers();
      if (s != null) {
        s.cancel();
      }
      settle(false);
      Duration limit = phase == UpstreamTimeoutException.Phase.FIRST_TOKEN ? timeouts.firstToken() : timeouts.total();
      end(normalize(null, d, phase, limit));
    }

    /** The caller cancelled: stop the upstream and give the breaker permission back. */
    void abandon() {
      Flow.Subscription s;
      synchronized (this) {
        if (finished) {
          return;
        }
        finished = true;
        s = upstream;
      }
      cancelTimers();
      if (s != null) {
        s.cancel();
      }
      settle(false);
      d.onCancelled();
      engine.listener.attemptEnd(requestId, d.deployment, context.attempt(),
          Duration.ofNanos(engine.nanoTime() - startNanos), new CancellationException("cancelled by the caller"));
    }

    private boolean finish() {
      synchronized (this) {
        if (finished) {
          return false;
        }
        finished = true;
      }
      cancelTimers();
      return true;
    }

    private void end(SwitchboardException error) {
      long latency = engine.nanoTime() - startNanos;
      if (committed) { // chunks already reached the caller: a fallback would duplicate or contradict them
        d.onFailure(latency, error);
        engine.listener.attemptEnd(requestId, d.deployment, context.attempt(), Duration.ofNanos(latency), error);
        emitError(error);
      } else {
        attemptFailed(d, latency, error);
      }
    }

    private void cancelTimers() {
      ScheduledFuture<?> t = firstTokenTimer;
      if (t != null) {
        t.cancel(false);
      }
      t = totalTimer;
      if (t != null) {
        t.cancel(false);
      }
    }
  }
}

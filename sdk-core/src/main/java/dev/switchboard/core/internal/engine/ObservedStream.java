package dev.switchboard.core.internal.engine;

import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.RouteInfo;
import dev.switchboard.core.model.Usage;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Passes a stream through to the caller unchanged while noting where it was answered and what it
 * used, and reports exactly one {@code requestEnd}: on completion, error or the caller's cancel.
 */
final class ObservedStream implements Flow.Subscriber<ChatChunk>, Flow.Subscription {

  private final Flow.Subscriber<? super ChatChunk> downstream;
  private final String requestId;
  private final String group;
  private final long startNanos;
  private final Engine engine;
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile Flow.Subscription upstream;
  private volatile RouteInfo route;
  private volatile Usage usage;

  ObservedStream(Flow.Subscriber<? super ChatChunk> downstream, String requestId, String group, long startNanos,
      Engine engine) {
    this.downstream = downstream;
    this.requestId = requestId;
    this.group = group;
    this.startNanos = startNanos;
    this.engine = engine;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    upstream = subscription;
    downstream.onSubscribe(this);
  }

  @Override
  public void onNext(ChatChunk chunk) {
    if (chunk.route() != null) {
      route = chunk.route();
    }
    if (chunk.usage() != null) {
      usage = chunk.usage();
    }
    downstream.onNext(chunk);
  }

  @Override
  public void onError(Throwable error) {
    end(error);
    downstream.onError(error);
  }

  @Override
  public void onComplete() {
    end(null);
    downstream.onComplete();
  }

  @Override
  public void request(long n) {
    upstream.request(n);
  }

  @Override
  public void cancel() {
    upstream.cancel();
    end(new CancellationException("stream cancelled by the caller"));
  }

  private void end(Throwable error) {
    if (ended.compareAndSet(false, true)) {
      engine.listener.requestEnd(requestId, group, true, Duration.ofNanos(engine.nanoTime() - startNanos), route, usage,
          error);
    }
  }
}

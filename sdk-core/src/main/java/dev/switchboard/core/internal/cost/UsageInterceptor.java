package dev.switchboard.core.internal.cost;

import dev.switchboard.core.Interceptor;
import dev.switchboard.core.cost.UsageRecord;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.RouteInfo;
import dev.switchboard.core.model.Usage;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Records a usage record for every chat and stream call. First in the chain, so that it sees every
 * outcome: refusals by limits and budgets, cache hits, downgrades, upstream answers and errors. It
 * changes nothing that passes through it.
 */
final class UsageInterceptor implements Interceptor {

  private final CostRuntime runtime;

  UsageInterceptor(CostRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public CompletableFuture<ChatResponse> interceptChat(Chain chain) {
    long start = runtime.nanoTime();
    ChatRequest request = chain.request();
    CompletableFuture<ChatResponse> result = chain.proceed(request);
    // The caller sees the answer only after its record is made, so that the caller's next call already
    // counts this one's spend (a plain whenComplete could wake a blocked caller first).
    CompletableFuture<ChatResponse> out = new CompletableFuture<>();
    result.whenComplete((response, error) -> {
      UsageRecord.Builder draft = runtime.draft(chain.requestId(), chain.options(), request.user(), request.model(),
          false, start, error);
      Usage used = response == null ? null : response.usage();
      if (response != null && used == null && response.route() != null && response.route().deployment() != null) {
        // an upstream that reports no usage still charged for the call
        used = Usage.of(TokenEstimator.promptTokens(request), TokenEstimator.tokens(TokenEstimator.completionChars(response)));
        draft.estimated(true);
      }
      runtime.record(draft, response == null ? null : response.route(), used);
      if (error != null) {
        out.completeExceptionally(error instanceof java.util.concurrent.CompletionException && error.getCause() != null
            ? error.getCause() : error);
      } else {
        out.complete(response);
      }
    });
    out.whenComplete((response, error) -> {
      if (out.isCancelled()) {
        result.cancel(true); // the caller's cancel must still reach the upstream call
      }
    });
    return out;
  }

  @Override
  public Flow.Publisher<ChatChunk> interceptStream(StreamChain chain) {
    Flow.Publisher<ChatChunk> upstream = chain.proceed(chain.request());
    AtomicBoolean once = new AtomicBoolean();
    return subscriber -> {
      if (!once.compareAndSet(false, true)) {
        upstream.subscribe(subscriber); // the engine refuses a second subscriber; let it say so
        return;
      }
      upstream.subscribe(new Tap(chain, subscriber, runtime.nanoTime()));
    };
  }

  /** Passes a stream through unchanged while noting route, usage, first-chunk time and text received. */
  private final class Tap implements Flow.Subscriber<ChatChunk>, Flow.Subscription {
    private final StreamChain chain;
    private final Flow.Subscriber<? super ChatChunk> downstream;
    private final long startNanos;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Flow.Subscription upstream;
    // written by onNext only (serial), read at the end
    private volatile RouteInfo route;
    private volatile Usage usage;
    private volatile long completionChars;
    private volatile long firstChunkNanos = -1;

    Tap(StreamChain chain, Flow.Subscriber<? super ChatChunk> downstream, long startNanos) {
      this.chain = chain;
      this.downstream = downstream;
      this.startNanos = startNanos;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      upstream = subscription;
      downstream.onSubscribe(this);
    }

    @Override
    public void onNext(ChatChunk chunk) {
      if (firstChunkNanos < 0) {
        firstChunkNanos = runtime.nanoTime();
      }
      if (chunk.route() != null) {
        route = chunk.route();
      }
      if (chunk.usage() != null) {
        usage = chunk.usage();
      }
      completionChars += TokenEstimator.completionChars(chunk);
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
      end(new java.util.concurrent.CancellationException("stream cancelled by the caller"));
    }

    private void end(Throwable error) {
      if (!ended.compareAndSet(false, true)) {
        return;
      }
      ChatRequest request = chain.request();
      UsageRecord.Builder draft = runtime.draft(chain.requestId(), chain.options(), request.user(), request.model(),
          true, startNanos, error);
      if (firstChunkNanos >= 0) {
        draft.timeToFirstToken(Duration.ofNanos(firstChunkNanos - startNanos));
      }
      Usage used = usage;
      if (used == null && route != null) {
        // chunks arrived but the stream ended before its usage chunk: the upstream still charged for them
        used = Usage.of(TokenEstimator.promptTokens(request), TokenEstimator.tokens(completionChars));
        draft.estimated(true);
      }
      runtime.record(draft, route, used);
    }
  }
}

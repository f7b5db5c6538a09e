package dev.switchboard.core;

import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * One concern around every chat call: guardrails, redaction, logging, admission, limits, caching.
 *
 * <p>Interceptors form a chain in the order they were added to the builder; the last one hands the
 * request to the router. An interceptor may inspect or replace the request, answer on its own
 * without calling {@code proceed} (a cache hit, a refusal), or transform what comes back. When it
 * proceeds it must call {@code proceed} exactly once; the chain checks this and fails a second call
 * with {@link IllegalStateException}.
 *
 * <p>Refusals are reported as a failed future (or a publisher that signals {@code onError}) carrying
 * a {@link dev.switchboard.core.error.SwitchboardException}. Implementations must be thread-safe and
 * must not block: the chain may run on an event loop. Both methods pass through by default, so an
 * interceptor only overrides what it cares about.
 */
public interface Interceptor {

  /** Intercepts a whole-response call. */
  default CompletableFuture<ChatResponse> interceptChat(Chain chain) {
    return chain.proceed(chain.request());
  }

  /** Intercepts a streaming call. */
  default Flow.Publisher<ChatChunk> interceptStream(StreamChain chain) {
    return chain.proceed(chain.request());
  }

  /** The rest of the chain for a whole-response call. */
  interface Chain {
    ChatRequest request();

    RequestOptions options();

    /** The id of this call (from the options or generated); never null. */
    String requestId();

    /**
     * Passes {@code request} to the next interceptor, or to the router after the last one.
     *
     * @throws IllegalStateException when called a second time
     */
    CompletableFuture<ChatResponse> proceed(ChatRequest request);
  }

  /** The rest of the chain for a streaming call. */
  interface StreamChain {
    ChatRequest request();

    RequestOptions options();

    /** The id of this call (from the options or generated); never null. */
    String requestId();

    /**
     * Passes {@code request} to the next interceptor, or to the router after the last one.
     *
     * @throws IllegalStateException when called a second time
     */
    Flow.Publisher<ChatChunk> proceed(ChatRequest request);
  }
}

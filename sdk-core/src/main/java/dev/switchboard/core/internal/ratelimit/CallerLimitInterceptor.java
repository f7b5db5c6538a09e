package dev.switchboard.core.internal.ratelimit;

import dev.switchboard.core.Caller;
import dev.switchboard.core.Interceptor;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.ratelimit.LimitCheck;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;

/**
 * The caller's limits, first of the built-in interceptors: checks every applicable limit before
 * anything else runs (a refusal fails the call before any upstream call), and settles what it
 * reserved when the call ends, whichever way it ends.
 */
final class CallerLimitInterceptor implements Interceptor {

  private final RateLimiting limiting;
  private final CallerLimits callerLimits;

  CallerLimitInterceptor(RateLimiting limiting, CallerLimits callerLimits) {
    this.limiting = limiting;
    this.callerLimits = callerLimits;
  }

  @Override
  public CompletableFuture<ChatResponse> interceptChat(Chain chain) {
    ChatRequest request = chain.request();
    Caller caller = chain.options().caller();
    if (!callerLimits.mayLimit(caller)) {
      return chain.proceed(request);
    }
    TokenEstimate tokens = TokenEstimate.of(limiting.estimator, request);
    List<LimitCheck> checks = callerLimits.checks(caller, request.user(), request.model(), tokens::total);
    if (checks.isEmpty()) {
      return chain.proceed(request);
    }
    CompletableFuture<ChatResponse> result = new CompletableFuture<>();
    limiting.acquire(checks).whenComplete((decision, error) -> {
      if (error != null) {
        result.completeExceptionally(RateLimiting.unavailable(error, request.model(), chain.requestId()));
        return;
      }
      limiting.decidedForCaller(chain.requestId(), chain.options(), decision);
      if (!decision.isAdmitted()) {
        result.completeExceptionally(RateLimiting.refused(decision, request.model(), chain.requestId()));
        return;
      }
      Reservation reservation = new Reservation(limiting.limiter, decision, limiting.listener, chain.requestId(), null);
      if (result.isDone()) { // cancelled while the limiter decided: no call will be made
        reservation.unused();
        return;
      }
      CompletableFuture<ChatResponse> inner;
      try {
        inner = chain.proceed(request);
      } catch (RuntimeException e) {
        reservation.settle(0);
        result.completeExceptionally(e);
        return;
      }
      result.whenComplete((v, e) -> {
        if (result.isCancelled()) {
          inner.cancel(true); // reaches the routed call, which cancels the upstream
        }
      });
      inner.whenComplete((response, e) -> {
        // Settled before the caller hears of the end, so that what it does next sees the limit settled.
        reservation.settle(e == null ? reservation.usedTokens(response) : 0);
        if (e == null) {
          result.complete(response);
        } else {
          result.completeExceptionally(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
        }
      });
    });
    return result;
  }

  @Override
  public Flow.Publisher<ChatChunk> interceptStream(StreamChain chain) {
    ChatRequest request = chain.request();
    Caller caller = chain.options().caller();
    if (!callerLimits.mayLimit(caller)) {
      return chain.proceed(request);
    }
    TokenEstimate tokens = TokenEstimate.of(limiting.estimator, request);
    List<LimitCheck> checks = callerLimits.checks(caller, request.user(), request.model(), tokens::total);
    if (checks.isEmpty()) {
      return chain.proceed(request);
    }
    return new LimitedStream(limiting, chain, checks, tokens);
  }


  @Override
  public String toString() {
    return "rate limits";
  }
}

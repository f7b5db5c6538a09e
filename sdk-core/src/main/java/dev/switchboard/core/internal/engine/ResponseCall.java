package dev.switchboard.core.internal.engine;

import dev.switchboard.core.RequestOptions;
import dev.switchboard.core.Timeouts;
import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.error.UpstreamTimeoutException;
import dev.switchboard.core.internal.ratelimit.Reservation;
import dev.switchboard.core.model.RouteInfo;
import dev.switchboard.core.spi.CallContext;
import dev.switchboard.core.spi.Provider;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** A routed call answered by one whole response (chat completion, embeddings). */
final class ResponseCall<T> extends RoutedCall {

  /** The upstream call this routed call makes on each attempt. */
  interface Operation<T> {
    CompletableFuture<T> call(Provider provider, String upstreamModel, CallContext context);

    T withRoute(T value, RouteInfo route);
  }

  private final Operation<T> operation;
  private final CompletableFuture<T> result = new CompletableFuture<>();
  private volatile CompletableFuture<T> current;

  ResponseCall(Engine engine, String requestId, RequestOptions options, GroupRuntime group, Operation<T> operation) {
    super(engine, requestId, options, group);
    this.operation = operation;
  }

  /** Sets the token estimate deployment limits reserve; null when no deployment has limits. */
  ResponseCall<T> estimating(dev.switchboard.core.internal.ratelimit.TokenEstimate tokens) {
    tokens(tokens);
    return this;
  }

  CompletableFuture<T> start() {
    result.whenComplete((value, error) -> {
      CompletableFuture<T> attempt = current;
      if (result.isCancelled() && attempt != null) {
        attempt.cancel(true); // reaches the provider, which aborts the upstream call
      }
    });
    begin();
    return result;
  }

  @Override
  void launch(DeploymentRuntime d, CallContext context, Timeouts timeouts) {
    long start = engine.nanoTime();
    Reservation permit = takePermit();
    CompletableFuture<T> attempt;
    try {
      attempt = operation.call(d.provider, d.deployment.model(), context);
      if (attempt == null) {
        attempt = CompletableFuture.failedFuture(new NullPointerException("provider returned no future"));
      }
    } catch (RuntimeException e) { // a provider must not throw, but one that does must not escape the engine
      attempt = CompletableFuture.failedFuture(e);
    }
    current = attempt;
    AtomicBoolean timedOut = new AtomicBoolean();
    CompletableFuture<T> running = attempt;
    ScheduledFuture<?> timer = engine.schedule(() -> {
      if (!running.isDone() && timedOut.compareAndSet(false, true)) {
        running.cancel(true);
      }
    }, timeouts.total());
    if (result.isDone()) {
      attempt.cancel(true);
    }
    attempt.whenComplete((value, error) -> {
      timer.cancel(false);
      long latency = engine.nanoTime() - start;
      if (permit != null) { // a failed or cancelled call reported no usage: nothing to charge
        permit.settle(error == null ? permit.usedTokens(value) : 0);
      }
      if (error == null) {
        d.onSuccess(latency);
        d.recordLatency(latency);
        engine.listener.attemptEnd(requestId, d.deployment, context.attempt(), Duration.ofNanos(latency), null);
        result.complete(operation.withRoute(value, route(d)));
        return;
      }
      if (result.isCancelled()) {
        d.onCancelled();
        engine.listener.attemptEnd(requestId, d.deployment, context.attempt(), Duration.ofNanos(latency),
            new CancellationException("cancelled by the caller"));
        return;
      }
      UpstreamTimeoutException.Phase phase = timedOut.get() ? UpstreamTimeoutException.Phase.TOTAL : null;
      attemptFailed(d, latency, normalize(error, d, phase, timeouts.total()));
    });
  }

  @Override
  void fail(SwitchboardException error) {
    result.completeExceptionally(error);
  }

  @Override
  boolean isAbandoned() {
    return result.isDone();
  }
}

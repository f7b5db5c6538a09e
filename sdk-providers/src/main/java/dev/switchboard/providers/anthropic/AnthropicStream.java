package dev.switchboard.providers.anthropic;

import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.providers.http.HttpRequest;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.http.StreamingHttpResponse;
import dev.switchboard.providers.internal.flow.Demand;
import dev.switchboard.providers.internal.sse.SseEvent;
import dev.switchboard.providers.internal.sse.SsePublisher;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One streamed Anthropic message: a cold, single-subscriber publisher of the OpenAI-style chunks that
 * {@link AnthropicEvents} makes of the {@code text/event-stream} body.
 *
 * <p>Nothing is sent before the first demand. Each server-sent event becomes at most one chunk, so
 * the subscriber's demand is passed upstream one to one (events that carry no chunk, such as
 * {@code ping} or {@code content_block_stop}, are replaced by a request for one more): a slow
 * subscriber slows the read of the body. {@code cancel()} cancels the call before its response
 * arrives and the body subscription after, which closes the connection.
 *
 * <p>Ends: {@code onComplete} after the chunk of {@code message_stop} (the rest of the body is then
 * read and dropped, so that the connection can be reused); {@code onError} for a request the adapter
 * refused to translate, a non-2xx status (its body read and mapped), an {@code error} event, a
 * malformed event, a broken connection, or a body that ends before {@code message_stop}.
 *
 * <p>The subscription machinery is the OpenAI adapter's {@code ChunkStream}'s, with Anthropic's event
 * translation in place of OpenAI's chunk parsing.
 */
final class AnthropicStream implements Flow.Publisher<ChatChunk> {

  /** Builds the HTTP request; may throw the {@link SwitchboardException} that refuses the call. */
  @FunctionalInterface
  interface RequestSupplier {
    HttpRequest get();
  }

  private final HttpTransport transport;
  private final RequestSupplier request;
  private final Supplier<AnthropicEvents> translator;
  private final AnthropicErrors errors;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  AnthropicStream(HttpTransport transport, RequestSupplier request, Supplier<AnthropicEvents> translator,
      AnthropicErrors errors) {
    this.transport = transport;
    this.request = request;
    this.translator = translator;
    this.errors = errors;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ChatChunk> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    // One stream is one upstream call: a second subscriber must not silently start another.
    if (!subscribed.compareAndSet(false, true)) {
      subscriber.onSubscribe(Refused.INSTANCE);
      subscriber.onError(new IllegalStateException("an Anthropic chat stream accepts one subscriber"));
      return;
    }
    Session session = new Session(subscriber);
    try {
      subscriber.onSubscribe(session);
    } catch (RuntimeException | Error e) { // rule 2.13: treat as cancelled
      session.cancel();
    }
    session.subscribed();
  }

  /** The subscription given to the subscriber, and the subscriber of the decoded events. */
  private final class Session implements Flow.Subscription, Flow.Subscriber<SseEvent> {

    private final Flow.Subscriber<? super ChatChunk> downstream;
    private final Object lock = new Object();
    private final Object emitLock = new Object();
    private final AnthropicEvents events = translator.get(); // fed only by the event signals, which are serial

    // guarded by lock
    private long pendingDemand; // demand that arrived before the event subscription
    private boolean started;
    // Signals must not overlap onSubscribe (rule 1.3): a call started from inside it could answer on another
    // thread before it returns, so the call starts once onSubscribe has returned.
    private boolean subscribing = true;
    private boolean startWhenSubscribed;
    private Throwable errorWhenSubscribed;
    private boolean cancelled;
    private CompletableFuture<?> pendingCall; // the call before its headers, or the read of an error body
    private StreamingHttpResponse response;
    private Flow.Subscription upstreamEvents;

    // guarded by emitLock
    private boolean terminated;

    // touched only by the event signals, which are serial
    private boolean done;

    Session(Flow.Subscriber<? super ChatChunk> downstream) {
      this.downstream = downstream;
    }

    // ---- the subscriber's subscription (any thread)

    /** Called once the subscriber's onSubscribe has returned: starts a call it asked for. */
    void subscribed() {
      boolean start;
      Throwable error;
      synchronized (lock) {
        subscribing = false;
        start = startWhenSubscribed && !cancelled;
        error = errorWhenSubscribed;
      }
      if (error != null) {
        emitError(error);
      } else if (start) {
        start();
      }
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        Throwable error = Demand.nonPositiveRequest(n);
        boolean defer;
        synchronized (lock) {
          defer = subscribing;
          if (defer && errorWhenSubscribed == null) {
            errorWhenSubscribed = error;
          }
        }
        cancel();
        if (!defer) {
          emitError(error);
        }
        return;
      }
      Flow.Subscription upstream;
      boolean start = false;
      synchronized (lock) {
        if (cancelled) {
          return;
        }
        upstream = upstreamEvents;
        if (upstream == null) {
          pendingDemand = pendingDemand + n < 0 ? Long.MAX_VALUE : pendingDemand + n;
          if (!started) {
            started = true;
            if (subscribing) {
              startWhenSubscribed = true;
            } else {
              start = true;
            }
          }
        }
      }
      if (start) {
        start();
      } else if (upstream != null) {
        upstream.request(n);
      }
    }

    @Override
    public void cancel() {
      CompletableFuture<?> call;
      StreamingHttpResponse r;
      Flow.Subscription upstream;
      synchronized (lock) {
        if (cancelled) {
          return;
        }
        cancelled = true;
        call = pendingCall;
        r = response;
        upstream = upstreamEvents;
      }
      if (upstream != null) {
        upstream.cancel(); // closes the connection
      } else if (r != null) {
        r.close();
      }
      if (call != null) {
        call.cancel(true);
      }
    }

    private boolean isCancelled() {
      synchronized (lock) {
        return cancelled;
      }
    }

    // ---- the call

    private void start() {
      CompletableFuture<StreamingHttpResponse> call;
      try {
        call = transport.stream(request.get());
      } catch (SwitchboardException refused) { // the request could not be translated: nothing was sent
        emitError(refused);
        return;
      } catch (RuntimeException e) {
        call = CompletableFuture.failedFuture(e);
      }
      boolean cancelNow;
      synchronized (lock) {
        pendingCall = call;
        cancelNow = cancelled;
      }
      if (cancelNow) {
        call.cancel(true);
        return;
      }
      call.whenComplete(this::onResponse);
    }

    private void onResponse(StreamingHttpResponse r, Throwable failure) {
      if (failure != null) {
        if (!isCancelled()) {
          emitError(errors.fromTransport(failure));
        }
        return;
      }
      boolean closeNow;
      synchronized (lock) {
        closeNow = cancelled;
        if (!closeNow) {
          response = r;
          pendingCall = null;
        }
      }
      if (closeNow) {
        r.close();
        return;
      }
      if (!r.isSuccessful()) {
        // Error bodies arrive before any event: read the whole (small) body and map it.
        CompletableFuture<byte[]> body = r.readAll();
        synchronized (lock) {
          pendingCall = body;
        }
        body.whenComplete((bytes, readFailure) -> {
          if (isCancelled()) {
            return;
          }
          emitError(errors.fromStatus(r.status(), r::header, readFailure == null ? bytes : new byte[0]));
        });
        return;
      }
      new SsePublisher(r.body()).subscribe(this);
    }

    // ---- the decoded events (serial)

    @Override
    public void onSubscribe(Flow.Subscription s) {
      long n;
      boolean refuse;
      synchronized (lock) {
        refuse = cancelled || upstreamEvents != null;
        if (!refuse) {
          upstreamEvents = s;
        }
        n = pendingDemand;
        pendingDemand = 0;
      }
      if (refuse) {
        s.cancel();
        return;
      }
      if (n > 0) {
        s.request(n);
      }
    }

    @Override
    public void onNext(SseEvent event) {
      if (done) { // message_stop was the end: anything after it is not ours to read
        upstreamEvents.cancel();
        return;
      }
      AnthropicEvents.Step step;
      try {
        step = events.onEvent(event);
      } catch (SwitchboardException error) { // an error event, or a malformed one
        fail(error);
        return;
      } catch (RuntimeException e) {
        fail(errors.fromTransport(e));
        return;
      }
      if (step.chunk() != null) {
        emitNext(step.chunk());
      }
      if (step.last()) {
        done = true;
        emitComplete();
        upstreamEvents.request(1); // read the body to its end so that the connection goes back to the pool
      } else if (step.chunk() == null) {
        upstreamEvents.request(1); // no chunk for this event (ping, block stop…): ask for the one that replaces it
      }
    }

    @Override
    public void onError(Throwable failure) {
      if (done || isCancelled()) {
        return;
      }
      emitError(errors.fromTransport(failure));
    }

    @Override
    public void onComplete() {
      if (!done && !isCancelled()) {
        emitError(errors.streamEndedEarly());
      }
    }

    private void fail(SwitchboardException error) {
      upstreamEvents.cancel();
      emitError(error);
    }

    // ---- signals to the subscriber, serialised

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
      }
      downstream.onError(error);
    }

    private void emitComplete() {
      synchronized (emitLock) {
        if (terminated) {
          return;
        }
        terminated = true;
      }
      downstream.onComplete();
    }
  }

  private static final class Refused implements Flow.Subscription {
    static final Refused INSTANCE = new Refused();

    @Override
    public void request(long n) {}

    @Override
    public void cancel() {}
  }
}

package dev.switchboard.providers.bedrock;

import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.http.StreamingHttpResponse;
import dev.switchboard.providers.internal.aws.EventStreamFormatException;
import dev.switchboard.providers.internal.aws.EventStreamPublisher;
import dev.switchboard.providers.internal.flow.Demand;
import dev.switchboard.providers.internal.flow.FlatMapIterablePublisher;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One streamed Converse call: a cold, single-subscriber publisher of the chunks a
 * {@code converse-stream} body ({@code application/vnd.amazon.eventstream}) carries.
 *
 * <p>Nothing is sent before the first demand. The body is decoded message by message
 * ({@link EventStreamPublisher}) and each message mapped to zero or more chunks ({@link ConverseChunks});
 * the subscriber's demand drives the reads, so a slow subscriber slows the read of the body.
 * {@code cancel()} cancels the call before its response arrives and the body subscription after, which
 * closes the connection. (The call and subscription handling follows the OpenAI adapter's
 * {@code ChunkStream}.)
 *
 * <p>Ends: {@code onComplete} when the body ends after a {@code messageStop} event; {@code onError} for a
 * non-2xx status (its body read and mapped), an exception or error message in the stream, a malformed
 * frame or event (bad CRC, truncated frame, non-JSON payload), a broken connection, or a body that ends
 * before {@code messageStop}.
 */
final class ConverseStream implements Flow.Publisher<ChatChunk> {

  private final HttpTransport transport;
  private final BedrockProvider.RequestSupplier request;
  private final BedrockErrors errors;
  private final ChunkMappers mappers;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  /** Makes the chunk mapper of a stream once its response headers are known. */
  @FunctionalInterface
  interface ChunkMappers {
    ConverseChunks forResponse(StreamingHttpResponse response);
  }

  ConverseStream(HttpTransport transport, BedrockProvider.RequestSupplier request, BedrockErrors errors,
      ChunkMappers mappers) {
    this.transport = transport;
    this.request = request;
    this.errors = errors;
    this.mappers = mappers;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ChatChunk> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    // One stream is one upstream call: a second subscriber must not silently start another.
    if (!subscribed.compareAndSet(false, true)) {
      subscriber.onSubscribe(Refused.INSTANCE);
      subscriber.onError(new IllegalStateException("a Bedrock chat stream accepts one subscriber"));
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
  private final class Session implements Flow.Subscription, Flow.Subscriber<ChatChunk> {

    private final Flow.Subscriber<? super ChatChunk> downstream;
    private final Object lock = new Object();
    private final Object emitLock = new Object();

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
    private Flow.Subscription events;

    // guarded by emitLock
    private boolean terminated;

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
        upstream = events;
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
        upstream = events;
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
      ConverseChunks mapper = mappers.forResponse(r);
      new FlatMapIterablePublisher<>(new EventStreamPublisher(r.body()), () -> mapper).subscribe(this);
    }

    // ---- the decoded events (serial)

    @Override
    public void onSubscribe(Flow.Subscription s) {
      long n;
      boolean refuse;
      synchronized (lock) {
        refuse = cancelled || events != null;
        if (!refuse) {
          events = s;
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
    public void onNext(ChatChunk chunk) {
      emitNext(chunk);
    }

    @Override
    public void onError(Throwable failure) {
      if (isCancelled()) {
        return;
      }
      if (failure instanceof StreamFailure) { // an exception event, a malformed event or an early end: mapped
        emitError(((StreamFailure) failure).error());
      } else if (failure instanceof EventStreamFormatException) {
        emitError(errors.malformed((EventStreamFormatException) failure));
      } else {
        emitError(errors.fromTransport(failure));
      }
    }

    @Override
    public void onComplete() {
      emitComplete();
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

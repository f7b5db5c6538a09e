package dev.switchboard.providers.internal.http;

import dev.switchboard.providers.http.HttpRequest;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.http.StreamingHttpResponse;
import dev.switchboard.providers.internal.flow.Demand;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The body of one streamed HTTP call as a cold, single-subscriber publisher: the call is made on the
 * subscriber's first demand, a 2xx body is passed on buffer by buffer as demanded, and anything else
 * ends the stream with the error {@link Failures} makes of it. Meant to be decoded further, e.g.
 * {@code new SsePublisher(new DeferredResponseBody(…))}.
 *
 * <p>Nothing is sent before the first {@code request(n)} (and never from inside the subscriber's
 * {@code onSubscribe}: the call starts once it has returned). Demand is passed to the body one to
 * one, so a slow subscriber slows the read. {@code cancel()} cancels the call before its response
 * arrives, and closes the connection after. A non-2xx answer's (small) body is read whole and
 * handed to {@link Failures#errorStatus}; a failure to make the call or to read the body goes
 * through {@link Failures#transportFailure}. A second subscriber receives {@code onSubscribe} and
 * then {@code onError(IllegalStateException)}: one publisher is one upstream call.
 *
 * <p>Thread-safe. Signals to the subscriber are serial and may arrive on transport threads.
 */
public final class DeferredResponseBody implements Flow.Publisher<ByteBuffer> {

  /** Turns what went wrong into the error the subscriber receives. Must not throw. */
  public interface Failures {
    /** The request could not be built or sent, or the body could not be read to its end. */
    Throwable transportFailure(Throwable failure);

    /**
     * The upstream answered with a non-2xx status.
     *
     * @param headers a header name (any case) to its first value, or null
     * @param body the whole body; empty (never null) when there was none or it could not be read
     */
    Throwable errorStatus(int status, Function<String, String> headers, byte[] body);
  }

  private final HttpTransport transport;
  private final Supplier<HttpRequest> request;
  private final Failures failures;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  /**
   * @param transport sends the call
   * @param request builds the request when the call starts; what it throws fails the stream through
   *     {@link Failures#transportFailure}
   * @param failures makes the subscriber's errors
   */
  public DeferredResponseBody(HttpTransport transport, Supplier<HttpRequest> request, Failures failures) {
    this.transport = Objects.requireNonNull(transport, "transport");
    this.request = Objects.requireNonNull(request, "request");
    this.failures = Objects.requireNonNull(failures, "failures");
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    if (!subscribed.compareAndSet(false, true)) {
      subscriber.onSubscribe(Refused.INSTANCE);
      subscriber.onError(new IllegalStateException("a streamed response body accepts one subscriber"));
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

  /** The subscriber's subscription, and the subscriber of the response body. */
  private final class Session implements Flow.Subscription, Flow.Subscriber<ByteBuffer> {

    private final Flow.Subscriber<? super ByteBuffer> downstream;
    private final Object lock = new Object();
    private final Object emitLock = new Object();

    // guarded by lock
    private long pendingDemand; // demand that arrived before the body subscription
    private boolean started;
    private boolean subscribing = true; // signals must not overlap onSubscribe (rule 1.3)
    private boolean startWhenSubscribed;
    private Throwable errorWhenSubscribed;
    private boolean cancelled;
    private CompletableFuture<?> pendingCall; // the call before its headers, or the read of an error body
    private StreamingHttpResponse response;
    private Flow.Subscription body;

    // guarded by emitLock
    private boolean terminated;

    Session(Flow.Subscriber<? super ByteBuffer> downstream) {
      this.downstream = downstream;
    }

    /** Called once the subscriber's onSubscribe has returned: starts a call it asked for, or reports its error. */
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

    // ---- the subscriber's subscription (any thread)

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
        upstream = body;
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
        upstream = body;
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
          emitError(failures.transportFailure(failure));
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
        CompletableFuture<byte[]> errorBody = r.readAll();
        synchronized (lock) {
          pendingCall = errorBody;
        }
        errorBody.whenComplete((bytes, readFailure) -> {
          if (!isCancelled()) {
            emitError(failures.errorStatus(r.status(), r::header, readFailure == null ? bytes : new byte[0]));
          }
        });
        return;
      }
      r.body().subscribe(this);
    }

    // ---- the body (serial signals)

    @Override
    public void onSubscribe(Flow.Subscription s) {
      long n;
      boolean refuse;
      synchronized (lock) {
        refuse = cancelled || body != null;
        if (!refuse) {
          body = s;
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
    public void onNext(ByteBuffer buffer) {
      synchronized (emitLock) {
        if (!terminated) {
          downstream.onNext(buffer);
        }
      }
    }

    @Override
    public void onError(Throwable failure) {
      if (!isCancelled()) {
        emitError(failures.transportFailure(failure));
      }
    }

    @Override
    public void onComplete() {
      synchronized (emitLock) {
        if (terminated) {
          return;
        }
        terminated = true;
      }
      downstream.onComplete();
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
  }

  private static final class Refused implements Flow.Subscription {
    static final Refused INSTANCE = new Refused();

    @Override
    public void request(long n) {}

    @Override
    public void cancel() {}
  }
}

package dev.switchboard.providers.internal.http;

import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.providers.http.HttpRequest;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.http.StreamingHttpResponse;
import dev.switchboard.providers.internal.flow.Demand;
import dev.switchboard.providers.internal.flow.FlatMapIterablePublisher;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One streamed upstream call as a cold, single-subscriber publisher of what its 2xx body becomes:
 * the items a provider's {@link EventMapper} makes of the decoded body ({@link #events}), e.g. chat
 * chunks from server-sent events or AWS event-stream messages, or the raw body
 * ({@link DeferredResponseBody}). This class owns the call; a provider supplies the request, how
 * failures become its errors, the decoder, and the mapper with its own end-of-stream rule.
 *
 * <ul>
 *   <li><b>Start.</b> Nothing is sent before the first {@code request(n)}, and the call never starts
 *       inside the subscriber's {@code onSubscribe} (rule 1.3): a call started there could answer on
 *       another thread before it returns, so it starts once {@code onSubscribe} has returned. The
 *       request is built when the call starts.
 *   <li><b>Demand</b> goes to the body one to one, or, for {@link #events}, to a
 *       {@link FlatMapIterablePublisher} that reads one event at a time while an item is wanted and
 *       none is waiting: a slow subscriber slows the read, and one event's items are held at most.
 *   <li><b>Cancel</b> cancels the call before its response arrives (a response that arrives anyway is
 *       closed unread) and cancels the body subscription after, which closes the connection. No error
 *       or completion is signalled after {@code cancel()}.
 *   <li><b>A non-2xx answer</b> arrives before any item: its (small) body is read whole and the
 *       subscriber fails with {@link Failures#errorStatus}.
 *   <li><b>Failures</b>: what building the request or starting the call throws goes through
 *       {@link Failures#requestFailure}; a failed call, a body that cannot be read or decoded to its
 *       end, and a subscriber whose {@code onNext} throws (rule 2.13: the body is cancelled), through
 *       {@link Failures#transportFailure}; a mapper's failure as {@link EventMapper} says.
 *   <li><b>The end</b> is the mapper's: it completes the stream at its end marker, with the rest of
 *       the body drained so that the connection can be reused ({@link EventMapper#isComplete}), or
 *       at the end of the body, where {@link EventMapper#finish} may fail a body that ended early.
 * </ul>
 *
 * <p>The response is always released, and closed at most once: a 2xx body by reading it to its end
 * or cancelling its subscription, an error body by reading it whole, and a response that nobody will
 * read by {@link StreamingHttpResponse#close()}. A second subscriber receives {@code onSubscribe} and
 * then {@code onError(IllegalStateException)}: one publisher is one upstream call.
 *
 * <p>Thread-safe. Signals to the subscriber are serial and may arrive on transport threads.
 *
 * @param <T> the subscriber's item type
 */
public final class UpstreamStream<T> implements Flow.Publisher<T> {

  /** Turns what went wrong into the error the subscriber receives. Must not throw. */
  public interface Failures {
    /**
     * The call failed, or the body could not be read or decoded to its end. Also receives what the
     * subscriber's {@code onNext} threw (rule 2.13), and what a mapper threw that is not a
     * {@link SwitchboardException}.
     */
    Throwable transportFailure(Throwable failure);

    /**
     * The upstream answered with a non-2xx status.
     *
     * @param headers a header name (any case) to its first value, or null
     * @param body the whole body; empty (never null) when there was none or it could not be read
     */
    Throwable errorStatus(int status, Function<String, String> headers, byte[] body);

    /**
     * Building the request, or handing it to the transport, threw: nothing was sent. Default:
     * {@link #transportFailure}.
     */
    default Throwable requestFailure(RuntimeException failure) {
      return transportFailure(failure);
    }
  }

  /**
   * One stream's translation of decoded events into the subscriber's items, with the provider's
   * end-of-stream rule: {@link #isComplete()} for an end marker, or {@link #finish()} at the end of
   * the body (which throws when the body ended before the stream was complete). Made when the
   * subscriber subscribes; called serially, possibly from different threads; must not block.
   *
   * <p>A mapper fails the stream by throwing the subscriber's error as a {@link SwitchboardException},
   * already mapped with the provider's details: it is delivered as it is, and the body is cancelled.
   * Anything else a mapper throws is a bug in it, delivered through {@link Failures#transportFailure}.
   */
  public interface EventMapper<E, T> extends FlatMapIterablePublisher.Mapper<E, T> {
    /**
     * Called once with the 2xx response, before its first event (e.g. to read a request id header).
     * Default: nothing.
     */
    default void onResponse(StreamingHttpResponse response) {}
  }

  /** What one subscription reads from the 2xx response. */
  @FunctionalInterface
  interface BodyReader<T> {
    Flow.Publisher<T> read(StreamingHttpResponse response);
  }

  private final String description;
  private final HttpTransport transport;
  private final Supplier<HttpRequest> request;
  private final Failures failures;
  private final Supplier<? extends BodyReader<T>> readers;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  /**
   * @param description what the stream is, for the second subscriber's error, e.g. "an OpenAI chat
   *     stream"
   * @param readers makes, when the subscriber subscribes, what it will read from the response
   */
  UpstreamStream(String description, HttpTransport transport, Supplier<HttpRequest> request, Failures failures,
      Supplier<? extends BodyReader<T>> readers) {
    this.description = Objects.requireNonNull(description, "description");
    this.transport = Objects.requireNonNull(transport, "transport");
    this.request = Objects.requireNonNull(request, "request");
    this.failures = Objects.requireNonNull(failures, "failures");
    this.readers = Objects.requireNonNull(readers, "readers");
  }

  /**
   * A stream of the items {@code mappers}' mapper makes of the events {@code decoder} reads from the
   * 2xx body.
   *
   * @param description what the stream is, for the second subscriber's error: "… accepts one
   *     subscriber"
   * @param transport sends the call
   * @param request builds the request when the call starts; what it throws fails the stream through
   *     {@link Failures#requestFailure}
   * @param failures makes the subscriber's errors
   * @param decoder decodes the body's bytes, e.g. {@code SsePublisher::new}
   * @param mappers makes the stream's mapper when the subscriber subscribes
   * @throws NullPointerException if an argument is null
   */
  public static <E, T> UpstreamStream<T> events(String description, HttpTransport transport,
      Supplier<HttpRequest> request, Failures failures,
      Function<? super Flow.Publisher<ByteBuffer>, ? extends Flow.Publisher<E>> decoder,
      Supplier<? extends EventMapper<E, T>> mappers) {
    Objects.requireNonNull(decoder, "decoder");
    Objects.requireNonNull(mappers, "mappers");
    return new UpstreamStream<>(description, transport, request, failures, () -> {
      EventMapper<E, T> mapper = Objects.requireNonNull(mappers.get(), "mapper");
      Guarded<E, T> guarded = new Guarded<>(mapper, failures);
      return response -> {
        mapper.onResponse(response);
        return new FlatMapIterablePublisher<E, T>(decoder.apply(response.body()), () -> guarded);
      };
    });
  }

  @Override
  public void subscribe(Flow.Subscriber<? super T> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    // One stream is one upstream call: a second subscriber must not silently start another.
    if (!subscribed.compareAndSet(false, true)) {
      refuse(subscriber, new IllegalStateException(description + " accepts one subscriber"));
      return;
    }
    BodyReader<T> reader;
    try {
      reader = Objects.requireNonNull(readers.get(), "reader");
    } catch (RuntimeException e) {
      refuse(subscriber, failures.transportFailure(e));
      return;
    }
    Session session = new Session(subscriber, reader);
    try {
      subscriber.onSubscribe(session);
    } catch (RuntimeException | Error e) { // rule 2.13: treat as cancelled
      session.cancel();
    }
    session.subscribed();
  }

  private static void refuse(Flow.Subscriber<?> subscriber, Throwable error) {
    subscriber.onSubscribe(Refused.INSTANCE);
    subscriber.onError(error);
  }

  /** The subscriber's subscription, and the subscriber of what it reads from the response. */
  private final class Session implements Flow.Subscription, Flow.Subscriber<T> {

    private final Flow.Subscriber<? super T> downstream;
    private final BodyReader<T> reader;
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

    Session(Flow.Subscriber<? super T> downstream, BodyReader<T> reader) {
      this.downstream = downstream;
      this.reader = reader;
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
      } catch (RuntimeException e) { // nothing was sent
        if (!isCancelled()) {
          emitError(failures.requestFailure(e));
        }
        return;
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
        // Error bodies arrive before any item: read the whole (small) body and map it.
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
      Flow.Publisher<T> items;
      try {
        items = reader.read(r);
      } catch (RuntimeException e) { // a bug in the reader: end the stream rather than leave it hanging
        boolean close;
        synchronized (lock) {
          close = !cancelled; // else cancel() has closed it
          response = null;
        }
        if (close) {
          r.close();
          emitError(failures.transportFailure(e));
        }
        return;
      }
      items.subscribe(this);
    }

    // ---- what is read from the response (serial signals)

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
    public void onNext(T item) {
      synchronized (emitLock) {
        if (!terminated) {
          downstream.onNext(item);
        }
      }
    }

    @Override
    public void onError(Throwable failure) {
      if (isCancelled()) {
        return;
      }
      emitError(failure instanceof MapperFailure ? ((MapperFailure) failure).error
          : failures.transportFailure(failure));
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

  /**
   * A provider's mapper whose failures leave it already mapped, so that the session can tell them
   * from a transport failure that still needs mapping ({@link FlatMapIterablePublisher} fails the
   * stream with whatever its mapper throws).
   */
  private static final class Guarded<E, T> implements FlatMapIterablePublisher.Mapper<E, T> {
    private final EventMapper<E, T> mapper;
    private final Failures failures;

    Guarded(EventMapper<E, T> mapper, Failures failures) {
      this.mapper = mapper;
      this.failures = failures;
    }

    @Override
    public Iterable<? extends T> apply(E item) {
      try {
        return mapper.apply(item);
      } catch (RuntimeException e) {
        throw failure(e);
      }
    }

    @Override
    public Iterable<? extends T> finish() {
      try {
        return mapper.finish();
      } catch (RuntimeException e) {
        throw failure(e);
      }
    }

    @Override
    public boolean isComplete() {
      return mapper.isComplete();
    }

    private MapperFailure failure(RuntimeException e) {
      return new MapperFailure(e instanceof SwitchboardException ? e : failures.transportFailure(e));
    }
  }

  /** Carries a mapper's failure, already mapped, to the session. */
  private static final class MapperFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Throwable error;

    MapperFailure(Throwable error) {
      super(error.getMessage(), error, false, false);
      this.error = error;
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

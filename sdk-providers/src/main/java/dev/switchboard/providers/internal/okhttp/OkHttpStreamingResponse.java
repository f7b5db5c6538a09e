package dev.switchboard.providers.internal.okhttp;

import dev.switchboard.providers.http.StreamingHttpResponse;
import dev.switchboard.providers.internal.flow.ByteBufferCollector;
import dev.switchboard.providers.internal.flow.Demand;
import dev.switchboard.providers.internal.http.ResponseBodyTooLargeException;
import dev.switchboard.providers.internal.http.ResponseHeaders;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import okhttp3.Call;
import okhttp3.Response;
import okio.BufferedSource;

/**
 * A {@link StreamingHttpResponse} over an OkHttp response whose body is read with blocking Okio
 * reads on {@code readers}, only while the subscriber has demand: the read loop ends when demand
 * reaches 0 and is resubmitted by the next {@code request(n)}, so an idle stream holds no thread.
 *
 * <p>Signals are serialised by a work-in-progress counter: whoever takes it from 0 owns the right to
 * signal (the subscribing thread during {@code onSubscribe}, then one read loop at a time), and
 * every other thread only records its wish (demand, cancel, close) and bumps the counter so that
 * the owner looks again. {@link Call#cancel()} is the one thread-safe way to interrupt a blocked
 * read, so cancel and close call it at once from the calling thread.
 */
public final class OkHttpStreamingResponse implements StreamingHttpResponse {

  /** Bytes read per {@code onNext} at most. */
  public static final int BUFFER_SIZE = 8 * 1024;

  private static final Object CLOSED = new Object();

  private final Call call;
  private final Response response;
  private final int status;
  private final ResponseHeaders headers;
  private final Executor readers;
  private final Runnable onRelease;
  private final Function<Throwable, Throwable> failures;
  private final long maxReadAllBytes;
  private final Flow.Publisher<ByteBuffer> body = this::subscribe;
  // null: not subscribed; a BodySubscription: subscribed; CLOSED: closed before subscription
  private final AtomicReference<Object> state = new AtomicReference<>();
  private final AtomicBoolean released = new AtomicBoolean();

  /**
   * @param call the call that produced {@code response}
   * @param response the response; its body is owned by this object from now on
   * @param headers {@code response}'s headers, converted
   * @param readers runs read loops (blocking reads) and background discards
   * @param onRelease runs once, when the connection is released, before any terminal signal
   * @param failures maps a read failure to what the subscriber receives
   * @param maxReadAllBytes the longest body {@link #readAll()} takes in
   */
  public OkHttpStreamingResponse(Call call, Response response, ResponseHeaders headers, Executor readers,
      Runnable onRelease, Function<Throwable, Throwable> failures, long maxReadAllBytes) {
    this.call = Objects.requireNonNull(call, "call");
    this.response = Objects.requireNonNull(response, "response");
    this.status = response.code();
    this.headers = Objects.requireNonNull(headers, "headers");
    this.readers = Objects.requireNonNull(readers, "readers");
    this.onRelease = Objects.requireNonNull(onRelease, "onRelease");
    this.failures = Objects.requireNonNull(failures, "failures");
    this.maxReadAllBytes = maxReadAllBytes;
  }

  @Override
  public int status() {
    return status;
  }

  @Override
  public String header(String name) {
    return headers.first(name);
  }

  @Override
  public Map<String, List<String>> headers() {
    return headers.asMap();
  }

  @Override
  public Flow.Publisher<ByteBuffer> body() {
    return body;
  }

  /**
   * {@inheritDoc}
   *
   * <p>A body longer than {@code maxReadAllBytes} fails the future with {@code failures} applied to
   * a {@link ResponseBodyTooLargeException} and closes the connection: before reading when
   * {@code Content-Length} announces it, else once the bytes read pass it.
   */
  @Override
  public CompletableFuture<byte[]> readAll() {
    ResponseBodyTooLargeException announced = ResponseBodyTooLargeException.ifAnnounced(response.request().method(),
        status, headers.first("Content-Length"), maxReadAllBytes);
    if (announced != null) {
      call.cancel(); // closed, not read on to the end to pool the connection
      close();
      return CompletableFuture.failedFuture(failures.apply(announced));
    }
    return ByteBufferCollector.collect(body, maxReadAllBytes, failures);
  }

  @Override
  public void close() {
    Object current = state.get();
    if (current == null && state.compareAndSet(null, CLOSED)) {
      releaseInBackground();
      return;
    }
    current = state.get();
    if (current instanceof BodySubscription) {
      ((BodySubscription) current).closeByOwner();
    }
  }

  @Override
  public String toString() {
    return "OkHttpStreamingResponse{status=" + status + ", headers=" + headers + "}";
  }

  private void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    BodySubscription subscription = new BodySubscription(subscriber);
    if (!state.compareAndSet(null, subscription)) {
      String why = state.get() == CLOSED
          ? "the response was closed before its body was read"
          : "the body publisher allows only one subscriber";
      subscriber.onSubscribe(Refused.INSTANCE);
      subscriber.onError(new IllegalStateException(why));
      return;
    }
    subscription.start();
  }

  // Closing an unread body makes OkHttp try to read the rest (up to 100 ms) to reuse the
  // connection; that must not happen on the caller's thread.
  private void releaseInBackground() {
    if (!released.compareAndSet(false, true)) {
      return;
    }
    try {
      readers.execute(() -> {
        response.close();
        onRelease.run();
      });
    } catch (RejectedExecutionException transportClosed) {
      call.cancel(); // makes close() below return at once
      response.close();
      onRelease.run();
    }
  }

  private void release(boolean cancelCall) {
    if (!released.compareAndSet(false, true)) {
      return;
    }
    if (cancelCall) {
      call.cancel(); // closes the socket (HTTP/1.1) or resets the stream (HTTP/2); close() then can't block
    }
    response.close();
    onRelease.run();
  }

  private final class BodySubscription implements Flow.Subscription, Runnable {

    private final Flow.Subscriber<? super ByteBuffer> subscriber;
    private final AtomicLong requested = new AtomicLong();
    // Starts at 1: the subscribing thread owns the right to signal while onSubscribe runs.
    private final AtomicInteger wip = new AtomicInteger(1);
    private final AtomicReference<Throwable> pendingError = new AtomicReference<>();
    private volatile boolean cancelled;
    private volatile boolean rejected;

    // Only touched by the owner of wip.
    private boolean terminated;
    private BufferedSource source;
    private byte[] buffer;

    BodySubscription(Flow.Subscriber<? super ByteBuffer> subscriber) {
      this.subscriber = subscriber;
    }

    void start() {
      try {
        subscriber.onSubscribe(this);
      } catch (RuntimeException | Error e) { // rule 2.13: treat as cancelled
        cancelled = true;
        call.cancel();
      }
      if (wip.decrementAndGet() != 0) {
        submit(); // onSubscribe requested or cancelled: hand the loop over
      }
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        failWith(Demand.nonPositiveRequest(n));
        return;
      }
      Demand.add(requested, n);
      schedule();
    }

    @Override
    public void cancel() {
      if (cancelled || released.get()) { // rule 3.7: no-op after termination
        return;
      }
      cancelled = true;
      call.cancel(); // interrupts a read blocked in the loop
      schedule();
    }

    void closeByOwner() {
      if (released.get()) {
        return; // the body already ended
      }
      failWith(new CancellationException("the response was closed while its body was being read"));
    }

    private void failWith(Throwable failure) {
      if (pendingError.compareAndSet(null, failure)) {
        call.cancel();
        schedule();
      }
    }

    private void schedule() {
      if (wip.getAndIncrement() == 0) {
        submit();
      }
    }

    private void submit() {
      try {
        readers.execute(this);
      } catch (RejectedExecutionException transportClosed) {
        // No reading happens inline: the loop only terminates when rejected is set.
        rejected = true;
        run();
      }
    }

    @Override
    public void run() {
      int missed = 1;
      for (;;) {
        if (!terminated) {
          step();
        }
        missed = wip.addAndGet(-missed);
        if (missed == 0) {
          return;
        }
      }
    }

    private void step() {
      if (cancelled) {
        terminated = true;
        release(true);
        return;
      }
      Throwable failure = pendingError.get();
      if (failure == null && rejected) {
        failure = failures.apply(new IOException("no thread to read the body: the transport is shut down"));
      }
      if (failure != null) {
        terminated = true;
        release(true);
        signalError(failure);
        return;
      }
      readWhileDemanded();
    }

    private void readWhileDemanded() {
      while (requested.get() > 0 && !cancelled && pendingError.get() == null) {
        int n;
        try {
          if (source == null) {
            source = response.body().source();
            buffer = new byte[BUFFER_SIZE];
          }
          n = source.read(buffer, 0, buffer.length);
        } catch (IOException | RuntimeException e) {
          terminated = true;
          release(true);
          if (cancelled) {
            return; // the subscriber asked for silence
          }
          Throwable pending = pendingError.get();
          signalError(pending != null ? pending : failures.apply(e));
          return;
        }
        if (n < 0) {
          terminated = true;
          release(false); // the body is exhausted: the connection is back in the pool already
          try {
            subscriber.onComplete();
          } catch (RuntimeException | Error ignored) {
            // rule 2.13: nothing left to tell anyone
          }
          return;
        }
        Demand.produced(requested, 1);
        try {
          subscriber.onNext(ByteBuffer.wrap(Arrays.copyOf(buffer, n)));
        } catch (RuntimeException | Error e) { // rule 2.13 broken: stop and say why
          terminated = true;
          release(true);
          signalError(e);
          return;
        }
      }
    }

    private void signalError(Throwable failure) {
      try {
        subscriber.onError(failure);
      } catch (RuntimeException | Error ignored) {
        // rule 2.13: nothing left to tell anyone
      }
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

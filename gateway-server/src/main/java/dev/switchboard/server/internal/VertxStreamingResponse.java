package dev.switchboard.server.internal;

import dev.switchboard.providers.http.StreamingHttpResponse;
import dev.switchboard.providers.internal.flow.ByteBufferCollector;
import dev.switchboard.providers.internal.flow.Demand;
import dev.switchboard.providers.internal.http.ResponseBodyTooLargeException;
import dev.switchboard.providers.internal.http.ResponseHeaders;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Function;

/**
 * A {@link StreamingHttpResponse} over a paused Vert.x {@link HttpClientResponse}.
 *
 * <p><b>Demand.</b> The response is paused from the moment its head arrived. While the subscriber
 * has outstanding demand and nothing is waiting to be delivered, one more network buffer is asked
 * of Vert.x with {@code fetch(1)}; it is cut into pieces of at most {@value #MAX_BUFFER_BYTES} bytes,
 * delivered as demanded, and only when they are all gone is the next buffer fetched. With no demand
 * nothing is fetched: Vert.x keeps what arrives in its bounded inbound queue and, once that is full,
 * stops reading the socket, so TCP slows the upstream. A connection that breaks is reported after
 * the buffers that arrived before the break, never instead of them, and never as a completion.
 *
 * <p><b>Threads.</b> Every signal to the subscriber and every field below is confined to the call's
 * Vert.x context (one event loop). {@code request}, {@code cancel}, {@code subscribe} and
 * {@code close} may come from any thread and are handed to the context; a subscriber that calls
 * them from inside a signal is served on the spot, through a drain loop that never recurses, so
 * signals never overlap (not even {@code onNext} inside {@code onSubscribe}).
 *
 * <p><b>Release.</b> The upstream stream is over when Vert.x delivers its end or a failure, or when
 * a reset (cancel, close, a broken rule) has been carried out; {@code onRelease} runs then, once.
 */
public final class VertxStreamingResponse implements StreamingHttpResponse {

  /** The largest buffer handed to {@code onNext}. */
  public static final int MAX_BUFFER_BYTES = 8 * 1024;

  private static final int UNREAD = 0;
  private static final int READING = 1;
  private static final int CLOSED = 2;

  private final Context context;
  private final HttpClientRequest request;
  private final HttpClientResponse response;
  private final int status;
  private final ResponseHeaders headers;
  private final Function<Throwable, Throwable> failures;
  private final long maxReadAllBytes;
  private final Runnable onRelease;
  private final Flow.Publisher<ByteBuffer> body = this::subscribe;

  // confined to the context
  private int state = UNREAD;
  private Flow.Subscriber<? super ByteBuffer> subscriber;
  private long demand;
  private final ArrayDeque<ByteBuffer> ready = new ArrayDeque<>(2);
  private boolean fetching; // a fetch(1) is outstanding
  private boolean ended; // Vert.x delivered the end of the body
  private Throwable upstreamFailure; // Vert.x failed the body, mapped
  private boolean leftoversTaken; // after the failure, every buffer Vert.x still held has been taken
  private int chunksSinceCheck;
  private boolean over; // the Vert.x stream is over (ended, failed or reset): released
  private boolean resetting;
  private boolean terminated; // the subscriber gets no more signals
  private boolean draining;
  private boolean missed;

  /**
   * Pauses {@code response} and takes over its handlers. Must run on {@code context}, inside the
   * callback that delivered the response head, so that no body buffer can slip past.
   *
   * @param failures maps a Vert.x failure of the body to what the subscriber receives
   * @param maxReadAllBytes the longest body {@link #readAll()} takes in
   * @param onRelease runs once, on the context, when the upstream stream is over
   */
  VertxStreamingResponse(Context context, HttpClientRequest request, HttpClientResponse response,
      Function<Throwable, Throwable> failures, long maxReadAllBytes, Runnable onRelease) {
    this.context = Objects.requireNonNull(context, "context");
    this.request = Objects.requireNonNull(request, "request");
    this.response = Objects.requireNonNull(response, "response");
    this.failures = Objects.requireNonNull(failures, "failures");
    this.maxReadAllBytes = maxReadAllBytes;
    this.onRelease = Objects.requireNonNull(onRelease, "onRelease");
    this.status = response.statusCode();
    this.headers = VertxCall.headersOf(response);
    response.pause();
    response.handler(this::onChunk);
    response.endHandler(v -> onEnd());
    response.exceptionHandler(this::onFailure);
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
   * a {@link ResponseBodyTooLargeException} and resets the request: before reading when
   * {@code Content-Length} announces it, else once the bytes read pass it.
   */
  @Override
  public CompletableFuture<byte[]> readAll() {
    ResponseBodyTooLargeException announced = ResponseBodyTooLargeException.ifAnnounced(request.getMethod().name(),
        status, headers.first("Content-Length"), maxReadAllBytes);
    if (announced != null) {
      close();
      return CompletableFuture.failedFuture(failures.apply(announced));
    }
    return ByteBufferCollector.collect(body, maxReadAllBytes, failures);
  }

  @Override
  public void close() {
    VertxCall.onContext(context, () -> {
      if (state == UNREAD) {
        state = CLOSED;
        reset();
      } else if (state == READING && !terminated) {
        fail(new CancellationException("the response was closed while its body was being read"));
      }
    });
  }

  @Override
  public String toString() {
    return "VertxStreamingResponse{status=" + status + ", headers=" + headers + "}";
  }

  /** The transport closes: a reader gets {@code failure}, an unread body is discarded. */
  void abort(Throwable failure) {
    VertxCall.onContext(context, () -> {
      if (state == READING && !terminated) {
        fail(failure);
      } else if (state == UNREAD) {
        state = CLOSED;
        reset();
      }
    });
  }

  private void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
    Objects.requireNonNull(s, "subscriber");
    VertxCall.onContext(context, () -> {
      if (state != UNREAD) {
        refuse(s, state == CLOSED ? "the response was closed before its body was read"
            : "the body publisher allows only one subscriber");
        return;
      }
      state = READING;
      subscriber = s;
      draining = true; // demand asked for inside onSubscribe is served after it returns (rule 1.3)
      try {
        s.onSubscribe(new Subscription());
      } catch (RuntimeException | Error e) { // rule 2.13: treat as cancelled
        terminated = true;
        reset();
      } finally {
        draining = false;
      }
      drain();
    });
  }

  // ---- Vert.x's signals ----

  private void onChunk(Buffer buffer) {
    fetching = false;
    chunksSinceCheck++;
    if (terminated || state == CLOSED) {
      return; // cancelled or closed: the reset is under way
    }
    int length = buffer.length();
    for (int from = 0; from < length; from += MAX_BUFFER_BYTES) {
      ready.add(ByteBuffer.wrap(buffer.getBytes(from, Math.min(length, from + MAX_BUFFER_BYTES))));
    }
    drain();
  }

  private void onEnd() {
    ended = true;
    finish();
    drain();
  }

  private void onFailure(Throwable failure) {
    if (over) {
      return; // e.g. the reset we asked for, reported back
    }
    finish();
    upstreamFailure = failures.apply(failure);
    // Vert.x reports a dead connection at once, ahead of the buffers it still holds for us, and
    // hands those over in later event-loop tasks: take them all (the connection is gone, so they
    // are all there is), and fail the body only after them.
    fetching = true;
    response.fetch(Long.MAX_VALUE);
    awaitLeftovers();
  }

  /** Queues a task behind Vert.x's deliveries; when one finds that nothing more arrived, the leftovers are in. */
  private void awaitLeftovers() {
    chunksSinceCheck = 0;
    context.runOnContext(v -> {
      if (chunksSinceCheck > 0) {
        awaitLeftovers();
      } else {
        leftoversTaken = true;
        drain();
      }
    });
  }

  // ---- the subscriber's subscription ----

  private final class Subscription implements Flow.Subscription {
    @Override
    public void request(long n) {
      VertxCall.onContext(context, () -> {
        if (terminated) {
          return;
        }
        if (n <= 0) {
          fail(Demand.nonPositiveRequest(n));
          return;
        }
        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
        drain();
      });
    }

    @Override
    public void cancel() {
      VertxCall.onContext(context, () -> {
        if (!terminated) {
          terminated = true;
          ready.clear();
          reset();
        }
      });
    }
  }

  // ---- on the context ----

  private void drain() {
    if (draining) {
      missed = true;
      return;
    }
    if (subscriber == null) {
      return;
    }
    draining = true;
    try {
      do {
        missed = false;
        if (terminated) {
          return;
        }
        while (demand > 0 && !ready.isEmpty()) {
          ByteBuffer next = ready.poll();
          if (demand != Long.MAX_VALUE) {
            demand--;
          }
          try {
            subscriber.onNext(next);
          } catch (RuntimeException | Error e) { // rule 2.13 broken: stop and say why
            fail(e);
            return;
          }
          if (terminated) {
            return;
          }
        }
        if (ready.isEmpty()) {
          if (upstreamFailure != null && leftoversTaken) { // what arrived before the failure has been delivered
            terminated = true;
            signalError(upstreamFailure);
            return;
          }
          if (ended) {
            terminated = true;
            signalComplete();
            return;
          }
          if (demand > 0 && !fetching && !over) {
            fetching = true;
            response.fetch(1); // may deliver at once, re-entering drain: that sets missed
          }
        }
      } while (missed);
    } finally {
      draining = false;
    }
  }

  /** Ends the subscriber's stream with {@code failure} and resets the upstream one. */
  private void fail(Throwable failure) {
    terminated = true;
    ready.clear();
    reset();
    signalError(failure);
  }

  /**
   * Stops the upstream stream. Vert.x closes an HTTP/1.1 connection on a reset even when the
   * response has already ended and the connection is back in the pool, perhaps carrying another
   * call by now. So what Vert.x still holds for this paused response is taken first (callers have
   * made sure it is dropped); Vert.x hands it over in order, with the end if it came, before a task
   * queued behind it runs. That task resets only a response whose end has not arrived: then the
   * connection is still this call's alone.
   */
  private void reset() {
    if (over || resetting) {
      return;
    }
    resetting = true;
    fetching = true;
    response.fetch(Long.MAX_VALUE);
    context.runOnContext(v -> {
      if (!over) {
        request.reset().onComplete(done -> finish());
      }
    });
  }

  private void finish() {
    if (!over) {
      over = true;
      onRelease.run();
    }
  }

  private void signalError(Throwable failure) {
    try {
      subscriber.onError(failure);
    } catch (RuntimeException | Error ignored) {
      // rule 2.13: nothing left to tell anyone
    }
  }

  private void signalComplete() {
    try {
      subscriber.onComplete();
    } catch (RuntimeException | Error ignored) {
      // rule 2.13: nothing left to tell anyone
    }
  }

  private static void refuse(Flow.Subscriber<? super ByteBuffer> s, String why) {
    try {
      s.onSubscribe(Refused.INSTANCE);
      s.onError(new IllegalStateException(why));
    } catch (RuntimeException | Error ignored) {
      // rule 2.13
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

package dev.switchboard.server.internal;

import dev.switchboard.providers.http.HttpResponse;
import dev.switchboard.providers.http.StreamingHttpResponse;
import dev.switchboard.providers.internal.http.OwnedResponses;
import dev.switchboard.providers.internal.http.ResponseBodyTooLargeException;
import dev.switchboard.providers.internal.http.ResponseHeaders;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One upstream call of {@code VertxHttpTransport}: asks the client for a request (a pooled or new
 * connection), sends it, and completes the caller's future with the whole response or with a
 * {@link VertxStreamingResponse} once the head has arrived.
 *
 * <p>Every field below the final ones is confined to the call's {@link Context}: whatever arrives
 * from another thread (the caller cancelling its future, the transport closing) is handed to the
 * context first. The call counts as open until Vert.x says its stream is over (body ended, failed,
 * or reset), which is what the transport's leak checks count.
 *
 * @param <T> what the caller's future completes with
 */
public abstract class VertxCall<T> {

  final Context context;
  private final HttpClient client;
  private final RequestOptions options;
  private final Buffer body;
  final CompletableFuture<T> future;
  final Function<Throwable, Throwable> failures;
  final long maxBodyBytes;
  private final Consumer<VertxCall<?>> onRelease;

  // confined to the context
  HttpClientRequest request;
  Throwable stopped; // why the caller no longer wants the call (cancel, transport closed); null while wanted
  private boolean released;

  VertxCall(Context context, HttpClient client, RequestOptions options, Buffer body, long maxBodyBytes,
      CompletableFuture<T> future, Function<Throwable, Throwable> failures, Consumer<VertxCall<?>> onRelease) {
    this.context = Objects.requireNonNull(context, "context");
    this.client = Objects.requireNonNull(client, "client");
    this.options = Objects.requireNonNull(options, "options");
    this.body = body;
    this.future = Objects.requireNonNull(future, "future");
    this.failures = Objects.requireNonNull(failures, "failures");
    this.maxBodyBytes = maxBodyBytes;
    this.onRelease = Objects.requireNonNull(onRelease, "onRelease");
  }

  /**
   * A call whose future completes with the whole response once its body has arrived.
   *
   * @param body the request body, or null to send none
   * @param maxBodyBytes the longest response body read: past it (or announced past it) the call
   *     fails with a {@link ResponseBodyTooLargeException}, mapped by {@code failures}, and is reset
   * @param failures maps what Vert.x fails with to what the caller receives
   * @param onRelease runs once, on the context, when the call's stream is over
   */
  public static VertxCall<HttpResponse> whole(Context context, HttpClient client, RequestOptions options, Buffer body,
      long maxBodyBytes, CompletableFuture<HttpResponse> future, Function<Throwable, Throwable> failures,
      Consumer<VertxCall<?>> onRelease) {
    return new Whole(context, client, options, body, maxBodyBytes, future, failures, onRelease);
  }

  /**
   * A call whose future completes with a paused {@link VertxStreamingResponse} once the head has
   * arrived.
   *
   * @param maxBodyBytes the longest body the response's {@code readAll()} takes in
   */
  public static VertxCall<StreamingHttpResponse> streaming(Context context, HttpClient client, RequestOptions options,
      Buffer body, long maxBodyBytes, CompletableFuture<StreamingHttpResponse> future,
      Function<Throwable, Throwable> failures, Consumer<VertxCall<?>> onRelease) {
    return new Streaming(context, client, options, body, maxBodyBytes, future, failures, onRelease);
  }

  /** The response's headers, in the order received. */
  static ResponseHeaders headersOf(HttpClientResponse response) {
    ResponseHeaders.Builder h = ResponseHeaders.builder();
    for (Map.Entry<String, String> header : response.headers()) {
      h.add(header.getKey(), header.getValue());
    }
    return h.build();
  }

  /** Sends the request (on the context); cancelling the future from then on resets it. Call once. */
  public final void start() {
    future.whenComplete((result, failure) -> {
      if (future.isCancelled()) {
        onContext(context, () -> stop(new CancellationException("the call was cancelled")));
      }
    });
    onContext(context, this::send);
  }

  /** Fails the call with {@code failure} and resets its request, from any thread (the transport closes). */
  public final void abort(Throwable failure) {
    onContext(context, () -> {
      future.completeExceptionally(failure);
      stop(failure);
    });
  }

  /** Runs {@code action} at once when already on {@code context}, else hands it to the context. */
  static void onContext(Context context, Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  // ---- on the context ----

  private void send() {
    if (stopped != null) {
      release(); // cancelled before it began: nothing was sent
      return;
    }
    client.request(options).onComplete(obtained -> {
      if (obtained.failed()) {
        failed(obtained.cause());
        return;
      }
      HttpClientRequest r = obtained.result();
      request = r;
      if (stopped != null) {
        reset();
        return;
      }
      Future<HttpClientResponse> sent = body == null ? r.send() : r.send(body);
      sent.onComplete(head -> {
        if (head.failed()) {
          failed(head.cause());
        } else if (stopped != null) {
          reset();
        } else {
          onResponse(head.result());
        }
      });
    });
  }

  /** The response head arrived and the caller still wants it. Runs in Vert.x's callback: set handlers now. */
  abstract void onResponse(HttpClientResponse response);

  /** The caller gave up ({@code why}): reset what is under way. Idempotent. */
  void stop(Throwable why) {
    if (stopped != null) {
      return;
    }
    stopped = why;
    if (request != null) {
      reset();
    }
  }

  /** Vert.x failed the call before its response was handed over. */
  final void failed(Throwable cause) {
    release();
    if (stopped == null) {
      future.completeExceptionally(failures.apply(cause));
    }
  }

  /**
   * Resets the request (closing an HTTP/1.1 connection); the call is released once Vert.x has done
   * it. Not after the call was released: its connection may be back in the pool, serving another call.
   */
  final void reset() {
    if (released) {
      return;
    }
    request.reset().onComplete(done -> release());
  }

  final void release() {
    if (!released) {
      released = true;
      onRelease.accept(this);
    }
  }

  private static final class Whole extends VertxCall<HttpResponse> {

    // confined to the context; dropped as soon as the body is too long
    private List<Buffer> chunks;
    private long receivedBytes;

    Whole(Context context, HttpClient client, RequestOptions options, Buffer body, long maxBodyBytes,
        CompletableFuture<HttpResponse> future, Function<Throwable, Throwable> failures,
        Consumer<VertxCall<?>> onRelease) {
      super(context, client, options, body, maxBodyBytes, future, failures, onRelease);
    }

    @Override
    void onResponse(HttpClientResponse response) {
      // First: a reset of a response without one would be logged by Vert.x as an error with its stack.
      response.exceptionHandler(this::failed);
      ResponseBodyTooLargeException announced = ResponseBodyTooLargeException.ifAnnounced(
          response.request().getMethod().name(), response.statusCode(), response.getHeader(HttpHeaders.CONTENT_LENGTH),
          maxBodyBytes);
      if (announced != null) {
        tooLarge(announced);
        return;
      }
      // Read here rather than with response.body(), which would take in a body of any length.
      chunks = new ArrayList<>(2);
      response.handler(chunk -> {
        if (stopped != null) {
          return; // too long already, or cancelled: the reset is under way
        }
        if (chunk.length() > maxBodyBytes - receivedBytes) {
          tooLarge(ResponseBodyTooLargeException.exceeded(maxBodyBytes));
        } else {
          chunks.add(chunk); // Vert.x hands each chunk over as a buffer of its own: kept, not copied
          receivedBytes += chunk.length();
        }
      });
      response.endHandler(end -> {
        release(); // the body ended: Vert.x has put the connection back in the pool
        if (stopped != null) {
          return;
        }
        try { // the joined array is handed over, not copied again
          future.complete(OwnedResponses.of(response.statusCode(), headersOf(response), joined()));
        } catch (RuntimeException e) { // e.g. a status outside 100..999: never leave the caller waiting
          future.completeExceptionally(failures.apply(e));
        }
      });
    }

    /**
     * Fails the call and resets it: over HTTP/1.1 the connection is closed rather than read to the
     * end of the body or handed back to the pool with the rest of it unread. Before the end arrived,
     * so the connection is still this call's own.
     */
    private void tooLarge(ResponseBodyTooLargeException failure) {
      chunks = null;
      future.completeExceptionally(failures.apply(failure));
      stop(failure);
    }

    /**
     * The body's chunks as one array. Kept apart until now because a buffer grown as they came
     * would copy itself on every growth (Netty grows one by 4 MiB at a time past 4 MiB) and so
     * briefly hold the body twice: reading up to the limit would take twice the limit of heap. Each
     * chunk is let go once copied.
     */
    private byte[] joined() {
      if (chunks.size() == 1) {
        return chunks.get(0).getBytes();
      }
      byte[] bytes = new byte[Math.toIntExact(receivedBytes)];
      int at = 0;
      for (int i = 0; i < chunks.size(); i++) {
        Buffer chunk = chunks.set(i, null);
        chunk.getBytes(bytes, at);
        at += chunk.length();
      }
      chunks = null;
      return bytes;
    }
  }

  private static final class Streaming extends VertxCall<StreamingHttpResponse> {

    private VertxStreamingResponse response;

    Streaming(Context context, HttpClient client, RequestOptions options, Buffer body, long maxBodyBytes,
        CompletableFuture<StreamingHttpResponse> future, Function<Throwable, Throwable> failures,
        Consumer<VertxCall<?>> onRelease) {
      super(context, client, options, body, maxBodyBytes, future, failures, onRelease);
    }

    @Override
    void onResponse(HttpClientResponse head) {
      response = new VertxStreamingResponse(context, request, head, failures, maxBodyBytes, this::release);
      if (!future.complete(response)) {
        response.close(); // the caller cancelled in the meantime: nobody will read it
      }
    }

    @Override
    void stop(Throwable why) {
      if (stopped == null && response != null) {
        stopped = why;
        response.abort(why); // the response belongs to the caller now: fail its body, then reset
        return;
      }
      super.stop(why);
    }
  }
}

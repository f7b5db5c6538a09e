package dev.switchboard.server.internal;

import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.RouteInfo;
import dev.switchboard.core.wire.OpenAiJson;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Flow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a streamed chat completion as server-sent events: {@code data: <chunk>\n\n} per chunk,
 * then {@code data: [DONE]\n\n}.
 *
 * <p>Chunks are written as they arrive, but those that arrive together (one upstream read carries
 * several events) go out as one write: each event is appended to a buffer, and a task queued behind
 * the current one writes it, as soon as the read has been handled. One write per read instead of one
 * per event saves Vert.x's per-write work and an HTTP chunk header each: a 20-chunk stream cost
 * 161-207 µs of the gateway's core with a write per event against 112-119 µs (benchmarks/RESULTS.md).
 * When the bytes reach the socket is the connection's {@link FlushBatching}'s business: at the end of
 * the event loop's pass over its ready sockets.
 *
 * <p>Demand follows the socket: one more chunk is requested as long as the response's write queue
 * is not full; otherwise the drain handler asks for it. A slow client so slows the upstream read
 * instead of filling memory. The client closing the connection cancels the subscription, which
 * closes the upstream call.
 *
 * <p>A failure before the first chunk is answered as an ordinary JSON error with its status (the
 * status line has not been sent yet); after it, as a last {@code data: {"error":{…}}} event.
 *
 * <p>Threading: a signal on the request's Vert.x context (the usual case: the upstream call runs
 * there) is handled at once; one from another thread hops onto the context first. All state below
 * is touched only there.
 */
final class SseResponse implements Flow.Subscriber<ChatChunk> {

  private static final Logger log = LoggerFactory.getLogger(SseResponse.class);
  private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");
  private static final byte[] PREFIX = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SUFFIX = "\n\n".getBytes(StandardCharsets.US_ASCII);

  private final RoutingContext ctx;
  private final HttpServerResponse response;
  private final Context context;
  private final boolean includeUsage;
  // confined to the context
  private Flow.Subscription subscription;
  private boolean headersSent;
  private boolean finished;
  private boolean awaitingDrain;
  private Buffer pending; // events not yet written
  private boolean flushQueued;

  private SseResponse(RoutingContext ctx, Context context, boolean includeUsage) {
    this.ctx = ctx;
    this.response = ctx.response();
    this.context = context;
    this.includeUsage = includeUsage;
  }

  /** Subscribes to {@code chunks} and writes them to the response of {@code ctx}. Call on its event loop. */
  static void stream(RoutingContext ctx, Flow.Publisher<ChatChunk> chunks, boolean includeUsage) {
    SseResponse sse = new SseResponse(ctx, ctx.vertx().getOrCreateContext(), includeUsage);
    sse.response.closeHandler(v -> sse.clientClosed());
    sse.response.drainHandler(v -> sse.drained());
    chunks.subscribe(sse);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    context.runOnContext(v -> {
      if (subscription != null) {
        s.cancel(); // Reactive Streams §2.5: a second subscription is refused
        return;
      }
      subscription = s;
      if (finished) {
        s.cancel(); // the client left before the stream began
      } else {
        s.request(1);
      }
    });
  }

  @Override
  public void onNext(ChatChunk chunk) {
    onContext(() -> {
      try {
        write(chunk);
      } catch (RuntimeException e) { // e.g. a chunk the codec cannot write: end the stream, never hang it
        if (subscription != null) {
          subscription.cancel();
        }
        fail(e);
      }
    });
  }

  @Override
  public void onError(Throwable error) {
    onContext(() -> fail(error));
  }

  @Override
  public void onComplete() {
    onContext(this::complete);
  }

  private void onContext(Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  private void write(ChatChunk chunk) {
    if (finished) {
      return;
    }
    if (!headersSent) {
      sendHeaders(chunk.route());
    }
    ChatChunk out = chunk;
    if (!includeUsage && chunk.usage() != null) {
      // OpenAI sends usage only when stream_options.include_usage asks for it.
      out = chunk.choices().isEmpty() ? null : chunk.toBuilder().usage(null).build();
    }
    if (out != null) {
      append(OpenAiJson.writeChatChunk(out));
    }
    if (!awaitingDrain) {
      subscription.request(1);
    }
  }

  private void append(byte[] json) {
    if (pending == null) {
      pending = event(json);
    } else {
      appendEvent(pending, json);
    }
    if (!flushQueued) {
      flushQueued = true;
      context.runOnContext(v -> flush());
    }
  }

  private void flush() {
    flushQueued = false;
    if (finished || pending == null) {
      return;
    }
    response.write(pending);
    pending = null;
    if (response.writeQueueFull()) {
      awaitingDrain = true;
    }
  }

  /** What is pending, followed by {@code last}: the stream's final write. */
  private Buffer withPending(Buffer last) {
    if (pending == null) {
      return last;
    }
    Buffer all = pending.appendBuffer(last);
    pending = null;
    return all;
  }

  private void drained() {
    if (awaitingDrain && !finished) {
      awaitingDrain = false;
      subscription.request(1);
    }
  }

  private void complete() {
    if (finished) {
      return;
    }
    finished = true;
    if (!headersSent) {
      sendHeaders(null);
    }
    response.end(withPending(DONE));
  }

  private void fail(Throwable error) {
    if (finished) {
      return;
    }
    finished = true;
    if (!headersSent) {
      ErrorResponses.send(ctx, error);
      return;
    }
    Throwable t = ErrorResponses.unwrap(error);
    byte[] body;
    if (t instanceof SwitchboardException) {
      body = ErrorResponses.body((SwitchboardException) t);
    } else {
      log.error("stream of request {} failed inside the gateway", ctx.<String>get(GatewayRouter.REQUEST_ID_KEY), t);
      body = OpenAiJson.writeErrorBody("the gateway failed while streaming the response", "server_error", null, null);
    }
    response.end(withPending(event(body)));
  }

  private void clientClosed() {
    if (finished) {
      return;
    }
    finished = true;
    pending = null;
    if (subscription != null) {
      subscription.cancel();
    }
  }

  private void sendHeaders(RouteInfo route) {
    headersSent = true;
    response.setStatusCode(200)
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no"); // tells nginx-like proxies not to buffer the events
    GatewayRouter.routeHeaders(response, route);
  }

  private static Buffer event(byte[] json) {
    return appendEvent(Buffer.buffer(PREFIX.length + json.length + SUFFIX.length), json);
  }

  private static Buffer appendEvent(Buffer to, byte[] json) {
    return to.appendBytes(PREFIX).appendBytes(json).appendBytes(SUFFIX);
  }
}

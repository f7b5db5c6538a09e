package dev.switchboard.providers.openai;

import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.internal.json.PlainJson;
import dev.switchboard.core.internal.json.Problems;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.wire.OpenAiJson;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.http.StreamingHttpResponse;
import dev.switchboard.providers.internal.flow.Demand;
import dev.switchboard.providers.internal.sse.SseEvent;
import dev.switchboard.providers.internal.sse.SsePublisher;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * One streamed chat completion: a cold, single-subscriber publisher of the chunks an OpenAI-style
 * {@code text/event-stream} body carries.
 *
 * <p>Nothing is sent before the first demand. Each server-sent event becomes at most one chunk, so
 * the subscriber's demand is passed upstream one to one (events that carry no chunk, and chunks the
 * {@link OpenAiDialect#adaptChunk dialect} drops, are replaced by a request for one more): a slow
 * subscriber slows the read of the body. {@code cancel()} cancels
 * the call before its response arrives and the body subscription after, which closes the
 * connection.
 *
 * <p>Ends: {@code onComplete} on {@code [DONE]} (the rest of the body is then read and dropped, so
 * that the connection can be reused), or at the end of the body if a finish reason was seen;
 * {@code onError} for a non-2xx status (its body read and mapped), an error event, a malformed
 * chunk, a broken connection, or a body that ends before either.
 */
final class ChunkStream implements Flow.Publisher<ChatChunk> {

  private static final String DONE = "[DONE]";
  // An error event has "error" at the top (OpenAI) or says "object":"error" (vLLM). The pattern is a cheap
  // pre-check; the top level is then confirmed, because chunks may nest an "error" key (Azure's
  // content_filter_results report a filter that could not run that way).
  private static final Pattern ERROR_EVENT = Pattern.compile("\"error\"\\s*:|\"object\"\\s*:\\s*\"error\"");

  private final HttpTransport transport;
  private final OpenAiProvider.RequestSupplier request;
  private final OpenAiErrors errors;
  private final OpenAiDialect dialect;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  ChunkStream(HttpTransport transport, OpenAiProvider.RequestSupplier request, OpenAiErrors errors,
      OpenAiDialect dialect) {
    this.transport = transport;
    this.request = request;
    this.errors = errors;
    this.dialect = dialect;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ChatChunk> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    // One stream is one upstream call: a second subscriber must not silently start another.
    if (!subscribed.compareAndSet(false, true)) {
      subscriber.onSubscribe(Refused.INSTANCE);
      subscriber.onError(new IllegalStateException("an OpenAI chat stream accepts one subscriber"));
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

    // touched only by the event signals, which are serial
    private boolean done;
    private boolean finishSeen;

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
      new SsePublisher(r.body()).subscribe(this);
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
    public void onNext(SseEvent event) {
      if (done) { // [DONE] was the end: anything after it is not ours to read
        events.cancel();
        return;
      }
      String data = event.data();
      if (DONE.equals(data.strip())) {
        done = true;
        emitComplete();
        events.request(1); // read the body to its end so that the connection goes back to the pool
        return;
      }
      if ("error".equals(event.event()) || ERROR_EVENT.matcher(data).find() && isErrorAtTopLevel(data)) {
        fail(errors.fromStreamEvent(data));
        return;
      }
      if (data.isBlank() || !SseEvent.DEFAULT_EVENT.equals(event.event())) {
        events.request(1); // e.g. a named ping event: no chunk, so ask for the event that replaces it
        return;
      }
      ChatChunk chunk;
      try {
        chunk = OpenAiJson.readChatChunk(data);
      } catch (SwitchboardException malformed) {
        fail(errors.malformed(malformed));
        return;
      } catch (RuntimeException e) {
        fail(errors.fromTransport(e));
        return;
      }
      for (ChunkChoice choice : chunk.choices()) {
        if (choice.finishReason() != null) {
          finishSeen = true;
        }
      }
      ChatChunk adapted = dialect.adaptChunk(chunk);
      if (adapted == null) {
        events.request(1); // nothing for the subscriber: ask for the event that replaces it
        return;
      }
      emitNext(adapted);
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
      if (done) {
        return;
      }
      if (finishSeen) { // some compatible servers end the body without [DONE]
        emitComplete();
      } else {
        emitError(errors.streamEndedEarly());
      }
    }

    private void fail(SwitchboardException error) {
      events.cancel();
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

  // Only called when the pre-check matched; text that is not a JSON object is left to the chunk reader to report.
  private static boolean isErrorAtTopLevel(String data) {
    Map<String, Object> root;
    try {
      root = PlainJson.parseObject(data, Problems.RESPONSE, "the event");
    } catch (SwitchboardException notAnObject) {
      return false;
    }
    return root.get("error") != null || "error".equals(root.get("object"));
  }

  private static final class Refused implements Flow.Subscription {
    static final Refused INSTANCE = new Refused();

    @Override
    public void request(long n) {}

    @Override
    public void cancel() {}
  }
}

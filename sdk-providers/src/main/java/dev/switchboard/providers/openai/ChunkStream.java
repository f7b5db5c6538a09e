package dev.switchboard.providers.openai;

import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.internal.json.PlainJson;
import dev.switchboard.core.internal.json.Problems;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.wire.OpenAiJson;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.internal.http.UpstreamStream;
import dev.switchboard.providers.internal.sse.SseEvent;
import dev.switchboard.providers.internal.sse.SsePublisher;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;
import java.util.regex.Pattern;

/**
 * One streamed chat completion: a cold, single-subscriber publisher of the chunks an OpenAI-style
 * {@code text/event-stream} body carries. The call is an {@link UpstreamStream}: nothing is sent
 * before the first demand, a slow subscriber slows the read of the body, and {@code cancel()}
 * cancels the call before its response arrives and closes the connection after.
 *
 * <p>Each server-sent event becomes at most one chunk; events that carry none (comments, pings,
 * named events, chunks the {@link OpenAiDialect#adaptChunk dialect} drops) are replaced by a read of
 * the next one.
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

  private final UpstreamStream<ChatChunk> stream;

  ChunkStream(HttpTransport transport, OpenAiProvider.RequestSupplier request, OpenAiErrors errors,
      OpenAiDialect dialect) {
    this.stream = UpstreamStream.events("an OpenAI chat stream", transport, request::get, errors,
        SsePublisher::new, () -> new Chunks(errors, dialect));
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ChatChunk> subscriber) {
    stream.subscribe(subscriber);
  }

  /** One stream's events to chunks. Not thread-safe: events are fed serially. */
  private static final class Chunks implements UpstreamStream.EventMapper<SseEvent, ChatChunk> {

    private final OpenAiErrors errors;
    private final OpenAiDialect dialect;
    private boolean done;
    private boolean finishSeen;

    Chunks(OpenAiErrors errors, OpenAiDialect dialect) {
      this.errors = errors;
      this.dialect = dialect;
    }

    @Override
    public List<ChatChunk> apply(SseEvent event) {
      String data = event.data();
      if (DONE.equals(data.strip())) {
        done = true;
        return List.of();
      }
      if ("error".equals(event.event()) || mayBeAnError(data) && isErrorAtTopLevel(data)) {
        throw errors.fromStreamEvent(data);
      }
      if (data.isBlank() || !SseEvent.DEFAULT_EVENT.equals(event.event())) {
        return List.of(); // e.g. a named ping event
      }
      ChatChunk chunk;
      try {
        chunk = OpenAiJson.readChatChunk(data);
      } catch (SwitchboardException malformed) {
        throw errors.malformed(malformed);
      }
      for (ChunkChoice choice : chunk.choices()) {
        if (choice.finishReason() != null) {
          finishSeen = true;
        }
      }
      ChatChunk adapted;
      try {
        adapted = dialect.adaptChunk(chunk);
      } catch (RuntimeException e) { // a dialect's bug, reported like a failed read
        throw errors.fromTransport(e);
      }
      return adapted == null ? List.of() : List.of(adapted);
    }

    @Override
    public boolean isComplete() {
      return done;
    }

    @Override
    public List<ChatChunk> finish() {
      if (!finishSeen) { // some compatible servers end the body without [DONE], but never before a finish reason
        throw errors.streamEndedEarly();
      }
      return List.of();
    }
  }

  // Both shapes of ERROR_EVENT contain "error" in quotes: String.indexOf (vectorised) rules out nearly
  // every chunk, where the regex alone tried its alternation at each position (a quarter of the
  // gateway's CPU on a streamed answer).
  private static boolean mayBeAnError(String data) {
    return data.contains("\"error\"") && ERROR_EVENT.matcher(data).find();
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
}

package dev.switchboard.providers.anthropic;

import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.providers.http.HttpRequest;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.internal.http.UpstreamStream;
import dev.switchboard.providers.internal.sse.SseEvent;
import dev.switchboard.providers.internal.sse.SsePublisher;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.function.Supplier;

/**
 * One streamed Anthropic message: a cold, single-subscriber publisher of the OpenAI-style chunks that
 * {@link AnthropicEvents} makes of the {@code text/event-stream} body. The call is an
 * {@link UpstreamStream}: nothing is sent before the first demand, a slow subscriber slows the read
 * of the body, and {@code cancel()} cancels the call before its response arrives and closes the
 * connection after.
 *
 * <p>Each server-sent event becomes at most one chunk; events that carry none, such as {@code ping}
 * or {@code content_block_stop}, are replaced by a read of the next one.
 *
 * <p>Ends: {@code onComplete} after the chunk of {@code message_stop} (the rest of the body is then
 * read and dropped, so that the connection can be reused); {@code onError} for a request the adapter
 * refused to translate (on first demand, as it is, without a call), a non-2xx status (its body read
 * and mapped), an {@code error} event, a malformed event, a broken connection, or a body that ends
 * before {@code message_stop}.
 */
final class AnthropicStream implements Flow.Publisher<ChatChunk> {

  /** Builds the HTTP request; may throw the {@link SwitchboardException} that refuses the call. */
  @FunctionalInterface
  interface RequestSupplier {
    HttpRequest get();
  }

  private final UpstreamStream<ChatChunk> stream;

  /**
   * @param translator makes the stream's translator when the subscriber subscribes (which dates its
   *     chunks)
   */
  AnthropicStream(HttpTransport transport, RequestSupplier request, Supplier<AnthropicEvents> translator,
      AnthropicErrors errors) {
    this.stream = UpstreamStream.events("an Anthropic chat stream", transport, request::get, errors,
        SsePublisher::new, () -> new Chunks(translator.get(), errors));
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ChatChunk> subscriber) {
    stream.subscribe(subscriber);
  }

  /** {@link AnthropicEvents}' steps as a mapper: a chunk or none, and the end at {@code message_stop}. */
  private static final class Chunks implements UpstreamStream.EventMapper<SseEvent, ChatChunk> {

    private final AnthropicEvents events;
    private final AnthropicErrors errors;
    private boolean done;

    Chunks(AnthropicEvents events, AnthropicErrors errors) {
      this.events = events;
      this.errors = errors;
    }

    @Override
    public List<ChatChunk> apply(SseEvent event) {
      AnthropicEvents.Step step = events.onEvent(event); // throws the mapped error event or malformed event
      if (step.last()) {
        done = true;
      }
      return step.chunk() == null ? List.of() : List.of(step.chunk());
    }

    @Override
    public boolean isComplete() {
      return done;
    }

    @Override
    public List<ChatChunk> finish() {
      throw errors.streamEndedEarly(); // called only when the body ended before message_stop
    }
  }
}

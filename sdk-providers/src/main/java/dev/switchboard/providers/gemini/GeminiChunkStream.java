package dev.switchboard.providers.gemini;

import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.providers.http.HttpRequest;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.internal.http.UpstreamStream;
import dev.switchboard.providers.internal.sse.SsePublisher;
import java.util.concurrent.Flow;
import java.util.function.Supplier;

/**
 * One streamed Gemini completion ({@code streamGenerateContent?alt=sse}): a cold, single-subscriber
 * publisher of the chunks {@link GeminiResponses.StreamMapper} makes from the server-sent events.
 *
 * <p>The call is an {@link UpstreamStream}: nothing is sent before the first demand; one event is
 * read only while a chunk is wanted and none is waiting, so a slow subscriber slows the read;
 * {@code cancel()} cancels the call before its response arrives and closes the connection after.
 *
 * <p>Ends: {@code onComplete} at the end of the body once a finish reason was seen (Gemini sends no
 * end marker); {@code onError} for a non-2xx status (its body read and mapped), an error event, a
 * blocked prompt, a malformed event, a broken connection, or a body that ends before a finish
 * reason.
 */
final class GeminiChunkStream implements Flow.Publisher<ChatChunk> {

  private final UpstreamStream<ChatChunk> stream;

  GeminiChunkStream(HttpTransport transport, HttpRequest request, GeminiErrors errors,
      Supplier<GeminiResponses.StreamMapper> mapper) {
    this.stream = UpstreamStream.events("a Gemini chat stream", transport, () -> request, errors,
        SsePublisher::new, mapper);
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ChatChunk> subscriber) {
    stream.subscribe(subscriber);
  }
}

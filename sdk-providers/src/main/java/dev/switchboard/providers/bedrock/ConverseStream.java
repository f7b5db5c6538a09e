package dev.switchboard.providers.bedrock;

import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.http.StreamingHttpResponse;
import dev.switchboard.providers.internal.aws.EventStreamMessage;
import dev.switchboard.providers.internal.aws.EventStreamPublisher;
import dev.switchboard.providers.internal.http.UpstreamStream;
import java.util.concurrent.Flow;

/**
 * One streamed Converse call: a cold, single-subscriber publisher of the chunks a
 * {@code converse-stream} body ({@code application/vnd.amazon.eventstream}) carries.
 *
 * <p>The call is an {@link UpstreamStream}: nothing is sent before the first demand; the body is
 * decoded message by message ({@link EventStreamPublisher}) and each message mapped to zero or more
 * chunks ({@link ConverseChunks}) while the subscriber has demand, so a slow subscriber slows the read
 * of the body; {@code cancel()} cancels the call before its response arrives and closes the
 * connection after.
 *
 * <p>Ends: {@code onComplete} when the body ends after a {@code messageStop} event; {@code onError} for a
 * non-2xx status (its body read and mapped), an exception or error message in the stream, a malformed
 * frame or event (bad CRC, truncated frame, non-JSON payload), a broken connection, or a body that ends
 * before {@code messageStop}.
 */
final class ConverseStream implements Flow.Publisher<ChatChunk> {

  private final UpstreamStream<ChatChunk> stream;

  /** Makes the chunk mapper of a stream once its response headers are known. */
  @FunctionalInterface
  interface ChunkMappers {
    ConverseChunks forResponse(StreamingHttpResponse response);
  }

  ConverseStream(HttpTransport transport, BedrockProvider.RequestSupplier request, BedrockErrors errors,
      ChunkMappers mappers) {
    this.stream = UpstreamStream.events("a Bedrock chat stream", transport, request::get, errors,
        EventStreamPublisher::new, () -> new Chunks(mappers));
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ChatChunk> subscriber) {
    stream.subscribe(subscriber);
  }

  /** The {@link ConverseChunks} made for the response, whose headers carry the chunks' id. */
  private static final class Chunks implements UpstreamStream.EventMapper<EventStreamMessage, ChatChunk> {

    private final ChunkMappers mappers;
    private ConverseChunks chunks;

    Chunks(ChunkMappers mappers) {
      this.mappers = mappers;
    }

    @Override
    public void onResponse(StreamingHttpResponse response) {
      chunks = mappers.forResponse(response);
    }

    @Override
    public Iterable<ChatChunk> apply(EventStreamMessage message) {
      return chunks.apply(message);
    }

    @Override
    public Iterable<ChatChunk> finish() {
      return chunks.finish();
    }
  }
}

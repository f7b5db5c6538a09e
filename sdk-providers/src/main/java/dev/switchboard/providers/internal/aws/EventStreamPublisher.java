package dev.switchboard.providers.internal.aws;

import dev.switchboard.providers.internal.flow.FlatMapIterablePublisher;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.Flow;

/**
 * Event-stream messages decoded from a byte publisher (e.g. a streaming HTTP body).
 *
 * <p>Demand-driven like {@link dev.switchboard.providers.internal.sse.SsePublisher}: bytes are
 * requested only while the subscriber has unmet demand and no decoded message is waiting; cancel
 * reaches the upstream; an upstream error arrives after the messages decoded before it. A malformed
 * or truncated stream fails with an {@link EventStreamFormatException} (after the valid messages
 * before it) and cancels the upstream. See {@link FlatMapIterablePublisher} for the full contract.
 * Each subscriber gets its own decoder and its own upstream subscription.
 */
public final class EventStreamPublisher implements Flow.Publisher<EventStreamMessage> {

  private final FlatMapIterablePublisher<ByteBuffer, EventStreamMessage> delegate;

  /** @throws NullPointerException if {@code bytes} is null */
  public EventStreamPublisher(Flow.Publisher<ByteBuffer> bytes) {
    Objects.requireNonNull(bytes, "bytes");
    this.delegate = new FlatMapIterablePublisher<>(bytes, DecoderMapper::new);
  }

  @Override
  public void subscribe(Flow.Subscriber<? super EventStreamMessage> subscriber) {
    delegate.subscribe(subscriber);
  }

  private static final class DecoderMapper implements FlatMapIterablePublisher.Mapper<ByteBuffer, EventStreamMessage> {
    private final EventStreamDecoder decoder = new EventStreamDecoder();

    @Override
    public Iterable<EventStreamMessage> apply(ByteBuffer item) {
      return decoder.decode(item);
    }

    @Override
    public Iterable<EventStreamMessage> finish() {
      return decoder.finish();
    }
  }
}

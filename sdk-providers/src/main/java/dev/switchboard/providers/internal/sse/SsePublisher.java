package dev.switchboard.providers.internal.sse;

import dev.switchboard.providers.internal.flow.FlatMapIterablePublisher;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.Flow;

/**
 * Server-sent events decoded from a byte publisher (e.g. a streaming HTTP body).
 *
 * <p>Demand-driven: bytes are requested from the upstream only while the subscriber has unmet
 * demand and no decoded event is waiting; cancel reaches the upstream; an upstream error arrives
 * after the events decoded before it; completion follows the events {@link SseDecoder#finish()}
 * still had (see there for the missing-final-blank-line rule). See {@link FlatMapIterablePublisher}
 * for the full contract. Each subscriber gets its own decoder and its own upstream subscription.
 */
public final class SsePublisher implements Flow.Publisher<SseEvent> {

  private final FlatMapIterablePublisher<ByteBuffer, SseEvent> delegate;

  public SsePublisher(Flow.Publisher<ByteBuffer> bytes) {
    Objects.requireNonNull(bytes, "bytes");
    this.delegate = new FlatMapIterablePublisher<>(bytes, DecoderMapper::new);
  }

  @Override
  public void subscribe(Flow.Subscriber<? super SseEvent> subscriber) {
    delegate.subscribe(subscriber);
  }

  private static final class DecoderMapper implements FlatMapIterablePublisher.Mapper<ByteBuffer, SseEvent> {
    private final SseDecoder decoder = new SseDecoder();

    @Override
    public Iterable<SseEvent> apply(ByteBuffer item) {
      return decoder.decode(item);
    }

    @Override
    public Iterable<SseEvent> finish() {
      return decoder.finish();
    }
  }
}

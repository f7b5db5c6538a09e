package dev.switchboard.providers.internal.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.providers.testing.ManualPublisher;
import dev.switchboard.providers.testing.TestSubscriber;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EventStreamPublisherTest {

  private final ManualPublisher<ByteBuffer> upstream = new ManualPublisher<>();
  private final EventStreamPublisher messages = new EventStreamPublisher(upstream);
  private final byte[] first = EventStreamEncoder.event("messageStart", "{\"role\":\"assistant\"}");
  private final byte[] second = EventStreamEncoder.event("messageStop", "{\"stopReason\":\"end_turn\"}");

  @Test
  void request1_bufferWithTwoMessages_deliversOneAndHoldsTheOtherWithoutReadingMore() {
    TestSubscriber<EventStreamMessage> subscriber = new TestSubscriber<>(1);
    messages.subscribe(subscriber);

    upstream.emit(ByteBuffer.wrap(EventStreamEncoder.concat(first, second)));

    assertThat(subscriber.items()).extracting(m -> m.stringHeader(":event-type")).containsExactly("messageStart");
    assertThat(upstream.requested()).isEqualTo(1);
    subscriber.request(1);
    assertThat(subscriber.items()).extracting(m -> m.stringHeader(":event-type"))
        .containsExactly("messageStart", "messageStop");
    upstream.complete();
    assertThat(subscriber.isCompleted()).isTrue();
    subscriber.assertNoViolations();
  }

  @Test
  void complete_insideAMessage_failsWithFormatErrorAfterTheWholeMessages() {
    TestSubscriber<EventStreamMessage> subscriber = TestSubscriber.unbounded();
    messages.subscribe(subscriber);

    upstream.emit(ByteBuffer.wrap(EventStreamEncoder.concat(first, Arrays.copyOf(second, 20))));
    upstream.complete();

    assertThat(subscriber.items()).hasSize(1);
    assertThat(subscriber.error()).isInstanceOf(EventStreamFormatException.class)
        .hasMessageContaining("the stream ended inside a message (20 of");
  }

  @Test
  void corruptMessage_failsAndCancelsTheUpstream() {
    TestSubscriber<EventStreamMessage> subscriber = TestSubscriber.unbounded();
    messages.subscribe(subscriber);
    byte[] corrupt = second.clone();
    corrupt[corrupt.length - 6] ^= 0x01;

    upstream.emit(ByteBuffer.wrap(EventStreamEncoder.concat(first, corrupt)));

    assertThat(subscriber.items()).isEmpty();
    assertThat(subscriber.error()).isInstanceOf(EventStreamFormatException.class)
        .hasMessageContaining("message CRC mismatch");
    assertThat(upstream.isCancelled()).isTrue();
  }
}

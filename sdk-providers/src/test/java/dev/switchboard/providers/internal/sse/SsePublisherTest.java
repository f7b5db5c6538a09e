package dev.switchboard.providers.internal.sse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.providers.testing.ManualPublisher;
import dev.switchboard.providers.testing.TestSubscriber;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SsePublisherTest {

  private final ManualPublisher<ByteBuffer> upstream = new ManualPublisher<>();
  private final SsePublisher events = new SsePublisher(upstream);

  @Test
  void subscribe_noDemand_requestsNothingUpstream() {
    TestSubscriber<SseEvent> subscriber = TestSubscriber.withoutDemand();
    events.subscribe(subscriber);

    assertThat(upstream.requested()).isZero();
    assertThat(subscriber.items()).isEmpty();
  }

  @Test
  void request1_bufferWithThreeEvents_deliversExactlyOneAndHoldsTheRest() {
    TestSubscriber<SseEvent> subscriber = new TestSubscriber<>(1);
    events.subscribe(subscriber);
    assertThat(upstream.requested()).isEqualTo(1);

    upstream.emit(utf8("data: a\n\ndata: b\n\ndata: c\n\n"));
    assertThat(subscriber.items()).containsExactly(SseEvent.of("a"));

    subscriber.request(1);
    assertThat(subscriber.items()).containsExactly(SseEvent.of("a"), SseEvent.of("b"));
    assertThat(upstream.requested()).as("no upstream request while events are queued").isEqualTo(1);

    subscriber.request(2);
    assertThat(subscriber.items()).containsExactly(SseEvent.of("a"), SseEvent.of("b"), SseEvent.of("c"));
    assertThat(upstream.requested()).as("queue drained with demand left: one more buffer").isEqualTo(2);
    subscriber.assertNoViolations();
  }

  @Test
  void request1_bufferWithoutCompleteEvent_requestsNextBufferUntilAnEventIsDecoded() {
    TestSubscriber<SseEvent> subscriber = new TestSubscriber<>(1);
    events.subscribe(subscriber);

    upstream.emit(utf8("data: hel"));
    assertThat(upstream.requested()).isEqualTo(2);
    upstream.emit(utf8("lo\n"));
    assertThat(upstream.requested()).isEqualTo(3);
    upstream.emit(utf8(": keep-alive\n"));
    assertThat(upstream.requested()).isEqualTo(4);
    upstream.emit(utf8("\n"));

    assertThat(subscriber.items()).containsExactly(SseEvent.of("hello"));
    assertThat(upstream.outstanding()).as("demand met: nothing more requested").isZero();
  }

  @Test
  void cancel_midStream_reachesUpstreamAndStopsDelivery() {
    TestSubscriber<SseEvent> subscriber = new TestSubscriber<>(1);
    events.subscribe(subscriber);
    upstream.emit(utf8("data: a\n\ndata: b\n\n"));

    subscriber.cancel();
    subscriber.request(5);

    assertThat(upstream.isCancelled()).isTrue();
    assertThat(subscriber.items()).containsExactly(SseEvent.of("a"));
    assertThat(subscriber.isTerminated()).isFalse();
  }

  @Test
  void cancel_insideOnNext_reachesUpstream() {
    TestSubscriber<SseEvent> subscriber = TestSubscriber.<SseEvent>unbounded().onEachItem((s, item) -> s.cancel());
    events.subscribe(subscriber);
    upstream.emit(utf8("data: a\n\ndata: b\n\n"));

    assertThat(upstream.isCancelled()).isTrue();
    assertThat(subscriber.items()).containsExactly(SseEvent.of("a"));
  }

  @Test
  void upstreamError_withNothingQueued_isPropagatedAsIs() {
    TestSubscriber<SseEvent> subscriber = new TestSubscriber<>(1);
    events.subscribe(subscriber);
    IOException failure = new IOException("connection reset");

    upstream.error(failure);

    subscriber.awaitTerminal();
    assertThat(subscriber.error()).isSameAs(failure);
    assertThat(subscriber.isCompleted()).isFalse();
  }

  @Test
  void upstreamError_withQueuedEvents_isDeliveredAfterThem() {
    TestSubscriber<SseEvent> subscriber = new TestSubscriber<>(1);
    events.subscribe(subscriber);
    upstream.emit(utf8("data: a\n\ndata: b\n\n"));
    IOException failure = new IOException("connection reset");

    upstream.error(failure);
    assertThat(subscriber.isTerminated()).as("b is still owed").isFalse();
    subscriber.request(1);

    subscriber.awaitTerminal();
    assertThat(subscriber.items()).containsExactly(SseEvent.of("a"), SseEvent.of("b"));
    assertThat(subscriber.error()).isSameAs(failure);
  }

  @Test
  void upstreamError_partialEventPending_isNotDispatched() {
    TestSubscriber<SseEvent> subscriber = TestSubscriber.unbounded();
    events.subscribe(subscriber);
    upstream.emit(utf8("data: a\n\ndata: cut-off"));

    upstream.error(new IOException("unexpected end of stream"));

    subscriber.awaitTerminal();
    assertThat(subscriber.items()).containsExactly(SseEvent.of("a"));
    assertThat(subscriber.error()).hasMessage("unexpected end of stream");
  }

  @Test
  void upstreamComplete_eventWithoutFinalBlankLine_isDeliveredThenCompletes() {
    TestSubscriber<SseEvent> subscriber = new TestSubscriber<>(1);
    events.subscribe(subscriber);
    upstream.emit(utf8("data: a\n\ndata: [DONE]"));

    upstream.complete();
    assertThat(subscriber.isTerminated()).as("[DONE] is still owed").isFalse();
    subscriber.request(1);

    subscriber.awaitTerminal();
    assertThat(subscriber.items()).containsExactly(SseEvent.of("a"), SseEvent.of("[DONE]"));
    assertThat(subscriber.isCompleted()).isTrue();
  }

  @Test
  void upstreamComplete_nothingPending_completesWithoutDemand() {
    TestSubscriber<SseEvent> subscriber = TestSubscriber.withoutDemand();
    events.subscribe(subscriber);

    upstream.complete();

    subscriber.awaitTerminal();
    assertThat(subscriber.isCompleted()).isTrue();
    assertThat(subscriber.items()).isEmpty();
  }

  @Test
  void requestZero_signalsIllegalArgumentAndCancelsUpstream() {
    TestSubscriber<SseEvent> subscriber = TestSubscriber.withoutDemand();
    events.subscribe(subscriber);

    subscriber.request(0);

    subscriber.awaitTerminal();
    assertThat(subscriber.error()).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Reactive Streams rule 3.9: request(n) needs n > 0 but was 0");
    assertThat(upstream.isCancelled()).isTrue();
  }

  @Test
  void subscriberThrowingInOnNext_cancelsUpstreamAndGetsTheError() {
    IllegalStateException boom = new IllegalStateException("boom");
    TestSubscriber<SseEvent> subscriber = TestSubscriber.<SseEvent>unbounded().onEachItem((s, item) -> {
      throw boom;
    });
    events.subscribe(subscriber);

    upstream.emit(utf8("data: a\n\n"));

    assertThat(upstream.isCancelled()).isTrue();
    assertThat(subscriber.error()).isSameAs(boom);
  }

  @Test
  void unboundedDemand_manyBuffers_deliversAllInOrderAndCompletes() {
    TestSubscriber<SseEvent> subscriber = TestSubscriber.unbounded();
    events.subscribe(subscriber);
    for (int i = 0; i < 100; i++) {
      upstream.emit(utf8("data: " + i + "\n\n"));
    }
    upstream.complete();

    subscriber.awaitTerminal();
    assertThat(subscriber.items()).extracting(SseEvent::data).hasSize(100).startsWith("0", "1").endsWith("99");
    assertThat(upstream.requested()).as("one buffer at a time").isEqualTo(101);
  }

  @Test
  void asyncUpstreamAndConsumerRequestingFromOtherThreads_allEventsInOrderWithSerialSignals() throws Exception {
    int count = 5_000;
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < count; i++) {
      text.append("data: ").append(i).append("\n\n");
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    ExecutorService producerThreads = Executors.newFixedThreadPool(2);
    ExecutorService requesterThreads = Executors.newFixedThreadPool(3);
    SubmissionPublisher<ByteBuffer> bytesPublisher = new SubmissionPublisher<>(producerThreads, 4);
    try {
      TestSubscriber<SseEvent> subscriber = TestSubscriber.<SseEvent>withoutDemand()
          .onEachItem((s, item) -> requesterThreads.execute(() -> s.request(1)));
      new SsePublisher(bytesPublisher).subscribe(subscriber);
      subscriber.awaitSubscribed().request(1);

      ThreadLocalRandom random = ThreadLocalRandom.current();
      for (int offset = 0; offset < bytes.length; ) {
        int length = Math.min(1 + random.nextInt(40), bytes.length - offset);
        bytesPublisher.submit(ByteBuffer.wrap(bytes, offset, length).slice());
        offset += length;
      }
      bytesPublisher.close();

      subscriber.awaitTerminal();
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        expected.add(Integer.toString(i));
      }
      assertThat(subscriber.items()).extracting(SseEvent::data).containsExactlyElementsOf(expected);
      assertThat(subscriber.isCompleted()).isTrue();
    } finally {
      bytesPublisher.close();
      requesterThreads.shutdownNow();
      producerThreads.shutdownNow();
      assertThat(requesterThreads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static ByteBuffer utf8(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }
}

package dev.switchboard.providers.internal.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.providers.testing.ManualPublisher;
import dev.switchboard.providers.testing.TestSubscriber;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FlatMapIterablePublisherTest {

  private final ManualPublisher<String> upstream = new ManualPublisher<>();

  @Test
  void words_splitAcrossItems_areEmittedOnePerDemandAndFinishedOnCompletion() {
    FlatMapIterablePublisher<String, String> words = new FlatMapIterablePublisher<>(upstream, WordSplitter::new);
    TestSubscriber<String> subscriber = new TestSubscriber<>(2);
    words.subscribe(subscriber);

    upstream.emit("alpha be");
    upstream.emit("ta gam");
    assertThat(subscriber.items()).containsExactly("alpha", "beta");
    assertThat(upstream.requested()).isEqualTo(2);

    subscriber.request(5);
    assertThat(upstream.requested()).isEqualTo(3);
    upstream.complete();

    subscriber.awaitTerminal();
    assertThat(subscriber.items()).containsExactly("alpha", "beta", "gam");
    assertThat(subscriber.isCompleted()).isTrue();
  }

  @Test
  void mapperThrows_cancelsUpstreamAndSignalsWhatItThrew() {
    IllegalStateException broken = new IllegalStateException("broken mapper");
    FlatMapIterablePublisher<String, String> failing = new FlatMapIterablePublisher<>(upstream,
        () -> new FlatMapIterablePublisher.Mapper<String, String>() {
          @Override
          public Iterable<String> apply(String item) {
            throw broken;
          }

          @Override
          public Iterable<String> finish() {
            return List.of();
          }
        });
    TestSubscriber<String> subscriber = TestSubscriber.unbounded();
    failing.subscribe(subscriber);

    upstream.emit("x");

    subscriber.awaitTerminal();
    assertThat(subscriber.error()).isSameAs(broken);
    assertThat(upstream.isCancelled()).isTrue();
  }

  @Test
  void mapperFactoryThrows_subscriberGetsOnSubscribeThenTheError() {
    IllegalStateException broken = new IllegalStateException("no mapper");
    FlatMapIterablePublisher<String, String> failing = new FlatMapIterablePublisher<>(upstream, () -> {
      throw broken;
    });
    TestSubscriber<String> subscriber = TestSubscriber.unbounded();

    failing.subscribe(subscriber);

    subscriber.awaitTerminal();
    assertThat(subscriber.error()).isSameAs(broken);
    assertThat(upstream.requested()).isZero();
  }

  @Test
  void collector_heapAndDirectBuffers_areConcatenated() throws Exception {
    ManualPublisher<ByteBuffer> bytes = new ManualPublisher<>();
    CompletableFuture<byte[]> all = ByteBufferCollector.collect(bytes);
    ByteBuffer direct = ByteBuffer.allocateDirect(3).put("def".getBytes(StandardCharsets.UTF_8)).flip();
    ByteBuffer sliced = ByteBuffer.wrap("xxabcxx".getBytes(StandardCharsets.UTF_8), 2, 3).slice();

    bytes.emit(sliced);
    bytes.emit(direct);
    bytes.complete();

    assertThat(new String(all.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8)).isEqualTo("abcdef");
  }

  @Test
  void collector_futureCancelled_cancelsSubscription() {
    ManualPublisher<ByteBuffer> bytes = new ManualPublisher<>();
    CompletableFuture<byte[]> all = ByteBufferCollector.collect(bytes);

    all.cancel(true);

    assertThat(bytes.isCancelled()).isTrue();
    assertThat(all).isCompletedExceptionally();
    assertThat(all.isCancelled()).isTrue();
  }

  @Test
  void demand_addBeyondMaxValue_capsAtUnbounded() {
    AtomicLong demand = new AtomicLong(Long.MAX_VALUE - 1);
    Demand.add(demand, 5);
    assertThat(demand.get()).isEqualTo(Long.MAX_VALUE);
    assertThat(Demand.produced(demand, 3)).as("unbounded stays unbounded").isEqualTo(Long.MAX_VALUE);
  }

  /** Splits text into space-separated words; a word cut by an item boundary is joined with the next item. */
  private static final class WordSplitter implements FlatMapIterablePublisher.Mapper<String, String> {
    private String pending = "";

    @Override
    public Iterable<String> apply(String item) {
      String text = pending + item;
      int last = text.lastIndexOf(' ');
      pending = last < 0 ? text : text.substring(last + 1);
      return last < 0 ? List.of() : List.of(text.substring(0, last).split(" "));
    }

    @Override
    public Iterable<String> finish() {
      return pending.isEmpty() ? List.of() : List.of(pending);
    }
  }
}

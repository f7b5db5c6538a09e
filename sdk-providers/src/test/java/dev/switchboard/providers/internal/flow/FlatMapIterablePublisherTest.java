package dev.switchboard.providers.internal.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.providers.testing.ManualPublisher;
import dev.switchboard.providers.testing.TestSubscriber;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
  void mapperSeesTheEnd_completesAfterItsItemsWithoutWaitingForTheUpstream() {
    UntilEnd mapper = new UntilEnd();
    TestSubscriber<String> subscriber = new TestSubscriber<>(1);
    new FlatMapIterablePublisher<>(upstream, () -> mapper).subscribe(subscriber);

    upstream.emit("a b END");
    assertThat(subscriber.items()).containsExactly("a");
    assertThat(subscriber.isTerminated()).as("an item is still waiting for demand").isFalse();
    subscriber.request(1);

    assertThat(subscriber.items()).containsExactly("a", "b");
    assertThat(subscriber.isCompleted()).as("complete without more demand and before the upstream ends").isTrue();
    assertThat(mapper.finished).as("finish() is for an upstream that ends first").isFalse();
    subscriber.assertNoViolations();
  }

  @Test
  void mapperSeesTheEnd_upstreamIsDrainedToItsEndNotCancelled() {
    TestSubscriber<String> subscriber = TestSubscriber.unbounded();
    new FlatMapIterablePublisher<>(upstream, UntilEnd::new).subscribe(subscriber);
    upstream.emit("a END");
    assertThat(subscriber.isCompleted()).isTrue();

    assertThat(upstream.outstanding()).as("one more item asked for, to reach the upstream's end").isEqualTo(1);
    upstream.complete();

    assertThat(upstream.isCancelled()).isFalse();
    assertThat(subscriber.items()).containsExactly("a");
    subscriber.assertNoViolations();
  }

  @Test
  void mapperSeesTheEnd_anItemWhileDraining_cancelsTheUpstream() {
    TestSubscriber<String> subscriber = TestSubscriber.unbounded();
    new FlatMapIterablePublisher<>(upstream, UntilEnd::new).subscribe(subscriber);
    upstream.emit("a END");

    upstream.emit("b c");

    assertThat(upstream.isCancelled()).isTrue();
    assertThat(upstream.outstanding()).as("nothing more asked for").isZero();
    assertThat(subscriber.items()).containsExactly("a");
    assertThat(subscriber.isCompleted()).isTrue();
    subscriber.assertNoViolations();
  }

  @Test
  void mapperSeesTheEnd_upstreamErrorWhileDraining_isIgnored() {
    TestSubscriber<String> subscriber = TestSubscriber.unbounded();
    new FlatMapIterablePublisher<>(upstream, UntilEnd::new).subscribe(subscriber);
    upstream.emit("END");

    upstream.error(new IllegalStateException("connection reset"));

    assertThat(subscriber.isCompleted()).isTrue();
    assertThat(subscriber.error()).isNull();
    subscriber.assertNoViolations();
  }

  @Test
  void mapperSeesTheEnd_cancelWhileDraining_cancelsTheUpstream() {
    TestSubscriber<String> subscriber = TestSubscriber.unbounded();
    new FlatMapIterablePublisher<>(upstream, UntilEnd::new).subscribe(subscriber);
    upstream.emit("END");
    assertThat(upstream.isCancelled()).isFalse();

    subscriber.cancel();

    assertThat(upstream.isCancelled()).isTrue();
  }

  @Test
  void mapperNeverSeesTheEnd_completesWithTheUpstreamAfterFinish() {
    UntilEnd mapper = new UntilEnd();
    TestSubscriber<String> subscriber = TestSubscriber.unbounded();
    new FlatMapIterablePublisher<>(upstream, () -> mapper).subscribe(subscriber);
    upstream.emit("a b");
    assertThat(subscriber.isTerminated()).isFalse();

    upstream.complete();

    assertThat(mapper.finished).isTrue();
    assertThat(subscriber.items()).containsExactly("a", "b");
    assertThat(subscriber.isCompleted()).isTrue();
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

  /** Space-separated words, up to the word {@code END}, which ends the stream. */
  private static final class UntilEnd implements FlatMapIterablePublisher.Mapper<String, String> {
    private boolean ended;
    private boolean finished;

    @Override
    public Iterable<String> apply(String item) {
      List<String> words = new ArrayList<>();
      for (String word : item.split(" ")) {
        if (word.equals("END")) {
          ended = true;
          break;
        }
        words.add(word);
      }
      return words;
    }

    @Override
    public boolean isComplete() {
      return ended;
    }

    @Override
    public Iterable<String> finish() {
      finished = true;
      return List.of();
    }
  }
}

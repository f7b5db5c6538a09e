package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.InvalidRequestException;
import dev.switchboard.core.error.RateLimitedException;
import dev.switchboard.core.error.UpstreamException;
import dev.switchboard.core.error.UpstreamTimeoutException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.testing.FakeProvider;
import dev.switchboard.core.testing.RecordingListener;
import dev.switchboard.core.testing.TestPublisher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SwitchboardStreamTest {

  private final FakeProvider a = new FakeProvider("a");
  private final FakeProvider b = new FakeProvider("b");
  private final RecordingListener events = new RecordingListener();
  private Switchboard switchboard;

  @AfterEach
  void close() {
    if (switchboard != null) {
      switchboard.close();
    }
  }

  private Switchboard.Builder builder() {
    return Switchboard.builder().provider("a", a).provider("b", b).listener(events)
        .retryPolicy(RetryPolicy.none())
        .modelGroup(ModelGroup.builder("g").deployment("a", "model-a").deployment("b", "model-b").build());
  }

  private static ChatRequest request() {
    return ChatRequest.builder().model("g").addMessage(Message.user("hi")).build();
  }

  /** A subscriber that requests only what the test asks for. */
  static class Probe implements Flow.Subscriber<ChatChunk> {
    final List<ChatChunk> items = new CopyOnWriteArrayList<>();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    volatile Flow.Subscription subscription;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
    }

    @Override
    public void onNext(ChatChunk item) {
      items.add(item);
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      done.complete(null);
    }

    void request(long n) {
      subscription.request(n);
    }

    Throwable error() throws Exception {
      try {
        done.get(10, TimeUnit.SECONDS);
        return null;
      } catch (java.util.concurrent.ExecutionException e) {
        return e.getCause();
      }
    }
  }

  @Test
  void stream_nothingRequested_noUpstreamCall() {
    switchboard = builder().build();
    Probe probe = new Probe();

    switchboard.stream(request()).subscribe(probe);

    assertThat(probe.subscription).isNotNull();
    assertThat(a.calls()).isZero();
  }

  @Test
  void stream_demandMirroredUpstreamExactly_andRouteOnFirstChunk() throws Exception {
    TestPublisher<ChatChunk> upstream = new TestPublisher<>();
    a.thenStream(upstream);
    switchboard = builder().build();
    Probe probe = new Probe();
    switchboard.stream(request()).subscribe(probe);

    probe.request(1);
    upstream.awaitSubscribed();
    assertThat(upstream.requested()).isEqualTo(1);
    upstream.emit(FakeProvider.chunk("Hel"));
    assertThat(upstream.requested()).isEqualTo(1); // no read-ahead beyond the caller's demand

    probe.request(2);
    assertThat(upstream.requested()).isEqualTo(3);
    upstream.emit(FakeProvider.chunk("lo"));
    upstream.emit(FakeProvider.chunk("!").toBuilder().usage(Usage.of(3, 3)).build());
    upstream.complete();

    assertThat(probe.error()).isNull();
    assertThat(probe.items).extracting(ChatChunk::text).containsExactly("Hel", "lo", "!");
    assertThat(probe.items.get(0).route().deployment()).isEqualTo("a/model-a");
    assertThat(probe.items.get(1).route()).isNull();
    assertThat(a.requests().get(0).model()).isEqualTo("model-a");
    assertThat(events.lastEndUsage).isEqualTo(Usage.of(3, 3));
    assertThat(events.events).containsSubsequence("firstToken a/model-a", "attemptEnd a/model-a #1 ok",
        "requestEnd g ok");
  }

  @Test
  void stream_failsBeforeFirstChunk_fallsBackToNextDeployment() throws Exception {
    TestPublisher<ChatChunk> first = new TestPublisher<>();
    TestPublisher<ChatChunk> second = new TestPublisher<>();
    a.thenStream(first);
    b.thenStream(second);
    switchboard = builder().build();
    Probe probe = new Probe();
    switchboard.stream(request()).subscribe(probe);
    probe.request(5);

    first.fail(new RateLimitedException("busy", ErrorDetails.none()));
    second.awaitSubscribed();
    assertThat(second.requested()).isEqualTo(5);
    second.emit(FakeProvider.chunk("from b"));
    second.complete();

    assertThat(probe.error()).isNull();
    assertThat(probe.items).extracting(ChatChunk::text).containsExactly("from b");
    assertThat(probe.items.get(0).route().fallbacks()).isEqualTo(1);
  }

  @Test
  void stream_failsAfterFirstChunk_endsWithErrorAndNeverFallsBack() throws Exception {
    TestPublisher<ChatChunk> first = new TestPublisher<>();
    a.thenStream(first);
    switchboard = builder().build();
    Probe probe = new Probe();
    switchboard.stream(request()).subscribe(probe);
    probe.request(5);

    first.emit(FakeProvider.chunk("partial"));
    first.fail(new UpstreamException("connection cut", ErrorDetails.none()));

    assertThat(probe.error()).isInstanceOf(UpstreamException.class).hasMessage("connection cut");
    assertThat(probe.items).hasSize(1);
    assertThat(b.calls()).isZero();
  }

  @Test
  void stream_noFirstTokenInTime_cancelsUpstreamAndFallsBack() throws Exception {
    TestPublisher<ChatChunk> silent = new TestPublisher<>();
    TestPublisher<ChatChunk> second = new TestPublisher<>();
    a.thenStream(silent);
    b.thenStream(second);
    switchboard = builder().timeouts(Timeouts.of(Duration.ofMillis(50), Duration.ofSeconds(30))).build();
    Probe probe = new Probe();
    switchboard.stream(request()).subscribe(probe);
    probe.request(1);

    assertThat(silent.awaitCancelled(10)).isTrue();
    second.awaitSubscribed();
    second.emit(FakeProvider.chunk("fast"));
    second.complete();

    assertThat(probe.error()).isNull();
    assertThat(events.events).contains("fallback a/model-a UpstreamTimeoutException");
  }

  @Test
  void stream_totalTimeoutAfterFirstChunk_endsWithTimeoutError() throws Exception {
    TestPublisher<ChatChunk> slow = new TestPublisher<>();
    a.thenStream(slow);
    // The total timer starts with the attempt; the first chunk must beat it, so give it a wide margin on a loaded machine.
    switchboard = builder().timeouts(Timeouts.of(Duration.ofSeconds(5), Duration.ofMillis(1500))).build();
    Probe probe = new Probe();
    switchboard.stream(request()).subscribe(probe);
    probe.request(10);
    slow.emit(FakeProvider.chunk("a"));
    assertThat(probe.items).hasSize(1);

    assertThat(probe.error()).isInstanceOfSatisfying(UpstreamTimeoutException.class,
        e -> assertThat(e.phase()).isEqualTo(UpstreamTimeoutException.Phase.TOTAL));
    assertThat(slow.isCancelled()).isTrue();
  }

  @Test
  void stream_callerCancels_cancelsUpstreamAndReportsCancellation() throws Exception {
    TestPublisher<ChatChunk> upstream = new TestPublisher<>();
    a.thenStream(upstream);
    switchboard = builder().build();
    Probe probe = new Probe();
    switchboard.stream(request()).subscribe(probe);
    probe.request(1);
    upstream.emit(FakeProvider.chunk("x"));

    probe.subscription.cancel();

    assertThat(upstream.isCancelled()).isTrue();
    assertThat(events.lastEndError).isInstanceOf(CancellationException.class);
    assertThat(events.events).contains("attemptEnd a/model-a #1 CancellationException");
    assertThat(b.calls()).isZero();
  }

  @Test
  void stream_invalidRequest_signalsTypedErrorWithoutUpstreamCall() throws Exception {
    switchboard = builder().build();
    Probe probe = new Probe();

    switchboard.stream(ChatRequest.builder().model("g").build()).subscribe(probe);
    probe.request(1);

    assertThat(probe.error()).isInstanceOf(InvalidRequestException.class);
    assertThat(a.calls()).isZero();
  }

  @Test
  void stream_secondSubscriber_isRefused() throws Exception {
    a.thenStream(new TestPublisher<>());
    switchboard = builder().build();
    Flow.Publisher<ChatChunk> stream = switchboard.stream(request());
    stream.subscribe(new Probe());
    Probe second = new Probe();

    stream.subscribe(second);

    assertThat(second.error()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void streamBlocking_iteratesChunksAndCloseCancelsUpstream() {
    TestPublisher<ChatChunk> upstream = new TestPublisher<>();
    a.thenStream(upstream);
    switchboard = builder().build();
    List<String> texts = new ArrayList<>();

    try (ChatStream stream = switchboard.streamBlocking(request())) {
      upstream.awaitSubscribed();
      upstream.emit(FakeProvider.chunk("one"));
      upstream.emit(FakeProvider.chunk("two"));
      var it = stream.iterator();
      texts.add(it.next().text());
      texts.add(it.next().text());
    }

    assertThat(texts).containsExactly("one", "two");
    assertThat(upstream.isCancelled()).isTrue();
  }

  @Test
  void streamBlocking_streamFails_iterationThrowsTypedError() {
    TestPublisher<ChatChunk> upstream = new TestPublisher<>();
    a.thenStream(upstream);
    switchboard = builder().build();

    try (ChatStream stream = switchboard.streamBlocking(request())) {
      upstream.awaitSubscribed();
      upstream.emit(FakeProvider.chunk("one"));
      upstream.fail(new UpstreamException("cut", ErrorDetails.none()));
      var it = stream.iterator();
      assertThat(it.next().text()).isEqualTo("one");
      assertThatThrownBy(it::hasNext).isInstanceOf(UpstreamException.class);
    }
  }

  @Test
  void stream_requestInsideOnSubscribe_upstreamStartsOnlyAfterOnSubscribeReturned() throws Exception {
    TestPublisher<ChatChunk> upstream = new TestPublisher<>();
    a.thenStream(upstream);
    switchboard = builder().build();
    List<Integer> callsSeenInsideOnSubscribe = new CopyOnWriteArrayList<>();
    Probe probe = new Probe() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        super.onSubscribe(s);
        s.request(1);
        callsSeenInsideOnSubscribe.add(a.calls()); // Reactive Streams §1.3: no onNext may overlap this method
      }
    };

    switchboard.stream(request()).subscribe(probe);

    assertThat(callsSeenInsideOnSubscribe).containsExactly(0);
    upstream.awaitSubscribed();
    assertThat(upstream.requested()).isEqualTo(1);
    upstream.emit(FakeProvider.chunk("x"));
    upstream.complete();
    assertThat(probe.error()).isNull();
  }
}

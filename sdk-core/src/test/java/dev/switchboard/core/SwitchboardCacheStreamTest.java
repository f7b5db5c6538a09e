package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.cache.CacheSettings;
import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.UpstreamException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatCompletionAccumulator;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.Delta;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.RouteInfo;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolCallDelta;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.testing.FakeProvider;
import dev.switchboard.core.testing.InMemoryCacheStore;
import dev.switchboard.core.testing.ListPublisher;
import dev.switchboard.core.testing.ManualClock;
import dev.switchboard.core.testing.RecordingListener;
import dev.switchboard.core.testing.TestPublisher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SwitchboardCacheStreamTest {

  private final FakeProvider a = new FakeProvider("a");
  private final ManualClock clock = new ManualClock();
  private final RecordingListener events = new RecordingListener();
  private final InMemoryCacheStore store = new InMemoryCacheStore(clock);
  private final List<Switchboard> clients = new ArrayList<>();

  @AfterEach
  void close() {
    clients.forEach(Switchboard::close);
  }

  private Switchboard build() {
    return build(false);
  }

  private Switchboard build(boolean withStore) {
    Switchboard.Builder b = Switchboard.builder().provider("a", a).clock(clock).listener(events)
        .retryPolicy(RetryPolicy.none()).cache(CacheSettings.ofDefaults())
        .modelGroup(ModelGroup.builder("g").deployment("a", "model-a").build());
    if (withStore) {
      b.cacheStore(store);
    }
    Switchboard s = b.build();
    clients.add(s);
    return s;
  }

  private static ChatRequest request() {
    return ChatRequest.builder().model("g").temperature(0.0).addMessage(Message.user("weather?")).build();
  }

  private static ChatChunk.Builder chunk() {
    return ChatChunk.builder().id("chatcmpl-s").created(1_700_000_000L).model("model-a").systemFingerprint("fp");
  }

  private static ChatChunk delta(Delta d, FinishReason finish) {
    return chunk().addChoice(ChunkChoice.builder().index(0).delta(d).finishReason(finish).build()).build();
  }

  /** A stream as OpenAI sends it: role, text in pieces, a tool call in fragments, finish reason, usage. */
  private static List<ChatChunk> liveStream() {
    return List.of(
        delta(Delta.builder().role(Role.ASSISTANT).content("").build(), null),
        delta(Delta.ofContent("Let me "), null),
        delta(Delta.ofContent("check."), null),
        delta(Delta.builder().addToolCall(ToolCallDelta.builder().index(0).id("call_1").type("function")
            .name("weather").arguments("").build()).build(), null),
        delta(Delta.builder().addToolCall(ToolCallDelta.builder().index(0).arguments("{\"city\":").build()).build(),
            null),
        delta(Delta.builder().addToolCall(ToolCallDelta.builder().index(0).arguments("\"Paris\"}").build()).build(),
            null),
        delta(Delta.empty(), FinishReason.TOOL_CALLS),
        chunk().usage(Usage.of(12, 7)).build());
  }

  private static List<ChatChunk> collect(Switchboard s) {
    List<ChatChunk> out = new ArrayList<>();
    try (ChatStream stream = s.streamBlocking(request())) {
      for (ChatChunk c : stream) {
        out.add(c);
      }
    }
    return out;
  }

  private static ChatResponse assemble(List<ChatChunk> chunks) {
    ChatCompletionAccumulator acc = new ChatCompletionAccumulator();
    chunks.forEach(acc::add);
    return acc.build();
  }

  @Test
  void stream_missCompletedNormally_isStoredAndReplayedWithTheSameShape() {
    Switchboard s = build();
    a.thenStream(ListPublisher.of(liveStream()));

    List<ChatChunk> original = collect(s);
    List<ChatChunk> replay = collect(s);

    assertThat(a.calls()).isEqualTo(1);
    assertThat(original.get(0).route().cache()).isEqualTo(RouteInfo.CACHE_MISS);
    assertThat(replay.get(0).route().cache()).isEqualTo(RouteInfo.CACHE_HIT_L1);
    assertThat(assemble(replay)).isEqualTo(assemble(original));
    // the shape: role and content first, tool call fragments, the finish reason, then a usage-only chunk
    assertThat(replay.get(0).choices().get(0).delta().role()).isEqualTo(Role.ASSISTANT);
    assertThat(replay.get(0).text()).isEqualTo("Let me check.");
    assertThat(replay).anySatisfy(c -> assertThat(c.choices()).singleElement()
        .satisfies(ch -> assertThat(ch.delta().toolCalls()).singleElement()
            .isEqualTo(ToolCallDelta.builder().index(0).id("call_1").type("function").name("weather")
                .arguments("{\"city\":\"Paris\"}").build())));
    ChatChunk last = replay.get(replay.size() - 1);
    assertThat(last.choices()).isEmpty();
    assertThat(last.usage()).isEqualTo(Usage.of(12, 7));
    assertThat(replay.get(replay.size() - 2).choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(replay).allSatisfy(c -> {
      assertThat(c.id()).isEqualTo("chatcmpl-s");
      assertThat(c.model()).isEqualTo("model-a");
      assertThat(c.systemFingerprint()).isEqualTo("fp");
    });
    assertThat(events.lastEndUsage).isEqualTo(Usage.of(12, 7));
    assertThat(events.lastEndRoute.cache()).isEqualTo(RouteInfo.CACHE_HIT_L1);
  }

  @Test
  void stream_storedFromAStream_servesAWholeResponseCallToo() {
    Switchboard s = build();
    a.thenStream(ListPublisher.of(liveStream()));
    List<ChatChunk> original = collect(s);

    ChatResponse whole = s.chatBlocking(request());

    assertThat(whole.route().cache()).isEqualTo(RouteInfo.CACHE_HIT_L1);
    assertThat(whole.toBuilder().route(null).build()).isEqualTo(assemble(original));
    assertThat(whole.toolCalls()).containsExactly(ToolCall.function("call_1", "weather", "{\"city\":\"Paris\"}"));
  }

  @Test
  void stream_afterAWholeResponseCall_isReplayedFromTheCache() {
    Switchboard s = build();
    ChatResponse whole = s.chatBlocking(request());

    List<ChatChunk> replay = collect(s);

    assertThat(a.calls()).isEqualTo(1);
    assertThat(assemble(replay)).isEqualTo(whole.toBuilder().route(null).build());
    assertThat(replay.get(0).route().cache()).isEqualTo(RouteInfo.CACHE_HIT_L1);
  }

  @Test
  void stream_hitInL2_isReplayedAndFillsL1() {
    Switchboard writer = build(true);
    a.thenStream(ListPublisher.of(liveStream()));
    List<ChatChunk> original = collect(writer);

    Switchboard reader = build(true);
    List<ChatChunk> fromL2 = collect(reader);
    List<ChatChunk> fromL1 = collect(reader);

    assertThat(a.calls()).isEqualTo(1);
    assertThat(fromL2.get(0).route().cache()).isEqualTo(RouteInfo.CACHE_HIT_L2);
    assertThat(fromL1.get(0).route().cache()).isEqualTo(RouteInfo.CACHE_HIT_L1);
    assertThat(assemble(fromL2)).isEqualTo(assemble(original));
  }

  @Test
  void stream_replay_honoursDemandOneChunkAtATime() throws Exception {
    Switchboard s = build();
    s.chatBlocking(request());
    List<ChatChunk> got = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();
    s.stream(request()).subscribe(new Flow.Subscriber<ChatChunk>() {
      @Override
      public void onSubscribe(Flow.Subscription sub) {
        subscription.complete(sub);
      }

      @Override
      public void onNext(ChatChunk item) {
        got.add(item);
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onComplete() {
        done.complete(null);
      }
    });
    Flow.Subscription sub = subscription.get(5, TimeUnit.SECONDS);

    assertThat(got).isEmpty();
    sub.request(1);
    assertThat(got).hasSize(1);
    sub.request(1);
    assertThat(got).hasSize(2);
    assertThat(done).isNotDone();
    sub.request(Long.MAX_VALUE);
    done.get(5, TimeUnit.SECONDS);
    assertThat(got).hasSize(3); // role+content, finish reason, usage
  }

  @Test
  void stream_failsMidway_isNotStored() throws Exception {
    Switchboard s = build();
    TestPublisher<ChatChunk> upstream = new TestPublisher<>();
    a.thenStream(upstream);
    SwitchboardStreamTest.Probe probe = new SwitchboardStreamTest.Probe();
    s.stream(request()).subscribe(probe);
    probe.request(10);
    upstream.emit(liveStream().get(0));
    upstream.emit(liveStream().get(1));
    upstream.fail(new UpstreamException("connection reset", ErrorDetails.none()));
    assertThat(probe.done).failsWithin(5, TimeUnit.SECONDS);

    ChatResponse next = s.chatBlocking(request());

    assertThat(next.route().cache()).isEqualTo(RouteInfo.CACHE_MISS);
    assertThat(events.events).contains("cacheLoad g UpstreamException");
  }

  @Test
  void stream_cancelledByTheCaller_isNotStored() throws Exception {
    Switchboard s = build();
    TestPublisher<ChatChunk> upstream = new TestPublisher<>();
    a.thenStream(upstream);
    SwitchboardStreamTest.Probe probe = new SwitchboardStreamTest.Probe();
    s.stream(request()).subscribe(probe);
    probe.request(10);
    upstream.emit(liveStream().get(0));

    probe.subscription.cancel();
    assertThat(upstream.awaitCancelled(5)).isTrue();
    upstream.complete(); // a late completion after the cancel must not store the partial answer

    assertThat(s.chatBlocking(request()).route().cache()).isEqualTo(RouteInfo.CACHE_MISS);
  }

  @Test
  void stream_completedWithoutFinishReason_isNotStored() {
    Switchboard s = build();
    a.thenStream(ListPublisher.of(liveStream().subList(0, 3)));

    collect(s);

    assertThat(s.chatBlocking(request()).route().cache()).isEqualTo(RouteInfo.CACHE_MISS);
  }

  @Test
  void stream_sampledRequestInDeterministicMode_isLabelledBypass() {
    Switchboard s = build();
    a.thenStream(ListPublisher.of(List.of(FakeProvider.chunk("hi"))));
    ChatRequest sampled = request().toBuilder().temperature(0.9).build();

    List<ChatChunk> chunks = new ArrayList<>();
    try (ChatStream stream = s.streamBlocking(sampled)) {
      stream.forEach(chunks::add);
    }

    assertThat(chunks.get(0).route().cache()).isEqualTo(RouteInfo.CACHE_BYPASS);
  }
}

package dev.switchboard.benchmarks;

import dev.switchboard.core.Interceptor;
import dev.switchboard.core.RequestOptions;
import dev.switchboard.core.SwitchboardListener;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.cache.CacheSettings;
import dev.switchboard.core.internal.cache.CacheKeys;
import dev.switchboard.core.internal.cache.ResponseCache;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ModelInfo;
import dev.switchboard.core.model.RouteInfo;
import dev.switchboard.core.model.Tool;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.spi.CallContext;
import dev.switchboard.core.spi.Provider;
import dev.switchboard.core.wire.OpenAiJson;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A response cache hit for a realistic ~2 KB chat request (system prompt, a few turns, a tool call
 * and a tool definition): the key alone, the cache step alone (key + L1 lookup + hit route), and a
 * whole {@code Switchboard.chat} call answered from L1. Target: a hit under 10 µs.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar CacheHit -f 1 -wi 3 -i 5 -w 2s -r 2s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CacheHitBenchmark {

  private ChatRequest request;
  private ResponseCache cache;
  private Interceptor.Chain chain;
  private Switchboard switchboard;

  /** A request of about 2 KB as OpenAI JSON. */
  static ChatRequest twoKilobyteRequest() {
    String system = "You are a helpful travel assistant for a European rail company. Answer briefly and precisely, "
        + "quote prices in euros, never invent timetables, and call the search_trains tool whenever the customer "
        + "asks about connections, seats or prices. If the customer is rude, stay polite. If you do not know, say "
        + "so and offer to connect them with a human agent. Keep answers under 120 words unless asked for detail.";
    Map<String, Object> schema = Map.of("type", "object",
        "properties", Map.of(
            "from", Map.of("type", "string", "description", "departure station"),
            "to", Map.of("type", "string", "description", "arrival station"),
            "date", Map.of("type", "string", "description", "ISO date of travel"),
            "passengers", Map.of("type", "integer", "minimum", 1)),
        "required", List.of("from", "to", "date"));
    return ChatRequest.builder()
        .model("fast")
        .temperature(0.0)
        .maxTokens(300)
        .addMessage(Message.system(system))
        .addMessage(Message.user("Hi! I need to get from Paris to Amsterdam next Friday with my two kids."))
        .addMessage(Message.assistant(List.of(ToolCall.function("call_1", "search_trains",
            "{\"from\":\"Paris Nord\",\"to\":\"Amsterdam Centraal\",\"date\":\"2026-05-15\",\"passengers\":3}"))))
        .addMessage(Message.tool("call_1", "[{\"dep\":\"08:25\",\"arr\":\"11:45\",\"price\":89},"
            + "{\"dep\":\"10:25\",\"arr\":\"13:45\",\"price\":99},{\"dep\":\"16:25\",\"arr\":\"19:45\",\"price\":119}]"))
        .addMessage(Message.assistant("There are three direct trains on Friday: 08:25 (89 EUR), 10:25 (99 EUR) and "
            + "16:25 (119 EUR) per adult; children under 12 travel at a reduced fare. Which one suits you?"))
        .addMessage(Message.user("The morning one please. Can we sit together, and is there a family area? My "
            + "youngest is four and gets restless, so a table would help; we also carry one large suitcase."))
        .addTool(Tool.function("search_trains", "Searches direct and connecting trains between two stations",
            schema))
        .build();
  }

  static ChatResponse answer() {
    return ChatResponse.builder().id("chatcmpl-bench").created(1_700_000_000L).model("gpt-4o-mini")
        .addChoice(Choice.builder().index(0).message(Message.assistant("Yes: the 08:25 train has a family area in "
            + "coach 4 and I can reserve three seats together there. Shall I book them?"))
            .finishReason(FinishReason.STOP).build())
        .usage(Usage.of(480, 32)).build();
  }

  @Setup(Level.Trial)
  public void setUp() {
    request = twoKilobyteRequest();
    int size = OpenAiJson.writeChatRequest(request, false).length;
    if (size < 1800 || size > 2400) {
      throw new IllegalStateException("the request should be about 2 KB but is " + size + " bytes");
    }
    // The cache step on its own, as the engine builds it.
    cache = new ResponseCache(CacheSettings.ofDefaults(), Map.of("fast", CacheSettings.ofDefaults()), null,
        SwitchboardListener.NONE, Clock.systemUTC(), System::nanoTime, (task, delay) -> {
          throw new UnsupportedOperationException("no L2 here");
        });
    ChatResponse routed = answer().toBuilder().route(RouteInfo.builder().provider("p").deployment("p/m").build())
        .build();
    chain = new Interceptor.Chain() {
      @Override
      public ChatRequest request() {
        return request;
      }

      @Override
      public RequestOptions options() {
        return RequestOptions.defaults();
      }

      @Override
      public String requestId() {
        return "req_bench";
      }

      @Override
      public CompletableFuture<ChatResponse> proceed(ChatRequest next) {
        return CompletableFuture.completedFuture(routed);
      }
    };
    cache.interceptChat(chain).join(); // the miss that fills L1
    if (!RouteInfo.CACHE_HIT_L1.equals(cache.interceptChat(chain).join().route().cache())) {
      throw new IllegalStateException("the cache step does not hit");
    }
    // The whole client, answering from L1.
    switchboard = Switchboard.builder()
        .provider("p", new FixedProvider(answer()))
        .cache(CacheSettings.ofDefaults())
        .modelGroup(ModelGroup.builder("fast").deployment("p", "gpt-4o-mini").build())
        .build();
    switchboard.chatBlocking(request);
    if (!RouteInfo.CACHE_HIT_L1.equals(switchboard.chatBlocking(request).route().cache())) {
      throw new IllegalStateException("the client does not hit");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    switchboard.close();
  }

  /** SHA-256 over the canonical form of the 2 KB request, hex-encoded with its prefix. */
  @Benchmark
  public String key() {
    return CacheKeys.key(request);
  }

  /** The engine's cache step on a hit: policy, key, L1 lookup, the hit's route. */
  @Benchmark
  public ChatResponse keyAndL1Hit() {
    return cache.interceptChat(chain).join();
  }

  /** A whole {@code Switchboard.chat} answered from L1: validation, listener events, chain, cache. */
  @Benchmark
  public ChatResponse switchboardChatL1Hit() {
    return switchboard.chat(request).join();
  }

  /** A provider that always answers the same. */
  static final class FixedProvider implements Provider {
    private final ChatResponse answer;

    FixedProvider(ChatResponse answer) {
      this.answer = answer;
    }

    @Override
    public CompletableFuture<ChatResponse> chat(ChatRequest request, CallContext context) {
      return CompletableFuture.completedFuture(answer);
    }

    @Override
    public Flow.Publisher<ChatChunk> stream(ChatRequest request, CallContext context) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<EmbeddingResponse> embed(EmbeddingRequest request, CallContext context) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<List<ModelInfo>> models(CallContext context) {
      return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public void close() {}
  }
}

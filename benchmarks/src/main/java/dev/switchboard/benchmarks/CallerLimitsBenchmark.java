package dev.switchboard.benchmarks;

import dev.switchboard.core.Caller;
import dev.switchboard.core.RequestOptions;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ModelInfo;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.ratelimit.Limit;
import dev.switchboard.core.ratelimit.Limits;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.spi.CallContext;
import dev.switchboard.core.spi.Provider;
import java.util.List;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A whole chat call through the engine against a provider that answers at once, with and without
 * caller limits: the difference is what the limits interceptor adds to a call (resolving the limits,
 * the token estimate with a real tokenizer when a token limit applies, the check, the settlement).
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar CallerLimitsBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class CallerLimitsBenchmark {

  /** none: no limits; requests: the default tiers; requests-and-tokens: plus a token limit (tokenizer runs). */
  @Param({"none", "requests", "requests-and-tokens"})
  public String limits;

  private Switchboard switchboard;
  private ChatRequest request;
  private RequestOptions options;

  @Setup(Level.Trial)
  public void setUp() {
    Limits configured;
    switch (limits) {
      case "none":
        configured = Limits.none();
        break;
      case "requests":
        configured = Limits.builder().tier(Limits.TIER_API_KEY, Limit.requestsPerMinute(20_000_000_000L)).build();
        break;
      default:
        configured = Limits.builder().tier(Limits.TIER_API_KEY, Limit.requestsPerMinute(20_000_000_000L),
            Limit.tokensPerMinute(50_000_000_000L)).build();
    }
    switchboard = Switchboard.builder().provider("instant", new InstantProvider()).limits(configured)
        .modelGroup(ModelGroup.builder("g").deployment("instant", "m").build()).build();
    request = ChatRequest.builder().model("g")
        .addMessage(Message.system("You are a helpful assistant. Answer briefly."))
        .addMessage(Message.user("What is the capital of France, and why is it famous?"))
        .maxTokens(200).build();
    options = RequestOptions.builder().requestId("req_bench").caller(Caller.builder().keyId("key_bench").build())
        .build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    switchboard.close();
  }

  @Benchmark
  public ChatResponse chat() {
    return switchboard.chat(request, options).join();
  }

  /** Answers every chat at once, on the calling thread. */
  static final class InstantProvider implements Provider {
    private static final ChatResponse ANSWER = ChatResponse.builder().id("chatcmpl-bench").created(1_700_000_000L)
        .model("m").addChoice(Choice.builder().index(0).message(Message.assistant("Paris.")).build())
        .usage(Usage.of(30, 3)).build();

    @Override
    public CompletableFuture<ChatResponse> chat(ChatRequest request, CallContext context) {
      return CompletableFuture.completedFuture(ANSWER);
    }

    @Override
    public Flow.Publisher<ChatChunk> stream(ChatRequest request, CallContext context) {
      throw new UnsupportedOperationException("chat only");
    }

    @Override
    public CompletableFuture<EmbeddingResponse> embed(EmbeddingRequest request, CallContext context) {
      throw new UnsupportedOperationException("chat only");
    }

    @Override
    public CompletableFuture<List<ModelInfo>> models(CallContext context) {
      return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public void close() {}
  }
}

package dev.switchboard.benchmarks;

import dev.switchboard.core.Caller;
import dev.switchboard.core.RequestOptions;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.cache.CacheSettings;
import dev.switchboard.core.cost.Budget;
import dev.switchboard.core.cost.Money;
import dev.switchboard.core.cost.SpendPeriod;
import dev.switchboard.core.cost.UsageRecord;
import dev.switchboard.core.cost.UsageSink;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.ModelInfo;
import dev.switchboard.core.model.RouteInfo;
import dev.switchboard.core.ratelimit.Limit;
import dev.switchboard.core.ratelimit.LimitDimension;
import dev.switchboard.core.ratelimit.Limits;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.spi.CallContext;
import dev.switchboard.core.spi.Provider;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
 * What the engine adds to a chat call, over a provider that answers at once: a whole
 * {@code Switchboard.chat} for the 2 KB request of {@link CacheHitBenchmark}, each call a cache
 * miss (its own {@code seed}, so its own key). Target: at most 20 µs with every interceptor on.
 *
 * <ul>
 *   <li>{@code minimal}: validation, listener events, usage recording and cost (always on), routing
 *       (circuit breaker, retry, timeouts), no meter registry;
 *   <li>{@code all}: as the gateway runs, plus Prometheus meters; caller limits for key, user and team
 *       with a token limit and a monthly token quota (the tokenizer counts the prompt); three budgets
 *       (key, user, team) read from the in-memory ledger; a usage sink; the response cache on, missed,
 *       the answer stored (so L1 also evicts once full, as in a miss-heavy steady state).
 * </ul>
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar PipelineBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 4) // 'all' runs much code (tokenizer, JSON, Caffeine): C2 needs ~15 s on 2 cores
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PipelineBenchmark {

  @Param({"minimal", "all"})
  public String features;

  private Switchboard switchboard;
  private PrometheusMeterRegistry registry;
  private ChatRequest request;
  private RequestOptions options;
  private long seed;
  private final LongAdder recorded = new LongAdder();

  @Setup(Level.Trial)
  public void setUp() {
    request = CacheHitBenchmark.twoKilobyteRequest();
    Switchboard.Builder builder = Switchboard.builder()
        .provider("openai", new InstantProvider())
        .modelGroup(ModelGroup.builder("fast").deployment("openai", "gpt-4o-mini").build());
    RequestOptions.Builder opts = RequestOptions.builder();
    if (features.equals("all")) {
      registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      long huge = 20_000_000_000L; // far above what a benchmark uses up: every call is admitted
      builder.meterRegistry(registry)
          .cache(CacheSettings.ofDefaults())
          .limits(Limits.builder()
              .tier(Limits.TIER_API_KEY, Limit.requestsPerMinute(huge), Limit.tokensPerMinute(huge))
              .each(LimitDimension.USER, Limit.requestsPerMinute(huge).named("user-requests-per-minute"))
              .each(LimitDimension.TEAM, Limit.monthlyTokens(huge))
              .build())
          .budget(Budget.builder(Budget.Scope.KEY, SpendPeriod.MONTH, Money.of("1000000")).build())
          .budget(Budget.builder(Budget.Scope.USER, SpendPeriod.DAY, Money.of("1000000")).build())
          .budget(Budget.builder(Budget.Scope.TEAM, SpendPeriod.MONTH, Money.of("1000000")).build())
          .usageSink(new UsageSink() {
            @Override
            public void write(List<UsageRecord> records) {
              recorded.add(records.size());
            }

            @Override
            public void flush() {}
          });
      opts.caller(Caller.builder().keyId("key_bench").user("alice").team("research").build());
    } else if (!features.equals("minimal")) {
      throw new IllegalArgumentException("features must be minimal or all but was " + features);
    }
    switchboard = builder.build();
    options = opts.requestId("req_bench").build();
    ChatResponse first = switchboard.chat(next(), options).join();
    String expected = features.equals("all") ? RouteInfo.CACHE_MISS : RouteInfo.CACHE_NONE;
    if (!expected.equals(first.route().cache())) {
      throw new IllegalStateException("expected cache " + expected + " but was " + first.route().cache());
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    switchboard.close();
    if (registry != null) {
      registry.close();
    }
  }

  private ChatRequest next() {
    return request.toBuilder().seed(seed++).build();
  }

  @Benchmark
  public ChatResponse chat() {
    return switchboard.chat(next(), options).join();
  }

  /** Answers every chat at once, on the calling thread, as gpt-4o-mini (priced by the built-in catalog). */
  static final class InstantProvider implements Provider {
    private static final ChatResponse ANSWER = CacheHitBenchmark.answer();

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

package dev.switchboard.benchmarks;

import dev.switchboard.core.ratelimit.Limit;
import dev.switchboard.core.ratelimit.LimitCheck;
import dev.switchboard.core.ratelimit.LimitDecision;
import dev.switchboard.core.ratelimit.LimitDimension;
import dev.switchboard.core.ratelimit.LimitSubject;
import dev.switchboard.core.ratelimit.RateLimiter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a limit check costs on the local limiter ({@link RateLimiter#local}), per call, on the
 * system clock: the request path pays this once per call (all of a caller's limits in one batch) and
 * once per attempt on a deployment with limits.
 *
 * <pre>
 * ./mvnw -B -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar LocalRateLimiterBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class LocalRateLimiterBenchmark {

  private static final int SUBJECTS = 10_000;

  private RateLimiter limiter;
  private List<LimitCheck> oneLimit;
  private List<LimitCheck> refused;
  private List<LimitCheck> callerBatch;
  private List<LimitCheck>[] manySubjects;

  @Setup
  @SuppressWarnings("unchecked")
  public void setUp() {
    limiter = RateLimiter.local(Clock.systemUTC());
    // Limits far above what a benchmark can use up (a third of the fastest refill Bucket4j counts, so that
    // the 2x burst bucket stays within it), so that every check is admitted and takes its amount.
    Limit rpm = Limit.requestsPerMinute(20_000_000_000L).withBurst(2, Duration.ofSeconds(10));
    Limit tpm = Limit.tokensPerMinute(20_000_000_000L);
    LimitSubject key = LimitSubject.of(LimitDimension.KEY, "key_bench");
    oneLimit = List.of(new LimitCheck(key, rpm, 1));
    callerBatch = List.of(new LimitCheck(key, rpm, 1), new LimitCheck(key, tpm, 1),
        new LimitCheck(LimitSubject.of(LimitDimension.CLIENT_IP, "203.0.113.9"), rpm, 1));
    Limit tiny = Limit.requestsPerMinute(1);
    refused = List.of(new LimitCheck(LimitSubject.of(LimitDimension.KEY, "key_saturated"), tiny, 1));
    limiter.acquire(refused).join();
    manySubjects = new List[SUBJECTS];
    for (int i = 0; i < SUBJECTS; i++) {
      manySubjects[i] = List.of(new LimitCheck(LimitSubject.of(LimitDimension.KEY, "key_" + i), rpm, 1));
    }
  }

  /** Per-thread position in the subject rotation. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  /** One requests-per-minute limit with a burst bucket (two Bucket4j bandwidths), admitted. */
  @Benchmark
  public LimitDecision oneLimitAdmitted() {
    return limiter.acquire(oneLimit).join();
  }

  /** The same check refused, with retry-after computed. */
  @Benchmark
  public LimitDecision oneLimitRefused() {
    return limiter.acquire(refused).join();
  }

  /** A typical caller batch decided atomically: key requests + key tokens + IP requests. */
  @Benchmark
  public LimitDecision callerBatchOfThree() {
    return limiter.acquire(callerBatch).join();
  }

  /** One limit, rotating over 10,000 subjects: bucket lookup in a map that does not fit in L1. */
  @Benchmark
  public LimitDecision oneLimitManySubjects(Cursor cursor) {
    int i = cursor.next;
    cursor.next = i + 1 == SUBJECTS ? 0 : i + 1;
    return limiter.acquire(manySubjects[i]).join();
  }
}

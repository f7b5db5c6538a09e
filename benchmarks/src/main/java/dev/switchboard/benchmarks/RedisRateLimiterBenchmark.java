package dev.switchboard.benchmarks;

import dev.switchboard.core.ratelimit.Limit;
import dev.switchboard.core.ratelimit.LimitCheck;
import dev.switchboard.core.ratelimit.LimitDecision;
import dev.switchboard.core.ratelimit.LimitDimension;
import dev.switchboard.core.ratelimit.LimitSubject;
import dev.switchboard.core.ratelimit.LimiterFailurePolicy;
import dev.switchboard.redis.RedisConnection;
import dev.switchboard.redis.RedisRateLimiter;
import dev.switchboard.redis.testing.RedisServerProcess;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Admitted limit checks per second on {@code RedisRateLimiter} against a real Redis: a
 * {@code redis-server} it starts on a free port (the one on PATH, else the binary inside
 * embedded-redis), or the one at {@code -Dswitchboard.redis.uri}. Every check is admitted (limits far
 * above what a run can use up); a refused or failed check fails the run.
 *
 * <pre>
 * ./mvnw -B -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar RedisRateLimiterBenchmark
 * # against a running Redis (flushes nothing; keys expire on their own):
 * java -jar benchmarks/target/benchmarks.jar RedisRateLimiterBenchmark -jvmArgs -Dswitchboard.redis.uri=redis://127.0.0.1:6379
 * </pre>
 *
 * Scores are checks per second: one acquire of one limit is one check, a batch of three is three.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class RedisRateLimiterBenchmark {

  private static final int SUBJECTS = 10_000;
  private static final int PIPELINED = 64;

  private RedisServerProcess server;
  private RedisConnection connection;
  private RedisRateLimiter limiter;
  private List<LimitCheck>[] requests;
  private List<LimitCheck>[] leases;
  private List<LimitCheck>[] quotas;
  private List<LimitCheck>[] callerBatches;
  private List<LimitCheck> hotKey;
  private final LongAdder refused = new LongAdder();

  @Setup(Level.Trial)
  @SuppressWarnings("unchecked")
  public void setUp() {
    String uri = System.getProperty("switchboard.redis.uri");
    if (uri == null) {
      server = RedisServerProcess.start();
      uri = server.uri();
    }
    connection = RedisConnection.create(uri);
    // Fail closed: a check Redis did not decide fails the run instead of being counted.
    limiter = RedisRateLimiter.builder(connection).clock(Clock.systemUTC())
        .keyPrefix("bench:" + System.nanoTime() + ":").failurePolicy(LimiterFailurePolicy.failClosed())
        .timeout(Duration.ofSeconds(5)).build();
    // As LocalRateLimiterBenchmark: limits far above what a run can use up, so that every check is admitted.
    Limit rpm = Limit.requestsPerMinute(20_000_000_000L).withBurst(2, Duration.ofSeconds(10));
    Limit tpm = Limit.tokensPerMinute(20_000_000_000L);
    Limit slots = Limit.concurrentRequests(1_000_000);
    Limit daily = Limit.dailyTokens(1_000_000_000_000_000L); // exact in Lua numbers (below 2^53)
    requests = new List[SUBJECTS];
    leases = new List[SUBJECTS];
    quotas = new List[SUBJECTS];
    callerBatches = new List[SUBJECTS];
    for (int i = 0; i < SUBJECTS; i++) {
      LimitSubject key = LimitSubject.of(LimitDimension.KEY, "key_" + i);
      requests[i] = List.of(new LimitCheck(key, rpm, 1));
      leases[i] = List.of(new LimitCheck(key, slots, 1));
      quotas[i] = List.of(new LimitCheck(key, daily, 100));
      callerBatches[i] = List.of(new LimitCheck(key, rpm, 1), new LimitCheck(key, tpm, 100),
          new LimitCheck(LimitSubject.of(LimitDimension.CLIENT_IP, "10.0." + (i / 250) + "." + (i % 250)), rpm, 1));
    }
    hotKey = List.of(new LimitCheck(LimitSubject.of(LimitDimension.KEY, "key_hot"), rpm, 1));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    connection.close();
    if (server != null) {
      server.close();
    }
    if (refused.sum() > 0 || limiter.errorCount() > 0) {
      throw new IllegalStateException(refused.sum() + " checks refused, " + limiter.errorCount() + " Redis errors");
    }
  }

  /** Per-thread position in the subject rotation. */
  @State(Scope.Thread)
  public static class Cursor {
    int next = (int) (Thread.currentThread().getId() * 7919 % SUBJECTS);

    int next() {
      int i = next;
      next = i + 1 == SUBJECTS ? 0 : i + 1;
      return i;
    }
  }

  private LimitDecision admitted(LimitDecision d) {
    if (!d.isAdmitted()) {
      refused.increment();
    }
    return d;
  }

  /** One requests-per-minute limit with a burst bucket, one call at a time per thread: latency-bound. */
  @Benchmark
  @Threads(1)
  public LimitDecision bucket_1thread(Cursor cursor) {
    return admitted(limiter.acquire(requests[cursor.next()]).join());
  }

  /** The same from 16 threads: calls multiplexed on the one connection, over 10,000 subjects. */
  @Benchmark
  @Threads(16)
  public LimitDecision bucket_16threads(Cursor cursor) {
    return admitted(limiter.acquire(requests[cursor.next()]).join());
  }

  /** 16 threads on one subject's bucket: compare-and-swap races, each lost one a fresh GET + EVAL. */
  @Benchmark
  @Threads(16)
  public LimitDecision bucket_16threadsOneHotKey() {
    return admitted(limiter.acquire(hotKey).join());
  }

  /** 64 checks issued at once, then awaited: what one connection does when callers do not wait in line. */
  @Benchmark
  @Threads(1)
  @OperationsPerInvocation(PIPELINED)
  public void bucket_pipelined64(Cursor cursor) {
    CompletableFuture<?>[] inFlight = new CompletableFuture<?>[PIPELINED];
    for (int i = 0; i < PIPELINED; i++) {
      inFlight[i] = limiter.acquire(requests[cursor.next()]).thenApply(this::admitted);
    }
    CompletableFuture.allOf(inFlight).join();
  }

  /** A concurrency slot taken and given back (two scripts), 16 threads. */
  @Benchmark
  @Threads(16)
  public void lease_acquireAndRelease_16threads(Cursor cursor) {
    LimitDecision d = admitted(limiter.acquire(leases[cursor.next()]).join());
    limiter.adjust(d.states().get(0), -1).join();
  }

  /** A daily token quota (one script), 16 threads. */
  @Benchmark
  @Threads(16)
  public LimitDecision quota_16threads(Cursor cursor) {
    return admitted(limiter.acquire(quotas[cursor.next()]).join());
  }

  /** A typical caller batch (key requests + key tokens + IP requests), pipelined, 16 threads: 3 checks each. */
  @Benchmark
  @Threads(16)
  @OperationsPerInvocation(3)
  public LimitDecision callerBatchOfThree_16threads(Cursor cursor) {
    return admitted(limiter.acquire(callerBatches[cursor.next()]).join());
  }
}

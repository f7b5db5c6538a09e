package dev.switchboard.core.internal.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.ratelimit.Limit;
import dev.switchboard.core.ratelimit.LimitCheck;
import dev.switchboard.core.ratelimit.LimitDecision;
import dev.switchboard.core.ratelimit.LimitDimension;
import dev.switchboard.core.ratelimit.LimitState;
import dev.switchboard.core.ratelimit.LimitSubject;
import dev.switchboard.core.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What is particular to the in-process limiter, and where its figures differ from the shared
 * contract's ({@link LocalRateLimiterContractTest} runs that, checking that no decision waits).
 */
class LocalRateLimiterTest {

  private static final LimitSubject KEY = LimitSubject.of(LimitDimension.KEY, "key_1");
  private static final LimitSubject OTHER_KEY = LimitSubject.of(LimitDimension.KEY, "key_2");
  private static final LimitSubject IP = LimitSubject.of(LimitDimension.CLIENT_IP, "10.0.0.1");

  private final ManualClock clock = new ManualClock();
  private final LocalRateLimiter limiter = new LocalRateLimiter(clock);

  private LimitDecision acquire(LimitSubject subject, Limit limit, long amount) {
    return acquire(new LimitCheck(subject, limit, amount));
  }

  private LimitDecision acquire(LimitCheck... checks) {
    var future = limiter.acquire(List.of(checks));
    assertThat(future).isDone(); // the local limiter never makes the engine wait
    return future.join();
  }

  private int admitted(LimitSubject subject, Limit limit, int attempts) {
    int admitted = 0;
    for (int i = 0; i < attempts; i++) {
      if (acquire(subject, limit, 1).isAdmitted()) {
        admitted++;
      }
    }
    return admitted;
  }

  @Test
  void requests_withBurst_capsHowManyPassInTheBurstWindow() {
    // 100 per minute, burst of 2x for 10 s: at most 34 in any 10 s, and 100 a minute in the long run
    Limit limit = Limit.requestsPerMinute(100).withBurst(2, Duration.ofSeconds(10));
    assertThat(limit.burstCapacity()).isEqualTo(34);

    assertThat(admitted(KEY, limit, 50)).isEqualTo(34);
    LimitState refused = acquire(KEY, limit, 1).rejectedBy();
    assertThat(refused.retryAfter()).isEqualTo(Duration.ofNanos(10_000_000_000L / 34)); // one 34th of 10 s

    clock.advance(Duration.ofSeconds(10)); // the burst bucket is full again; the window bucket has 66 + 16
    assertThat(admitted(KEY, limit, 50)).isEqualTo(34);
    clock.advance(Duration.ofSeconds(10));
    assertThat(admitted(KEY, limit, 50)).isEqualTo(34);
    clock.advance(Duration.ofSeconds(10)); // window bucket: 100 - 102 + 3 × 16.67 = 48
    assertThat(admitted(KEY, limit, 50)).isEqualTo(34);
    clock.advance(Duration.ofSeconds(10)); // window bucket: 14 + 16.67: the minute's limit binds now
    assertThat(admitted(KEY, limit, 50)).isEqualTo(30);
  }

  @Test
  void concurrency_admitsUpToTheLimitAndASlotComesBackOnRelease() {
    Limit limit = Limit.concurrentRequests(2);
    LimitState first = acquire(KEY, limit, 1).states().get(0);
    LimitState second = acquire(KEY, limit, 1).states().get(0);
    assertThat(second.remaining()).isZero();

    LimitDecision refused = acquire(KEY, limit, 1);
    assertThat(refused.isAdmitted()).isFalse();
    assertThat(refused.rejectedBy().retryAfter()).isNull();
    assertThat(refused.rejectedBy().name()).isEqualTo("key:concurrent-requests");

    limiter.adjust(first, -1).join();
    assertThat(acquire(KEY, limit, 1).isAdmitted()).isTrue();
    assertThat(acquire(KEY, limit, 1).isAdmitted()).isFalse();
    clock.advance(Duration.ofDays(1)); // time does not free a slot
    assertThat(acquire(KEY, limit, 1).isAdmitted()).isFalse();
  }

  @Test
  void dailyQuota_resetsAtUtcMidnightAndReportsTheTimeUntilThen() {
    ManualClock evening = new ManualClock(Instant.parse("2026-03-10T22:00:00Z"));
    LocalRateLimiter l = new LocalRateLimiter(evening);
    Limit quota = Limit.dailyTokens(1000);
    LimitCheck check = new LimitCheck(KEY, quota, 700);

    LimitState taken = l.acquire(List.of(check)).join().states().get(0);
    assertThat(taken.remaining()).isEqualTo(300);
    assertThat(taken.reset()).isEqualTo(Duration.ofHours(2));
    LimitDecision refused = l.acquire(List.of(check)).join();
    assertThat(refused.rejectedBy().retryAfter()).isEqualTo(Duration.ofHours(2));
    assertThat(refused.rejectedBy().name()).isEqualTo("key:daily-tokens");

    evening.advance(Duration.ofHours(2));
    assertThat(l.acquire(List.of(check)).join().isAdmitted()).isTrue();
  }

  @Test
  void monthlyQuota_settlementAfterThePeriodEnded_isDropped() {
    ManualClock lastDay = new ManualClock(Instant.parse("2026-01-31T23:59:00Z"));
    LocalRateLimiter l = new LocalRateLimiter(lastDay);
    Limit quota = Limit.monthlyTokens(1000);
    LimitState january = l.acquire(List.of(new LimitCheck(KEY, quota, 900))).join().states().get(0);
    assertThat(january.reset()).isEqualTo(Duration.ofMinutes(1));

    lastDay.advance(Duration.ofMinutes(2)); // February
    l.adjust(january, 5000).join(); // January's under-estimate must not eat February's quota

    assertThat(l.acquire(List.of(new LimitCheck(KEY, quota, 1000))).join().isAdmitted()).isTrue();
  }

  @Test
  void monthlyQuota_settlementWithinThePeriod_givesBackTheOverEstimate() {
    Limit quota = Limit.monthlyTokens(1000);
    LimitState taken = acquire(KEY, quota, 900).states().get(0);
    limiter.adjust(taken, -800).join();

    assertThat(acquire(KEY, quota, 900).states().get(0).remaining()).isZero();
  }

  @Test
  void sweep_dropsOnlyEntriesBackInTheirInitialState() {
    Limit rpm = Limit.requestsPerMinute(10);
    Limit slots = Limit.concurrentRequests(1);
    acquire(KEY, rpm, 1);
    LimitState slot = acquire(OTHER_KEY, slots, 1).states().get(0);
    assertThat(limiter.size()).isEqualTo(2);

    limiter.sweep();
    assertThat(limiter.size()).isEqualTo(2); // a bucket still refilling and a slot in use are kept

    clock.advance(Duration.ofSeconds(6));
    limiter.adjust(slot, -1).join();
    limiter.sweep();
    assertThat(limiter.size()).isZero();

    // A swept subject starts afresh with exactly its full allowance.
    assertThat(admitted(KEY, rpm, 20)).isEqualTo(10);
  }

  @Test
  void acquire_manyIdleSubjects_memoryStaysBounded() {
    Limit rpm = Limit.requestsPerMinute(10);
    for (int i = 0; i < 20_000; i++) {
      acquire(LimitSubject.of(LimitDimension.CLIENT_IP, "10.0." + i), rpm, 1);
      if (i % 100 == 0) {
        clock.advance(Duration.ofSeconds(6)); // earlier subjects' buckets are full again
      }
    }

    assertThat(limiter.size()).isLessThan(LocalRateLimiter.SWEEP_MIN_ENTRIES + LocalRateLimiter.SWEEP_EVERY + 1);
  }

  @Test
  void batch_sameLimitTwiceForOneSubject_isRefusedAsAProgrammingError() {
    Limit rpm = Limit.requestsPerMinute(10);
    acquire(KEY, rpm, 1);

    assertThatThrownBy(() -> limiter.acquire(List.of(new LimitCheck(KEY, rpm, 1), new LimitCheck(KEY, rpm, 1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a batch names limit requests-per-minute twice for one subject");
  }

  @Test
  void concurrentCallers_underLoad_admitExactlyTheLimit() throws Exception {
    Limit perKey = Limit.requestsPerMinute(500);
    Limit perIp = Limit.requestsPerMinute(300);
    int threads = 8;
    int perThread = 200;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger admitted = new AtomicInteger();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            // Half the threads also count against one IP, in the other order: locks must not deadlock.
            LimitDecision d = thread % 2 == 0
                ? acquire(new LimitCheck(KEY, perKey, 1))
                : acquire(new LimitCheck(IP, perIp, 1), new LimitCheck(KEY, perKey, 1));
            if (d.isAdmitted()) {
              admitted.incrementAndGet();
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(admitted.get()).isEqualTo(500); // 1600 attempts, the key's 500 and not one more
    assertThat(acquire(KEY, perKey, 1).isAdmitted()).isFalse();
  }
}

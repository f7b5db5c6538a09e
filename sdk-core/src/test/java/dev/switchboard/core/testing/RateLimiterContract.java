package dev.switchboard.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.ratelimit.Limit;
import dev.switchboard.core.ratelimit.LimitCheck;
import dev.switchboard.core.ratelimit.LimitDecision;
import dev.switchboard.core.ratelimit.LimitDimension;
import dev.switchboard.core.ratelimit.LimitState;
import dev.switchboard.core.ratelimit.LimitSubject;
import dev.switchboard.core.ratelimit.RateLimiter;
import java.time.Clock;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RateLimiter} must decide, to the token: a limiter's test extends this and
 * supplies fresh limiters. Time moves only by {@link ManualClock}; every future is awaited with a
 * bound. Store failures and expiry in the store are each implementation's own tests.
 */
public abstract class RateLimiterContract {

  protected static final LimitSubject KEY = LimitSubject.of(LimitDimension.KEY, "key_1");
  protected static final LimitSubject OTHER_KEY = LimitSubject.of(LimitDimension.KEY, "key_2");
  protected static final LimitSubject IP = LimitSubject.of(LimitDimension.CLIENT_IP, "10.0.0.1");

  protected ManualClock clock;
  protected RateLimiter limiter;

  /** A limiter timed by {@code clock}, holding no state yet (a new one for every call). */
  protected abstract RateLimiter newLimiter(Clock clock);

  @BeforeEach
  void newClockAndLimiter() {
    clock = new ManualClock();
    limiter = newLimiter(clock);
  }

  protected static LimitDecision acquire(RateLimiter l, LimitCheck... checks) {
    try {
      return l.acquire(List.of(checks)).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("acquire failed", e);
    }
  }

  protected LimitDecision acquire(LimitSubject subject, Limit limit, long amount) {
    return acquire(new LimitCheck(subject, limit, amount));
  }

  /** Every decision of the tests goes through here: an implementation's test may check more of it. */
  protected LimitDecision acquire(LimitCheck... checks) {
    return acquire(limiter, checks);
  }

  protected static void adjust(RateLimiter l, LimitState state, long delta) {
    try {
      l.adjust(state, delta).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("adjust failed", e);
    }
  }

  protected int admitted(LimitSubject subject, Limit limit, int attempts) {
    int admitted = 0;
    for (int i = 0; i < attempts; i++) {
      if (acquire(subject, limit, 1).isAdmitted()) {
        admitted++;
      }
    }
    return admitted;
  }

  @Test
  void requests_atTheBoundary_admitsExactlyTheLimitThenRefusesWithRetryAfter() {
    Limit limit = Limit.requestsPerMinute(10);

    assertThat(admitted(KEY, limit, 10)).isEqualTo(10);
    LimitDecision refused = acquire(KEY, limit, 1);

    assertThat(refused.isAdmitted()).isFalse();
    LimitState state = refused.rejectedBy();
    assertThat(state.name()).isEqualTo("key:requests-per-minute");
    assertThat(state.remaining()).isZero();
    assertThat(state.retryAfter()).isEqualTo(Duration.ofSeconds(6)); // one token per 60 s / 10
    assertThat(state.reset()).isEqualTo(Duration.ofMinutes(1));
    assertThat(state.granted()).isFalse();
  }

  @Test
  void requests_grantedState_reportsRemainingAndTimeUntilFull() {
    LimitState first = acquire(KEY, Limit.requestsPerMinute(10), 1).states().get(0);

    assertThat(first.granted()).isTrue();
    assertThat(first.remaining()).isEqualTo(9);
    assertThat(first.reset()).isEqualTo(Duration.ofSeconds(6));
    assertThat(first.retryAfter()).isNull();
    assertThat(first.checkedAt()).isEqualTo(clock.instant());
  }

  @Test
  void requests_timePasses_refillsContinuouslyByTheInjectedClock() {
    Limit limit = Limit.requestsPerMinute(10);
    assertThat(admitted(KEY, limit, 10)).isEqualTo(10);

    clock.advance(Duration.ofMillis(5_999));
    assertThat(acquire(KEY, limit, 1).isAdmitted()).isFalse();

    clock.advance(Duration.ofMillis(1));
    assertThat(admitted(KEY, limit, 5)).isEqualTo(1);

    clock.advance(Duration.ofSeconds(30));
    assertThat(admitted(KEY, limit, 10)).isEqualTo(5);

    clock.advance(Duration.ofHours(1)); // refills to capacity, never beyond
    assertThat(admitted(KEY, limit, 20)).isEqualTo(10);
  }

  @Test
  void requests_withBurst_capsHowManyPassInTheBurstWindow() {
    // 100 per minute, burst of 2x for 10 s: at most 34 in any 10 s, and 100 a minute in the long run
    Limit limit = Limit.requestsPerMinute(100).withBurst(2, Duration.ofSeconds(10));

    assertThat(admitted(KEY, limit, 50)).isEqualTo(34);
    LimitState refused = acquire(KEY, limit, 1).rejectedBy();
    assertThat(refused.retryAfter()).isEqualTo(Duration.ofNanos(10_000_000_000L / 34)); // one 34th of 10 s

    clock.advance(Duration.ofSeconds(10));
    assertThat(admitted(KEY, limit, 50)).isEqualTo(34);
    clock.advance(Duration.ofSeconds(10));
    assertThat(admitted(KEY, limit, 50)).isEqualTo(34);
    clock.advance(Duration.ofSeconds(10)); // window bucket: 100 - 102 + 3 × 16.67 = 48
    assertThat(admitted(KEY, limit, 50)).isEqualTo(34);
    clock.advance(Duration.ofSeconds(10)); // window bucket: 14 + 16.67: the minute's limit binds now
    assertThat(admitted(KEY, limit, 50)).isEqualTo(30);
  }

  @Test
  void requests_subjectsAreIndependent() {
    Limit limit = Limit.requestsPerMinute(2);

    assertThat(admitted(KEY, limit, 5)).isEqualTo(2);
    assertThat(admitted(OTHER_KEY, limit, 5)).isEqualTo(2);
    assertThat(admitted(IP, limit, 5)).isEqualTo(2);
  }

  @Test
  void reconfiguredLimit_countsInItsOwnBucket() {
    assertThat(admitted(KEY, Limit.requestsPerMinute(2), 5)).isEqualTo(2);

    assertThat(admitted(KEY, Limit.requestsPerMinute(3), 5)).isEqualTo(3);
  }

  @Test
  void tokens_amountAboveCapacity_refusedWithoutRetryAfter() {
    LimitDecision d = acquire(KEY, Limit.tokensPerMinute(1000), 1001);

    assertThat(d.isAdmitted()).isFalse();
    assertThat(d.rejectedBy().retryAfter()).isNull(); // waiting cannot help
    assertThat(d.rejectedBy().remaining()).isEqualTo(1000);
  }

  @Test
  void tokens_adjustGivesBackAnOverEstimateAndChargesAnUnderEstimate() {
    Limit limit = Limit.tokensPerMinute(1000);
    LimitState reserved = acquire(KEY, limit, 600).states().get(0);
    assertThat(reserved.remaining()).isEqualTo(400);
    assertThat(acquire(KEY, limit, 500).isAdmitted()).isFalse();

    adjust(limiter, reserved, 100 - 600); // used 100 of the 600 reserved

    LimitState next = acquire(KEY, limit, 500).states().get(0);
    assertThat(next.remaining()).isEqualTo(400);

    adjust(limiter, next, 900 - 500); // used 900: 400 more than reserved, down to 0
    assertThat(acquire(KEY, limit, 1).isAdmitted()).isFalse();
  }

  @Test
  void tokens_underEstimateBeyondTheRemaining_goesIntoDebtThatTimePaysOff() {
    Limit limit = Limit.tokensPerMinute(600); // 10 tokens a second
    LimitState reserved = acquire(KEY, limit, 500).states().get(0);

    adjust(limiter, reserved, 700); // used 1200: 600 beyond the bucket

    clock.advance(Duration.ofSeconds(60));
    assertThat(acquire(KEY, limit, 1).isAdmitted()).isFalse();
    clock.advance(Duration.ofMillis(100));
    assertThat(acquire(KEY, limit, 1).isAdmitted()).isTrue();
  }

  @Test
  void tokens_refundNeverExceedsTheFullAllowance() {
    Limit limit = Limit.tokensPerMinute(1000);
    LimitState reserved = acquire(KEY, limit, 100).states().get(0);
    clock.advance(Duration.ofMinutes(5)); // full again

    adjust(limiter, reserved, -100);

    assertThat(acquire(KEY, limit, 1000).isAdmitted()).isTrue();
    assertThat(acquire(KEY, limit, 1).isAdmitted()).isFalse();
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

    adjust(limiter, first, -1);
    assertThat(acquire(KEY, limit, 1).isAdmitted()).isTrue();
    assertThat(acquire(KEY, limit, 1).isAdmitted()).isFalse();
    clock.advance(Duration.ofMinutes(5)); // time does not free a slot (within a shared store's lease time)
    assertThat(acquire(KEY, limit, 1).isAdmitted()).isFalse();
  }

  @Test
  void dailyQuota_resetsAtUtcMidnightAndReportsTheTimeUntilThen() {
    ManualClock evening = new ManualClock(Instant.parse("2026-03-10T22:00:00Z"));
    RateLimiter l = newLimiter(evening);
    Limit quota = Limit.dailyTokens(1000);
    LimitCheck check = new LimitCheck(KEY, quota, 700);

    LimitState taken = acquire(l, check).states().get(0);
    assertThat(taken.remaining()).isEqualTo(300);
    assertThat(taken.reset()).isEqualTo(Duration.ofHours(2));
    LimitDecision refused = acquire(l, check);
    assertThat(refused.rejectedBy().retryAfter()).isEqualTo(Duration.ofHours(2));
    assertThat(refused.rejectedBy().name()).isEqualTo("key:daily-tokens");
    assertThat(refused.rejectedBy().remaining()).isEqualTo(300);

    evening.advance(Duration.ofHours(2));
    assertThat(acquire(l, check).isAdmitted()).isTrue();
  }

  @Test
  void dailyQuota_atTheBoundary_admitsExactlyTheQuota() {
    Limit quota = Limit.dailyTokens(1000);

    assertThat(acquire(KEY, quota, 400).isAdmitted()).isTrue();
    assertThat(acquire(KEY, quota, 600).states().get(0).remaining()).isZero();
    LimitDecision refused = acquire(KEY, quota, 1);
    assertThat(refused.isAdmitted()).isFalse();
    assertThat(refused.rejectedBy().retryAfter()).isEqualTo(Duration.ofDays(1)); // the clock is at midnight
  }

  @Test
  void monthlyQuota_settlementAfterThePeriodEnded_isDropped() {
    ManualClock lastDay = new ManualClock(Instant.parse("2026-01-31T23:59:00Z"));
    RateLimiter l = newLimiter(lastDay);
    Limit quota = Limit.monthlyTokens(1000);
    LimitState january = acquire(l, new LimitCheck(KEY, quota, 900)).states().get(0);
    assertThat(january.reset()).isEqualTo(Duration.ofMinutes(1));

    lastDay.advance(Duration.ofMinutes(2)); // February
    adjust(l, january, 5000); // January's under-estimate must not eat February's quota

    assertThat(acquire(l, new LimitCheck(KEY, quota, 1000)).isAdmitted()).isTrue();
  }

  @Test
  void monthlyQuota_settlementWithinThePeriod_givesBackTheOverEstimateButNeverBelowZero() {
    Limit quota = Limit.monthlyTokens(1000);
    LimitState taken = acquire(KEY, quota, 900).states().get(0);
    adjust(limiter, taken, -800);

    assertThat(acquire(KEY, quota, 900).states().get(0).remaining()).isZero();

    LimitState small = acquire(OTHER_KEY, quota, 10).states().get(0);
    adjust(limiter, small, -500); // more than was taken
    assertThat(acquire(OTHER_KEY, quota, 1000).isAdmitted()).isTrue();
    assertThat(acquire(OTHER_KEY, quota, 1).isAdmitted()).isFalse();
  }

  @Test
  void batch_oneLimitRefuses_nothingIsTakenFromTheOthers() {
    Limit perKey = Limit.requestsPerMinute(10);
    Limit perIp = Limit.requestsPerMinute(1);
    acquire(IP, perIp, 1);

    LimitDecision refused = acquire(new LimitCheck(KEY, perKey, 1), new LimitCheck(IP, perIp, 1));

    assertThat(refused.isAdmitted()).isFalse();
    assertThat(refused.rejectedBy().name()).isEqualTo("ip:requests-per-minute");
    assertThat(refused.states()).extracting(LimitState::granted).containsExactly(false, false);
    assertThat(refused.states().get(0).remaining()).isEqualTo(10);
    assertThat(refused.states().get(0).retryAfter()).isNull(); // only the refusing limit says when
    assertThat(admitted(KEY, perKey, 20)).isEqualTo(10); // the refused batch took nothing from the key
  }

  @Test
  void batch_refusedByAQuota_givesBackTheSlotAndTheTokensTheOthersTook() {
    Limit slots = Limit.concurrentRequests(1);
    Limit tpm = Limit.tokensPerMinute(1000);
    Limit quota = Limit.dailyTokens(500);
    acquire(KEY, quota, 400);

    LimitDecision refused = acquire(new LimitCheck(KEY, slots, 1), new LimitCheck(KEY, tpm, 200),
        new LimitCheck(KEY, quota, 200));

    assertThat(refused.rejectedBy().name()).isEqualTo("key:daily-tokens");
    assertThat(refused.states()).extracting(LimitState::remaining).containsExactly(1L, 1000L, 100L);
    assertThat(acquire(KEY, slots, 1).isAdmitted()).isTrue();
    assertThat(acquire(KEY, tpm, 1000).isAdmitted()).isTrue();
    assertThat(acquire(KEY, quota, 100).isAdmitted()).isTrue();
  }

  @Test
  void batch_allAdmit_takesFromEveryLimitAndReportsEach() {
    LimitDecision d = acquire(new LimitCheck(KEY, Limit.requestsPerMinute(10), 1),
        new LimitCheck(KEY, Limit.tokensPerMinute(1000), 300), new LimitCheck(IP, Limit.concurrentRequests(3), 1));

    assertThat(d.isAdmitted()).isTrue();
    assertThat(d.states()).extracting(LimitState::name)
        .containsExactly("key:requests-per-minute", "key:tokens-per-minute", "ip:concurrent-requests");
    assertThat(d.states()).extracting(LimitState::remaining).containsExactly(9L, 700L, 2L);
  }

  @Test
  void batch_sameLimitTwiceForOneSubject_isRefusedAsAProgrammingError() {
    Limit rpm = Limit.requestsPerMinute(10);

    assertThatThrownBy(() -> limiter.acquire(List.of(new LimitCheck(KEY, rpm, 1), new LimitCheck(KEY, rpm, 1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a batch names limit requests-per-minute twice for one subject");
  }

  @Test
  void concurrentCallers_underLoad_neverAdmitMoreThanTheLimitAndAdmitItInTotal() throws Exception {
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
            // Half the threads also count against one IP, in the other order.
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
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    // 1600 attempts for the key's 500. A store that takes and gives back may have held back a token
    // from a concurrent caller; whatever is left is admitted now, and not one more.
    assertThat(admitted.get()).isLessThanOrEqualTo(500);
    assertThat(admitted.get() + admitted(KEY, perKey, 501)).isEqualTo(500);
  }
}

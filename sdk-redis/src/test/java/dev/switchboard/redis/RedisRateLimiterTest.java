package dev.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.Health;
import dev.switchboard.core.metrics.SwitchboardMetrics;
import dev.switchboard.core.ratelimit.Limit;
import dev.switchboard.core.ratelimit.LimitCheck;
import dev.switchboard.core.ratelimit.LimitDecision;
import dev.switchboard.core.ratelimit.LimitDimension;
import dev.switchboard.core.ratelimit.LimitState;
import dev.switchboard.core.ratelimit.LimitSubject;
import dev.switchboard.core.ratelimit.LimiterFailurePolicy;
import dev.switchboard.core.ratelimit.RateLimiter;
import dev.switchboard.core.testing.ManualClock;
import dev.switchboard.redis.internal.StoreUnavailableException;
import dev.switchboard.redis.testing.Await;
import dev.switchboard.redis.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What only the Redis limiter does: its keys and their expiry, leases, mirroring the local buckets, failing over. */
class RedisRateLimiterTest {

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private static final LimitSubject KEY = LimitSubject.of(LimitDimension.KEY, "key_1");

  private final ManualClock clock = new ManualClock();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private RedisConnection connection;

  @BeforeEach
  void connect() {
    connection = RedisConnection.builder().uri(redis.uri()).maxReconnectDelay(Duration.ofMillis(100)).build();
  }

  @AfterEach
  void close() {
    connection.close();
  }

  private RedisRateLimiter.Builder limiter() {
    return RedisRateLimiter.builder(connection).clock(clock).meterRegistry(meters).timeout(Duration.ofSeconds(5));
  }

  private static LimitDecision acquire(RateLimiter l, LimitSubject subject, Limit limit, long amount) {
    return l.acquire(List.of(new LimitCheck(subject, limit, amount))).join();
  }

  private static int admitted(RateLimiter l, Limit limit, int attempts) {
    int n = 0;
    for (int i = 0; i < attempts; i++) {
      if (acquire(l, KEY, limit, 1).isAdmitted()) {
        n++;
      }
    }
    return n;
  }

  @SuppressWarnings("unchecked")
  private static List<String> keys() {
    List<String> keys = new ArrayList<>((List<String>) redis.server().command("KEYS", "*"));
    keys.sort(null);
    return keys;
  }

  private static long pttl(String key) {
    return (Long) redis.server().command("PTTL", key);
  }

  // ---- keys

  @Test
  void keys_holdAHashOfTheSubjectInOneHashTag_neverTheValue() {
    RedisRateLimiter l = limiter().build();
    LimitSubject person = LimitSubject.of(LimitDimension.USER, "ada@example.com");
    LimitSubject hostile = LimitSubject.of(LimitDimension.USER, "}{x}:evil\r\n");

    acquire(l, person, Limit.requestsPerMinute(10), 1);
    acquire(l, person, Limit.concurrentRequests(5), 1);
    acquire(l, person, Limit.dailyTokens(1000), 10);
    acquire(l, hostile, Limit.requestsPerMinute(10), 1);

    List<String> keys = keys();
    assertThat(keys).hasSize(4).allSatisfy(k -> {
      assertThat(k).matches("sb:rl:v1:\\{user:[A-Za-z0-9_-]{22}}:[a-z0-9-]+:[A-Za-z0-9_-]{8}(:2026-01-01)?");
      assertThat(k).doesNotContain("ada").doesNotContain("evil");
    });
    String personTag = keys.stream().filter(k -> k.contains("daily-tokens")).findFirst().orElseThrow()
        .substring(0, "sb:rl:v1:{user:".length() + 23);
    assertThat(keys.stream().filter(k -> k.startsWith(personTag))).hasSize(3); // one subject, one hash tag
  }

  @Test
  void keyPrefix_isPrependedAndMustNotMoveTheHashTag() {
    acquire(limiter().keyPrefix("staging:").build(), KEY, Limit.requestsPerMinute(10), 1);

    assertThat(keys()).singleElement().asString().startsWith("staging:{key:");
    assertThatThrownBy(() -> RedisRateLimiter.builder(connection).keyPrefix("a{b}:"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("keyPrefix must not contain '{' or '}' but was 'a{b}:'");
  }

  // ---- expiry in Redis

  @Test
  void bucketKey_expiresOnceTheBucketIsFullAgain() {
    RedisRateLimiter l = limiter().build();
    Limit limit = Limit.requestsPerMinute(10); // one back every 6 s

    acquire(l, KEY, limit, 1);
    String key = keys().get(0);
    // full again in 6 s by the client clock, kept 10 s beyond (real time has passed since: at most a little less)
    assertThat(pttl(key)).isBetween(15_000L, 16_000L);

    admitted(l, limit, 9);
    assertThat(pttl(key)).isBetween(69_000L, 70_000L);
  }

  @Test
  void quotaKeys_expireAfterTheirPeriodPlusAGrace() {
    clock.advance(Duration.between(clock.instant(), Instant.parse("2026-03-10T22:00:00Z")));
    RedisRateLimiter l = limiter().build();

    acquire(l, KEY, Limit.dailyTokens(1000), 10);
    acquire(l, KEY, Limit.monthlyTokens(100_000), 10);

    String day = keys().stream().filter(k -> k.endsWith(":2026-03-10")).findFirst().orElseThrow();
    String month = keys().stream().filter(k -> k.endsWith(":2026-03")).findFirst().orElseThrow();
    long grace = RedisRateLimiter.QUOTA_KEY_GRACE.toMillis();
    assertThat(pttl(day)).isBetween(Duration.ofHours(2).toMillis() + grace - 1000, Duration.ofHours(2).toMillis() + grace);
    long untilApril = Duration.between(clock.instant(), Instant.parse("2026-04-01T00:00:00Z")).toMillis();
    assertThat(pttl(month)).isBetween(untilApril + grace - 1000, untilApril + grace);
  }

  @Test
  void leaseNeverGivenBack_freesItsSlotAfterTheLeaseTime() {
    RedisRateLimiter l = limiter().leaseTime(Duration.ofMinutes(3)).build();
    Limit slots = Limit.concurrentRequests(1);

    LimitState lease = acquire(l, KEY, slots, 1).states().get(0); // its instance "crashes": never released
    assertThat(lease.receipt()).matches("[A-Za-z0-9_-]{16}");
    assertThat(pttl(keys().get(0))).isBetween(179_000L, 180_000L);

    clock.advance(Duration.ofMinutes(3).minusMillis(1));
    assertThat(acquire(l, KEY, slots, 1).isAdmitted()).isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(acquire(l, KEY, slots, 1).isAdmitted()).isTrue();
  }

  @Test
  void lease_releasedTwice_givesBackItsOwnSlotOnly() {
    RedisRateLimiter l = limiter().build();
    Limit slots = Limit.concurrentRequests(2);
    LimitState first = acquire(l, KEY, slots, 1).states().get(0);
    acquire(l, KEY, slots, 1);

    l.adjust(first, -1).join();
    l.adjust(first, -1).join(); // a release must not free another call's slot

    assertThat(admitted(l, slots, 3)).isEqualTo(1);
  }

  @Test
  void lease_enlarged_isRefusedAsUnsupported() {
    RedisRateLimiter l = limiter().build();
    LimitState lease = acquire(l, KEY, Limit.concurrentRequests(2), 1).states().get(0);

    assertThat(l.adjust(lease, 1)).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
        .havingCause().isInstanceOf(UnsupportedOperationException.class)
        .withMessage("a concurrency slot is given back, never enlarged: delta +1 on key:concurrent-requests");
  }

  // ---- the same buckets as the local limiter

  @Test
  void buckets_mirrorTheLocalLimiter_stateForStateOverARandomRun() {
    RateLimiter local = RateLimiter.local(clock);
    RedisRateLimiter shared = limiter().build();
    Limit rpm = Limit.requestsPerMinute(120).withBurst(2, Duration.ofSeconds(10));
    Limit tpm = Limit.tokensPerMinute(5_000);
    Random random = new Random(7);

    for (int step = 0; step < 400; step++) {
      clock.advance(Duration.ofMillis(random.nextInt(400)));
      Limit limit = random.nextBoolean() ? rpm : tpm;
      long amount = limit == rpm ? 1 + random.nextInt(3) : 1 + random.nextInt(900);
      LimitState fromLocal = acquire(local, KEY, limit, amount).states().get(0);
      LimitState fromRedis = acquire(shared, KEY, limit, amount).states().get(0);

      assertThat(fromRedis).as("step %d", step).isEqualTo(fromLocal);
      if (fromLocal.granted() && limit == tpm && random.nextInt(3) == 0) { // settle: used more or fewer tokens
        long delta = random.nextInt(1200) - 600;
        local.adjust(fromLocal, delta).join();
        shared.adjust(fromRedis, delta).join();
      }
    }
    assertThat(shared.errorCount()).isZero();
  }

  // ---- Redis unavailable

  @Test
  void failOpen_redisStopped_decidesLocallyAtTheShareUntilRedisIsBack() {
    RedisRateLimiter l = limiter().failurePolicy(LimiterFailurePolicy.failOpen(0.5)).timeout(Duration.ofSeconds(1))
        .build();
    Limit rpm = Limit.requestsPerMinute(10);
    Limit slots = Limit.concurrentRequests(2);
    assertThat(admitted(l, rpm, 3)).isEqualTo(3);
    assertThat(l.health()).isEqualTo(Health.up());

    redis.server().stop();

    LimitDecision degraded = acquire(l, KEY, rpm, 1);
    assertThat(degraded.isAdmitted()).isTrue();
    assertThat(degraded.isDegraded()).isTrue();
    LimitState state = degraded.states().get(0);
    assertThat(state.limit()).isEqualTo(rpm); // the configured limit; counted locally at half of it
    assertThat(state.remaining()).isEqualTo(4);
    assertThat(state.receipt()).isEqualTo("local");
    assertThat(admitted(l, rpm, 10)).isEqualTo(4); // 5 in all on this instance
    // Slots taken while degraded are given back to the local fallback.
    LimitState slot = acquire(l, KEY, slots, 1).states().get(0);
    assertThat(acquire(l, KEY, slots, 1).isAdmitted()).isFalse(); // half of 2
    l.adjust(slot, -1).join();
    assertThat(acquire(l, KEY, slots, 1).isAdmitted()).isTrue();

    assertThat(l.isDegraded()).isTrue();
    assertThat(l.health().status()).isEqualTo(Health.Status.DEGRADED);
    assertThat(l.health().detail()).contains("redis://127.0.0.1:" + redis.server().port())
        .endsWith("deciding locally at 0.5 of each limit");
    assertThat(l.errorCount()).isEqualTo(14);
    assertThat(meters.get(SwitchboardMetrics.RATE_LIMIT_STORE_ERRORS).tag("operation", "acquire").counter().count())
        .isEqualTo(14);

    redis.server().restart(); // empty: the shared counts start afresh
    Await.until(Duration.ofSeconds(10), "decisions shared again", () -> !acquire(l, KEY, rpm, 1).isDegraded());
    LimitDecision shared = acquire(l, KEY, rpm, 1);
    assertThat(shared.isDegraded()).isFalse();
    assertThat(shared.states().get(0).receipt()).isNull();
    assertThat(shared.states().get(0).remaining()).isEqualTo(8); // counted in Redis: the one that found it, this one
    assertThat(l.isDegraded()).isFalse();
    assertThat(l.health()).isEqualTo(Health.up());
  }

  @Test
  void failClosed_redisStopped_failsTheDecisionAndTheSettlementUntilRedisIsBack() throws Exception {
    RedisRateLimiter l = limiter().failurePolicy(LimiterFailurePolicy.failClosed()).build();
    Limit rpm = Limit.requestsPerMinute(10);
    LimitState taken = acquire(l, KEY, Limit.tokensPerMinute(1000), 100).states().get(0);

    redis.server().stop();

    CompletableFuture<LimitDecision> refused = l.acquire(List.of(new LimitCheck(KEY, rpm, 1)));
    assertThatThrownBy(() -> refused.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(StoreUnavailableException.class)
        .hasMessageStartingWith("Redis redis://127.0.0.1:" + redis.server().port() + "/0 could not decide the rate "
            + "limits: ");
    assertThat(l.adjust(taken, -50)).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
        .havingCause().isInstanceOf(StoreUnavailableException.class);
    assertThat(l.isDegraded()).isTrue();
    assertThat(l.health().detail()).endsWith("failing closed: calls are refused");
    assertThat(meters.get(SwitchboardMetrics.RATE_LIMIT_STORE_ERRORS).tag("operation", "adjust").counter().count())
        .isEqualTo(1);

    redis.server().restart();
    Await.until(Duration.ofSeconds(10), "Redis decides again",
        () -> l.acquire(List.of(new LimitCheck(KEY, rpm, 1))).handle((d, e) -> e == null).join());
    assertThat(acquire(l, KEY, rpm, 1).states().get(0).remaining()).isEqualTo(8);
    assertThat(l.health()).isEqualTo(Health.up());
  }

  @Test
  void slowRedis_pastTheTimeout_decidesLocallyAndGivesBackWhatTheLateAnswerTook() {
    RedisRateLimiter l = limiter().failurePolicy(LimiterFailurePolicy.failOpen(1.0)).timeout(Duration.ofMillis(100))
        .build();
    Limit slots = Limit.concurrentRequests(1);

    redis.server().command("CLIENT", "PAUSE", "700"); // Redis holds every command for 700 ms
    long start = System.nanoTime();
    String[] decidedOn = new String[1];
    LimitDecision late = l.acquire(List.of(new LimitCheck(KEY, slots, 1))).thenApply(d -> {
      decidedOn[0] = Thread.currentThread().getName();
      return d;
    }).join();

    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(600);
    // The caller continues on Lettuce's computation threads, not on the JDK's one shared delay thread.
    assertThat(decidedOn[0]).startsWith("lettuce-eventExecutorLoop");
    assertThat(late.isDegraded()).isTrue();
    assertThat(late.isAdmitted()).isTrue();
    // Once Redis runs again the lease the late answer took is given back: the slot is free for a shared decision.
    // (Without the give-back that lease would hold the only slot for the 10-minute lease time.)
    Await.until(Duration.ofSeconds(10), "the late lease given back", () -> {
      LimitDecision d = acquire(l, KEY, slots, 1);
      return d.isAdmitted() && !d.isDegraded();
    });
  }

  // ---- configuration

  @Test
  void builder_rejectsInvalidSettingsAtOnce() {
    assertThatThrownBy(() -> RedisRateLimiter.builder(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("connection");
    assertThatThrownBy(() -> RedisRateLimiter.builder(connection).timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("timeout must be positive but was PT0S");
    assertThatThrownBy(() -> RedisRateLimiter.builder(connection).leaseTime(Duration.ofNanos(5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("leaseTime must be at least 1 ms but was PT0.000000005S");
    assertThatThrownBy(() -> RedisRateLimiter.builder(connection).failurePolicy(null))
        .isInstanceOf(NullPointerException.class).hasMessage("failurePolicy");
    assertThat(RedisRateLimiter.builder(connection).build().toString()).isEqualTo("RedisRateLimiter{redis://127.0.0.1:"
        + redis.server().port() + "/0, prefix=sb:rl:v1:, fail-open(1.0)}");
  }
}

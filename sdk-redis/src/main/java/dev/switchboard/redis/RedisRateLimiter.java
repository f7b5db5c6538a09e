package dev.switchboard.redis;

import dev.switchboard.core.Health;
import dev.switchboard.core.metrics.SwitchboardMetrics;
import dev.switchboard.core.ratelimit.Limit;
import dev.switchboard.core.ratelimit.LimitCheck;
import dev.switchboard.core.ratelimit.LimitDecision;
import dev.switchboard.core.ratelimit.LimitState;
import dev.switchboard.core.ratelimit.LimiterFailurePolicy;
import dev.switchboard.core.ratelimit.RateLimiter;
import dev.switchboard.redis.internal.LettuceConnection;
import dev.switchboard.redis.internal.LimitKeys;
import dev.switchboard.redis.internal.LimitScripts;
import dev.switchboard.redis.internal.QuotaPeriod;
import dev.switchboard.redis.internal.RedisBuckets;
import dev.switchboard.redis.internal.StoreUnavailableException;
import dev.switchboard.redis.internal.ThrottledWarning;
import io.github.bucket4j.ConsumptionProbe;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.LoggerFactory;

/**
 * Limits counted in Redis, so that every Switchboard instance sharing the Redis enforces one global
 * limit: hand it to {@code Switchboard.Builder.rateLimiter}.
 *
 * <pre>{@code
 * RedisConnection redis = RedisConnection.create("redis://limits.internal:6379");
 * Switchboard switchboard = Switchboard.builder()
 *     .limits(Limits.ofDefaults())
 *     .rateLimiter(RedisRateLimiter.builder(redis)
 *         .failurePolicy(LimiterFailurePolicy.failOpen(0.25)) // 4 instances: a quarter each
 *         .build())
 *     ...
 * }</pre>
 *
 * <p><b>What is stored.</b> Requests and tokens per window are Bucket4j token buckets with the same
 * bandwidths as {@link RateLimiter#local}, kept by Bucket4j's Lettuce backend and expiring once full.
 * That backend compare-and-swaps the bucket state: a GET, then an EVAL that writes only if the state
 * is unchanged, so an admitted check takes two round trips and a refused one, which writes nothing,
 * one; concurrent checks of this process on one bucket share them (Bucket4j batching), and a race
 * lost to another instance costs another two. Concurrency limits are leases in a sorted set, each
 * expiring after {@link Builder#leaseTime(Duration)} so that a crashed instance's slots free
 * themselves; quotas are one counter per calendar day or month (UTC), expiring after it. Both take
 * one round trip (a Lua script) per check. Keys are {@code prefix{dimension:hash(value)}:limit:spec}:
 * one subject's limits share a Redis Cluster slot, and no key, user or IP appears in a key name.
 *
 * <p><b>All or nothing.</b> The checks of a batch are sent together (pipelined on one connection),
 * so a batch takes as long as its slowest check, and each is decided atomically in Redis. When one
 * refuses, what the others took is given back before the refusal is returned, so nothing is taken;
 * meanwhile a concurrent caller may briefly find that capacity held, never more than a limit allows.
 * A decision Redis makes after the timeout is given back the same way.
 *
 * <p><b>Time</b> comes from {@link Builder#clock(Clock)} (Switchboard's clock): every instance must
 * run on synchronized clocks, as bucket states and lease expiries are written in client time.
 *
 * <p><b>Redis unavailable</b> (not connected, an error, or no answer within {@link
 * Builder#timeout(Duration)}): with {@link LimiterFailurePolicy#failOpen(double)} the batch is decided
 * by an in-process limiter at that share of each limit, the decision is marked {@linkplain
 * LimitDecision#isDegraded() degraded}, and its settlements go to that same local limiter; with
 * {@link LimiterFailurePolicy#failClosed()} the future fails and the engine answers 503. Either way
 * {@link #isDegraded()} is true and {@link #health()} {@code DEGRADED} until Redis answers again, and
 * errors are counted ({@link #errorCount()}, the {@code switchboard.ratelimit.store.errors} meter) and
 * logged at most once per {@link Builder#errorLogInterval(Duration)}. A settlement is never sent twice:
 * the connection used fails commands that were in flight when it dropped instead of replaying them.
 * A settlement that fails is lost (the engine logs it): a bucket refills, a lease expires.
 *
 * <p>Thread-safe; never blocks the calling thread. It does not own the {@link RedisConnection}: close
 * that after the Switchboard.
 */
public final class RedisRateLimiter implements RateLimiter {

  /** {@code sb:rl:v1:}: the version changes if the keys' layout or contents ever do. */
  public static final String DEFAULT_KEY_PREFIX = "sb:rl:v1:";
  /**
   * Fail open, each instance allowing the full limit on its own: a Redis outage neither stops the
   * service nor lifts the limits of one instance; with N instances, up to N times a limit passes.
   */
  public static final LimiterFailurePolicy DEFAULT_FAILURE_POLICY = LimiterFailurePolicy.failOpen(1.0);
  /** 500 ms: past this the decision is made as if Redis were down. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(500);
  /** 10 minutes: longer than the longest call, so only a crashed instance's slots ever expire. */
  public static final Duration DEFAULT_LEASE_TIME = Duration.ofMinutes(10);
  /** One minute between two log lines about Redis failing. */
  public static final Duration DEFAULT_ERROR_LOG_INTERVAL = Duration.ofMinutes(1);
  /** How long a quota's counter outlives its period: an instance whose clock lags still finds it. */
  static final Duration QUOTA_KEY_GRACE = Duration.ofMinutes(10);
  /** The receipt of states decided by the local fallback: their settlements go there too. */
  static final String LOCAL_RECEIPT = "local";

  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

  private final RedisConnection connection;
  private final LettuceConnection lettuce;
  private final Clock clock;
  private final LimiterFailurePolicy policy;
  private final RateLimiter fallback;
  private final long timeoutNanos;
  private final long leaseMillis;
  private final LimitKeys keys;
  private final RedisBuckets buckets;
  private final ThrottledWarning warning;
  private final AtomicLong errors = new AtomicLong();
  private final Counter acquireErrors;
  private final Counter adjustErrors;
  private final String prefix;
  // The latest outcome decides: a success after failures means Redis is back.
  private volatile boolean lastFailed;
  private volatile String lastError = "";

  private RedisRateLimiter(Builder b) {
    this.connection = b.connection;
    this.lettuce = b.connection.lettuce();
    this.clock = b.clock;
    this.policy = b.policy;
    this.fallback = b.policy.isFailOpen() ? RateLimiter.local(b.clock) : null;
    this.timeoutNanos = b.timeout.toNanos();
    this.leaseMillis = b.leaseTime.toMillis();
    this.prefix = b.keyPrefix;
    this.keys = new LimitKeys(b.keyPrefix);
    this.buckets = new RedisBuckets(b.clock, b.timeout);
    this.warning = new ThrottledWarning(LoggerFactory.getLogger(RedisRateLimiter.class), b.errorLogInterval);
    this.acquireErrors = b.registry == null ? null : counter(b.registry, "acquire");
    this.adjustErrors = b.registry == null ? null : counter(b.registry, "adjust");
  }

  private static Counter counter(MeterRegistry registry, String operation) {
    return Counter.builder(SwitchboardMetrics.RATE_LIMIT_STORE_ERRORS).tag(SwitchboardMetrics.TAG_STORE, "redis")
        .tag(SwitchboardMetrics.TAG_OPERATION, operation)
        .description("rate-limit store operations that failed or timed out").register(registry);
  }

  /**
   * A builder for a limiter on {@code connection}.
   *
   * @throws NullPointerException if {@code connection} is null
   */
  public static Builder builder(RedisConnection connection) {
    return new Builder(Objects.requireNonNull(connection, "connection"));
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if {@code checks} is empty or names one limit twice for one subject
   */
  @Override
  public CompletableFuture<LimitDecision> acquire(List<LimitCheck> checks) {
    requireDistinct(checks);
    Instant now = clock.instant();
    CompletableFuture<LimitDecision> shared;
    try {
      shared = lettuce.atMostOnceCommands().thenCompose(c -> decide(c, checks, now));
    } catch (RuntimeException e) { // a bug here must not escape as a thrown exception
      shared = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<LimitDecision> bounded = new CompletableFuture<>();
    shared.whenComplete((decision, error) -> {
      boolean answered = error == null ? bounded.complete(decision) : bounded.completeExceptionally(error);
      if (!answered && error == null && decision.isAdmitted()) {
        giveBack(decision); // decided after the caller was answered without it: return what it took
      }
    });
    return lettuce.within(bounded, timeoutNanos).handle((decision, error) -> {
      if (error == null) {
        succeeded();
        return CompletableFuture.completedFuture(decision);
      }
      return unavailable(checks, error);
    }).thenCompose(Function.identity());
  }

  /**
   * {@inheritDoc}
   *
   * <p>A state the local fallback decided (while Redis was unavailable) settles in that fallback. A
   * concurrency lease is only given back (removing its own members, so a second release frees
   * nothing): a positive delta on it completes exceptionally with {@link UnsupportedOperationException}.
   * When Redis fails the future completes exceptionally and the settlement is lost, never retried.
   */
  @Override
  public CompletableFuture<Void> adjust(LimitState granted, long delta) {
    if (delta == 0) {
      return DONE;
    }
    if (LOCAL_RECEIPT.equals(granted.receipt())) {
      return fallback != null ? fallback.adjust(scaled(granted), delta) : DONE;
    }
    Limit limit = granted.limit();
    if (limit.kind() == Limit.Kind.CONCURRENT_REQUESTS && delta > 0) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException("a concurrency slot is given back, "
          + "never enlarged: delta +" + delta + " on " + granted.name()));
    }
    if (isQuota(limit) && !QuotaPeriod.of(limit).same(granted.checkedAt(), clock.instant())) {
      return DONE; // the reservation's period is over: its count was final when the period ended
    }
    CompletableFuture<Void> op;
    try {
      op = lettuce.atMostOnceCommands().thenCompose(c -> settle(c, granted, delta));
    } catch (RuntimeException e) {
      op = CompletableFuture.failedFuture(e);
    }
    return lettuce.within(op, timeoutNanos).handle((v, error) -> {
      if (error != null) {
        Throwable cause = unwrap(error);
        failed("adjust", cause, adjustErrors, "a settlement of " + granted.name() + " is lost");
        throw new CompletionException(storeFailure(cause));
      }
      succeeded();
      return null;
    });
  }

  /** Whether the latest Redis operation failed or the connection is down: decisions are not shared now. */
  @Override
  public boolean isDegraded() {
    return lastFailed || !connection.isConnected();
  }

  /**
   * {@code UP} while Redis answers; {@code DEGRADED} while it does not, naming what the limiter does
   * meanwhile (decides locally, or refuses every call). Never blocks.
   */
  public Health health() {
    if (!isDegraded()) {
      return Health.up();
    }
    String doing = policy.isFailOpen() ? "deciding locally at " + policy.localShare() + " of each limit"
        : "failing closed: calls are refused";
    String why = !connection.isConnected() ? "not connected to Redis " + lettuce.describe()
        : "Redis " + lettuce.describe() + " fails";
    return Health.degraded(why + (lastError.isEmpty() ? "" : ": " + lastError) + "; " + doing);
  }

  /** Redis operations that failed or timed out since this limiter was created. */
  public long errorCount() {
    return errors.get();
  }

  @Override
  public String toString() {
    return "RedisRateLimiter{" + lettuce.describe() + ", prefix=" + prefix + ", " + policy + "}";
  }

  // ---- deciding in Redis

  private CompletableFuture<LimitDecision> decide(RedisClusterAsyncCommands<byte[], byte[]> c, List<LimitCheck> checks,
      Instant now) {
    if (checks.size() == 1) {
      return take(c, checks.get(0), now).thenApply(s -> s.granted() ? LimitDecision.admitted(List.of(s))
          : LimitDecision.rejected(List.of(s), s));
    }
    int n = checks.size();
    List<CompletableFuture<LimitState>> taking = new ArrayList<>(n);
    for (LimitCheck check : checks) { // all sent before any answer: one pipelined round
      taking.add(take(c, check, now));
    }
    return CompletableFuture.allOf(taking.toArray(new CompletableFuture<?>[0])).handle((all, error) -> {
      // every take has completed here, successfully or not
      List<LimitState> states = new ArrayList<>(n);
      List<LimitState> granted = new ArrayList<>(n);
      int refusing = -1;
      for (int i = 0; i < n; i++) {
        CompletableFuture<LimitState> f = taking.get(i);
        LimitState s = f.isCompletedExceptionally() ? null : f.join();
        states.add(s);
        if (s != null && s.granted()) {
          granted.add(s);
        } else if (s != null && refusing < 0) {
          refusing = i;
        }
      }
      if (error != null) {
        giveBack(c, granted); // best effort: the batch is decided elsewhere or fails
        return CompletableFuture.<LimitDecision>failedFuture(error);
      }
      if (refusing < 0) {
        return CompletableFuture.completedFuture(LimitDecision.admitted(states));
      }
      int refused = refusing;
      return giveBack(c, granted).handle((v, e) -> refusal(states, refused));
    }).thenCompose(Function.identity());
  }

  /** The refusal of a batch whose granted states were given back: nothing taken, only the refusing one says when. */
  private static LimitDecision refusal(List<LimitState> states, int refusing) {
    List<LimitState> out = new ArrayList<>(states.size());
    for (int i = 0; i < states.size(); i++) {
      LimitState s = states.get(i);
      if (i == refusing) {
        out.add(s);
      } else if (s.granted()) { // taken and given back: what was left before taking
        out.add(s.toBuilder().granted(false).remaining(s.remaining() + s.amount()).receipt(null).build());
      } else {
        out.add(s.toBuilder().retryAfter(null).build());
      }
    }
    return LimitDecision.rejected(out, out.get(refusing));
  }

  private CompletableFuture<LimitState> take(RedisClusterAsyncCommands<byte[], byte[]> c, LimitCheck check,
      Instant now) {
    Limit limit = check.limit();
    switch (limit.kind()) {
      case REQUESTS:
      case TOKENS:
        return buckets.bucket(c, keys.name(check.subject(), limit), limit)
            .tryConsumeAndReturnRemaining(check.amount()).thenApply(probe -> bucketState(check, now, probe));
      case CONCURRENT_REQUESTS: {
        String lease = newLeaseId();
        long expiry = now.toEpochMilli() + leaseMillis;
        return c.<List<Object>>eval(LimitScripts.LEASE_ACQUIRE, ScriptOutputType.MULTI,
            new byte[][] {keys.key(check.subject(), limit)}, bytes(now.toEpochMilli()), bytes(expiry),
            bytes(limit.amount()), bytes(check.amount()), lease.getBytes(StandardCharsets.US_ASCII), bytes(leaseMillis))
            .toCompletableFuture().thenApply(reply -> {
              boolean granted = ((Long) reply.get(0)) == 1;
              long held = (Long) reply.get(1);
              LimitState.Builder s = LimitState.builder(check, now).granted(granted).remaining(limit.amount() - held);
              return (granted ? s.receipt(lease) : s).build(); // no retry-after: a slot frees when a call ends
            });
      }
      default: {
        QuotaPeriod period = QuotaPeriod.of(limit);
        return c.<List<Object>>eval(LimitScripts.QUOTA_ACQUIRE, ScriptOutputType.MULTI,
            new byte[][] {keys.quotaKey(check.subject(), limit, now)}, bytes(check.amount()), bytes(limit.amount()),
            bytes(quotaTtlMillis(period, now, now))).toCompletableFuture().thenApply(reply -> {
              boolean granted = ((Long) reply.get(0)) == 1;
              long used = (Long) reply.get(1);
              Duration untilEnd = period.untilEnd(now);
              LimitState.Builder s = LimitState.builder(check, now).granted(granted).remaining(limit.amount() - used)
                  .reset(used == 0 ? Duration.ZERO : untilEnd);
              if (!granted && check.amount() <= limit.amount()) {
                s.retryAfter(untilEnd);
              }
              return s.build();
            });
      }
    }
  }

  /** As the local limiter reports a bucket: the smaller bandwidth's remaining, time until both are full. */
  private static LimitState bucketState(LimitCheck check, Instant now, ConsumptionProbe probe) {
    LimitState.Builder s = LimitState.builder(check, now).granted(probe.isConsumed())
        .remaining(probe.getRemainingTokens()).reset(Duration.ofNanos(probe.getNanosToWaitForReset()));
    if (!probe.isConsumed() && check.amount() <= RedisBuckets.capacity(check.limit())) {
      s.retryAfter(Duration.ofNanos(probe.getNanosToWaitForRefill())); // more than the capacity never fits
    }
    return s.build();
  }

  // ---- settling in Redis

  private CompletableFuture<Void> settle(RedisClusterAsyncCommands<byte[], byte[]> c, LimitState granted, long delta) {
    Limit limit = granted.limit();
    switch (limit.kind()) {
      case REQUESTS:
      case TOKENS: {
        var bucket = buckets.bucket(c, keys.name(granted.subject(), limit), limit);
        // Taking more may go into debt that the next calls wait out; giving back stops at the capacity.
        return delta > 0 ? bucket.consumeIgnoringRateLimits(delta).thenApply(penalty -> null)
            : bucket.addTokens(-delta);
      }
      case CONCURRENT_REQUESTS:
        if (granted.receipt() == null) {
          return DONE; // not a lease of this limiter
        }
        return c.<Long>eval(LimitScripts.LEASE_RELEASE, ScriptOutputType.INTEGER,
            new byte[][] {keys.key(granted.subject(), limit)}, granted.receipt().getBytes(StandardCharsets.US_ASCII),
            bytes(granted.amount()), bytes(-delta)).toCompletableFuture().thenApply(removed -> null);
      default: {
        Instant takenAt = granted.checkedAt();
        return c.<Long>eval(LimitScripts.QUOTA_ADJUST, ScriptOutputType.INTEGER,
            new byte[][] {keys.quotaKey(granted.subject(), limit, takenAt)}, bytes(delta),
            bytes(quotaTtlMillis(QuotaPeriod.of(limit), takenAt, clock.instant()))).toCompletableFuture()
            .thenApply(used -> null);
      }
    }
  }

  /** Gives back every state of a decision made too late to be used; failures are counted, not raised. */
  private void giveBack(LimitDecision decision) {
    lettuce.atMostOnceCommands().thenCompose(c -> giveBack(c, decision.states()));
  }

  private CompletableFuture<Void> giveBack(RedisClusterAsyncCommands<byte[], byte[]> c, List<LimitState> taken) {
    if (taken.isEmpty()) {
      return DONE;
    }
    List<CompletableFuture<Void>> giving = new ArrayList<>(taken.size());
    for (LimitState s : taken) {
      giving.add(settle(c, s, -s.amount()).exceptionally(e -> {
        failed("adjust", unwrap(e), adjustErrors, "could not give back what a refused batch took from " + s.name()
            + "; it is held until it refills or expires");
        return null;
      }));
    }
    return CompletableFuture.allOf(giving.toArray(new CompletableFuture<?>[0]));
  }

  /** Until the end of the period containing {@code takenAt}, from {@code now}, plus a grace; at least 1 ms. */
  private static long quotaTtlMillis(QuotaPeriod period, Instant takenAt, Instant now) {
    return Math.max(1, Duration.between(now, period.end(takenAt)).plus(QUOTA_KEY_GRACE).toMillis());
  }

  // ---- Redis unavailable

  private CompletableFuture<LimitDecision> unavailable(List<LimitCheck> checks, Throwable error) {
    Throwable cause = unwrap(error);
    failed("acquire", cause, acquireErrors, policy.isFailOpen()
        ? "deciding locally at " + policy.localShare() + " of each limit" : "failing closed: calls are refused");
    if (fallback == null) {
      return CompletableFuture.failedFuture(storeFailure(cause));
    }
    List<LimitCheck> scaled = new ArrayList<>(checks.size());
    for (LimitCheck c : checks) {
      scaled.add(new LimitCheck(c.subject(), c.limit().scaled(policy.localShare()), c.amount()));
    }
    return fallback.acquire(scaled).thenApply(d -> unscaled(checks, d).asDegraded());
  }

  /** The fallback's decision with the configured limits in its states (not the scaled ones), marked local. */
  private static LimitDecision unscaled(List<LimitCheck> checks, LimitDecision d) {
    List<LimitState> states = new ArrayList<>(checks.size());
    int rejected = -1;
    for (int i = 0; i < checks.size(); i++) {
      LimitState s = d.states().get(i);
      if (rejected < 0 && s.equals(d.rejectedBy())) {
        rejected = i;
      }
      states.add(LimitState.builder(checks.get(i), s.checkedAt()).granted(s.granted()).remaining(s.remaining())
          .reset(s.reset()).retryAfter(s.retryAfter()).receipt(LOCAL_RECEIPT).build());
    }
    return d.isAdmitted() ? LimitDecision.admitted(states) : LimitDecision.rejected(states, states.get(rejected));
  }

  /** A local state as the fallback limiter knows it: with the scaled limit. */
  private LimitState scaled(LimitState s) {
    LimitCheck check = new LimitCheck(s.subject(), s.limit().scaled(policy.localShare()), s.amount());
    return LimitState.builder(check, s.checkedAt()).granted(s.granted()).remaining(s.remaining()).reset(s.reset())
        .build();
  }

  private StoreUnavailableException storeFailure(Throwable cause) {
    String what = cause instanceof TimeoutException ? "no answer within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
        + " ms" : String.valueOf(cause.getMessage());
    return new StoreUnavailableException("Redis " + lettuce.describe() + " could not decide the rate limits: " + what,
        cause);
  }

  private void failed(String operation, Throwable cause, Counter counter, String consequence) {
    errors.incrementAndGet();
    if (counter != null) {
      counter.increment();
    }
    lastError = cause instanceof TimeoutException ? operation + " took longer than "
        + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms" : String.valueOf(cause);
    lastFailed = true;
    warning.warn("Redis rate limiter " + operation + " failed on " + lettuce.describe() + "; " + consequence, cause);
  }

  private void succeeded() {
    if (lastFailed) {
      lastFailed = false;
    }
  }

  // ---- small helpers

  private static void requireDistinct(List<LimitCheck> checks) {
    if (checks.isEmpty()) {
      throw new IllegalArgumentException("checks must not be empty");
    }
    if (checks.size() == 1) {
      return;
    }
    Set<List<Object>> seen = new HashSet<>();
    for (LimitCheck c : checks) {
      if (!seen.add(List.of(c.subject(), c.limit()))) {
        throw new IllegalArgumentException("a batch names limit " + c.limit().name() + " twice for one subject");
      }
    }
  }

  private static boolean isQuota(Limit limit) {
    return limit.kind() == Limit.Kind.DAILY_TOKENS || limit.kind() == Limit.Kind.MONTHLY_TOKENS;
  }

  private static Throwable unwrap(Throwable e) {
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  private static String newLeaseId() {
    byte[] id = new byte[12];
    RANDOM.nextBytes(id);
    return BASE64.encodeToString(id);
  }

  private static byte[] bytes(long n) {
    return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
  }

  /** Builds a {@link RedisRateLimiter}. Not thread-safe; setters validate at once. */
  public static final class Builder {
    private final RedisConnection connection;
    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private LimiterFailurePolicy policy = DEFAULT_FAILURE_POLICY;
    private Clock clock = Clock.systemUTC();
    private Duration timeout = DEFAULT_TIMEOUT;
    private Duration leaseTime = DEFAULT_LEASE_TIME;
    private Duration errorLogInterval = DEFAULT_ERROR_LOG_INTERVAL;
    private MeterRegistry registry;

    private Builder(RedisConnection connection) {
      this.connection = connection;
    }

    /**
     * A prefix for every key, e.g. {@code "staging:sb:rl:v1:"} when environments share a Redis.
     * Default {@link #DEFAULT_KEY_PREFIX}.
     *
     * @throws IllegalArgumentException if it contains a brace (it would move the Cluster hash tag)
     */
    public Builder keyPrefix(String keyPrefix) {
      Objects.requireNonNull(keyPrefix, "keyPrefix");
      if (keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
        throw new IllegalArgumentException("keyPrefix must not contain '{' or '}' but was '" + keyPrefix + "'");
      }
      this.keyPrefix = keyPrefix;
      return this;
    }

    /** What to do while Redis is unavailable. Default {@link #DEFAULT_FAILURE_POLICY}. */
    public Builder failurePolicy(LimiterFailurePolicy policy) {
      this.policy = Objects.requireNonNull(policy, "failurePolicy");
      return this;
    }

    /**
     * The clock of buckets, leases and quota periods: give the Switchboard's
     * ({@code Switchboard.builder().clock(...)}). Default {@link Clock#systemUTC()}.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How long a decision or settlement may take before Redis counts as unavailable for it. Default
     * {@link #DEFAULT_TIMEOUT}.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /**
     * How long a concurrency slot is held at most when it is never given back (its instance
     * crashed); must exceed the longest call. Default {@link #DEFAULT_LEASE_TIME}.
     *
     * @throws IllegalArgumentException if shorter than a millisecond
     */
    public Builder leaseTime(Duration leaseTime) {
      this.leaseTime = positive(leaseTime, "leaseTime");
      if (leaseTime.toMillis() < 1) {
        throw new IllegalArgumentException("leaseTime must be at least 1 ms but was " + leaseTime);
      }
      return this;
    }

    /** The least time between two warnings about failures. Default {@link #DEFAULT_ERROR_LOG_INTERVAL}. */
    public Builder errorLogInterval(Duration interval) {
      Objects.requireNonNull(interval, "errorLogInterval");
      if (interval.isNegative()) {
        throw new IllegalArgumentException("errorLogInterval must not be negative but was " + interval);
      }
      this.errorLogInterval = interval;
      return this;
    }

    /** Registers the error counter here. Default: no meters. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "meterRegistry");
      return this;
    }

    /** Builds the limiter; does not wait for Redis. */
    public RedisRateLimiter build() {
      return new RedisRateLimiter(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive but was " + d);
      }
      return d;
    }
  }
}

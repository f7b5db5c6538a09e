package dev.switchboard.core.internal.ratelimit;

import dev.switchboard.core.ratelimit.Limit;
import dev.switchboard.core.ratelimit.LimitCheck;
import dev.switchboard.core.ratelimit.LimitDecision;
import dev.switchboard.core.ratelimit.LimitState;
import dev.switchboard.core.ratelimit.LimitSubject;
import dev.switchboard.core.ratelimit.RateLimiter;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.VerboseResult;
import io.github.bucket4j.local.LocalBucketBuilder;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-process {@link dev.switchboard.core.ratelimit.RateLimiter}: Bucket4j token buckets for
 * requests and tokens per window, counters for concurrency and calendar quotas.
 *
 * <p>A batch is decided atomically: the entries of its checks are locked in a fixed order (their
 * creation sequence, so two batches never wait on each other in a cycle), every check is evaluated,
 * and only when all pass is anything taken. Under concurrent load a limit of N therefore admits
 * exactly N, also when a call is checked against several limits at once.
 *
 * <p>Buckets are timed by the client's {@link Clock} through Bucket4j's {@link TimeMeter}, so tests
 * move time by hand. Entries that have returned to their initial state (a full bucket, an idle
 * concurrency counter, a quota of a past period) are dropped by a sweep every
 * {@value #SWEEP_EVERY} acquisitions once there are more than {@value #SWEEP_MIN_ENTRIES}: dropping
 * them loses nothing, since a new entry starts in that same state.
 */
public final class LocalRateLimiter implements RateLimiter {

  static final int SWEEP_EVERY = 1024;
  static final int SWEEP_MIN_ENTRIES = 1024;

  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private final Clock clock;
  private final TimeMeter timeMeter;
  private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong operations = new AtomicLong();

  public LocalRateLimiter(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.timeMeter = new TimeMeter() {
      @Override
      public long currentTimeNanos() {
        return epochNanos(clock.instant());
      }

      @Override
      public boolean isWallClockBased() {
        return true;
      }
    };
  }

  @Override
  public CompletableFuture<LimitDecision> acquire(List<LimitCheck> checks) {
    if (checks.isEmpty()) {
      throw new IllegalArgumentException("checks must not be empty");
    }
    LimitDecision decision = checks.size() == 1 ? decideOne(checks.get(0)) : decideAll(checks);
    if (operations.incrementAndGet() % SWEEP_EVERY == 0 && entries.size() > SWEEP_MIN_ENTRIES) {
      sweep();
    }
    return CompletableFuture.completedFuture(decision);
  }

  /** Checks one limit on its own: the common case, without sorting or arrays. */
  private LimitDecision decideOne(LimitCheck check) {
    Key key = new Key(check.subject(), check.limit());
    while (true) {
      Entry e = entry(key);
      e.lock.lock();
      try {
        if (e.retired) {
          continue; // swept away between lookup and lock: use its replacement
        }
        LimitState state = e.tryTake(check, clock.instant());
        return state.granted() ? LimitDecision.admitted(List.of(state))
            : LimitDecision.rejected(List.of(state), state);
      } finally {
        e.lock.unlock();
      }
    }
  }

  private LimitDecision decideAll(List<LimitCheck> checks) {
    int n = checks.size();
    Key[] keys = new Key[n];
    for (int i = 0; i < n; i++) {
      LimitCheck c = checks.get(i);
      keys[i] = new Key(c.subject(), c.limit());
    }
    while (true) {
      Entry[] es = new Entry[n];
      for (int i = 0; i < n; i++) {
        es[i] = entry(keys[i]);
      }
      Entry[] lockOrder = es.clone();
      Arrays.sort(lockOrder, Comparator.comparingLong(e -> e.id));
      int locked = 0;
      boolean stale = false;
      try {
        for (Entry e : lockOrder) {
          if (locked > 0 && lockOrder[locked - 1] == e) {
            throw new IllegalArgumentException("a batch names limit " + keys[0].limit.name() + " twice for one subject");
          }
          e.lock.lock();
          locked++;
          if (e.retired) {
            stale = true;
            break;
          }
        }
        if (stale) {
          continue;
        }
        Instant now = clock.instant();
        int refusing = -1;
        for (int i = 0; i < n; i++) {
          if (!es[i].canTake(checks.get(i).amount(), now)) {
            refusing = i;
            break;
          }
        }
        List<LimitState> states = new ArrayList<>(n);
        if (refusing < 0) {
          for (int i = 0; i < n; i++) {
            states.add(es[i].take(checks.get(i), now));
          }
          return LimitDecision.admitted(states);
        }
        for (int i = 0; i < n; i++) {
          states.add(es[i].refused(checks.get(i), now, i == refusing));
        }
        return LimitDecision.rejected(states, states.get(refusing));
      } finally {
        for (int i = 0; i < locked; i++) {
          lockOrder[i].lock.unlock();
        }
      }
    }
  }

  @Override
  public CompletableFuture<Void> adjust(LimitState granted, long delta) {
    if (delta == 0) {
      return DONE;
    }
    Key key = new Key(granted.subject(), granted.limit());
    while (true) {
      // Giving back to an entry that is gone is giving back to a full bucket: nothing to do.
      Entry e = delta > 0 ? entry(key) : entries.get(key);
      if (e == null) {
        return DONE;
      }
      e.lock.lock();
      try {
        if (e.retired) {
          continue;
        }
        e.adjust(delta, granted.checkedAt(), clock.instant());
        return DONE;
      } finally {
        e.lock.unlock();
      }
    }
  }

  /** Entries currently held (for tests). */
  int size() {
    return entries.size();
  }

  /** Drops entries back in their initial state; entries busy right now are left for the next sweep. */
  void sweep() {
    Instant now = clock.instant();
    for (Map.Entry<Key, Entry> m : entries.entrySet()) {
      Entry e = m.getValue();
      if (e.lock.tryLock()) {
        try {
          if (!e.retired && e.isInitial(now)) {
            e.retired = true;
            entries.remove(m.getKey(), e);
          }
        } finally {
          e.lock.unlock();
        }
      }
    }
  }

  private Entry entry(Key key) {
    Entry e = entries.get(key);
    return e != null ? e : entries.computeIfAbsent(key, this::newEntry);
  }

  private Entry newEntry(Key key) {
    long id = sequence.incrementAndGet();
    switch (key.limit.kind()) {
      case REQUESTS:
      case TOKENS:
        return new BucketEntry(id, key.limit, timeMeter);
      case CONCURRENT_REQUESTS:
        return new ConcurrencyEntry(id, key.limit);
      default:
        return new QuotaEntry(id, key.limit);
    }
  }

  static long epochNanos(Instant i) {
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  private static final class Key {
    final LimitSubject subject;
    final Limit limit;
    private final int hash;

    Key(LimitSubject subject, Limit limit) {
      this.subject = subject;
      this.limit = limit;
      this.hash = 31 * subject.hashCode() + limit.hashCode();
    }

    @Override
    public boolean equals(Object o) {
      if (this == o) {
        return true;
      }
      if (!(o instanceof Key)) {
        return false;
      }
      Key k = (Key) o;
      return hash == k.hash && subject.equals(k.subject) && limit.equals(k.limit);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** One limit of one subject. Every method but the constructor runs with {@link #lock} held. */
  private abstract static class Entry {
    final long id;
    final Limit limit;
    final ReentrantLock lock = new ReentrantLock();
    boolean retired;

    Entry(long id, Limit limit) {
      this.id = id;
      this.limit = limit;
    }

    abstract boolean canTake(long amount, Instant now);

    /** Takes the amount if it can; the granted state, or the refusing one with its retry-after. */
    LimitState tryTake(LimitCheck check, Instant now) {
      return canTake(check.amount(), now) ? take(check, now) : refused(check, now, true);
    }

    /** Takes the amount ({@link #canTake} said yes) and returns the granted state. */
    abstract LimitState take(LimitCheck check, Instant now);

    /** The state without taking anything; with a retry-after when {@code rejecting}. */
    abstract LimitState refused(LimitCheck check, Instant now, boolean rejecting);

    abstract void adjust(long delta, Instant takenAt, Instant now);

    /** Whether the entry is as a new one would be. */
    abstract boolean isInitial(Instant now);
  }

  /** Requests or tokens per window: one Bucket4j bandwidth for the window, a second for a burst rule. */
  private static final class BucketEntry extends Entry {
    private final Bucket bucket;
    private final long capacity; // the most one check can ever take: the smaller bandwidth

    BucketEntry(long id, Limit limit, TimeMeter timeMeter) {
      super(id, limit);
      // Greedy refill: tokens come back continuously (100/min = one every 600 ms), as OpenAI's limits do,
      // rather than all at once at the end of a fixed window, which would invite bursts at each boundary.
      LocalBucketBuilder builder = Bucket.builder()
          .addLimit(Bandwidth.builder().capacity(limit.amount()).refillGreedy(limit.amount(), limit.window())
              .id("window").build())
          .withCustomTimePrecision(timeMeter)
          .withSynchronizationStrategy(SynchronizationStrategy.NONE); // the entry's lock guards it
      if (limit.hasBurst()) {
        builder.addLimit(Bandwidth.builder().capacity(limit.burstCapacity())
            .refillGreedy(limit.burstCapacity(), limit.burstWindow()).id("burst").build());
      }
      this.bucket = builder.build();
      this.capacity = limit.hasBurst() ? Math.min(limit.amount(), limit.burstCapacity()) : limit.amount();
    }

    @Override
    boolean canTake(long amount, Instant now) {
      return amount <= capacity && bucket.estimateAbilityToConsume(amount).canBeConsumed();
    }

    @Override
    LimitState tryTake(LimitCheck check, Instant now) {
      if (check.amount() > capacity) {
        return refused(check, now, true);
      }
      // One bucket operation decides and reports: the single-check path is the hot one.
      ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(check.amount());
      LimitState.Builder state = LimitState.builder(check, now).granted(probe.isConsumed())
          .remaining(probe.getRemainingTokens()).reset(Duration.ofNanos(probe.getNanosToWaitForReset()));
      if (!probe.isConsumed()) {
        state.retryAfter(Duration.ofNanos(probe.getNanosToWaitForRefill()));
      }
      return state.build();
    }

    @Override
    LimitState take(LimitCheck check, Instant now) {
      ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(check.amount());
      if (!probe.isConsumed()) {
        throw new IllegalStateException("bucket refused what it had just promised: " + probe);
      }
      return LimitState.builder(check, now).granted(true).remaining(probe.getRemainingTokens())
          .reset(Duration.ofNanos(probe.getNanosToWaitForReset())).build();
    }

    @Override
    LimitState refused(LimitCheck check, Instant now, boolean rejecting) {
      VerboseResult<Long> available = bucket.asVerbose().getAvailableTokens();
      LimitState.Builder state = LimitState.builder(check, now).granted(false).remaining(available.getValue())
          .reset(Duration.ofNanos(available.getDiagnostics().calculateFullRefillingTime()));
      if (rejecting && check.amount() <= capacity) { // more than the capacity never fits: no retry-after
        EstimationProbe wait = bucket.estimateAbilityToConsume(check.amount());
        state.retryAfter(Duration.ofNanos(wait.getNanosToWaitForRefill()));
      }
      return state.build();
    }

    @Override
    void adjust(long delta, Instant takenAt, Instant now) {
      if (delta > 0) {
        bucket.consumeIgnoringRateLimits(delta); // may go into debt: the next calls wait it out
      } else {
        bucket.addTokens(-delta); // capped at capacity by Bucket4j
      }
    }

    @Override
    boolean isInitial(Instant now) {
      return bucket.asVerbose().getAvailableTokens().getDiagnostics().calculateFullRefillingTime() == 0;
    }
  }

  /** Calls in flight: a counter with a ceiling. */
  private static final class ConcurrencyEntry extends Entry {
    private long inFlight;

    ConcurrencyEntry(long id, Limit limit) {
      super(id, limit);
    }

    @Override
    boolean canTake(long amount, Instant now) {
      return inFlight + amount <= limit.amount();
    }

    @Override
    LimitState take(LimitCheck check, Instant now) {
      inFlight += check.amount();
      return LimitState.builder(check, now).granted(true).remaining(limit.amount() - inFlight).build();
    }

    @Override
    LimitState refused(LimitCheck check, Instant now, boolean rejecting) {
      // No retry-after: a slot frees when another call ends, which no clock can tell.
      return LimitState.builder(check, now).granted(false).remaining(limit.amount() - inFlight).build();
    }

    @Override
    void adjust(long delta, Instant takenAt, Instant now) {
      inFlight = Math.max(0, inFlight + delta);
    }

    @Override
    boolean isInitial(Instant now) {
      return inFlight == 0;
    }
  }

  /** Tokens per calendar day or month in UTC: a counter for the current period. */
  private static final class QuotaEntry extends Entry {
    private long periodStart = Long.MIN_VALUE; // epoch ms
    private long used;

    QuotaEntry(long id, Limit limit) {
      super(id, limit);
    }

    @Override
    boolean canTake(long amount, Instant now) {
      roll(now);
      return used + amount <= limit.amount();
    }

    @Override
    LimitState take(LimitCheck check, Instant now) {
      used += check.amount();
      return state(check, now).granted(true).build();
    }

    @Override
    LimitState refused(LimitCheck check, Instant now, boolean rejecting) {
      LimitState.Builder state = state(check, now).granted(false);
      if (rejecting && check.amount() <= limit.amount()) {
        state.retryAfter(untilNextPeriod(now));
      }
      return state.build();
    }

    private LimitState.Builder state(LimitCheck check, Instant now) {
      return LimitState.builder(check, now).remaining(limit.amount() - used)
          .reset(used == 0 ? Duration.ZERO : untilNextPeriod(now));
    }

    @Override
    void adjust(long delta, Instant takenAt, Instant now) {
      roll(now);
      if (periodStart(takenAt) != periodStart) {
        return; // the reservation's period is over: its count was final when the period ended
      }
      used = Math.max(0, used + delta);
    }

    @Override
    boolean isInitial(Instant now) {
      roll(now);
      return used == 0;
    }

    private void roll(Instant now) {
      long start = periodStart(now);
      if (start != periodStart) {
        periodStart = start;
        used = 0;
      }
    }

    private long periodStart(Instant t) {
      LocalDate day = LocalDate.ofInstant(t, ZoneOffset.UTC);
      LocalDate start = limit.kind() == Limit.Kind.DAILY_TOKENS ? day : day.withDayOfMonth(1);
      return start.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    private Duration untilNextPeriod(Instant now) {
      LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
      LocalDate next = limit.kind() == Limit.Kind.DAILY_TOKENS ? day.plusDays(1)
          : YearMonth.from(day).plusMonths(1).atDay(1);
      return Duration.between(now, next.atStartOfDay(ZoneOffset.UTC).toInstant());
    }
  }
}

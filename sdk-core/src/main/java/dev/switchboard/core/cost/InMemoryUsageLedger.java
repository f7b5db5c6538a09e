package dev.switchboard.core.cost;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link UsageLedger} in this JVM: the default when no shared store is configured. Totals are
 * exact and per-instance; they are lost when the process stops.
 *
 * <p>Record ids are remembered for a dedup window ({@link #DEFAULT_DEDUP_WINDOW}), and at most
 * {@link #DEFAULT_MAX_REMEMBERED_IDS} of them (the oldest are forgotten first): at thousands of calls
 * a second an hour of ids would take gigabytes of heap. Duplicates are retried writes, which arrive
 * seconds after the first one, and writes to this ledger cannot fail, so Switchboard itself never
 * retries them; the count bound only matters to a caller that writes the same record twice itself.
 * Aggregates are kept for as long as the ledger lives: their number grows with keys, users, teams and
 * models times days, not with calls.
 * Thread-safe; writes to one record's aggregates are made under one lock, so readers never see a
 * record half applied.
 */
public final class InMemoryUsageLedger implements UsageLedger {

  /** How long a record id is remembered to drop a duplicate write. */
  public static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofHours(1);
  /**
   * How many record ids are remembered at most: about 2 MB of heap, and seconds' worth of calls even
   * at thousands a second, while a retried write comes at most seconds after the first.
   */
  public static final int DEFAULT_MAX_REMEMBERED_IDS = 10_000;

  private static final UsageDimension[] DIMENSIONS = UsageDimension.values();
  private static final SpendPeriod[] PERIODS = SpendPeriod.values();

  private final Clock clock;
  private final long dedupMillis;
  private final int maxRememberedIds;
  // record id -> expiry millis, oldest first; guarded by 'lock'
  private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();
  // dimension + '\0' + bucket -> value -> running sum; guarded by 'lock'
  private final HashMap<String, HashMap<String, Sum>> aggregates = new HashMap<>();
  private final ConcurrentHashMap<String, Long> claims = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  private volatile long nextPrune;
  private LocalDate keysDay; // guarded by 'lock'
  private String[] dayKeys; // guarded by 'lock'

  private InMemoryUsageLedger(Clock clock, Duration dedupWindow, int maxRememberedIds) {
    this.clock = Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(dedupWindow, "dedupWindow");
    if (dedupWindow.isNegative() || dedupWindow.isZero()) {
      throw new IllegalArgumentException("dedupWindow must be positive but was " + dedupWindow);
    }
    if (maxRememberedIds < 1) {
      throw new IllegalArgumentException("maxRememberedIds must be positive but was " + maxRememberedIds);
    }
    this.dedupMillis = dedupWindow.toMillis();
    this.maxRememberedIds = maxRememberedIds;
  }

  /** A ledger on the system UTC clock with the default dedup window. */
  public static InMemoryUsageLedger create() {
    return create(Clock.systemUTC(), DEFAULT_DEDUP_WINDOW);
  }

  /**
   * @param clock decides when remembered ids and claims expire
   * @throws IllegalArgumentException if {@code dedupWindow} is not positive
   */
  public static InMemoryUsageLedger create(Clock clock, Duration dedupWindow) {
    return create(clock, dedupWindow, DEFAULT_MAX_REMEMBERED_IDS);
  }

  /**
   * @param clock decides when remembered ids and claims expire
   * @param maxRememberedIds how many record ids are remembered at most; the oldest are forgotten first
   * @throws IllegalArgumentException if {@code dedupWindow} or {@code maxRememberedIds} is not positive
   */
  public static InMemoryUsageLedger create(Clock clock, Duration dedupWindow, int maxRememberedIds) {
    return new InMemoryUsageLedger(clock, dedupWindow, maxRememberedIds);
  }

  @Override
  public CompletableFuture<Void> record(List<UsageRecord> records) {
    long now = clock.millis();
    pruneClaimsIfDue(now);
    synchronized (lock) {
      forgetExpiredIds(now);
      for (UsageRecord r : records) {
        if (seen.putIfAbsent(r.id(), now + dedupMillis) != null) {
          continue; // already applied: a retried write
        }
        if (seen.size() > maxRememberedIds) {
          Iterator<Long> oldest = seen.values().iterator();
          oldest.next();
          oldest.remove();
        }
        apply(r);
      }
    }
    return CompletableFuture.completedFuture(null);
  }

  // Adds in place: a record touches up to a dozen aggregates, and the writer applies thousands a second.
  private void apply(UsageRecord r) {
    UsageTotals add = UsageTotals.of(r);
    String[] keys = aggregateKeys(LocalDate.ofInstant(r.time(), ZoneOffset.UTC));
    for (int d = 0; d < DIMENSIONS.length; d++) {
      String value = DIMENSIONS[d].valueOf(r);
      if (value == null) {
        continue;
      }
      for (int p = 0; p < PERIODS.length; p++) {
        aggregates.computeIfAbsent(keys[d * PERIODS.length + p], k -> new HashMap<>())
            .computeIfAbsent(value, v -> new Sum())
            .add(add);
      }
    }
  }

  /** {@link UsageTotals#plus} without a new object per addition; mutated and read under the ledger's lock only. */
  private static final class Sum {
    private long requests;
    private long promptTokens;
    private long completionTokens;
    private long cachedTokens;
    private long cacheCreationTokens;
    private long reasoningTokens;
    private long costNanos;
    private long unknownCostRequests;
    private long estimatedRequests;

    void add(UsageTotals t) {
      requests = Math.addExact(requests, t.requests());
      promptTokens = Math.addExact(promptTokens, t.promptTokens());
      completionTokens = Math.addExact(completionTokens, t.completionTokens());
      cachedTokens = Math.addExact(cachedTokens, t.cachedTokens());
      cacheCreationTokens = Math.addExact(cacheCreationTokens, t.cacheCreationTokens());
      reasoningTokens = Math.addExact(reasoningTokens, t.reasoningTokens());
      costNanos = Math.addExact(costNanos, t.cost().nanos());
      unknownCostRequests = Math.addExact(unknownCostRequests, t.unknownCostRequests());
      estimatedRequests = Math.addExact(estimatedRequests, t.estimatedRequests());
    }

    UsageTotals totals() {
      return UsageTotals.of(requests, promptTokens, completionTokens, cachedTokens, cacheCreationTokens,
          reasoningTokens, Money.ofNanos(costNanos), unknownCostRequests, estimatedRequests);
    }
  }

  // The aggregate keys of one day, by dimension and period; records nearly always fall on the last day seen.
  private String[] aggregateKeys(LocalDate day) {
    if (!day.equals(keysDay)) {
      String[] keys = new String[DIMENSIONS.length * PERIODS.length];
      for (int d = 0; d < DIMENSIONS.length; d++) {
        for (int p = 0; p < PERIODS.length; p++) {
          keys[d * PERIODS.length + p] = DIMENSIONS[d].name() + '\u0000' + PERIODS[p].bucket(day);
        }
      }
      keysDay = day;
      dayKeys = keys;
    }
    return dayKeys;
  }

  // Expiries are appended in clock order, so the expired ids are at the head.
  private void forgetExpiredIds(long now) {
    for (Iterator<Long> it = seen.values().iterator(); it.hasNext(); ) {
      if (it.next() > now) {
        return;
      }
      it.remove();
    }
  }

  @Override
  public CompletableFuture<Map<SpendKey, UsageTotals>> totals(Collection<SpendKey> keys) {
    Map<SpendKey, UsageTotals> out = new LinkedHashMap<>();
    synchronized (lock) {
      for (SpendKey k : keys) {
        Map<String, Sum> bucket = aggregates.get(k.dimension().name() + '\u0000' + k.bucket());
        Sum sum = bucket == null ? null : bucket.get(k.value());
        out.put(k, sum == null ? UsageTotals.ZERO : sum.totals());
      }
    }
    return CompletableFuture.completedFuture(out);
  }

  @Override
  public CompletableFuture<Map<String, UsageTotals>> totalsByValue(UsageDimension dimension, LocalDate from,
      LocalDate to) {
    Objects.requireNonNull(dimension, "dimension");
    if (to.isBefore(from)) {
      throw new IllegalArgumentException("'to' (" + to + ") is before 'from' (" + from + ")");
    }
    Map<String, UsageTotals> out = new LinkedHashMap<>();
    synchronized (lock) {
      for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
        Map<String, Sum> bucket = aggregates.get(dimension.name() + '\u0000' + SpendPeriod.DAY.bucket(d));
        if (bucket != null) {
          bucket.forEach((value, sum) -> out.merge(value, sum.totals(), UsageTotals::plus));
        }
      }
    }
    return CompletableFuture.completedFuture(out);
  }

  @Override
  public CompletableFuture<Boolean> claimOnce(String marker, Instant expiresAt) {
    long now = clock.millis();
    long expiry = expiresAt == null ? Long.MAX_VALUE : expiresAt.toEpochMilli();
    boolean[] first = new boolean[1];
    claims.compute(marker, (k, old) -> {
      if (old == null || old <= now) {
        first[0] = true;
        return expiry;
      }
      return old;
    });
    return CompletableFuture.completedFuture(first[0]);
  }

  private void pruneClaimsIfDue(long now) {
    if (now < nextPrune) {
      return;
    }
    nextPrune = now + Math.max(1000, dedupMillis / 4);
    claims.values().removeIf(expiry -> expiry <= now);
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "InMemoryUsageLedger{" + seen.size() + " recent ids}";
    }
  }
}

package dev.switchboard.redis;

import dev.switchboard.core.Health;
import dev.switchboard.core.cost.Money;
import dev.switchboard.core.cost.SpendKey;
import dev.switchboard.core.cost.SpendPeriod;
import dev.switchboard.core.cost.UsageDimension;
import dev.switchboard.core.cost.UsageLedger;
import dev.switchboard.core.cost.UsageRecord;
import dev.switchboard.core.cost.UsageTotals;
import dev.switchboard.core.metrics.SwitchboardMetrics;
import dev.switchboard.redis.internal.LettuceConnection;
import dev.switchboard.redis.internal.OrderedCommands;
import dev.switchboard.redis.internal.RecordScript;
import dev.switchboard.redis.internal.OperationHealth;
import dev.switchboard.redis.internal.UsageKeys;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * The usage ledger in Redis: hand it to {@code Switchboard.Builder.usageLedger} on every instance so
 * that they add up one exact spend and share budgets.
 *
 * <pre>{@code
 * RedisConnection redis = RedisConnection.create("redis://redis.internal:6379");
 * Switchboard switchboard = Switchboard.builder()
 *     .usageLedger(RedisUsageLedger.builder(redis).build())
 *     .budget(Budget.builder(Budget.Scope.TEAM, SpendPeriod.MONTH, Money.of("500")).build())
 *     ...
 * }</pre>
 *
 * <p><b>Layout.</b> Every key carries the hash tag {@code {sb:usage}}, so all of them are in one
 * Cluster slot (one node holds the whole ledger; it is small: a few hashes per key, user, team,
 * group, model and provider and day). Aggregates are hashes
 * {@code {sb:usage}:agg:<dimension>:<value>:<bucket>} (e.g. {@code {sb:usage}:agg:team:research:2026-01})
 * of integer counters: {@code req}, {@code pt}, {@code ct}, {@code cached}, {@code cw}, {@code rt}
 * (tokens), {@code cost} (nano-dollars), {@code unk} (records of unknown cost), {@code est} (records
 * with estimated tokens); {@code :} and {@code %} in values are escaped as {@code %3A} and
 * {@code %25}. Day aggregates expire {@link Builder#dayRetention(Duration)} after their first write,
 * month aggregates {@link Builder#monthRetention(Duration)} after theirs, totals never. The set
 * {@code {sb:usage}:idx:<dimension>:<day>} lists the values with usage that day, for
 * {@link #totalsByValue}. Counters are 64-bit: an aggregate holds up to about 9.2 billion dollars.
 *
 * <p><b>Writes.</b> One Lua script per record sets the marker {@code {sb:usage}:seen:<record id>}
 * ({@code SET NX}, expiring after {@link Builder#dedupTtl(Duration)}) and, only if it was not there,
 * adds the record to each of its aggregates: a record is applied entirely or not at all, and at
 * most once per dedup window, however many instances write it. A batch is one pipeline (one round
 * trip); its first record is sent as {@code EVAL} (which also loads the script into a Redis that was
 * restarted or failed over), the others as {@code EVALSHA}. The markers are usually most of the ledger's
 * memory: about 125 bytes per record for the window (measured on Redis 6.2 with Switchboard's request
 * ids), so with the default 48 hours 10 calls a second keep some 215 MB, 100 a second 2.2 GB; a
 * shorter {@link Builder#dedupTtl(Duration)} trades that for a shorter window in which a retried
 * write is recognised.
 *
 * <p><b>Reads.</b> {@link #totals} is one pipeline of {@code HGETALL}; {@link #totalsByValue} reads
 * the day indexes of the range (whole months through their month aggregates), then the aggregates:
 * two round trips. Every operation goes through the one shared connection in the order it was
 * issued, so a read issued after a write reflects it, as budget checks require.
 *
 * <p><b>Failures.</b> Nothing here blocks or waits for Redis beyond the connection's command
 * timeout: while Redis is down every operation fails at once (a Cluster connection after its command
 * timeout), and Switchboard keeps the records, retries them (safe: idempotent) and lets budget checks
 * pass. Failures are counted ({@link #errorCount()}, the {@value SwitchboardMetrics#USAGE_LEDGER_ERRORS}
 * meter when a registry is given), logged at most once per {@link Builder#errorLogInterval(Duration)},
 * and {@link #health()} is {@code DEGRADED} until an operation succeeds again.
 *
 * <p>Thread-safe. It does not own the {@link RedisConnection}: close that after the Switchboard.
 */
public final class RedisUsageLedger implements UsageLedger {

  /**
   * 6 hours: a record written again within this long after its first write is not counted again.
   * Records are retried from the client's in-memory buffer, so the window must outlast the longest
   * Redis outage the buffer rides out; longer windows cost about 125 bytes of Redis memory per call
   * (6 h at 100 calls/s: about 270 MB).
   */
  public static final Duration DEFAULT_DEDUP_TTL = Duration.ofHours(6);
  /** One hour, the least dedup window the {@link UsageLedger} contract allows. */
  public static final Duration MIN_DEDUP_TTL = Duration.ofHours(1);
  /** 400 days: a year of daily figures, and a month to compare with. */
  public static final Duration DEFAULT_DAY_RETENTION = Duration.ofDays(400);
  /** 775 days (25 months of 31 days): two years of monthly figures, and a month to compare with. */
  public static final Duration DEFAULT_MONTH_RETENTION = Duration.ofDays(775);
  /** One minute between two log lines about failing Redis operations. */
  public static final Duration DEFAULT_ERROR_LOG_INTERVAL = Duration.ofMinutes(1);
  /** The longest range {@link #totalsByValue} answers: about ten years of days. */
  public static final int MAX_QUERY_DAYS = 3_660;

  // Counter names in the aggregate hashes.
  private static final String REQUESTS = "req";
  private static final String PROMPT = "pt";
  private static final String COMPLETION = "ct";
  private static final String CACHED = "cached";
  private static final String CACHE_WRITE = "cw";
  private static final String REASONING = "rt";
  private static final String COST = "cost";
  private static final String UNKNOWN_COST = "unk";
  private static final String ESTIMATED = "est";

  private static final byte[] ONE = {'1'};

  private final RedisConnection connection;
  private final LettuceConnection lettuce;
  private final OrderedCommands commands;
  private final UsageKeys keys;
  private final byte[] dedupSeconds;
  private final byte[] daySeconds;
  private final byte[] monthSeconds;
  private final OperationHealth health;
  private final AtomicLong duplicates = new AtomicLong();
  private final Counter duplicateCounter;
  // The latest outcome decides health: a success after failures means Redis is back.

  private RedisUsageLedger(Builder b) {
    this.connection = b.connection;
    this.lettuce = b.connection.lettuce();
    this.keys = new UsageKeys(b.keyPrefix);
    this.commands = new OrderedCommands(lettuce, b.connection.isCluster(), keys.routing());
    this.dedupSeconds = seconds(b.dedupTtl);
    this.daySeconds = seconds(b.dayRetention);
    this.monthSeconds = seconds(b.monthRetention);
    this.health = new OperationHealth(lettuce, b.connection::isConnected, LoggerFactory.getLogger(RedisUsageLedger.class),
        b.errorLogInterval, b.registry, SwitchboardMetrics.USAGE_LEDGER_ERRORS, "failed or timed out usage ledger operations",
        List.of("record", "totals", "totals_by_value", "claim"));
    this.duplicateCounter = b.registry == null ? null : Counter.builder(SwitchboardMetrics.USAGE_LEDGER_DUPLICATES)
        .tag(SwitchboardMetrics.TAG_STORE, "redis")
        .description("usage records written again and not counted again").register(b.registry);
  }

  private static byte[] seconds(Duration d) {
    // rounded up: a TTL is never shorter than configured
    long s = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
    return Long.toString(s).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * A builder for a ledger on {@code connection}.
   *
   * @throws NullPointerException if {@code connection} is null
   */
  public static Builder builder(RedisConnection connection) {
    return new Builder(Objects.requireNonNull(connection, "connection"));
  }

  /**
   * Applies each record not applied before, one script per record, in one pipeline. Completes when
   * Redis answered for every record, exceptionally if it failed for any (records it did apply are
   * then skipped by the retry).
   *
   * @throws NullPointerException if {@code records} or one of them is null
   */
  @Override
  public CompletableFuture<Void> record(List<UsageRecord> records) {
    Objects.requireNonNull(records, "records");
    if (records.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    List<byte[][]> keyLists = new ArrayList<>(records.size());
    List<byte[][]> argLists = new ArrayList<>(records.size());
    for (UsageRecord r : records) {
      Objects.requireNonNull(r, "record");
      script(r, keyLists, argLists);
    }
    return commands.issue(c -> applyAll(c, keyLists, argLists)).handle((applied, error) -> {
      if (error != null) {
        throw failed("record", error, records.size() + " usage records not written");
      }
      long skipped = records.size() - applied;
      if (skipped > 0) {
        duplicates.addAndGet(skipped);
        if (duplicateCounter != null) {
          duplicateCounter.increment(skipped);
        }
      }
      health.succeeded();
      return null;
    });
  }

  private static CompletableFuture<Long> applyAll(RedisClusterAsyncCommands<byte[], byte[]> c,
      List<byte[][]> keyLists, List<byte[][]> argLists) {
    List<CompletableFuture<Long>> replies = new ArrayList<>(keyLists.size());
    for (int i = 0; i < keyLists.size(); i++) {
      // EVAL first: it loads the script if this Redis does not know it, before the EVALSHAs behind it run
      replies.add((i == 0
          ? c.<Long>eval(RecordScript.BYTES, ScriptOutputType.INTEGER, keyLists.get(i), argLists.get(i))
          : c.<Long>evalsha(RecordScript.SHA1, ScriptOutputType.INTEGER, keyLists.get(i), argLists.get(i)))
          .toCompletableFuture());
    }
    return CompletableFuture.allOf(replies.toArray(new CompletableFuture<?>[0])).thenApply(x -> {
      long applied = 0;
      for (CompletableFuture<Long> r : replies) {
        applied += r.join();
      }
      return applied;
    });
  }

  /** The script's keys and arguments for {@code r}; see {@link RecordScript}. */
  private void script(UsageRecord r, List<byte[][]> keyLists, List<byte[][]> argLists) {
    LocalDate day = LocalDate.ofInstant(r.time(), ZoneOffset.UTC);
    List<byte[]> k = new ArrayList<>(25);
    List<byte[]> values = new ArrayList<>(6);
    k.add(keys.seen(r.id()));
    for (UsageDimension d : UsageDimension.values()) {
      String value = d.valueOf(r);
      if (value == null) {
        continue;
      }
      for (SpendPeriod p : SpendPeriod.values()) {
        k.add(keys.aggregate(d, value, p.bucket(day)));
      }
      k.add(keys.dayIndex(d, SpendPeriod.DAY.bucket(day)));
      values.add(value.getBytes(StandardCharsets.UTF_8));
    }
    UsageTotals t = UsageTotals.of(r);
    List<byte[]> counters = new ArrayList<>(18);
    counter(counters, REQUESTS, t.requests());
    counter(counters, PROMPT, t.promptTokens());
    counter(counters, COMPLETION, t.completionTokens());
    counter(counters, CACHED, t.cachedTokens());
    counter(counters, CACHE_WRITE, t.cacheCreationTokens());
    counter(counters, REASONING, t.reasoningTokens());
    counter(counters, COST, t.cost().nanos());
    counter(counters, UNKNOWN_COST, t.unknownCostRequests());
    counter(counters, ESTIMATED, t.estimatedRequests());
    List<byte[]> a = new ArrayList<>(4 + counters.size() + values.size());
    a.add(dedupSeconds);
    a.add(daySeconds);
    a.add(monthSeconds);
    a.add(ascii(counters.size() / 2));
    a.addAll(counters);
    a.addAll(values);
    keyLists.add(k.toArray(new byte[0][]));
    argLists.add(a.toArray(new byte[0][]));
  }

  private static void counter(List<byte[]> out, String name, long amount) {
    if (amount != 0) { // a missing counter reads as 0: no need to store zeros
      out.add(name.getBytes(StandardCharsets.US_ASCII));
      out.add(ascii(amount));
    }
  }

  private static byte[] ascii(long n) {
    return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * One pipeline of {@code HGETALL}, one per key.
   *
   * @throws NullPointerException if {@code keys} or one of them is null
   */
  @Override
  public CompletableFuture<Map<SpendKey, UsageTotals>> totals(Collection<SpendKey> keys) {
    List<SpendKey> list = List.copyOf(keys);
    if (list.isEmpty()) {
      return CompletableFuture.completedFuture(Map.of());
    }
    List<byte[]> redisKeys = new ArrayList<>(list.size());
    for (SpendKey k : list) {
      redisKeys.add(this.keys.aggregate(k.dimension(), k.value(), k.bucket()));
    }
    return commands.issue(c -> readAll(c, redisKeys)).handle((read, error) -> {
      if (error != null) {
        throw failed("totals", error, "usage totals not read");
      }
      health.succeeded();
      Map<SpendKey, UsageTotals> out = new LinkedHashMap<>();
      for (int i = 0; i < list.size(); i++) {
        out.put(list.get(i), read.get(i));
      }
      return out;
    });
  }

  private static CompletableFuture<List<UsageTotals>> readAll(RedisClusterAsyncCommands<byte[], byte[]> c,
      List<byte[]> redisKeys) {
    List<CompletableFuture<Map<byte[], byte[]>>> replies = new ArrayList<>(redisKeys.size());
    for (byte[] k : redisKeys) {
      replies.add(c.hgetall(k).toCompletableFuture());
    }
    return CompletableFuture.allOf(replies.toArray(new CompletableFuture<?>[0])).thenApply(x -> {
      List<UsageTotals> out = new ArrayList<>(replies.size());
      for (CompletableFuture<Map<byte[], byte[]>> r : replies) {
        out.add(parse(r.join()));
      }
      return out;
    });
  }

  private static UsageTotals parse(Map<byte[], byte[]> hash) {
    if (hash == null || hash.isEmpty()) {
      return UsageTotals.ZERO;
    }
    long req = 0;
    long pt = 0;
    long ct = 0;
    long cached = 0;
    long cw = 0;
    long rt = 0;
    long cost = 0;
    long unk = 0;
    long est = 0;
    for (Map.Entry<byte[], byte[]> e : hash.entrySet()) {
      long v = Long.parseLong(new String(e.getValue(), StandardCharsets.US_ASCII));
      switch (new String(e.getKey(), StandardCharsets.US_ASCII)) {
        case REQUESTS: req = v; break;
        case PROMPT: pt = v; break;
        case COMPLETION: ct = v; break;
        case CACHED: cached = v; break;
        case CACHE_WRITE: cw = v; break;
        case REASONING: rt = v; break;
        case COST: cost = v; break;
        case UNKNOWN_COST: unk = v; break;
        case ESTIMATED: est = v; break;
        default: break; // a counter a later version added: ignored
      }
    }
    return UsageTotals.of(req, pt, ct, cached, cw, rt, Money.ofNanos(cost), unk, est);
  }

  /**
   * Two round trips: the values with usage in the range (the day indexes; for every whole month in
   * the range, their union), then their aggregates (the month aggregate for a whole month, else the
   * day's), added up here.
   *
   * @throws IllegalArgumentException if {@code to} is before {@code from}, or the range is longer
   *     than {@link #MAX_QUERY_DAYS}
   */
  @Override
  public CompletableFuture<Map<String, UsageTotals>> totalsByValue(UsageDimension dimension, LocalDate from,
      LocalDate to) {
    Objects.requireNonNull(dimension, "dimension");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (to.isBefore(from)) {
      throw new IllegalArgumentException("'to' (" + to + ") is before 'from' (" + from + ")");
    }
    long days = ChronoUnit.DAYS.between(from, to) + 1;
    if (days > MAX_QUERY_DAYS) {
      throw new IllegalArgumentException("the range " + from + " to " + to + " has " + days + " days; at most "
          + MAX_QUERY_DAYS + " can be queried");
    }
    // Each bucket the range is made of: a whole month, or a single day at its edges.
    List<String> buckets = new ArrayList<>();
    List<byte[][]> indexes = new ArrayList<>();
    LocalDate d = from;
    while (!d.isAfter(to)) {
      YearMonth month = YearMonth.from(d);
      if (d.getDayOfMonth() == 1 && !month.atEndOfMonth().isAfter(to)) {
        byte[][] monthIndexes = new byte[month.lengthOfMonth()][];
        for (int i = 0; i < monthIndexes.length; i++) {
          monthIndexes[i] = keys.dayIndex(dimension, SpendPeriod.DAY.bucket(month.atDay(i + 1)));
        }
        buckets.add(SpendPeriod.MONTH.bucket(d));
        indexes.add(monthIndexes);
        d = month.plusMonths(1).atDay(1);
      } else {
        buckets.add(SpendPeriod.DAY.bucket(d));
        indexes.add(new byte[][] {keys.dayIndex(dimension, SpendPeriod.DAY.bucket(d))});
        d = d.plusDays(1);
      }
    }
    return commands.issue(c -> members(c, indexes)).thenCompose(values -> {
      List<String> names = new ArrayList<>();
      List<byte[]> redisKeys = new ArrayList<>();
      for (int i = 0; i < buckets.size(); i++) {
        for (byte[] v : values.get(i)) {
          String value = new String(v, StandardCharsets.UTF_8);
          names.add(value);
          redisKeys.add(keys.aggregate(dimension, value, buckets.get(i)));
        }
      }
      if (redisKeys.isEmpty()) {
        return CompletableFuture.completedFuture(Map.<String, UsageTotals>of());
      }
      return commands.issue(c -> readAll(c, redisKeys)).thenApply(read -> {
        Map<String, UsageTotals> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
          if (!read.get(i).equals(UsageTotals.ZERO)) { // expired between the two round trips: absent
            out.merge(names.get(i), read.get(i), UsageTotals::plus);
          }
        }
        return out;
      });
    }).handle((out, error) -> {
      if (error != null) {
        throw failed("totals_by_value", error, "usage totals by " + dimension.name().toLowerCase(java.util.Locale.ROOT) + " not read");
      }
      health.succeeded();
      return out;
    });
  }

  private static CompletableFuture<List<Set<byte[]>>> members(RedisClusterAsyncCommands<byte[], byte[]> c,
      List<byte[][]> indexes) {
    List<CompletableFuture<Set<byte[]>>> replies = new ArrayList<>(indexes.size());
    for (byte[][] keys : indexes) {
      replies.add((keys.length == 1 ? c.smembers(keys[0]) : c.sunion(keys)).toCompletableFuture());
    }
    return CompletableFuture.allOf(replies.toArray(new CompletableFuture<?>[0])).thenApply(x -> {
      List<Set<byte[]>> out = new ArrayList<>(replies.size());
      for (CompletableFuture<Set<byte[]>> r : replies) {
        out.add(r.join());
      }
      return out;
    });
  }

  /**
   * {@code SET <claim key> 1 NX PXAT <expiresAt>} (without {@code PXAT} when {@code expiresAt} is
   * null): true when this call set it. Redis compares {@code expiresAt} with its own clock, so every
   * instance agrees when a claim ends; a time already past there claims nothing lasting (each call
   * returns true), as with an in-memory ledger whose clock is past it.
   *
   * @throws NullPointerException if {@code marker} is null
   */
  @Override
  public CompletableFuture<Boolean> claimOnce(String marker, Instant expiresAt) {
    byte[] key = keys.claim(Objects.requireNonNull(marker, "marker"));
    SetArgs args = expiresAt == null ? SetArgs.Builder.nx() : SetArgs.Builder.nx().pxAt(expiresAt.toEpochMilli());
    return commands.issue(c -> c.set(key, ONE, args).toCompletableFuture()).handle((reply, error) -> {
      if (error != null) {
        throw failed("claim", error, "marker '" + marker + "' not claimed");
      }
      health.succeeded();
      return "OK".equals(reply);
    });
  }

  /** {@code UP} while connected and the latest operation succeeded; {@code DEGRADED} otherwise. Never blocks. */
  public Health health() {
    return health.health();
  }

  /** Operations that failed or timed out since this ledger was created. */
  public long errorCount() {
    return health.errorCount();
  }

  /** Records written that Redis had already applied (retries, or the same id from another instance). */
  public long duplicateCount() {
    return duplicates.get();
  }

  private CompletionException failed(String operation, Throwable error, String what) {
    return health.failed(operation, error, "Redis usage ledger: " + what);
  }

  @Override
  public String toString() {
    return "RedisUsageLedger{" + lettuce.describe() + "}";
  }

  /** Builds a {@link RedisUsageLedger}. Not thread-safe; setters validate at once. */
  public static final class Builder {
    private final RedisConnection connection;
    private String keyPrefix = "";
    private Duration dedupTtl = DEFAULT_DEDUP_TTL;
    private Duration dayRetention = DEFAULT_DAY_RETENTION;
    private Duration monthRetention = DEFAULT_MONTH_RETENTION;
    private Duration errorLogInterval = DEFAULT_ERROR_LOG_INTERVAL;
    private MeterRegistry registry;

    private Builder(RedisConnection connection) {
      this.connection = connection;
    }

    /**
     * A prefix for every key, e.g. {@code "staging:"} when environments share a Redis; it goes
     * before the hash tag. Default none.
     *
     * @throws IllegalArgumentException if it contains a curly brace, which would change the Cluster
     *     hash tag
     */
    public Builder keyPrefix(String keyPrefix) {
      Objects.requireNonNull(keyPrefix, "keyPrefix");
      new UsageKeys(keyPrefix); // validates
      this.keyPrefix = keyPrefix;
      return this;
    }

    /**
     * How long a record id is remembered so that writing the record again does not count it again.
     * Default {@link #DEFAULT_DEDUP_TTL}; each remembered id costs about 125 bytes of Redis memory.
     *
     * @throws IllegalArgumentException if shorter than {@link #MIN_DEDUP_TTL}
     */
    public Builder dedupTtl(Duration ttl) {
      Objects.requireNonNull(ttl, "dedupTtl");
      if (ttl.compareTo(MIN_DEDUP_TTL) < 0) {
        throw new IllegalArgumentException("dedupTtl must be at least " + MIN_DEDUP_TTL + " but was " + ttl);
      }
      this.dedupTtl = ttl;
      return this;
    }

    /**
     * How long a day's aggregates and index are kept after their first write. Default
     * {@link #DEFAULT_DAY_RETENTION}.
     *
     * @throws IllegalArgumentException if shorter than two days (a day must outlive itself)
     */
    public Builder dayRetention(Duration retention) {
      this.dayRetention = atLeast(retention, Duration.ofDays(2), "dayRetention");
      return this;
    }

    /**
     * How long a month's aggregates are kept after their first write. Default
     * {@link #DEFAULT_MONTH_RETENTION}.
     *
     * @throws IllegalArgumentException if shorter than 62 days (a month must outlive itself)
     */
    public Builder monthRetention(Duration retention) {
      this.monthRetention = atLeast(retention, Duration.ofDays(62), "monthRetention");
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

    /** Registers the error and duplicate counters here. Default: no meters. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "meterRegistry");
      return this;
    }

    /** Builds the ledger; does not wait for Redis. */
    public RedisUsageLedger build() {
      return new RedisUsageLedger(this);
    }

    private static Duration atLeast(Duration d, Duration min, String name) {
      Objects.requireNonNull(d, name);
      if (d.compareTo(min) < 0) {
        throw new IllegalArgumentException(name + " must be at least " + min + " but was " + d);
      }
      return d;
    }
  }
}

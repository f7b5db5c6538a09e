package dev.switchboard.core.ratelimit;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One limit: requests or tokens per window (with an optional burst rule), concurrent requests in
 * flight, or a daily or monthly token quota. Applied per {@link LimitDimension} value by
 * {@link Limits} (callers) or {@code Deployment.limits()} (deployments).
 *
 * <p><b>Windows are token buckets.</b> {@code requests(100, 1 minute)} admits up to 100 at once and
 * refills continuously at 100 per minute (what OpenAI's own limits do), so a caller that was idle may
 * send 100 at once and then one every 600 ms. {@link #withBurst(double, Duration)} adds a second,
 * shorter bucket that caps how concentrated that can be: {@code requestsPerMinute(100).withBurst(2,
 * 10 s)} admits at most 2 × 100/min over any 10 s, i.e. 34 at once, then 10 s to earn 34 again, and
 * still 100 a minute in the long run. Both buckets must admit a call.
 *
 * <p><b>Token limits</b> ({@link #tokens}, {@link #dailyTokens}, {@link #monthlyTokens}) reserve an
 * estimate before the call (prompt tokens counted with a tokenizer plus the request's max tokens) and
 * settle with the usage the upstream reported afterwards. <b>Quotas</b> count calendar days or months
 * in UTC and reset at their start. <b>Concurrency</b> limits count calls in flight; a slot is given back
 * when the call ends, fails or is cancelled.
 *
 * <p>{@link #name()} identifies the limit within its dimension ({@code requests-per-minute}); the
 * full name reported in errors and headers prefixes the dimension: {@code key:requests-per-minute}.
 * Immutable and thread-safe; value equality.
 */
public final class Limit {

  /** What a limit counts. */
  public enum Kind {
    /** Requests per window. */
    REQUESTS,
    /** Prompt plus completion tokens per window. */
    TOKENS,
    /** Calls in flight at once. */
    CONCURRENT_REQUESTS,
    /** Tokens per calendar day (UTC). */
    DAILY_TOKENS,
    /** Tokens per calendar month (UTC). */
    MONTHLY_TOKENS;

    /** Whether the limit counts tokens (reserve an estimate, settle with the actual usage). */
    public boolean countsTokens() {
      return this == TOKENS || this == DAILY_TOKENS || this == MONTHLY_TOKENS;
    }
  }

  private final Kind kind;
  private final long amount;
  private final Duration window;
  private final long burstCapacity;
  private final Duration burstWindow;
  private final String name;

  private Limit(Kind kind, long amount, Duration window, long burstCapacity, Duration burstWindow, String name) {
    this.kind = kind;
    this.amount = amount;
    this.window = window;
    this.burstCapacity = burstCapacity;
    this.burstWindow = burstWindow;
    this.name = name != null ? name : defaultName(kind, window);
  }

  /** {@code n} requests per minute. @throws IllegalArgumentException if {@code n < 1} */
  public static Limit requestsPerMinute(long n) {
    return requests(n, Duration.ofMinutes(1));
  }

  /**
   * {@code n} requests per {@code window}.
   *
   * @throws IllegalArgumentException if {@code n < 1}, the window is shorter than a millisecond, or
   *     {@code n} is more than one per nanosecond of it
   */
  public static Limit requests(long n, Duration window) {
    return new Limit(Kind.REQUESTS, rate(positive(n, "requests"), window(window, "window"), "requests"), window, 0,
        null, null);
  }

  /** {@code n} tokens per minute. @throws IllegalArgumentException if {@code n < 1} */
  public static Limit tokensPerMinute(long n) {
    return tokens(n, Duration.ofMinutes(1));
  }

  /**
   * {@code n} tokens (prompt plus completion) per {@code window}.
   *
   * @throws IllegalArgumentException if {@code n < 1}, the window is shorter than a millisecond, or
   *     {@code n} is more than one per nanosecond of it
   */
  public static Limit tokens(long n, Duration window) {
    return new Limit(Kind.TOKENS, rate(positive(n, "tokens"), window(window, "window"), "tokens"), window, 0, null,
        null);
  }

  /**
   * The names of limits as settings, in {@link #ofSetting}, a virtual key's
   * {@link dev.switchboard.core.auth.VirtualKey#limits() limits} and the gateway's configuration file.
   */
  public static final Set<String> SETTING_NAMES = Collections.unmodifiableSet(new LinkedHashSet<>(List.of(
      "requests-per-minute", "tokens-per-minute", "concurrent-requests", "tokens-per-day", "tokens-per-month")));

  /**
   * The limit that the setting {@code name: amount} stands for ({@link #SETTING_NAMES}), in a tier of
   * a configuration file or among a virtual key's limits, so that a name means one thing everywhere:
   * {@code requests-per-minute} gets {@link Limits}' burst rule (twice the rate over 10 s) as the
   * shipped tiers do.
   *
   * @throws IllegalArgumentException for another name, or an amount the limit cannot count (below 1,
   *     a rate above one per nanosecond, more than {@link Integer#MAX_VALUE} concurrent requests),
   *     with a message that names the limit
   */
  public static Limit ofSetting(String name, long amount) {
    switch (Objects.requireNonNull(name, "name")) {
      case "requests-per-minute":
        return requestsPerMinute(amount).withBurst(Limits.DEFAULT_BURST_MULTIPLIER, Limits.DEFAULT_BURST_WINDOW);
      case "tokens-per-minute":
        return tokensPerMinute(amount);
      case "concurrent-requests":
        if (amount < 1 || amount > Integer.MAX_VALUE) { // checked as a long: a cast could wrap into range
          throw new IllegalArgumentException("concurrent-requests must be from 1 to " + Integer.MAX_VALUE
              + " but was " + amount);
        }
        return concurrentRequests((int) amount);
      case "tokens-per-day":
        return dailyTokens(amount);
      case "tokens-per-month":
        return monthlyTokens(amount);
      default:
        throw new IllegalArgumentException("unknown limit '" + name + "'; expected one of "
            + String.join(", ", SETTING_NAMES));
    }
  }

  /** At most {@code n} calls in flight at once. @throws IllegalArgumentException if {@code n < 1} */
  public static Limit concurrentRequests(int n) {
    return new Limit(Kind.CONCURRENT_REQUESTS, positive(n, "concurrentRequests"), null, 0, null, null);
  }

  /** At most {@code n} tokens per calendar day (UTC). @throws IllegalArgumentException if {@code n < 1} */
  public static Limit dailyTokens(long n) {
    return new Limit(Kind.DAILY_TOKENS, positive(n, "dailyTokens"), null, 0, null, null);
  }

  /** At most {@code n} tokens per calendar month (UTC). @throws IllegalArgumentException if {@code n < 1} */
  public static Limit monthlyTokens(long n) {
    return new Limit(Kind.MONTHLY_TOKENS, positive(n, "monthlyTokens"), null, 0, null, null);
  }

  /**
   * A copy that admits at most {@code multiplier} times the average rate over any {@code window}:
   * {@code ceil(multiplier × amount × window / window())}, at least 1. {@code requestsPerMinute(100)
   * .withBurst(2, Duration.ofSeconds(10))} admits at most 34 requests in any 10 s.
   *
   * @throws IllegalStateException for concurrency limits and quotas, which have no rate
   * @throws IllegalArgumentException if {@code multiplier} is below 1 or not finite, or {@code window}
   *     is not shorter than this limit's window
   */
  public Limit withBurst(double multiplier, Duration window) {
    if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("burst multiplier must be a finite number >= 1 but was " + multiplier);
    }
    Duration w = window(window, "burst window");
    requireWindowed("withBurst");
    if (w.compareTo(this.window) >= 0) {
      throw new IllegalArgumentException("burst window must be shorter than the limit's window " + this.window
          + " but was " + w);
    }
    double capacity = Math.ceil(multiplier * amount * ((double) w.toNanos() / this.window.toNanos()) - 1e-9);
    return withBurstCapacity((long) Math.max(1, Math.min(capacity, amount)), w);
  }

  /**
   * A copy that admits at most {@code capacity} over any {@code window} (a second, shorter bucket).
   *
   * @throws IllegalStateException for concurrency limits and quotas
   * @throws IllegalArgumentException if {@code capacity < 1} or {@code window} is not shorter than
   *     this limit's window
   */
  public Limit withBurstCapacity(long capacity, Duration window) {
    positive(capacity, "burst capacity");
    Duration w = window(window, "burst window");
    rate(capacity, w, "burst capacity");
    requireWindowed("withBurstCapacity");
    if (w.compareTo(this.window) >= 0) {
      throw new IllegalArgumentException("burst window must be shorter than the limit's window " + this.window
          + " but was " + w);
    }
    return new Limit(kind, amount, this.window, capacity, w, name);
  }

  /**
   * A copy with this name instead of the generated one ({@code requests-per-minute}): lower-case
   * letters, digits and dashes.
   *
   * @throws IllegalArgumentException for any other name
   */
  public Limit named(String name) {
    Objects.requireNonNull(name, "name");
    if (!name.matches("[a-z0-9][a-z0-9-]{0,63}")) {
      throw new IllegalArgumentException("limit name must be 1 to 64 lower-case letters, digits and dashes but was '"
          + name + "'");
    }
    return new Limit(kind, amount, window, burstCapacity, burstWindow, name);
  }

  /**
   * A copy whose amounts (and burst capacity) are {@code share} of these, rounded down but at least 1:
   * what a fail-open fallback applies on one instance when the shared store is unreachable.
   *
   * @throws IllegalArgumentException unless {@code 0 < share <= 1}
   */
  public Limit scaled(double share) {
    if (!(share > 0 && share <= 1)) {
      throw new IllegalArgumentException("share must be in (0, 1] but was " + share);
    }
    long scaledBurst = burstCapacity == 0 ? 0 : Math.max(1, (long) Math.floor(burstCapacity * share));
    return new Limit(kind, Math.max(1, (long) Math.floor(amount * share)), window, scaledBurst, burstWindow, name);
  }

  public Kind kind() {
    return kind;
  }

  /** Requests or tokens per window, calls in flight, or tokens per quota period. */
  public long amount() {
    return amount;
  }

  /** The refill window of requests and tokens limits; null for concurrency limits and quotas. */
  public Duration window() {
    return window;
  }

  /** Whether a burst rule caps how concentrated the window's allowance may be. */
  public boolean hasBurst() {
    return burstCapacity > 0;
  }

  /** At most this many per {@link #burstWindow()}; 0 without a burst rule. */
  public long burstCapacity() {
    return burstCapacity;
  }

  /** The burst rule's window, or null without one. */
  public Duration burstWindow() {
    return burstWindow;
  }

  /** The name within its dimension, e.g. {@code requests-per-minute}; never null. */
  public String name() {
    return name;
  }

  private void requireWindowed(String method) {
    if (window == null) {
      throw new IllegalStateException(method + " applies to requests and tokens limits, not to " + kind);
    }
  }

  private static String defaultName(Kind kind, Duration window) {
    switch (kind) {
      case REQUESTS:
        return "requests-per-" + windowName(window);
      case TOKENS:
        return "tokens-per-" + windowName(window);
      case CONCURRENT_REQUESTS:
        return "concurrent-requests";
      case DAILY_TOKENS:
        return "daily-tokens";
      default:
        return "monthly-tokens";
    }
  }

  private static String windowName(Duration w) {
    if (w.equals(Duration.ofSeconds(1))) {
      return "second";
    }
    if (w.equals(Duration.ofMinutes(1))) {
      return "minute";
    }
    if (w.equals(Duration.ofHours(1))) {
      return "hour";
    }
    if (w.equals(Duration.ofDays(1))) {
      return "day";
    }
    long ms = w.toMillis();
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }

  private static long positive(long n, String what) {
    if (n < 1) {
      throw new IllegalArgumentException(what + " must be >= 1 but was " + n);
    }
    return n;
  }

  /** Refilling faster than one per nanosecond is beyond what the buckets can count (and beyond any real limit). */
  private static long rate(long n, Duration window, String what) {
    if (n > window.toNanos()) {
      throw new IllegalArgumentException(what + " must refill at most one per nanosecond, so at most "
          + window.toNanos() + " per " + window + ", but was " + n);
    }
    return n;
  }

  private static Duration window(Duration w, String what) {
    Objects.requireNonNull(w, what);
    if (w.toMillis() < 1 || w.toNanos() % 1_000_000 != 0) {
      throw new IllegalArgumentException(what + " must be a whole number of milliseconds >= 1 ms but was " + w);
    }
    return w;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Limit)) {
      return false;
    }
    Limit that = (Limit) o;
    return kind == that.kind && amount == that.amount && burstCapacity == that.burstCapacity
        && Objects.equals(window, that.window) && Objects.equals(burstWindow, that.burstWindow)
        && name.equals(that.name);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, amount, window, burstCapacity, burstWindow, name);
  }

  /** E.g. {@code requests-per-minute=100/PT1M burst 34/PT10S}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(name).append('=').append(amount);
    if (window != null) {
      sb.append('/').append(window);
    }
    if (burstCapacity > 0) {
      sb.append(" burst ").append(burstCapacity).append('/').append(burstWindow);
    }
    return sb.toString();
  }
}

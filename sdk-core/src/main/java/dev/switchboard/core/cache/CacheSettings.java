package dev.switchboard.core.cache;

import java.time.Duration;
import java.util.Objects;

/**
 * How the response cache behaves: which calls it serves ({@link #mode()}), how long answers live
 * ({@link #ttl()}), how much the in-process level keeps ({@link #l1MaxEntries()},
 * {@link #l1MaxBytes()}) and how long a call waits for the shared store ({@link #l2ReadTimeout()}).
 *
 * <p>Set on the client ({@code Switchboard.Builder.cache}) and optionally per model group
 * ({@code ModelGroup.Builder.cache}); a group's settings replace the client's {@link #mode()} and
 * {@link #ttl()} for that group, while the L1 bounds and the L2 read timeout are client-wide (a
 * group's are ignored).
 *
 * <p>Immutable and thread-safe; value equality. Every builder setter validates at once.
 */
public final class CacheSettings {

  /** {@link CacheMode#DETERMINISTIC_ONLY}: a sampled answer is not silently repeated unless asked for. */
  public static final CacheMode DEFAULT_MODE = CacheMode.DETERMINISTIC_ONLY;
  /** One hour. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(1);
  /** 10 000 answers in process. */
  public static final long DEFAULT_L1_MAX_ENTRIES = 10_000;
  /** 64 MiB of answers (their JSON size) in process. */
  public static final long DEFAULT_L1_MAX_BYTES = 64L * 1024 * 1024;
  /**
   * 200 ms: the longest a call waits for the shared store before going on as a miss. A safety net
   * above the store's own budget (the Redis store gives up after 50 ms by default).
   */
  public static final Duration DEFAULT_L2_READ_TIMEOUT = Duration.ofMillis(200);

  private static final CacheSettings DEFAULTS = builder().build();
  private static final CacheSettings OFF = builder().mode(CacheMode.OFF).build();

  private final CacheMode mode;
  private final Duration ttl;
  private final long l1MaxEntries;
  private final long l1MaxBytes;
  private final Duration l2ReadTimeout;

  private CacheSettings(Builder b) {
    this.mode = b.mode;
    this.ttl = b.ttl;
    this.l1MaxEntries = b.l1MaxEntries;
    this.l1MaxBytes = b.l1MaxBytes;
    this.l2ReadTimeout = b.l2ReadTimeout;
  }

  /** Every setting at its {@code DEFAULT_*} value. */
  public static CacheSettings ofDefaults() {
    return DEFAULTS;
  }

  /** Caching off, e.g. for one model group of a client that caches. */
  public static CacheSettings off() {
    return OFF;
  }

  /** A builder with every setting at its {@code DEFAULT_*} value. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    return new Builder().mode(mode).ttl(ttl).l1MaxEntries(l1MaxEntries).l1MaxBytes(l1MaxBytes)
        .l2ReadTimeout(l2ReadTimeout);
  }

  /** Which calls are cached; never null. */
  public CacheMode mode() {
    return mode;
  }

  /** How long a stored answer is served; positive. A call may shorten or lengthen it ({@link CacheControl#ttl()}). */
  public Duration ttl() {
    return ttl;
  }

  /** The most answers kept in process; 0 keeps none (only the shared store is used). */
  public long l1MaxEntries() {
    return l1MaxEntries;
  }

  /** The most bytes (JSON size of the answers) kept in process; 0 keeps none. */
  public long l1MaxBytes() {
    return l1MaxBytes;
  }

  /** How long a call waits for the shared store before treating the lookup as a miss; positive. */
  public Duration l2ReadTimeout() {
    return l2ReadTimeout;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof CacheSettings)) {
      return false;
    }
    CacheSettings that = (CacheSettings) o;
    return mode == that.mode && ttl.equals(that.ttl) && l1MaxEntries == that.l1MaxEntries
        && l1MaxBytes == that.l1MaxBytes && l2ReadTimeout.equals(that.l2ReadTimeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mode, ttl, l1MaxEntries, l1MaxBytes, l2ReadTimeout);
  }

  @Override
  public String toString() {
    return "CacheSettings{mode=" + mode + ", ttl=" + ttl + ", l1MaxEntries=" + l1MaxEntries + ", l1MaxBytes="
        + l1MaxBytes + ", l2ReadTimeout=" + l2ReadTimeout + "}";
  }

  /** Builds {@link CacheSettings}. Not thread-safe. */
  public static final class Builder {
    private CacheMode mode = DEFAULT_MODE;
    private Duration ttl = DEFAULT_TTL;
    private long l1MaxEntries = DEFAULT_L1_MAX_ENTRIES;
    private long l1MaxBytes = DEFAULT_L1_MAX_BYTES;
    private Duration l2ReadTimeout = DEFAULT_L2_READ_TIMEOUT;

    private Builder() {}

    /** Default {@link #DEFAULT_MODE}. */
    public Builder mode(CacheMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Default {@link #DEFAULT_TTL}.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder ttl(Duration ttl) {
      this.ttl = positive(ttl, "ttl");
      return this;
    }

    /**
     * Default {@link #DEFAULT_L1_MAX_ENTRIES}.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder l1MaxEntries(long l1MaxEntries) {
      if (l1MaxEntries < 0) {
        throw new IllegalArgumentException("l1MaxEntries must be >= 0 but was " + l1MaxEntries);
      }
      this.l1MaxEntries = l1MaxEntries;
      return this;
    }

    /**
     * Default {@link #DEFAULT_L1_MAX_BYTES}.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder l1MaxBytes(long l1MaxBytes) {
      if (l1MaxBytes < 0) {
        throw new IllegalArgumentException("l1MaxBytes must be >= 0 but was " + l1MaxBytes);
      }
      this.l1MaxBytes = l1MaxBytes;
      return this;
    }

    /**
     * Default {@link #DEFAULT_L2_READ_TIMEOUT}.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder l2ReadTimeout(Duration l2ReadTimeout) {
      this.l2ReadTimeout = positive(l2ReadTimeout, "l2ReadTimeout");
      return this;
    }

    /** Builds the settings. */
    public CacheSettings build() {
      return new CacheSettings(this);
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

package dev.switchboard.core.cache;

import java.time.Duration;
import java.util.Objects;

/**
 * What one call asks of the response cache, like HTTP's {@code Cache-Control}: skip the read
 * ({@link #noCache()}: always ask upstream, then refresh the cache), skip the write
 * ({@link #noStore()}), or store this answer for another time ({@link #ttl()}). The gateway maps
 * these from a request field and a header. It cannot turn caching on for a group whose mode is off.
 *
 * <p>Immutable and thread-safe; value equality.
 */
public final class CacheControl {

  private static final CacheControl DEFAULTS = builder().build();

  private final boolean noCache;
  private final boolean noStore;
  private final Duration ttl;

  private CacheControl(Builder b) {
    this.noCache = b.noCache;
    this.noStore = b.noStore;
    this.ttl = b.ttl;
  }

  /** Read and write as the group's settings say. */
  public static CacheControl defaults() {
    return DEFAULTS;
  }

  /** A builder with nothing asked for. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this control's fields. */
  public Builder toBuilder() {
    return new Builder().noCache(noCache).noStore(noStore).ttl(ttl);
  }

  /** Whether the call skips the cache read (and single-flight) and goes upstream; the answer may still be stored. */
  public boolean noCache() {
    return noCache;
  }

  /** Whether the answer of this call must not be stored. */
  public boolean noStore() {
    return noStore;
  }

  /** How long this call's answer is stored, or null for the group's TTL. */
  public Duration ttl() {
    return ttl;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof CacheControl)) {
      return false;
    }
    CacheControl that = (CacheControl) o;
    return noCache == that.noCache && noStore == that.noStore && Objects.equals(ttl, that.ttl);
  }

  @Override
  public int hashCode() {
    return Objects.hash(noCache, noStore, ttl);
  }

  @Override
  public String toString() {
    return "CacheControl{noCache=" + noCache + ", noStore=" + noStore + ", ttl=" + ttl + "}";
  }

  /** Builds a {@link CacheControl}. Not thread-safe. */
  public static final class Builder {
    private boolean noCache;
    private boolean noStore;
    private Duration ttl;

    private Builder() {}

    /** Skip the read. Default false. */
    public Builder noCache(boolean noCache) {
      this.noCache = noCache;
      return this;
    }

    /** Skip the write. Default false. */
    public Builder noStore(boolean noStore) {
      this.noStore = noStore;
      return this;
    }

    /**
     * Store this call's answer for {@code ttl}; null uses the group's TTL.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder ttl(Duration ttl) {
      if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
        throw new IllegalArgumentException("ttl must be positive but was " + ttl);
      }
      this.ttl = ttl;
      return this;
    }

    /** Builds the control. */
    public CacheControl build() {
      return new CacheControl(this);
    }
  }
}

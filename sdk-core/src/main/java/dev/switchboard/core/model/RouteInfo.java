package dev.switchboard.core.model;

import java.util.Objects;

/**
 * How the engine served a call: which provider account and deployment answered, under which
 * upstream model name, after how many attempts and fallbacks, and whether the cache answered.
 *
 * <p>Set by the engine on responses; never sent to or read from an upstream. Immutable and
 * thread-safe; value equality.
 */
public final class RouteInfo {

  /** The {@link #cache()} value when no cache was consulted (caching is off for the group). */
  public static final String CACHE_NONE = "none";
  /** The {@link #cache()} value of an answer from the in-process cache: no upstream call was made. */
  public static final String CACHE_HIT_L1 = "hit-l1";
  /** The {@link #cache()} value of an answer from the shared cache store: no upstream call was made. */
  public static final String CACHE_HIT_L2 = "hit-l2";
  /** The {@link #cache()} value of a cacheable call that was not in the cache and went upstream. */
  public static final String CACHE_MISS = "miss";
  /**
   * The {@link #cache()} value of a call answered by an identical call that was already in flight
   * (single-flight): this call made no upstream call of its own.
   */
  public static final String CACHE_COALESCED = "coalesced";
  /**
   * The {@link #cache()} value of a call that did not read the cache: not cacheable under the
   * group's mode, or the caller asked to skip the read.
   */
  public static final String CACHE_BYPASS = "bypass";

  private final String provider;
  private final String deployment;
  private final String upstreamModel;
  private final int attempts;
  private final int fallbacks;
  private final String cache;
  private final String group;
  private final String downgradedFrom;

  private RouteInfo(Builder b) {
    this.provider = b.provider;
    this.deployment = b.deployment;
    this.upstreamModel = b.upstreamModel;
    this.attempts = b.attempts;
    this.fallbacks = b.fallbacks;
    this.cache = b.cache == null ? CACHE_NONE : b.cache;
    this.group = b.group;
    this.downgradedFrom = b.downgradedFrom;
  }

  /** A new builder: no provider, 0 attempts, 0 fallbacks, cache {@code "none"}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these fields. */
  public Builder toBuilder() {
    return new Builder().provider(provider).deployment(deployment).upstreamModel(upstreamModel).attempts(attempts)
        .fallbacks(fallbacks).cache(cache).group(group).downgradedFrom(downgradedFrom);
  }

  /** The provider account name that answered, or null (e.g. a cache hit). */
  public String provider() {
    return provider;
  }

  /** The deployment id that answered, or null. */
  public String deployment() {
    return deployment;
  }

  /** The model name sent upstream, or null. */
  public String upstreamModel() {
    return upstreamModel;
  }

  /** Upstream calls made for this request, retries and fallbacks included. */
  public int attempts() {
    return attempts;
  }

  /** Deployments given up on before the one that answered. */
  public int fallbacks() {
    return fallbacks;
  }

  /**
   * The cache outcome: {@link #CACHE_HIT_L1}, {@link #CACHE_HIT_L2}, {@link #CACHE_MISS},
   * {@link #CACHE_COALESCED}, {@link #CACHE_BYPASS} or {@link #CACHE_NONE}; never null.
   */
  public String cache() {
    return cache;
  }

  /** The model group that answered (after a group fallback or a budget downgrade, the group moved to), or null. */
  public String group() {
    return group;
  }

  /** The model group the caller asked for when a budget downgraded the call to {@link #group()}, or null. */
  public String downgradedFrom() {
    return downgradedFrom;
  }

  /** Whether this call was answered without an upstream call of its own (a hit or a coalesced call). */
  public boolean servedFromCache() {
    return CACHE_HIT_L1.equals(cache) || CACHE_HIT_L2.equals(cache) || CACHE_COALESCED.equals(cache);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof RouteInfo)) {
      return false;
    }
    RouteInfo that = (RouteInfo) o;
    return attempts == that.attempts && fallbacks == that.fallbacks && Objects.equals(provider, that.provider)
        && Objects.equals(deployment, that.deployment) && Objects.equals(upstreamModel, that.upstreamModel)
        && cache.equals(that.cache) && Objects.equals(group, that.group)
        && Objects.equals(downgradedFrom, that.downgradedFrom);
  }

  @Override
  public int hashCode() {
    return Objects.hash(provider, deployment, upstreamModel, attempts, fallbacks, cache, group, downgradedFrom);
  }

  @Override
  public String toString() {
    return new Describe("RouteInfo").add("provider", provider).add("deployment", deployment)
        .add("upstreamModel", upstreamModel).add("attempts", attempts).add("fallbacks", fallbacks).add("cache", cache)
        .add("group", group).add("downgradedFrom", downgradedFrom).toString();
  }

  /** Builds a {@link RouteInfo}. Not thread-safe. */
  public static final class Builder {
    private String provider;
    private String deployment;
    private String upstreamModel;
    private int attempts;
    private int fallbacks;
    private String cache = CACHE_NONE;
    private String group;
    private String downgradedFrom;

    private Builder() {}

    /** The provider account name. */
    public Builder provider(String provider) {
      this.provider = provider;
      return this;
    }

    /** The deployment id. */
    public Builder deployment(String deployment) {
      this.deployment = deployment;
      return this;
    }

    /** The upstream model name. */
    public Builder upstreamModel(String upstreamModel) {
      this.upstreamModel = upstreamModel;
      return this;
    }

    /** @throws IllegalArgumentException if {@code attempts} is negative */
    public Builder attempts(int attempts) {
      if (attempts < 0) {
        throw new IllegalArgumentException("attempts must be >= 0 but was " + attempts);
      }
      this.attempts = attempts;
      return this;
    }

    /** @throws IllegalArgumentException if {@code fallbacks} is negative */
    public Builder fallbacks(int fallbacks) {
      if (fallbacks < 0) {
        throw new IllegalArgumentException("fallbacks must be >= 0 but was " + fallbacks);
      }
      this.fallbacks = fallbacks;
      return this;
    }

    /** The cache outcome; null restores {@code "none"}. */
    public Builder cache(String cache) {
      this.cache = cache;
      return this;
    }

    /** The model group that answered. */
    public Builder group(String group) {
      this.group = group;
      return this;
    }

    /** The group asked for, when a budget downgraded the call. */
    public Builder downgradedFrom(String group) {
      this.downgradedFrom = group;
      return this;
    }

    /** Builds the route info. */
    public RouteInfo build() {
      return new RouteInfo(this);
    }
  }
}

package dev.switchboard.core.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The limits that protect the service from its callers: tiers, per-dimension limits and overrides
 * for single keys, users, teams, IPs or model groups. (Deployments carry their own limits, which
 * protect callers from the providers' limits: {@code Deployment.Builder.limit}.)
 *
 * <p><b>Which limits apply to a call</b> (the caller is {@code RequestOptions.caller()}):
 * <ol>
 *   <li>The caller's <em>principal</em> is its API key if it has one, else its user (the caller's,
 *       else {@code ChatRequest.user()}), else its client IP, else one shared anonymous subject
 *       ({@code ip} {@value #UNKNOWN_CLIENT}).
 *   <li>Its <em>tier</em> is {@code Caller.tier()} when that names a configured tier, else
 *       {@value #TIER_API_KEY} for a key, {@value #TIER_AUTHENTICATED} for a user, {@value #TIER_ANONYMOUS}
 *       otherwise. The tier's limits are counted against the principal.
 *   <li>For each dimension the call has a value for (key, user, team, client IP, model group), the
 *       limits given for every value of it ({@link Builder#each}) are counted against that value.
 *   <li>An {@link Builder#override override} for a value replaces, for that value, the limits of
 *       step 3 and, when the value is the principal, the tier's too.
 *   <li>The caller's own limits ({@code Caller.limits()}, e.g. a virtual key's) are counted against the
 *       principal, each in place of the principal's limit of the same {@link Limit#name() name} from
 *       steps 2 to 4, or in addition when there is none of that name. The principal's other limits
 *       stay. A replacing limit is counted on its own: it does not inherit what the replaced one had
 *       counted (nor does a limit whose amount was reconfigured).
 * </ol>
 * A call is admitted only if every applicable limit admits it, and then counts against all of them.
 *
 * <p>{@link #ofDefaults()} ships the defaults: anonymous 5/min, authenticated 20/min, API
 * key 100/min, each with a burst of 2× for 10 s ({@link Limit#withBurst}). Immutable and thread-safe.
 */
public final class Limits {

  public static final String TIER_ANONYMOUS = "anonymous";
  public static final String TIER_AUTHENTICATED = "authenticated";
  public static final String TIER_API_KEY = "api-key";
  /** The client-IP value anonymous callers without an IP share. */
  public static final String UNKNOWN_CLIENT = "unknown";
  public static final double DEFAULT_BURST_MULTIPLIER = 2;
  public static final Duration DEFAULT_BURST_WINDOW = Duration.ofSeconds(10);
  /** Completion tokens reserved for a request that sets no max tokens. */
  public static final int DEFAULT_MAX_TOKENS = 4096;

  private static final Limits NONE = builder().build();
  private static final Limits DEFAULTS = builder()
      .tier(TIER_ANONYMOUS, Limit.requestsPerMinute(5).withBurst(DEFAULT_BURST_MULTIPLIER, DEFAULT_BURST_WINDOW))
      .tier(TIER_AUTHENTICATED, Limit.requestsPerMinute(20).withBurst(DEFAULT_BURST_MULTIPLIER, DEFAULT_BURST_WINDOW))
      .tier(TIER_API_KEY, Limit.requestsPerMinute(100).withBurst(DEFAULT_BURST_MULTIPLIER, DEFAULT_BURST_WINDOW))
      .build();

  private final Map<String, List<Limit>> tiers;
  private final Map<LimitDimension, List<Limit>> each;
  private final Map<LimitDimension, Map<String, List<Limit>>> overrides;
  private final int defaultMaxTokens;
  private final TokenCounter tokenCounter;

  private Limits(Builder b) {
    this.tiers = Collections.unmodifiableMap(new LinkedHashMap<>(b.tiers));
    this.each = Collections.unmodifiableMap(new EnumMap<>(b.each));
    Map<LimitDimension, Map<String, List<Limit>>> o = new EnumMap<>(LimitDimension.class);
    b.overrides.forEach((d, m) -> o.put(d, Collections.unmodifiableMap(new LinkedHashMap<>(m))));
    this.overrides = Collections.unmodifiableMap(o);
    this.defaultMaxTokens = b.defaultMaxTokens;
    this.tokenCounter = b.tokenCounter;
  }

  /** No caller limits (deployments may still have theirs). */
  public static Limits none() {
    return NONE;
  }

  /** Anonymous 5/min, authenticated 20/min, API key 100/min, each with a burst of 2× for 10 s. */
  public static Limits ofDefaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.tiers.putAll(tiers);
    b.each.putAll(each);
    overrides.forEach((d, m) -> b.overrides.put(d, new LinkedHashMap<>(m)));
    b.defaultMaxTokens = defaultMaxTokens;
    b.tokenCounter = tokenCounter;
    return b;
  }

  /** Whether no caller limit is configured. */
  public boolean isEmpty() {
    return tiers.isEmpty() && each.isEmpty() && overrides.isEmpty();
  }

  /** Tier name to its limits, in the order configured; never null. */
  public Map<String, List<Limit>> tiers() {
    return tiers;
  }

  /** The limits counted against every value of {@code dimension}; empty when none. */
  public List<Limit> each(LimitDimension dimension) {
    return each.getOrDefault(dimension, List.of());
  }

  /** The override for one value of {@code dimension}, or null when there is none. */
  public List<Limit> override(LimitDimension dimension, String value) {
    Map<String, List<Limit>> m = overrides.get(dimension);
    return m == null ? null : m.get(value);
  }

  /** Completion tokens a token limit reserves for a request without max tokens. */
  public int defaultMaxTokens() {
    return defaultMaxTokens;
  }

  /** The tokenizer for prompt estimates; default {@link TokenCounter#o200kBase()}. */
  public TokenCounter tokenCounter() {
    return tokenCounter;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Limits)) {
      return false;
    }
    Limits that = (Limits) o;
    return defaultMaxTokens == that.defaultMaxTokens && tiers.equals(that.tiers) && each.equals(that.each)
        && overrides.equals(that.overrides) && tokenCounter.equals(that.tokenCounter);
  }

  @Override
  public int hashCode() {
    return Objects.hash(tiers, each, overrides, defaultMaxTokens, tokenCounter);
  }

  /** Lists tiers and dimensions; override values are counted, not named (they may identify people). */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Limits{tiers=").append(tiers).append(", each=").append(each);
    overrides.forEach((d, m) -> sb.append(", ").append(d.label()).append(" overrides=").append(m.size()));
    return sb.append('}').toString();
  }

  /** Builds {@link Limits}. Not thread-safe; every setter validates at once. */
  public static final class Builder {
    private final Map<String, List<Limit>> tiers = new LinkedHashMap<>();
    private final Map<LimitDimension, List<Limit>> each = new EnumMap<>(LimitDimension.class);
    private final Map<LimitDimension, Map<String, List<Limit>>> overrides = new EnumMap<>(LimitDimension.class);
    private int defaultMaxTokens = DEFAULT_MAX_TOKENS;
    private TokenCounter tokenCounter = TokenCounter.o200kBase();

    private Builder() {}

    /**
     * Sets the limits of tier {@code name}, replacing any set before; counted against the caller's
     * principal (key, user or client IP).
     *
     * @throws IllegalArgumentException if {@code name} is blank or two limits share a name
     */
    public Builder tier(String name, Limit... limits) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("tier name must not be blank");
      }
      tiers.put(name, checked(limits, "tier '" + name + "'"));
      return this;
    }

    /**
     * Sets the limits counted against every value of {@code dimension} (each user, each team, …),
     * replacing any set before.
     *
     * @throws IllegalArgumentException for {@link LimitDimension#DEPLOYMENT} (deployment limits are
     *     configured on the deployment), or if two limits share a name
     */
    public Builder each(LimitDimension dimension, Limit... limits) {
      each.put(callerDimension(dimension), checked(limits, "each " + dimension.label()));
      return this;
    }

    /**
     * Sets the limits of one value of {@code dimension} (API key {@code key_7f3a}, team
     * {@code research}), replacing for it the {@link #each} limits and, when it is the caller's
     * principal, the tier's. An empty list exempts the value.
     *
     * @throws IllegalArgumentException for {@link LimitDimension#DEPLOYMENT}, a blank value, or two
     *     limits sharing a name
     */
    public Builder override(LimitDimension dimension, String value, Limit... limits) {
      Objects.requireNonNull(value, "value");
      if (value.isBlank()) {
        throw new IllegalArgumentException("override value must not be blank");
      }
      overrides.computeIfAbsent(callerDimension(dimension), d -> new LinkedHashMap<>())
          .put(value, checked(limits, dimension.label() + " override"));
      return this;
    }

    /**
     * Completion tokens to reserve for requests that set no max tokens. Default {@link #DEFAULT_MAX_TOKENS}.
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder defaultMaxTokens(int tokens) {
      if (tokens < 1) {
        throw new IllegalArgumentException("defaultMaxTokens must be >= 1 but was " + tokens);
      }
      this.defaultMaxTokens = tokens;
      return this;
    }

    /** The tokenizer for prompt estimates. Default {@link TokenCounter#o200kBase()}. */
    public Builder tokenCounter(TokenCounter counter) {
      this.tokenCounter = Objects.requireNonNull(counter, "tokenCounter");
      return this;
    }

    /**
     * @throws IllegalStateException when a tier shares a limit name with the {@link #each} limits of
     *     key, user or client IP: both would count against the principal under one name
     */
    public Limits build() {
      for (Map.Entry<String, List<Limit>> tier : tiers.entrySet()) {
        for (LimitDimension d : new LimitDimension[] {LimitDimension.KEY, LimitDimension.USER, LimitDimension.CLIENT_IP}) {
          for (Limit l : each.getOrDefault(d, List.of())) {
            for (Limit t : tier.getValue()) {
              if (t.name().equals(l.name())) {
                throw new IllegalStateException("limit '" + l.name() + "' is configured for tier '" + tier.getKey()
                    + "' and for each " + d.label() + "; name one of them differently (Limit.named)");
              }
            }
          }
        }
      }
      return new Limits(this);
    }

    private static LimitDimension callerDimension(LimitDimension d) {
      Objects.requireNonNull(d, "dimension");
      if (d == LimitDimension.DEPLOYMENT) {
        throw new IllegalArgumentException("deployment limits are configured on the deployment (Deployment.Builder.limit)");
      }
      return d;
    }

    private static List<Limit> checked(Limit[] limits, String where) {
      List<Limit> list = new ArrayList<>(limits.length);
      Set<String> names = new HashSet<>();
      for (Limit l : limits) {
        Objects.requireNonNull(l, "limit");
        if (!names.add(l.name())) {
          throw new IllegalArgumentException(where + " has two limits named '" + l.name() + "'");
        }
        list.add(l);
      }
      return List.copyOf(list);
    }
  }
}

package dev.switchboard.core.auth;

import dev.switchboard.core.cost.Budget;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What is stored about one virtual API key: never the key, only its SHA-256 {@link #hash()} and a
 * {@link #displayPrefix()}, with what the key may do and who it belongs to.
 *
 * <ul>
 *   <li>{@link #models()}: the model groups it may call; empty means every group.
 *   <li>{@link #tier()}: the rate-limit tier it is counted in, and {@link #limits()}: limits that
 *       override the tier's for this key (e.g. {@code requests-per-minute → 10}).
 *   <li>{@link #budget()}: its spending limit, a {@link Budget.Scope#KEY} budget for {@link #id()}.
 *   <li>{@link #user()}, {@link #team()}: whose spend its calls count as.
 *   <li>{@link #expiresAt()}, {@link #revokedAt()}: from then on it is refused.
 * </ul>
 *
 * <p>Immutable and thread-safe; value equality. {@link #toString()} shows neither the hash nor the
 * prefix.
 */
public final class VirtualKey {

  private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

  private final String id;
  private final String hash;
  private final String displayPrefix;
  private final List<String> models;
  private final String tier;
  private final Map<String, Long> limits;
  private final Budget budget;
  private final String user;
  private final String team;
  private final Instant createdAt;
  private final Instant expiresAt;
  private final Instant revokedAt;

  private VirtualKey(Builder b) {
    this.id = requireNonBlank(b.id, "id");
    this.hash = Objects.requireNonNull(b.hash, "hash");
    if (!HASH.matcher(hash).matches()) {
      throw new IllegalArgumentException("hash must be 64 lower-case hex digits (SHA-256), see ApiKeys.hash");
    }
    this.displayPrefix = requireNonBlank(b.displayPrefix, "displayPrefix");
    this.models = List.copyOf(b.models);
    this.tier = b.tier;
    this.limits = Collections.unmodifiableMap(new LinkedHashMap<>(b.limits));
    this.budget = b.budget;
    if (budget != null && (budget.scope() != Budget.Scope.KEY || !id.equals(budget.subject()))) {
      throw new IllegalArgumentException("budget must be a KEY budget for subject '" + id + "' but was " + budget);
    }
    this.user = b.user;
    this.team = b.team;
    this.createdAt = Objects.requireNonNull(b.createdAt, "createdAt");
    this.expiresAt = b.expiresAt;
    this.revokedAt = b.revokedAt;
  }

  /** A builder for key {@code id} with hash {@code hash} (see {@link ApiKeys#hash}). */
  public static Builder builder(String id, String hash, String displayPrefix, Instant createdAt) {
    Builder b = new Builder();
    b.id = id;
    b.hash = hash;
    b.displayPrefix = displayPrefix;
    b.createdAt = createdAt;
    return b;
  }

  public Builder toBuilder() {
    Builder b = builder(id, hash, displayPrefix, createdAt);
    b.models.addAll(models);
    b.tier = tier;
    b.limits.putAll(limits);
    b.budget = budget;
    b.user = user;
    b.team = team;
    b.expiresAt = expiresAt;
    b.revokedAt = revokedAt;
    return b;
  }

  /** The key's id, e.g. {@code key_x1Y2…}: not a secret; never null. */
  public String id() {
    return id;
  }

  /** SHA-256 of the key as 64 lower-case hex digits; never null. */
  public String hash() {
    return hash;
  }

  /** What may be shown of the key, e.g. {@code sk-sb-…abcd}; never null. */
  public String displayPrefix() {
    return displayPrefix;
  }

  /** The model groups this key may call, in the order given; empty means every group. Never null. */
  public List<String> models() {
    return models;
  }

  /** The rate-limit tier, or null for the default tier of keys. */
  public String tier() {
    return tier;
  }

  /**
   * Limits that replace the tier's for this key, by setting name ({@code requests-per-minute},
   * {@code tokens-per-minute}, …: {@link dev.switchboard.core.ratelimit.Limit#SETTING_NAMES}); never
   * null, empty when there are none. Whoever authenticates the key applies them as the caller's own
   * limits ({@link dev.switchboard.core.Caller#limits()}), each made with
   * {@link dev.switchboard.core.ratelimit.Limit#ofSetting}: each replaces the tier's limit of that
   * name, and the tier's other limits stay.
   */
  public Map<String, Long> limits() {
    return limits;
  }

  /** The key's spending limit, or null for none. */
  public Budget budget() {
    return budget;
  }

  /** The end user the key's calls are counted for, or null. */
  public String user() {
    return user;
  }

  /** The team the key's calls are counted for, or null. */
  public String team() {
    return team;
  }

  /** When the key was created; never null. */
  public Instant createdAt() {
    return createdAt;
  }

  /** When the key stops working, or null when it does not expire. */
  public Instant expiresAt() {
    return expiresAt;
  }

  /** When the key was revoked, or null when it was not. */
  public Instant revokedAt() {
    return revokedAt;
  }

  public boolean isRevoked() {
    return revokedAt != null;
  }

  /** Whether the key has expired at {@code now} (an expiry at exactly {@code now} has). */
  public boolean isExpired(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }

  /** Whether the key may be used at {@code now}: neither revoked nor expired. */
  public boolean isActive(Instant now) {
    return !isRevoked() && !isExpired(now);
  }

  /** Whether the key may call model group {@code group}. */
  public boolean allowsModel(String group) {
    return models.isEmpty() || models.contains(group);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof VirtualKey)) {
      return false;
    }
    VirtualKey k = (VirtualKey) o;
    return id.equals(k.id) && hash.equals(k.hash) && displayPrefix.equals(k.displayPrefix) && models.equals(k.models)
        && Objects.equals(tier, k.tier) && limits.equals(k.limits) && Objects.equals(budget, k.budget)
        && Objects.equals(user, k.user) && Objects.equals(team, k.team) && createdAt.equals(k.createdAt)
        && Objects.equals(expiresAt, k.expiresAt) && Objects.equals(revokedAt, k.revokedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, hash, models, tier, limits, budget, user, team, createdAt, expiresAt, revokedAt);
  }

  @Override
  public String toString() {
    return "VirtualKey{id=" + id + ", models=" + models + ", tier=" + tier + ", limits=" + limits + ", budget="
        + budget + ", user=" + user + ", team=" + team + ", createdAt=" + createdAt + ", expiresAt=" + expiresAt
        + ", revokedAt=" + revokedAt + "}";
  }

  private static String requireNonBlank(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }

  /** Builds a {@link VirtualKey}. Blank optional strings count as unset. Not thread-safe. */
  public static final class Builder {
    private String id;
    private String hash;
    private String displayPrefix;
    private final List<String> models = new ArrayList<>();
    private String tier;
    private final Map<String, Long> limits = new LinkedHashMap<>();
    private Budget budget;
    private String user;
    private String team;
    private Instant createdAt;
    private Instant expiresAt;
    private Instant revokedAt;

    private Builder() {}

    /**
     * The model groups the key may call; empty (the default) means every group.
     *
     * @throws NullPointerException if the list or an element is null
     */
    public Builder models(List<String> models) {
      Objects.requireNonNull(models, "models");
      List<String> copy = new ArrayList<>();
      for (String m : models) {
        copy.add(Objects.requireNonNull(m, "models element"));
      }
      this.models.clear();
      this.models.addAll(copy);
      return this;
    }

    public Builder tier(String tier) {
      this.tier = blankToNull(tier);
      return this;
    }

    /**
     * A limit that overrides the tier's for this key.
     *
     * @throws IllegalArgumentException if {@code value} is not positive
     */
    public Builder limit(String name, long value) {
      Objects.requireNonNull(name, "name");
      if (value <= 0) {
        throw new IllegalArgumentException("limit " + name + " must be positive but was " + value);
      }
      limits.put(name, value);
      return this;
    }

    /** Replaces the limit overrides. */
    public Builder limits(Map<String, Long> limits) {
      Objects.requireNonNull(limits, "limits");
      this.limits.clear();
      limits.forEach((k, v) -> limit(k, Objects.requireNonNull(v, "limit " + k)));
      return this;
    }

    /** A {@link Budget.Scope#KEY} budget whose subject is this key's id, or null for none. */
    public Builder budget(Budget budget) {
      this.budget = budget;
      return this;
    }

    public Builder user(String user) {
      this.user = blankToNull(user);
      return this;
    }

    public Builder team(String team) {
      this.team = blankToNull(team);
      return this;
    }

    public Builder expiresAt(Instant expiresAt) {
      this.expiresAt = expiresAt;
      return this;
    }

    public Builder revokedAt(Instant revokedAt) {
      this.revokedAt = revokedAt;
      return this;
    }

    /**
     * @throws NullPointerException if id, hash, display prefix or creation time is null
     * @throws IllegalArgumentException if the hash is not 64 lower-case hex digits, or the budget is
     *     not a KEY budget for this key's id
     */
    public VirtualKey build() {
      return new VirtualKey(this);
    }

    private static String blankToNull(String s) {
      return s == null || s.isBlank() ? null : s;
    }
  }
}

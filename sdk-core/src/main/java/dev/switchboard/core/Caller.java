package dev.switchboard.core;

import dev.switchboard.core.ratelimit.Limit;
import java.util.List;
import java.util.Objects;

/**
 * Who is calling: the identity that rate limits, quotas, budgets and usage records are kept for.
 *
 * <p>Every field is optional. The gateway fills it from the authenticated virtual key (key id, user,
 * team, tier, the key's own limits) and the connection (client IP); an embedding application sets
 * what it knows. Values are identifiers, never secrets: {@link #keyId()} is a key's id or display
 * prefix, not the key. Immutable and thread-safe.
 */
public final class Caller {

  private static final Caller ANONYMOUS = builder().build();

  private final String keyId;
  private final String user;
  private final String team;
  private final String tier;
  private final String clientIp;
  private final List<Limit> limits;

  private Caller(Builder b) {
    this.keyId = b.keyId;
    this.user = b.user;
    this.team = b.team;
    this.tier = b.tier;
    this.clientIp = b.clientIp;
    this.limits = b.limits;
  }

  /** A caller nothing is known about. */
  public static Caller anonymous() {
    return ANONYMOUS;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().keyId(keyId).user(user).team(team).tier(tier).clientIp(clientIp).limits(limits);
  }

  /** The id of the API key used (never the key itself), or null. */
  public String keyId() {
    return keyId;
  }

  /** The end user, or null. */
  public String user() {
    return user;
  }

  /** The team, or null. */
  public String team() {
    return team;
  }

  /** The limits tier, or null for the default tier. */
  public String tier() {
    return tier;
  }

  /** The client's IP address as text, or null. */
  public String clientIp() {
    return clientIp;
  }

  /**
   * Limits of this caller's own, such as the ones a virtual key sets for itself; never null, empty
   * when there are none (the default). They are counted against the caller's <em>principal</em> (see
   * {@link dev.switchboard.core.ratelimit.Limits}) and each one replaces the principal's limit of the
   * same {@link Limit#name() name} (its tier's, its override's or its dimension's), or is added when
   * the principal has none of that name. They apply even when the client has no
   * {@link dev.switchboard.core.ratelimit.Limits} configured.
   */
  public List<Limit> limits() {
    return limits;
  }

  /** Whether no field is set. */
  public boolean isAnonymous() {
    return keyId == null && user == null && team == null && tier == null && clientIp == null && limits.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Caller)) {
      return false;
    }
    Caller that = (Caller) o;
    return Objects.equals(keyId, that.keyId) && Objects.equals(user, that.user) && Objects.equals(team, that.team)
        && Objects.equals(tier, that.tier) && Objects.equals(clientIp, that.clientIp) && limits.equals(that.limits);
  }

  @Override
  public int hashCode() {
    return Objects.hash(keyId, user, team, tier, clientIp, limits);
  }

  @Override
  public String toString() {
    return "Caller{keyId=" + keyId + ", user=" + user + ", team=" + team + ", tier=" + tier + ", clientIp=" + clientIp
        + (limits.isEmpty() ? "" : ", limits=" + limits) + "}";
  }

  /** Builds a {@link Caller}. Blank values count as unset. Not thread-safe. */
  public static final class Builder {
    private String keyId;
    private String user;
    private String team;
    private String tier;
    private String clientIp;
    private List<Limit> limits = List.of();

    private Builder() {}

    public Builder keyId(String keyId) {
      this.keyId = blankToNull(keyId);
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

    public Builder tier(String tier) {
      this.tier = blankToNull(tier);
      return this;
    }

    public Builder clientIp(String clientIp) {
      this.clientIp = blankToNull(clientIp);
      return this;
    }

    /**
     * The caller's own limits (see {@link Caller#limits()}), replacing any set before; an empty list
     * (the default) sets none.
     *
     * @throws NullPointerException if the list or an element is null
     * @throws IllegalArgumentException if two limits share a name
     */
    public Builder limits(List<Limit> limits) {
      // List.copyOf keeps an already immutable list as it is: the gateway hands the same list to every
      // call of one key, so this copies nothing per call. (It also rejects null elements.)
      List<Limit> copy = List.copyOf(Objects.requireNonNull(limits, "limits"));
      for (int i = 0; i < copy.size(); i++) {
        for (int j = i + 1; j < copy.size(); j++) {
          if (copy.get(i).name().equals(copy.get(j).name())) {
            throw new IllegalArgumentException("caller limits name '" + copy.get(i).name() + "' twice");
          }
        }
      }
      this.limits = copy;
      return this;
    }

    public Caller build() {
      return new Caller(this);
    }

    private static String blankToNull(String s) {
      return s == null || s.isBlank() ? null : s;
    }
  }
}

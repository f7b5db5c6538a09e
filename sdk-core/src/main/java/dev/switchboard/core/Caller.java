package dev.switchboard.core;

import java.util.Objects;

/**
 * Who is calling: the identity that rate limits, quotas, budgets and usage records are kept for.
 *
 * <p>Every field is optional. The gateway fills it from the authenticated virtual key (key id, user,
 * team, tier) and the connection (client IP); an embedding application sets what it knows. Values
 * are identifiers, never secrets: {@link #keyId()} is a key's id or display prefix, not the key.
 * Immutable and thread-safe.
 */
public final class Caller {

  private static final Caller ANONYMOUS = builder().build();

  private final String keyId;
  private final String user;
  private final String team;
  private final String tier;
  private final String clientIp;

  private Caller(Builder b) {
    this.keyId = b.keyId;
    this.user = b.user;
    this.team = b.team;
    this.tier = b.tier;
    this.clientIp = b.clientIp;
  }

  /** A caller nothing is known about. */
  public static Caller anonymous() {
    return ANONYMOUS;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().keyId(keyId).user(user).team(team).tier(tier).clientIp(clientIp);
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

  /** Whether no field is set. */
  public boolean isAnonymous() {
    return keyId == null && user == null && team == null && tier == null && clientIp == null;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Caller)) {
      return false;
    }
    Caller that = (Caller) o;
    return Objects.equals(keyId, that.keyId) && Objects.equals(user, that.user) && Objects.equals(team, that.team)
        && Objects.equals(tier, that.tier) && Objects.equals(clientIp, that.clientIp);
  }

  @Override
  public int hashCode() {
    return Objects.hash(keyId, user, team, tier, clientIp);
  }

  @Override
  public String toString() {
    return "Caller{keyId=" + keyId + ", user=" + user + ", team=" + team + ", tier=" + tier + ", clientIp=" + clientIp
        + "}";
  }

  /** Builds a {@link Caller}. Blank values count as unset. Not thread-safe. */
  public static final class Builder {
    private String keyId;
    private String user;
    private String team;
    private String tier;
    private String clientIp;

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

    public Caller build() {
      return new Caller(this);
    }

    private static String blankToNull(String s) {
      return s == null || s.isBlank() ? null : s;
    }
  }
}

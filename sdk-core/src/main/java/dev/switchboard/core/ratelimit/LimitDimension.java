package dev.switchboard.core.ratelimit;

/**
 * What a limit is counted per: each API key, user, team, client IP, model group or deployment has
 * its own allowance.
 *
 * <p>{@link #label()} is the stable lower-case name used in limit names ({@code key:requests-per-minute}),
 * in configuration and as the {@code dimension} tag of the rate-limit meters.
 */
public enum LimitDimension {
  /** Per API key ({@code Caller.keyId()}). */
  KEY("key"),
  /** Per end user ({@code Caller.user()}, else {@code ChatRequest.user()}). */
  USER("user"),
  /** Per team ({@code Caller.team()}). */
  TEAM("team"),
  /** Per client IP address ({@code Caller.clientIp()}). */
  CLIENT_IP("ip"),
  /** Per model group ({@code ChatRequest.model()}), across all callers. */
  MODEL_GROUP("model"),
  /** Per deployment, across all callers: a provider's own limits, configured on the deployment. */
  DEPLOYMENT("deployment");

  private final String label;

  LimitDimension(String label) {
    this.label = label;
  }

  /** The stable lower-case name: {@code key}, {@code user}, {@code team}, {@code ip}, {@code model}, {@code deployment}. */
  public String label() {
    return label;
  }

  /**
   * The dimension with this {@link #label()}.
   *
   * @throws IllegalArgumentException naming the valid labels for any other
   */
  public static LimitDimension ofLabel(String label) {
    for (LimitDimension d : values()) {
      if (d.label.equals(label)) {
        return d;
      }
    }
    throw new IllegalArgumentException("unknown limit dimension '" + label
        + "'; expected one of key, user, team, ip, model, deployment");
  }
}

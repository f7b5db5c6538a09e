package dev.switchboard.server.internal;

import dev.switchboard.core.Switchboard;
import dev.switchboard.core.ratelimit.Limit;
import dev.switchboard.core.ratelimit.Limits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns the configuration file's {@code limits:} section, and a virtual key's own {@code limits}, into
 * the SDK's caller limits.
 *
 * <p>Each entry is a tier: {@code limits.<tier>.<limit>: amount} with the limits
 * {@link Limit#SETTING_NAMES}. A virtual key's {@code tier} picks its tier (as
 * {@code Caller.tier()}); the tier named {@value #DEFAULT_TIER} applies to callers with a key or a user
 * and no tier of their own, replacing the SDK's shipped API-key and authenticated tiers; the shipped
 * anonymous tier (5 requests a minute) stays unless {@code limits.anonymous} replaces it. Request rates
 * get the shipped burst rule (twice the rate over 10 s). Without a {@code limits:} section no tier
 * limits apply, so that the no-config quickstart and local load tests are never throttled.
 *
 * <p>A key's own limits use the same names and become the same {@link Limit}s ({@link Limit#ofSetting}), so
 * that {@code requests-per-minute: 10} means one thing in a tier and in a key, burst rule included;
 * as {@code Caller.limits()} each replaces its tier's limit of that name (see {@link KeyLimits}).
 */
final class RateLimitsHook {

  /** The configuration tier that stands for every caller with a key or a user. */
  static final String DEFAULT_TIER = "default";

  private RateLimitsHook() {}

  /** Applies {@code tiers} (possibly empty: no limits) to the client being built. */
  static void configure(Switchboard.Builder builder, Map<String, Map<String, Long>> tiers) {
    Limits limits = limits(tiers);
    if (limits != null) {
      builder.limits(limits);
    }
  }

  /** The SDK limits for {@code tiers}, or null when none are configured. */
  static Limits limits(Map<String, Map<String, Long>> tiers) {
    if (tiers.isEmpty()) {
      return null;
    }
    Limits.Builder b = Limits.ofDefaults().toBuilder();
    tiers.forEach((tier, configured) -> {
      Limit[] limits = toLimits(configured).toArray(new Limit[0]);
      if (DEFAULT_TIER.equals(tier)) {
        b.tier(Limits.TIER_API_KEY, limits);
        b.tier(Limits.TIER_AUTHENTICATED, limits);
      } else {
        b.tier(tier, limits);
      }
    });
    return b.build();
  }

  private static List<Limit> toLimits(Map<String, Long> configured) {
    List<Limit> out = new ArrayList<>();
    configured.forEach((name, amount) -> out.add(Limit.ofSetting(name, amount)));
    return out;
  }
}

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
 * {@link ConfigFile#LIMIT_NAMES}. A virtual key's {@code tier} picks its tier (as
 * {@code Caller.tier()}); the tier named {@value #DEFAULT_TIER} applies to callers with a key or a user
 * and no tier of their own, replacing the SDK's shipped API-key and authenticated tiers; the shipped
 * anonymous tier (5 requests a minute) stays unless {@code limits.anonymous} replaces it. Request rates
 * get the shipped burst rule (twice the rate over 10 s). Without a {@code limits:} section no tier
 * limits apply, so that the no-config quickstart and local load tests are never throttled.
 *
 * <p>A key's own limits use the same names and become the same {@link Limit}s ({@link #limit}), so
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
    configured.forEach((name, amount) -> out.add(limit(name, amount)));
    return out;
  }

  /**
   * The limit that {@code name: amount} stands for in a tier or a key ({@link ConfigFile#LIMIT_NAMES}).
   *
   * @throws IllegalArgumentException for another name, or an amount the limit cannot count (below 1,
   *     a rate above one per nanosecond, more than {@link Integer#MAX_VALUE} concurrent requests),
   *     with a message that names the limit
   */
  static Limit limit(String name, long amount) {
    switch (name) {
      case "requests-per-minute":
        return Limit.requestsPerMinute(amount)
            .withBurst(Limits.DEFAULT_BURST_MULTIPLIER, Limits.DEFAULT_BURST_WINDOW);
      case "tokens-per-minute":
        return Limit.tokensPerMinute(amount);
      case "concurrent-requests":
        if (amount < 1 || amount > Integer.MAX_VALUE) { // checked as a long: a cast could wrap into range
          throw new IllegalArgumentException("concurrent-requests must be from 1 to " + Integer.MAX_VALUE
              + " but was " + amount);
        }
        return Limit.concurrentRequests((int) amount);
      case "tokens-per-day":
        return Limit.dailyTokens(amount);
      case "tokens-per-month":
        return Limit.monthlyTokens(amount);
      default: // ConfigFile and the admin API reject any other name with its path before this runs
        throw new IllegalArgumentException("unknown limit '" + name + "'; expected one of " + String.join(", ",
            ConfigFile.LIMIT_NAMES));
    }
  }
}

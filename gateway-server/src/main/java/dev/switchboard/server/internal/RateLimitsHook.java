package dev.switchboard.server.internal;

import dev.switchboard.core.Switchboard;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where rate limits plug into the gateway: the SDK's caller limits (issue 5, {@code
 * Switchboard.Builder.limits}) are wired here by the rate-limit work, not by the configuration
 * work. Until then, limits are parsed, validated and stored, but not enforced, and the start-up log
 * says so.
 *
 * <p>What is already in place for them:
 * <ul>
 *   <li>{@code limits:} in the configuration file: tier name to limit name ({@link ConfigFile#LIMIT_NAMES})
 *       to amount, validated with field paths; handed to {@link #configure}.
 *   <li>A virtual key's {@code tier} travels as {@code Caller.tier()} on every call it makes, and its
 *       {@code limits} override is stored with the key ({@code VirtualKey.limits()}) and returned by
 *       the admin API.
 * </ul>
 * To enforce them: build the SDK's limits from {@code tiers} in {@link #configure} (tier limits via
 * the limits builder, a default tier for keys), and apply each key's override from
 * {@code VirtualKey.limits()} where {@link Authenticator} resolves the key, e.g. as a per-key override
 * registered at run time like budgets are.
 */
final class RateLimitsHook {

  private static final Logger log = LoggerFactory.getLogger(RateLimitsHook.class);

  private RateLimitsHook() {}

  /** Applies the configured tiers to the client being built. Today: reports that they are not enforced. */
  static void configure(Switchboard.Builder builder, Map<String, Map<String, Long>> tiers) {
    if (!tiers.isEmpty()) {
      log.warn("limits are configured for tiers {} but the gateway does not apply them to the client yet; "
          + "they are validated and kept with the keys", tiers.keySet());
    }
  }
}

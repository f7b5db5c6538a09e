package dev.switchboard.server.internal;

import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.core.auth.KeyStore;
import dev.switchboard.core.auth.VirtualKey;
import dev.switchboard.core.cost.Budget;
import dev.switchboard.core.cost.BudgetRegistry;
import dev.switchboard.core.error.AuthenticationException;
import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.PermissionDeniedException;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Turns an {@code Authorization: Bearer …} header into a {@link Principal}: the master key, an active
 * virtual key, or (when authentication is off) an open principal. Keys are compared in constant time
 * over their SHA-256 hashes; a key is never logged or echoed, only its display prefix. With keys in
 * Redis the store is a {@code CachingKeyStore}: it returns the key, never a verdict, so revocation and
 * expiry are judged here on every request, against the clock.
 *
 * <p>A virtual key's own limits reach the SDK as {@code Caller.limits()}, converted once per distinct
 * set ({@link KeyLimits}).
 *
 * <p>A virtual key with a budget gets it registered in the client's {@link BudgetRegistry} when it is
 * used and its registered budget differs (first use on this instance, or a change made on another
 * instance sharing the store), so that budgets hold on every instance without a restart.
 *
 * <p>Thread-safe.
 */
final class Authenticator {

  static final String MISSING = "You didn't provide an API key. You need to provide your API key in an "
      + "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).";

  private final boolean required;
  private final String masterHash; // null without a master key
  private final KeyStore keys;
  private final BudgetRegistry budgets;
  private final Clock clock;
  private final KeyLimits keyLimits = new KeyLimits();

  /**
   * @param required whether callers need a key at all
   * @param masterKey the master key, or null
   */
  Authenticator(boolean required, String masterKey, KeyStore keys, BudgetRegistry budgets, Clock clock) {
    this.required = required;
    this.masterHash = masterKey == null ? null : ApiKeys.hash(masterKey);
    this.keys = Objects.requireNonNull(keys, "keys");
    this.budgets = Objects.requireNonNull(budgets, "budgets");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  boolean required() {
    return required;
  }

  boolean hasMasterKey() {
    return masterHash != null;
  }

  /**
   * The caller of a request, or a future failed with {@link AuthenticationException} (401) when a
   * key is required and missing, unknown, revoked or expired.
   */
  CompletableFuture<Principal> authenticate(String authorization, String clientIp, String requestId) {
    if (!required) {
      return CompletableFuture.completedFuture(Principal.open(clientIp));
    }
    String presented = bearer(authorization);
    if (presented == null) {
      return CompletableFuture.failedFuture(unauthenticated(MISSING, null, requestId));
    }
    String hash = ApiKeys.hash(presented); // once: the master check, the lookup and the check of what it found
    if (masterHash != null && ApiKeys.hashesEqual(hash, masterHash)) {
      return CompletableFuture.completedFuture(Principal.master(clientIp));
    }
    CompletableFuture<Optional<VirtualKey>> lookup;
    try {
      lookup = keys.findByHash(hash);
    } catch (RuntimeException e) {
      lookup = CompletableFuture.failedFuture(e);
    }
    return lookup.thenApply(found -> {
      // The lookup went by hash; comparing the stored hash in constant time as well keeps every path
      // that ends in "valid" free of early exits that depend on the key's bytes.
      VirtualKey key = found.filter(k -> ApiKeys.hashesEqual(hash, k.hash())).orElse(null);
      if (key == null) {
        throw unauthenticated("Incorrect API key provided: " + ApiKeys.displayPrefix(presented) + ".",
            "invalid_api_key", requestId);
      }
      if (key.isRevoked()) {
        throw unauthenticated("The API key " + ApiKeys.displayPrefix(presented) + " has been revoked.",
            "invalid_api_key", requestId);
      }
      if (key.isExpired(clock.instant())) {
        throw unauthenticated("The API key " + ApiKeys.displayPrefix(presented) + " expired at " + key.expiresAt()
            + ".", "invalid_api_key", requestId);
      }
      syncBudget(key);
      return Principal.virtual(key, keyLimits.of(key), clientIp);
    });
  }

  /** The 403 for a virtual key that may not call {@code group}. */
  static PermissionDeniedException modelNotAllowed(Principal principal, String group, String requestId) {
    return new PermissionDeniedException("The API key " + principal.keyPrefix() + " is not allowed to use the model '"
        + group + "'; it may use: " + String.join(", ", principal.key().models()),
        ErrorDetails.builder().param("model").code("model_not_allowed").model(group).requestId(requestId).build());
  }

  static AuthenticationException unauthenticated(String message, String code, String requestId) {
    return new AuthenticationException(message, ErrorDetails.builder().code(code).requestId(requestId).build());
  }

  private void syncBudget(VirtualKey key) {
    Budget budget = key.budget();
    if (budget == null) {
      return;
    }
    Optional<Budget> current = budgets.find(budget.name());
    if (current.isEmpty() || !current.get().equals(budget)) {
      try {
        budgets.put(budget);
      } catch (IllegalArgumentException e) {
        // downgrades to a group this instance does not have: the key's budget cannot hold here; the call
        // is still checked against every other budget
        org.slf4j.LoggerFactory.getLogger(Authenticator.class).warn("budget of key {} not applied: {}", key.id(),
            e.getMessage());
      }
    }
  }

  /** The token of {@code Bearer <token>} (scheme case-insensitive), or null. */
  static String bearer(String authorization) {
    if (authorization == null) {
      return null;
    }
    String h = authorization.strip();
    if (h.length() < 7 || !h.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      return null;
    }
    String token = h.substring(7).strip();
    return token.isEmpty() ? null : token;
  }
}

package dev.switchboard.core.internal.ratelimit;

import dev.switchboard.core.Caller;
import dev.switchboard.core.ratelimit.Limit;
import dev.switchboard.core.ratelimit.LimitCheck;
import dev.switchboard.core.ratelimit.LimitDimension;
import dev.switchboard.core.ratelimit.LimitSubject;
import dev.switchboard.core.ratelimit.Limits;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Works out which of the configured {@link Limits}, and of the caller's own {@link Caller#limits()},
 * apply to one call (the rules are in {@code Limits}' Javadoc). Thread-safe.
 */
public final class CallerLimits {

  private final Limits limits;
  private final boolean configured;

  public CallerLimits(Limits limits) {
    this.limits = limits;
    this.configured = !limits.isEmpty();
  }

  /**
   * Whether a limit may apply to {@code caller}'s calls: false only when no limit is configured and
   * the caller has none of its own, so that such calls skip even the token estimate.
   */
  public boolean mayLimit(Caller caller) {
    return configured || !caller.limits().isEmpty();
  }

  /**
   * The checks for a call, principal's first; empty when no limit applies.
   *
   * @param requestUser {@code ChatRequest.user()}, the user when the caller names none
   * @param modelGroup the model group the request names
   * @param tokens the token estimate, computed only when a token limit applies
   */
  public List<LimitCheck> checks(Caller caller, String requestUser, String modelGroup, LongSupplier tokens) {
    String user = caller.user() != null ? caller.user() : blankToNull(requestUser);
    LimitSubject principal;
    String implicitTier;
    if (caller.keyId() != null) {
      principal = LimitSubject.of(LimitDimension.KEY, caller.keyId());
      implicitTier = Limits.TIER_API_KEY;
    } else if (user != null) {
      principal = LimitSubject.of(LimitDimension.USER, user);
      implicitTier = Limits.TIER_AUTHENTICATED;
    } else {
      principal = LimitSubject.of(LimitDimension.CLIENT_IP,
          caller.clientIp() != null ? caller.clientIp() : Limits.UNKNOWN_CLIENT);
      implicitTier = Limits.TIER_ANONYMOUS;
    }
    Builder out = new Builder(tokens);
    List<Limit> own = caller.limits();
    List<Limit> principalOverride = limits.override(principal.dimension(), principal.value());
    if (principalOverride != null) {
      out.addUnlessOwn(principal, principalOverride, own);
    } else {
      List<Limit> tier = caller.tier() != null ? limits.tiers().get(caller.tier()) : null;
      out.addUnlessOwn(principal, tier != null ? tier : limits.tiers().getOrDefault(implicitTier, List.of()), own);
      out.addUnlessOwn(principal, limits.each(principal.dimension()), own);
    }
    // The caller's own limits last: each replaced the configured limit of its name above, or adds one.
    out.add(principal, own);
    dimension(out, principal, LimitDimension.KEY, caller.keyId());
    dimension(out, principal, LimitDimension.USER, user);
    dimension(out, principal, LimitDimension.TEAM, caller.team());
    dimension(out, principal, LimitDimension.CLIENT_IP, caller.clientIp());
    dimension(out, principal, LimitDimension.MODEL_GROUP, blankToNull(modelGroup));
    return out.checks;
  }

  private void dimension(Builder out, LimitSubject principal, LimitDimension d, String value) {
    if (value == null || d == principal.dimension()) {
      return; // the principal's dimension was handled with its tier
    }
    List<Limit> override = limits.override(d, value);
    List<Limit> applied = override != null ? override : limits.each(d);
    if (!applied.isEmpty()) { // most dimensions have no limit: no subject made for them
      out.add(LimitSubject.of(d, value), applied);
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static final class Builder {
    final List<LimitCheck> checks = new ArrayList<>(4);
    final LongSupplier tokens;
    long estimate = -1;

    Builder(LongSupplier tokens) {
      this.tokens = tokens;
    }

    /**
     * Adds {@code limits} except those named like one of {@code own}, which replace them. Names are
     * compared pairwise rather than through a merged list or a set: both lists hold a handful of
     * limits, and this runs for every call without allocating.
     */
    void addUnlessOwn(LimitSubject subject, List<Limit> limits, List<Limit> own) {
      if (own.isEmpty()) {
        add(subject, limits);
        return;
      }
      for (int i = 0, n = limits.size(); i < n; i++) {
        Limit l = limits.get(i);
        if (!named(own, l.name())) {
          add(subject, l);
        }
      }
    }

    private static boolean named(List<Limit> limits, String name) {
      for (int i = 0, n = limits.size(); i < n; i++) {
        if (limits.get(i).name().equals(name)) {
          return true;
        }
      }
      return false;
    }

    void add(LimitSubject subject, List<Limit> limits) {
      for (Limit l : limits) {
        add(subject, l);
      }
    }

    void add(LimitSubject subject, Limit l) {
      long amount;
      if (l.kind().countsTokens()) {
        if (estimate < 0) {
          estimate = Math.max(1, tokens.getAsLong());
        }
        amount = estimate;
      } else {
        amount = 1;
      }
      checks.add(new LimitCheck(subject, l, amount));
    }
  }
}

package dev.switchboard.server.internal;

import dev.switchboard.core.Caller;
import dev.switchboard.core.auth.VirtualKey;
import dev.switchboard.core.ratelimit.Limit;
import java.util.List;

/** Who an authenticated (or open) request comes from. Immutable. */
final class Principal {

  /** {@link Caller#keyId()} of calls made with the master key. */
  static final String MASTER_KEY_ID = "master";

  private final Kind kind;
  private final VirtualKey key;
  private final String keyPrefix;
  private final Caller caller;

  enum Kind {
    /** No authentication is configured. */
    OPEN,
    MASTER,
    VIRTUAL
  }

  private Principal(Kind kind, VirtualKey key, String keyPrefix, Caller caller) {
    this.kind = kind;
    this.key = key;
    this.keyPrefix = keyPrefix;
    this.caller = caller;
  }

  static Principal open(String clientIp) {
    return new Principal(Kind.OPEN, null, null, Caller.builder().clientIp(clientIp).build());
  }

  /** The master key is logged as {@value #MASTER_KEY_ID}: not even a part of it is shown. */
  static Principal master(String clientIp) {
    return new Principal(Kind.MASTER, null, MASTER_KEY_ID, Caller.builder().keyId(MASTER_KEY_ID).clientIp(clientIp)
        .build());
  }

  /** @param limits the key's own limits as {@link KeyLimits#of} gives them */
  static Principal virtual(VirtualKey key, List<Limit> limits, String clientIp) {
    return new Principal(Kind.VIRTUAL, key, key.displayPrefix(), Caller.builder().keyId(key.id()).user(key.user())
        .team(key.team()).tier(key.tier()).limits(limits).clientIp(clientIp).build());
  }

  Kind kind() {
    return kind;
  }

  boolean isMaster() {
    return kind == Kind.MASTER;
  }

  /** The virtual key, or null. */
  VirtualKey key() {
    return key;
  }

  /** What may be logged of the key ({@code sk-sb-…abcd}), or null without one. */
  String keyPrefix() {
    return keyPrefix;
  }

  /** The caller the SDK counts limits, budgets and spend for. */
  Caller caller() {
    return caller;
  }

  /** Whether this principal may call model group {@code group}. */
  boolean allowsModel(String group) {
    return key == null || key.allowsModel(group);
  }
}

package dev.switchboard.core.cost;

/** What usage is added up by: each record counts once under each dimension it has a value for. */
public enum UsageDimension {
  /** The caller's key id. */
  KEY,
  /** The caller's user. */
  USER,
  /** The caller's team. */
  TEAM,
  /** The model group that served the call. */
  GROUP,
  /** The upstream model. */
  MODEL,
  /** The provider account. */
  PROVIDER;

  /** The record's value for this dimension, or null when it has none (e.g. an anonymous caller's key). */
  public String valueOf(UsageRecord r) {
    switch (this) {
      case KEY:
        return r.keyId();
      case USER:
        return r.user();
      case TEAM:
        return r.team();
      case GROUP:
        return r.modelGroup();
      case MODEL:
        return r.upstreamModel();
      case PROVIDER:
        return r.provider();
      default:
        throw new AssertionError(this);
    }
  }
}

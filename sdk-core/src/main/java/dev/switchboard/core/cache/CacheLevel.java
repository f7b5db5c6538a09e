package dev.switchboard.core.cache;

/** The two levels of the response cache, as listener events and metric tags name them. */
public enum CacheLevel {
  /** The in-process cache. */
  L1("l1"),
  /** The shared store ({@link dev.switchboard.core.spi.CacheStore}). */
  L2("l2");

  private final String tag;

  CacheLevel(String tag) {
    this.tag = tag;
  }

  /** {@code "l1"} or {@code "l2"}: the metric tag value. */
  public String tag() {
    return tag;
  }
}

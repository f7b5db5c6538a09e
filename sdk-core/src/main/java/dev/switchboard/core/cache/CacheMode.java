package dev.switchboard.core.cache;

/** Which calls the response cache serves and stores. */
public enum CacheMode {
  /** Never cache. */
  OFF,
  /**
   * Cache only calls whose answer is meant to be reproducible: {@code temperature} is 0 or a
   * {@code seed} is set. Other calls pass through (route cache {@code "bypass"}).
   */
  DETERMINISTIC_ONLY,
  /** Cache every call, also sampled ones: a repeat gets the first answer again. */
  ALL
}

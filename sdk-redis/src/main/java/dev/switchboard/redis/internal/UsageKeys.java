package dev.switchboard.redis.internal;

import dev.switchboard.core.cost.UsageDimension;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The Redis keys of the usage ledger. Every key carries the hash tag {@value #HASH_TAG}, so that all
 * of them live in one Cluster slot and one script can update a record's keys atomically:
 * <ul>
 *   <li>{@code {sb:usage}:agg:<dimension>:<value>:<bucket>}: a hash of counters, e.g.
 *       {@code {sb:usage}:agg:team:research:2026-01};
 *   <li>{@code {sb:usage}:idx:<dimension>:<day>}: the set of values with usage on that UTC day;
 *   <li>{@code {sb:usage}:seen:<record id>}: a record was applied (dedup marker);
 *   <li>{@code {sb:usage}:claim:<marker>}: an alert was raised.
 * </ul>
 * In aggregate keys the value is escaped ({@code %} as {@code %25}, {@code :} as {@code %3A}), so
 * that no two (value, bucket) pairs share a key. Any prefix comes before the hash tag. Immutable.
 */
public final class UsageKeys {

  /** The hash tag every ledger key contains. */
  public static final String HASH_TAG = "{sb:usage}";

  private final String base;

  /**
   * @throws IllegalArgumentException if {@code prefix} has a brace: it would change the hash tag
   */
  public UsageKeys(String prefix) {
    if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
      throw new IllegalArgumentException("keyPrefix must not contain '{' or '}' (it would change the Cluster hash tag "
          + HASH_TAG + ") but was '" + prefix + "'");
    }
    this.base = prefix + HASH_TAG + ":";
  }

  public byte[] aggregate(UsageDimension dimension, String value, String bucket) {
    return bytes(base + "agg:" + name(dimension) + ":" + escape(value) + ":" + bucket);
  }

  public byte[] dayIndex(UsageDimension dimension, String day) {
    return bytes(base + "idx:" + name(dimension) + ":" + day);
  }

  public byte[] seen(String recordId) {
    return bytes(base + "seen:" + recordId);
  }

  public byte[] claim(String marker) {
    return bytes(base + "claim:" + marker);
  }

  /** A key of the ledger's slot, to route a command there. */
  public byte[] routing() {
    return bytes(base + "route");
  }

  static String name(UsageDimension dimension) {
    return dimension.name().toLowerCase(Locale.ROOT);
  }

  /** Escapes the separator {@code :} and the escape character {@code %}; everything else stays. */
  static String escape(String value) {
    if (value.indexOf(':') < 0 && value.indexOf('%') < 0) {
      return value;
    }
    StringBuilder sb = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '%') {
        sb.append("%25");
      } else if (c == ':') {
        sb.append("%3A");
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

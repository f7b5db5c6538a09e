package dev.switchboard.providers.internal.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Response headers: names lower-cased (HTTP names are case-insensitive, and HTTP/2 sends them lower
 * case anyway), in the order first seen, each with its values in the order received. Immutable.
 */
public final class ResponseHeaders {

  private static final ResponseHeaders EMPTY = new ResponseHeaders(Map.of());

  private final Map<String, List<String>> map;

  private ResponseHeaders(Map<String, List<String>> map) {
    this.map = map;
  }

  /** No headers. */
  public static ResponseHeaders empty() {
    return EMPTY;
  }

  /** An empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The first value of {@code name} (case-insensitive), or null. */
  public String first(String name) {
    List<String> values = map.get(Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT));
    return values == null ? null : values.get(0);
  }

  /** Every value of {@code name} (case-insensitive); empty when absent. */
  public List<String> values(String name) {
    List<String> values = map.get(Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT));
    return values == null ? List.of() : values;
  }

  /** Lower-case names to values; unmodifiable. */
  public Map<String, List<String>> asMap() {
    return map;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResponseHeaders && map.equals(((ResponseHeaders) o).map);
  }

  @Override
  public int hashCode() {
    return map.hashCode();
  }

  /** Names only: response headers may carry cookies or echoed credentials. */
  @Override
  public String toString() {
    return map.keySet().toString();
  }

  /** Collects headers. Not thread-safe. */
  public static final class Builder {
    private final Map<String, List<String>> map = new LinkedHashMap<>();

    private Builder() {}

    /** Adds one value of {@code name}; a name may have several. */
    public Builder add(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      map.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>(1)).add(value);
      return this;
    }

    /** The headers added so far, copied. */
    public ResponseHeaders build() {
      if (map.isEmpty()) {
        return EMPTY;
      }
      Map<String, List<String>> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      return new ResponseHeaders(Collections.unmodifiableMap(copy));
    }
  }
}

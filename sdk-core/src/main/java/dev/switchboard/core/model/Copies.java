package dev.switchboard.core.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Defensive copies with messages that name the field, for the builders of this package. */
final class Copies {

  private Copies() {}

  /** An unmodifiable copy; NPE naming {@code field} for a null list or element. */
  static <T> List<T> list(List<? extends T> list, String field) {
    Objects.requireNonNull(list, field);
    for (int i = 0, n = list.size(); i < n; i++) {
      if (list.get(i) == null) {
        throw new NullPointerException(field + "[" + i + "] must not be null");
      }
    }
    return List.copyOf(list);
  }

  /** An insertion-ordered unmodifiable copy; NPE naming {@code field} for a null map, key or value. */
  static Map<String, String> stringMap(Map<String, String> map, String field) {
    Objects.requireNonNull(map, field);
    if (map.isEmpty()) {
      return Map.of();
    }
    LinkedHashMap<String, String> copy = new LinkedHashMap<>(map);
    copy.forEach((k, v) -> {
      Objects.requireNonNull(k, () -> field + " must not contain a null key");
      Objects.requireNonNull(v, () -> field + "." + k + " must not be null");
    });
    return Collections.unmodifiableMap(copy);
  }

  /** Adds {@code element} to a builder's list; NPE naming {@code field} when null. */
  static <T> void add(List<T> list, T element, String field) {
    list.add(Objects.requireNonNull(element, field));
  }
}

package dev.switchboard.core.model;

import dev.switchboard.core.model.FrozenJson.FrozenList;
import dev.switchboard.core.model.FrozenJson.FrozenMap;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Copies free-form JSON held as plain Java values: tool parameter schemas, JSON schemas, request
 * parameters Switchboard does not model, and content parts of unknown types.
 *
 * <p>A JSON value is one of: {@code Map<String, ?>} (an object; insertion order is kept),
 * {@code List<?>} or any other {@link Collection} (an array, in iteration order), {@link String},
 * {@link Number}, {@link Boolean}, or {@code null}. Copies are deep and deeply unmodifiable, and allow
 * null values and elements (JSON {@code null}).
 *
 * <p>Numbers are normalised so that equal JSON compares equal whatever Java type built it:
 * {@link Integer}, {@link Short} and {@link Byte} become {@link Long}; {@link Float} becomes
 * {@link Double}; {@link Long}, {@link Double}, {@link BigInteger} and {@link BigDecimal} are kept.
 * This matches what {@link dev.switchboard.core.wire.OpenAiJson} reads: integers as {@code Long}
 * ({@code BigInteger} beyond its range), decimals as {@code Double} ({@code BigDecimal} only when the
 * value does not fit a double's range). NaN and infinities are rejected: JSON cannot carry them.
 *
 * <p>Stateless and thread-safe.
 */
public final class JsonValues {

  private JsonValues() {}

  /**
   * Returns a deep, deeply unmodifiable copy of a JSON object; values this class already copied are
   * returned as they are.
   *
   * @param map the object; its values may be null
   * @return an insertion-ordered unmodifiable map, never null
   * @throws NullPointerException if {@code map} or one of its keys is null
   * @throws IllegalArgumentException if a value anywhere inside is not a JSON value, naming its type
   *     and where it is (e.g. {@code $.a.b[2]})
   */
  public static Map<String, Object> copyOf(Map<String, ?> map) {
    Objects.requireNonNull(map, "map");
    @SuppressWarnings("unchecked")
    Map<String, Object> copy = (Map<String, Object>) copy(map, "$");
    return copy;
  }

  /**
   * Returns a deep, deeply unmodifiable copy of any JSON value, normalising numbers as described in
   * the class documentation.
   *
   * @param value a JSON value, or null
   * @return the copy; null when {@code value} is null
   * @throws IllegalArgumentException if {@code value} or anything inside it is not a JSON value
   */
  public static Object copyValue(Object value) {
    return copy(value, "$");
  }

  /** An empty unmodifiable JSON object. */
  static Map<String, Object> emptyObject() {
    return FrozenMap.EMPTY;
  }

  /** {@link #copyOf} for nullable fields. */
  static Map<String, Object> copyOfNullable(Map<String, ?> map) {
    return map == null ? null : copyOf(map);
  }

  private static Object copy(Object value, String path) {
    if (value == null || value instanceof String || value instanceof Boolean
        || value instanceof FrozenMap || value instanceof FrozenList) {
      return value;
    }
    if (value instanceof Number) {
      return normalise((Number) value, path);
    }
    if (value instanceof Map) {
      Map<?, ?> map = (Map<?, ?>) value;
      if (map.isEmpty()) {
        return FrozenMap.EMPTY;
      }
      LinkedHashMap<String, Object> copy = new LinkedHashMap<>(Math.max(4, (int) (map.size() / 0.75f) + 1));
      for (Map.Entry<?, ?> e : map.entrySet()) {
        Object key = e.getKey();
        if (key == null) {
          throw new NullPointerException("JSON object at " + path + " has a null key");
        }
        if (!(key instanceof String)) {
          throw new IllegalArgumentException("JSON object at " + path + " has a key of type "
              + key.getClass().getName() + "; keys must be strings");
        }
        copy.put((String) key, copy(e.getValue(), path + "." + key));
      }
      return new FrozenMap(copy);
    }
    if (value instanceof Collection) {
      Collection<?> collection = (Collection<?>) value;
      ArrayList<Object> copy = new ArrayList<>(collection.size());
      int i = 0;
      for (Object element : collection) {
        copy.add(copy(element, path + "[" + i++ + "]"));
      }
      return new FrozenList(copy);
    }
    throw new IllegalArgumentException("value at " + path + " has unsupported type " + value.getClass().getName()
        + "; expected Map, List, String, Number, Boolean or null");
  }

  private static Number normalise(Number n, String path) {
    if (n instanceof Long || n instanceof BigInteger || n instanceof BigDecimal) {
      return n;
    }
    if (n instanceof Integer || n instanceof Short || n instanceof Byte) {
      return n.longValue();
    }
    if (n instanceof Double || n instanceof Float) {
      double d = n.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException("value at " + path + " is " + d + "; JSON numbers must be finite");
      }
      return n instanceof Double ? n : Double.valueOf(Float.toString(n.floatValue()));
    }
    throw new IllegalArgumentException("value at " + path + " has unsupported number type " + n.getClass().getName()
        + "; expected Long, Integer, Short, Byte, Double, Float, BigInteger or BigDecimal");
  }
}

package dev.switchboard.core.internal.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Typed access to the fields of one parsed JSON object (see {@link PlainJson}), reporting a field of
 * the wrong type through {@link Problems} with its full path, e.g. {@code messages[2].role}.
 *
 * <p>Absent fields and JSON {@code null} read as null: OpenAI accepts {@code null} for optional
 * parameters. Not thread-safe; cheap to create.
 */
public final class JsonFields {

  private final Map<String, Object> map;
  private final String path;
  private final Problems problems;

  /**
   * @param path the object's own path ({@code ""} for the document root)
   */
  public JsonFields(Map<String, Object> map, String path, Problems problems) {
    this.map = map;
    this.path = path;
    this.problems = problems;
  }

  /** The fields themselves, in document order. */
  public Map<String, Object> map() {
    return map;
  }

  /** The reporting mode. */
  public Problems problems() {
    return problems;
  }

  /** The full path of a field of this object. */
  public String path(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** The full path of element {@code i} of the array field {@code key}. */
  public String path(String key, int i) {
    return path(key) + "[" + i + "]";
  }

  /** The raw value, or null. */
  public Object get(String key) {
    return map.get(key);
  }

  /** Whether the field is present with a non-null value. */
  public boolean has(String key) {
    return map.get(key) != null;
  }

  /** A string field, or null. */
  public String string(String key) {
    Object v = map.get(key);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    throw problems.invalidType(path(key), "a string", v);
  }

  /** A string field that must be present. */
  public String requiredString(String key) {
    Object v = map.get(key);
    if (v == null) {
      throw problems.missing(path(key));
    }
    return string(key);
  }

  /** A boolean field, or null. */
  public Boolean bool(String key) {
    Object v = map.get(key);
    if (v == null || v instanceof Boolean) {
      return (Boolean) v;
    }
    throw problems.invalidType(path(key), "a boolean", v);
  }

  /** A numeric field as a double, or null. */
  public Double number(String key) {
    Object v = map.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Double) {
      return (Double) v;
    }
    if (v instanceof Number) {
      return ((Number) v).doubleValue();
    }
    throw problems.invalidType(path(key), "a number", v);
  }

  /** An integer field as a long, or null. Upstream bodies may write integers as whole decimals. */
  public Long longValue(String key) {
    Object v = map.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Long) {
      return (Long) v;
    }
    if (v instanceof BigInteger) {
      throw problems.invalidValue(path(key), "integer out of range (" + v + ").");
    }
    if (problems == Problems.RESPONSE && (v instanceof Double || v instanceof BigDecimal)) {
      double d = ((Number) v).doubleValue();
      if (d == Math.rint(d) && Math.abs(d) < 0x1p53) {
        return (long) d;
      }
    }
    throw problems.invalidType(path(key), "an integer", v);
  }

  /** An integer field that must fit an int, or null. */
  public Integer integer(String key) {
    Long v = longValue(key);
    if (v == null) {
      return null;
    }
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw problems.invalidValue(path(key), "integer out of range (" + v + ").");
    }
    return v.intValue();
  }

  /** An integer field that must fit an int, or {@code fallback} when absent or null. */
  public int integer(String key, int fallback) {
    Integer v = integer(key);
    return v == null ? fallback : v;
  }

  /** A nested object, or null. */
  public JsonFields object(String key) {
    Map<String, Object> m = rawObject(key);
    return m == null ? null : new JsonFields(m, path(key), problems);
  }

  /** A nested object as a plain map, or null. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> rawObject(String key) {
    Object v = map.get(key);
    if (v == null || v instanceof Map) {
      return (Map<String, Object>) v;
    }
    throw problems.invalidType(path(key), "an object", v);
  }

  /** An array field, or null. */
  @SuppressWarnings("unchecked")
  public List<Object> array(String key) {
    Object v = map.get(key);
    if (v == null || v instanceof List) {
      return (List<Object>) v;
    }
    throw problems.invalidType(path(key), "an array", v);
  }

  /** Element {@code i} of the array field {@code key}, which must be an object. */
  @SuppressWarnings("unchecked")
  public JsonFields element(String key, List<Object> array, int i) {
    Object v = array.get(i);
    if (v instanceof Map) {
      return new JsonFields((Map<String, Object>) v, path(key, i), problems);
    }
    throw problems.invalidType(path(key, i), "an object", v);
  }

  /** Element {@code i} of the array field {@code key}, which must be a string. */
  public String stringElement(String key, List<Object> array, int i) {
    Object v = array.get(i);
    if (v instanceof String) {
      return (String) v;
    }
    throw problems.invalidType(path(key, i), "a string", v);
  }
}

package dev.switchboard.core.model;

import java.util.Collection;
import java.util.Map;

/** Builds the readable {@code toString()} of the values in this package: unset fields are left out. */
final class Describe {

  private static final int MAX_TEXT = 120;

  private final StringBuilder sb;
  private boolean first = true;

  Describe(String type) {
    sb = new StringBuilder(64).append(type).append('{');
  }

  /** Adds {@code name=value} unless value is null or an empty collection or map. */
  Describe add(String name, Object value) {
    if (value == null || value instanceof Collection && ((Collection<?>) value).isEmpty()
        || value instanceof Map && ((Map<?, ?>) value).isEmpty()) {
      return this;
    }
    sep().append(name).append('=').append(value);
    return this;
  }

  /** Adds {@code name=value} unless value is 0. */
  Describe add(String name, long value) {
    if (value != 0) {
      sep().append(name).append('=').append(value);
    }
    return this;
  }

  /** Adds a quoted text, cut at 120 characters so that prompts and data URLs stay readable in logs. */
  Describe text(String name, String value) {
    if (value != null) {
      sep().append(name).append("=\"");
      if (value.length() <= MAX_TEXT) {
        sb.append(value);
      } else {
        sb.append(value, 0, MAX_TEXT).append("…(").append(value.length()).append(" chars)");
      }
      sb.append('"');
    }
    return this;
  }

  private StringBuilder sep() {
    if (!first) {
      sb.append(", ");
    }
    first = false;
    return sb;
  }

  @Override
  public String toString() {
    return sb.toString() + '}';
  }
}

package dev.switchboard.core.ratelimit;

import java.util.Objects;

/**
 * Whose allowance a limit is counted against: a dimension and its value, e.g. key {@code key_7f3a} or
 * deployment {@code openai/gpt-4o}. Values are identifiers (a key's id, never the key itself).
 *
 * <p>{@code value} may identify a person: it is never a metric tag, and error messages name only the
 * dimension. Immutable; value equality.
 *
 * @param dimension what the limit is counted per
 * @param value which key, user, team, IP, model group or deployment
 */
public record LimitSubject(LimitDimension dimension, String value) {

  /** @throws NullPointerException if either is null */
  public LimitSubject {
    Objects.requireNonNull(dimension, "dimension");
    Objects.requireNonNull(value, "value");
  }

  /** Shortcut for {@code new LimitSubject(dimension, value)}. */
  public static LimitSubject of(LimitDimension dimension, String value) {
    return new LimitSubject(dimension, value);
  }
}

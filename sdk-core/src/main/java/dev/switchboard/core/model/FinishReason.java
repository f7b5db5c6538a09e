package dev.switchboard.core.model;

import java.util.Objects;

/**
 * Why the model stopped generating: an open value class rather than an enum, so that a reason a
 * provider adds tomorrow is carried through instead of failing.
 *
 * <p>Immutable and thread-safe. Equal when their values are equal; {@link #of(String)} returns the
 * constant for known values.
 */
public final class FinishReason {

  /** A natural stop or a stop sequence ({@code "stop"}). */
  public static final FinishReason STOP = new FinishReason("stop");
  /** The token limit was reached ({@code "length"}). */
  public static final FinishReason LENGTH = new FinishReason("length");
  /** The model called tools ({@code "tool_calls"}). */
  public static final FinishReason TOOL_CALLS = new FinishReason("tool_calls");
  /** Output was withheld by a content filter ({@code "content_filter"}). */
  public static final FinishReason CONTENT_FILTER = new FinishReason("content_filter");
  /** The model called a function through the deprecated functions API ({@code "function_call"}). */
  public static final FinishReason FUNCTION_CALL = new FinishReason("function_call");

  private final String value;

  private FinishReason(String value) {
    this.value = value;
  }

  /**
   * Returns the finish reason with this wire value: the constant when known, otherwise a new instance.
   *
   * @throws NullPointerException if {@code value} is null
   */
  public static FinishReason of(String value) {
    Objects.requireNonNull(value, "finishReason");
    switch (value) {
      case "stop":
        return STOP;
      case "length":
        return LENGTH;
      case "tool_calls":
        return TOOL_CALLS;
      case "content_filter":
        return CONTENT_FILTER;
      case "function_call":
        return FUNCTION_CALL;
      default:
        return new FinishReason(value);
    }
  }

  /** The wire value, e.g. {@code "stop"}; never null. */
  public String value() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return this == o || o instanceof FinishReason && value.equals(((FinishReason) o).value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /** The wire value. */
  @Override
  public String toString() {
    return value;
  }
}

package dev.switchboard.core.model;

import java.util.Objects;

/**
 * Whether and which tool the model must call: {@link #auto()}, {@link #none()},
 * {@link #required()}, or one named {@link #function(String) function}.
 *
 * <p>Immutable and thread-safe; value equality.
 */
public final class ToolChoice {

  /** The mode of {@link #auto()}. */
  public static final String MODE_AUTO = "auto";
  /** The mode of {@link #none()}. */
  public static final String MODE_NONE = "none";
  /** The mode of {@link #required()}. */
  public static final String MODE_REQUIRED = "required";
  /** The mode of {@link #function(String)}. */
  public static final String MODE_FUNCTION = "function";

  private static final ToolChoice AUTO = new ToolChoice(MODE_AUTO, null);
  private static final ToolChoice NONE = new ToolChoice(MODE_NONE, null);
  private static final ToolChoice REQUIRED = new ToolChoice(MODE_REQUIRED, null);

  private final String mode;
  private final String functionName;

  private ToolChoice(String mode, String functionName) {
    this.mode = mode;
    this.functionName = functionName;
  }

  /** The model decides whether to call tools. */
  public static ToolChoice auto() {
    return AUTO;
  }

  /** The model must not call tools. */
  public static ToolChoice none() {
    return NONE;
  }

  /** The model must call at least one tool. */
  public static ToolChoice required() {
    return REQUIRED;
  }

  /**
   * The model must call this function.
   *
   * @throws NullPointerException if {@code name} is null
   */
  public static ToolChoice function(String name) {
    return new ToolChoice(MODE_FUNCTION, Objects.requireNonNull(name, "name"));
  }

  /** {@code "auto"}, {@code "none"}, {@code "required"} or {@code "function"}; never null. */
  public String mode() {
    return mode;
  }

  /** The function the model must call when {@link #mode()} is {@code "function"}; otherwise null. */
  public String functionName() {
    return functionName;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ToolChoice)) {
      return false;
    }
    ToolChoice that = (ToolChoice) o;
    return mode.equals(that.mode) && Objects.equals(functionName, that.functionName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mode, functionName);
  }

  /** {@code auto}, {@code none}, {@code required} or {@code function(name)}. */
  @Override
  public String toString() {
    return functionName == null ? mode : mode + "(" + functionName + ")";
  }
}

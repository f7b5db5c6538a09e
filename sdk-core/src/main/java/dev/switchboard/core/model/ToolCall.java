package dev.switchboard.core.model;

import java.util.Objects;

/**
 * A tool call the model made: which function, with which arguments.
 *
 * <p>Immutable and thread-safe; value equality. Every field may be null except {@link #type()}; the
 * engine's validator, not the builder, rejects calls that lack what a request needs.
 */
public final class ToolCall {

  /** The type of function tool calls, and the default. */
  public static final String TYPE_FUNCTION = "function";

  private final String id;
  private final String type;
  private final String name;
  private final String arguments;

  private ToolCall(Builder b) {
    this.id = b.id;
    this.type = b.type == null ? TYPE_FUNCTION : b.type;
    this.name = b.name;
    this.arguments = b.arguments;
  }

  /** A function call. */
  public static ToolCall function(String id, String name, String arguments) {
    return builder().id(id).name(name).arguments(arguments).build();
  }

  /** A new builder with every field unset and type {@code "function"}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this call's fields. */
  public Builder toBuilder() {
    return new Builder().id(id).type(type).name(name).arguments(arguments);
  }

  /** The call id that the tool message answering it refers to, or null. */
  public String id() {
    return id;
  }

  /** The tool type; {@code "function"} unless set otherwise, never null. */
  public String type() {
    return type;
  }

  /** The function name, or null. */
  public String name() {
    return name;
  }

  /**
   * The arguments as the raw JSON text the model produced, or null. Not parsed: models sometimes
   * produce invalid JSON, and the caller decides what to do about it.
   */
  public String arguments() {
    return arguments;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ToolCall)) {
      return false;
    }
    ToolCall that = (ToolCall) o;
    return Objects.equals(id, that.id) && type.equals(that.type) && Objects.equals(name, that.name)
        && Objects.equals(arguments, that.arguments);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, type, name, arguments);
  }

  @Override
  public String toString() {
    return new Describe("ToolCall").add("id", id).add("type", type).add("name", name).text("arguments", arguments)
        .toString();
  }

  /** Builds a {@link ToolCall}. Not thread-safe. */
  public static final class Builder {
    private String id;
    private String type = TYPE_FUNCTION;
    private String name;
    private String arguments;

    private Builder() {}

    /** The call id; null unsets. */
    public Builder id(String id) {
      this.id = id;
      return this;
    }

    /** The tool type; null restores the default {@code "function"}. */
    public Builder type(String type) {
      this.type = type;
      return this;
    }

    /** The function name; null unsets. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** The arguments as raw JSON text; null unsets. */
    public Builder arguments(String arguments) {
      this.arguments = arguments;
      return this;
    }

    /** Builds the call. */
    public ToolCall build() {
      return new ToolCall(this);
    }
  }
}

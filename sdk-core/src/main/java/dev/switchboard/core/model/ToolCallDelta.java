package dev.switchboard.core.model;

import java.util.Objects;

/**
 * A fragment of a tool call in a streamed {@link Delta}. The first fragment of a call usually
 * carries its id, type and name; later ones carry pieces of the arguments, to be concatenated in
 * order per {@link #index()}.
 *
 * <p>Immutable and thread-safe; value equality. Every field but the index may be null.
 */
public final class ToolCallDelta {

  private final int index;
  private final String id;
  private final String type;
  private final String name;
  private final String arguments;

  private ToolCallDelta(Builder b) {
    this.index = b.index;
    this.id = b.id;
    this.type = b.type;
    this.name = b.name;
    this.arguments = b.arguments;
  }

  /** A new builder: index 0, everything else unset. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this fragment's fields. */
  public Builder toBuilder() {
    return new Builder().index(index).id(id).type(type).name(name).arguments(arguments);
  }

  /** Which tool call of the message this fragment belongs to. */
  public int index() {
    return index;
  }

  /** The call id, usually only in the first fragment; null otherwise. */
  public String id() {
    return id;
  }

  /** The tool type ({@code "function"}), usually only in the first fragment; null otherwise. */
  public String type() {
    return type;
  }

  /** The function name, usually only in the first fragment; null otherwise. */
  public String name() {
    return name;
  }

  /** A piece of the arguments' JSON text, or null. */
  public String arguments() {
    return arguments;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ToolCallDelta)) {
      return false;
    }
    ToolCallDelta that = (ToolCallDelta) o;
    return index == that.index && Objects.equals(id, that.id) && Objects.equals(type, that.type)
        && Objects.equals(name, that.name) && Objects.equals(arguments, that.arguments);
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, id, type, name, arguments);
  }

  @Override
  public String toString() {
    return new Describe("ToolCallDelta").add("index", (Object) index).add("id", id).add("type", type)
        .add("name", name).text("arguments", arguments).toString();
  }

  /** Builds a {@link ToolCallDelta}. Not thread-safe. */
  public static final class Builder {
    private int index;
    private String id;
    private String type;
    private String name;
    private String arguments;

    private Builder() {}

    /** The call's position in the message. */
    public Builder index(int index) {
      this.index = index;
      return this;
    }

    /** The call id; null unsets. */
    public Builder id(String id) {
      this.id = id;
      return this;
    }

    /** The tool type; null unsets. */
    public Builder type(String type) {
      this.type = type;
      return this;
    }

    /** The function name; null unsets. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** A piece of the arguments; null unsets. */
    public Builder arguments(String arguments) {
      this.arguments = arguments;
      return this;
    }

    /** Builds the fragment. */
    public ToolCallDelta build() {
      return new ToolCallDelta(this);
    }
  }
}

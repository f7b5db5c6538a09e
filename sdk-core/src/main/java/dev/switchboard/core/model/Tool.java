package dev.switchboard.core.model;

import java.util.Map;
import java.util.Objects;

/**
 * A tool the model may call: a function with a name, a description and a JSON schema of its
 * parameters.
 *
 * <p>Immutable and thread-safe; value equality. The parameters schema is held as plain JSON values
 * (see {@link JsonValues}), deeply unmodifiable.
 */
public final class Tool {

  private final String type;
  private final String name;
  private final String description;
  private final Map<String, Object> parameters;
  private final Boolean strict;

  private Tool(Builder b) {
    this.type = b.type == null ? ToolCall.TYPE_FUNCTION : b.type;
    this.name = Objects.requireNonNull(b.name, "name");
    this.description = b.description;
    this.parameters = JsonValues.copyOfNullable(b.parameters);
    this.strict = b.strict;
  }

  /**
   * A function tool.
   *
   * @param parameters the JSON schema of the arguments, or null for a function without parameters
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code parameters} holds a value that is not JSON
   */
  public static Tool function(String name, String description, Map<String, ?> parameters) {
    return builder().name(name).description(description).parameters(parameters).build();
  }

  /** A new builder with type {@code "function"} and every other field unset. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this tool's fields. */
  public Builder toBuilder() {
    return new Builder().type(type).name(name).description(description).parameters(parameters).strict(strict);
  }

  /** The tool type; {@code "function"} unless set otherwise, never null. */
  public String type() {
    return type;
  }

  /** The function name; never null. */
  public String name() {
    return name;
  }

  /** What the function does, for the model; null when unset. */
  public String description() {
    return description;
  }

  /** The JSON schema of the arguments (unmodifiable), or null when unset. */
  public Map<String, Object> parameters() {
    return parameters;
  }

  /** Whether the model must follow the schema exactly; null leaves the provider's default. */
  public Boolean strict() {
    return strict;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Tool)) {
      return false;
    }
    Tool that = (Tool) o;
    return type.equals(that.type) && name.equals(that.name) && Objects.equals(description, that.description)
        && Objects.equals(parameters, that.parameters) && Objects.equals(strict, that.strict);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, name, description, parameters, strict);
  }

  @Override
  public String toString() {
    return new Describe("Tool").add("type", type).add("name", name).text("description", description)
        .add("parameters", parameters).add("strict", strict).toString();
  }

  /** Builds a {@link Tool}. Not thread-safe. */
  public static final class Builder {
    private String type = ToolCall.TYPE_FUNCTION;
    private String name;
    private String description;
    private Map<String, ?> parameters;
    private Boolean strict;

    private Builder() {}

    /** The tool type; null restores the default {@code "function"}. */
    public Builder type(String type) {
      this.type = type;
      return this;
    }

    /** The function name; required. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** The description; null unsets. */
    public Builder description(String description) {
      this.description = description;
      return this;
    }

    /** The JSON schema of the arguments, copied at build; null unsets. */
    public Builder parameters(Map<String, ?> parameters) {
      this.parameters = parameters;
      return this;
    }

    /** Strict schema adherence; null leaves the provider's default. */
    public Builder strict(Boolean strict) {
      this.strict = strict;
      return this;
    }

    /**
     * Builds the tool.
     *
     * @throws NullPointerException if the name is unset
     * @throws IllegalArgumentException if the parameters hold a value that is not JSON
     */
    public Tool build() {
      return new Tool(this);
    }
  }
}

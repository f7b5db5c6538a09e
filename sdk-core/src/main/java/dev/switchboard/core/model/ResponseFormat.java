package dev.switchboard.core.model;

import java.util.Map;
import java.util.Objects;

/**
 * The format the model must answer in: free {@link #text()}, any {@link #jsonObject() JSON object},
 * or JSON matching a {@link #jsonSchema(String, Map, Boolean) schema}.
 *
 * <p>Immutable and thread-safe; value equality. The schema is held as plain JSON values (see
 * {@link JsonValues}), deeply unmodifiable.
 */
public final class ResponseFormat {

  /** The type of {@link #text()}. */
  public static final String TYPE_TEXT = "text";
  /** The type of {@link #jsonObject()}. */
  public static final String TYPE_JSON_OBJECT = "json_object";
  /** The type of {@link #jsonSchema(String, Map, Boolean)}. */
  public static final String TYPE_JSON_SCHEMA = "json_schema";

  private static final ResponseFormat TEXT = builder().type(TYPE_TEXT).build();
  private static final ResponseFormat JSON_OBJECT = builder().type(TYPE_JSON_OBJECT).build();

  private final String type;
  private final String name;
  private final String description;
  private final Map<String, Object> schema;
  private final Boolean strict;

  private ResponseFormat(Builder b) {
    this.type = Objects.requireNonNull(b.type, "type");
    this.name = b.name;
    this.description = b.description;
    this.schema = JsonValues.copyOfNullable(b.schema);
    this.strict = b.strict;
  }

  /** Free text (the default). */
  public static ResponseFormat text() {
    return TEXT;
  }

  /** Any valid JSON object ("JSON mode"). */
  public static ResponseFormat jsonObject() {
    return JSON_OBJECT;
  }

  /**
   * JSON matching a schema ("structured outputs").
   *
   * @param name the schema's name
   * @param schema the JSON schema, copied deeply; null for none
   * @param strict whether the model must follow the schema exactly; null for the provider's default
   * @throws IllegalArgumentException if {@code schema} holds a value that is not JSON
   */
  public static ResponseFormat jsonSchema(String name, Map<String, ?> schema, Boolean strict) {
    return builder().name(name).schema(schema).strict(strict).build();
  }

  /** A new builder with type {@code "json_schema"} (the only type with more than a type to set). */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this format's fields. */
  public Builder toBuilder() {
    return new Builder().type(type).name(name).description(description).schema(schema).strict(strict);
  }

  /** {@code "text"}, {@code "json_object"}, {@code "json_schema"} or another provider type; never null. */
  public String type() {
    return type;
  }

  /** The schema's name for {@code json_schema}; null when unset. */
  public String name() {
    return name;
  }

  /** What the schema describes, for the model; null when unset. */
  public String description() {
    return description;
  }

  /** The JSON schema (unmodifiable), or null when unset. */
  public Map<String, Object> schema() {
    return schema;
  }

  /** Strict schema adherence, or null for the provider's default. */
  public Boolean strict() {
    return strict;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ResponseFormat)) {
      return false;
    }
    ResponseFormat that = (ResponseFormat) o;
    return type.equals(that.type) && Objects.equals(name, that.name) && Objects.equals(description, that.description)
        && Objects.equals(schema, that.schema) && Objects.equals(strict, that.strict);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, name, description, schema, strict);
  }

  @Override
  public String toString() {
    return new Describe("ResponseFormat").add("type", type).add("name", name).text("description", description)
        .add("schema", schema).add("strict", strict).toString();
  }

  /** Builds a {@link ResponseFormat}. Not thread-safe. */
  public static final class Builder {
    private String type = TYPE_JSON_SCHEMA;
    private String name;
    private String description;
    private Map<String, ?> schema;
    private Boolean strict;

    private Builder() {}

    /** The format type; {@code "json_schema"} unless set. Required. */
    public Builder type(String type) {
      this.type = type;
      return this;
    }

    /** The schema's name; null unsets. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** The schema's description; null unsets. */
    public Builder description(String description) {
      this.description = description;
      return this;
    }

    /** The JSON schema, copied at build; null unsets. */
    public Builder schema(Map<String, ?> schema) {
      this.schema = schema;
      return this;
    }

    /** Strict schema adherence; null for the provider's default. */
    public Builder strict(Boolean strict) {
      this.strict = strict;
      return this;
    }

    /**
     * Builds the format.
     *
     * @throws NullPointerException if the type was set to null
     * @throws IllegalArgumentException if the schema holds a value that is not JSON
     */
    public ResponseFormat build() {
      return new ResponseFormat(this);
    }
  }
}

package dev.switchboard.core.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An embeddings request in the shape of OpenAI's {@code POST /v1/embeddings}.
 *
 * <p>Immutable and thread-safe; value equality. Collections are never null and unmodifiable;
 * optional scalars are null when unset. Semantic checks (empty input) are the engine validator's job.
 */
public final class EmbeddingRequest {

  private final String model;
  private final List<String> input;
  private final Integer dimensions;
  private final String encodingFormat;
  private final String user;
  private final Map<String, Object> extraParameters;

  private EmbeddingRequest(Builder b) {
    this.model = b.model;
    this.input = List.copyOf(b.input);
    this.dimensions = b.dimensions;
    this.encodingFormat = b.encodingFormat;
    this.user = b.user;
    this.extraParameters = b.extraParameters.isEmpty() ? JsonValues.emptyObject()
        : JsonValues.copyOf(b.extraParameters);
  }

  /** A new builder with every field unset. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this request's fields. */
  public Builder toBuilder() {
    Builder b = new Builder().model(model).dimensions(dimensions).encodingFormat(encodingFormat).user(user);
    b.input.addAll(input);
    b.extraParameters.putAll(extraParameters);
    return b;
  }

  /** The model or model group; null when unset. */
  public String model() {
    return model;
  }

  /** The texts to embed; never null. */
  public List<String> input() {
    return input;
  }

  /** The number of dimensions wanted (models that support shortening), or null. */
  public Integer dimensions() {
    return dimensions;
  }

  /**
   * {@code "float"} or {@code "base64"} as the client asked, or null. Responses are always decoded
   * to floats in {@link EmbeddingResponse}; this only says how they travel on the wire.
   */
  public String encodingFormat() {
    return encodingFormat;
  }

  /** An end-user identifier, or null. */
  public String user() {
    return user;
  }

  /**
   * Top-level parameters this model does not represent, kept verbatim; never null, deeply
   * unmodifiable. Keys naming modelled parameters are ignored when written.
   */
  public Map<String, Object> extraParameters() {
    return extraParameters;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof EmbeddingRequest)) {
      return false;
    }
    EmbeddingRequest that = (EmbeddingRequest) o;
    return Objects.equals(model, that.model) && input.equals(that.input) && Objects.equals(dimensions, that.dimensions)
        && Objects.equals(encodingFormat, that.encodingFormat) && Objects.equals(user, that.user)
        && extraParameters.equals(that.extraParameters);
  }

  @Override
  public int hashCode() {
    return Objects.hash(model, input, dimensions, encodingFormat, user, extraParameters);
  }

  @Override
  public String toString() {
    Describe d = new Describe("EmbeddingRequest").add("model", model);
    if (input.size() == 1) {
      d.text("input", input.get(0));
    } else {
      d.add("inputs", input.size());
    }
    return d.add("dimensions", dimensions).add("encodingFormat", encodingFormat).add("user", user)
        .add("extraParameters", extraParameters).toString();
  }

  /** Builds an {@link EmbeddingRequest}. Not thread-safe. Null unsets a scalar. */
  public static final class Builder {
    private String model;
    private final List<String> input = new ArrayList<>();
    private Integer dimensions;
    private String encodingFormat;
    private String user;
    private final Map<String, Object> extraParameters = new LinkedHashMap<>();

    private Builder() {}

    /** The model or model group. */
    public Builder model(String model) {
      this.model = model;
      return this;
    }

    /**
     * Replaces the input texts.
     *
     * @throws NullPointerException if {@code input} or one of its elements is null
     */
    public Builder input(List<String> input) {
      List<String> copy = Copies.list(input, "input");
      this.input.clear();
      this.input.addAll(copy);
      return this;
    }

    /**
     * Replaces the input with one text.
     *
     * @throws NullPointerException if {@code input} is null
     */
    public Builder input(String input) {
      return input(List.of(Objects.requireNonNull(input, "input")));
    }

    /**
     * Appends an input text.
     *
     * @throws NullPointerException if {@code text} is null
     */
    public Builder addInput(String text) {
      Copies.add(input, text, "text");
      return this;
    }

    /** The wanted dimensions. */
    public Builder dimensions(Integer dimensions) {
      this.dimensions = dimensions;
      return this;
    }

    /** {@code "float"} or {@code "base64"}. */
    public Builder encodingFormat(String encodingFormat) {
      this.encodingFormat = encodingFormat;
      return this;
    }

    /** The end-user identifier. */
    public Builder user(String user) {
      this.user = user;
      return this;
    }

    /**
     * Replaces the extra parameters; values are JSON values, copied at build.
     *
     * @throws NullPointerException if {@code extraParameters} is null
     */
    public Builder extraParameters(Map<String, ?> extraParameters) {
      Objects.requireNonNull(extraParameters, "extraParameters");
      this.extraParameters.clear();
      this.extraParameters.putAll(extraParameters);
      return this;
    }

    /**
     * Sets one extra parameter; a null value is sent as JSON {@code null}.
     *
     * @throws NullPointerException if {@code name} is null
     */
    public Builder extraParameter(String name, Object value) {
      extraParameters.put(Objects.requireNonNull(name, "name"), value);
      return this;
    }

    /**
     * Builds the request.
     *
     * @throws IllegalArgumentException if an extra parameter is not a JSON value
     */
    public EmbeddingRequest build() {
      return new EmbeddingRequest(this);
    }
  }
}

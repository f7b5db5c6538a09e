package dev.switchboard.core.model;

import java.util.Objects;

/**
 * A model as listed by OpenAI's {@code GET /v1/models}.
 *
 * <p>Immutable and thread-safe; value equality.
 */
public final class ModelInfo {

  /** The fixed wire value of OpenAI's {@code object} field for this type. */
  public static final String OBJECT = "model";

  private final String id;
  private final long created;
  private final String ownedBy;

  private ModelInfo(Builder b) {
    this.id = b.id;
    this.created = b.created;
    this.ownedBy = b.ownedBy;
  }

  /** A model with only an id. */
  public static ModelInfo of(String id) {
    return builder().id(id).build();
  }

  /** A new builder with every field unset. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these fields. */
  public Builder toBuilder() {
    return new Builder().id(id).created(created).ownedBy(ownedBy);
  }

  /** The model id, e.g. {@code "gpt-4o"}; null when unset. */
  public String id() {
    return id;
  }

  /** Always {@value #OBJECT}. */
  public String object() {
    return OBJECT;
  }

  /** When the model was created, in epoch seconds; 0 when unknown. */
  public long created() {
    return created;
  }

  /** Who owns the model, e.g. {@code "openai"} or {@code "system"}; null when unknown. */
  public String ownedBy() {
    return ownedBy;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ModelInfo)) {
      return false;
    }
    ModelInfo that = (ModelInfo) o;
    return created == that.created && Objects.equals(id, that.id) && Objects.equals(ownedBy, that.ownedBy);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, created, ownedBy);
  }

  @Override
  public String toString() {
    return new Describe("ModelInfo").add("id", id).add("created", created).add("ownedBy", ownedBy).toString();
  }

  /** Builds a {@link ModelInfo}. Not thread-safe. */
  public static final class Builder {
    private String id;
    private long created;
    private String ownedBy;

    private Builder() {}

    /** The model id. */
    public Builder id(String id) {
      this.id = id;
      return this;
    }

    /** Creation time in epoch seconds. */
    public Builder created(long created) {
      this.created = created;
      return this;
    }

    /** The owner. */
    public Builder ownedBy(String ownedBy) {
      this.ownedBy = ownedBy;
      return this;
    }

    /** Builds the model info. */
    public ModelInfo build() {
      return new ModelInfo(this);
    }
  }
}

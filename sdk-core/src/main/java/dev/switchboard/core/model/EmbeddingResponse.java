package dev.switchboard.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The embeddings of an {@link EmbeddingRequest}, in the shape of OpenAI's embeddings list, plus
 * the engine's {@link #route()}.
 *
 * <p>Immutable and thread-safe; value equality. {@link #data()} is never null.
 */
public final class EmbeddingResponse {

  private final String model;
  private final List<Embedding> data;
  private final Usage usage;
  private final RouteInfo route;

  private EmbeddingResponse(Builder b) {
    this.model = b.model;
    this.data = List.copyOf(b.data);
    this.usage = b.usage;
    this.route = b.route;
  }

  /** A new builder with every field unset and no data. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this response's fields. */
  public Builder toBuilder() {
    Builder b = new Builder().model(model).usage(usage).route(route);
    b.data.addAll(data);
    return b;
  }

  /** The model that answered, or null. */
  public String model() {
    return model;
  }

  /** One embedding per input, in input order; never null. */
  public List<Embedding> data() {
    return data;
  }

  /** Tokens consumed (prompt and total only), or null when not reported. */
  public Usage usage() {
    return usage;
  }

  /** How the engine served the call, or null outside the engine. */
  public RouteInfo route() {
    return route;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof EmbeddingResponse)) {
      return false;
    }
    EmbeddingResponse that = (EmbeddingResponse) o;
    return Objects.equals(model, that.model) && data.equals(that.data) && Objects.equals(usage, that.usage)
        && Objects.equals(route, that.route);
  }

  @Override
  public int hashCode() {
    return Objects.hash(model, data, usage, route);
  }

  @Override
  public String toString() {
    return new Describe("EmbeddingResponse").add("model", model).add("data", data).add("usage", usage)
        .add("route", route).toString();
  }

  /** Builds an {@link EmbeddingResponse}. Not thread-safe. */
  public static final class Builder {
    private String model;
    private final List<Embedding> data = new ArrayList<>();
    private Usage usage;
    private RouteInfo route;

    private Builder() {}

    /** The model that answered. */
    public Builder model(String model) {
      this.model = model;
      return this;
    }

    /**
     * Replaces the embeddings.
     *
     * @throws NullPointerException if {@code data} or one of its elements is null
     */
    public Builder data(List<Embedding> data) {
      List<Embedding> copy = Copies.list(data, "data");
      this.data.clear();
      this.data.addAll(copy);
      return this;
    }

    /**
     * Appends an embedding.
     *
     * @throws NullPointerException if {@code embedding} is null
     */
    public Builder addData(Embedding embedding) {
      Copies.add(data, embedding, "embedding");
      return this;
    }

    /** Tokens consumed; null unsets. */
    public Builder usage(Usage usage) {
      this.usage = usage;
      return this;
    }

    /** How the engine served the call; null unsets. */
    public Builder route(RouteInfo route) {
      this.route = route;
      return this;
    }

    /** Builds the response. */
    public EmbeddingResponse build() {
      return new EmbeddingResponse(this);
    }
  }
}

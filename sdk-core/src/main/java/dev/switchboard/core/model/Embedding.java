package dev.switchboard.core.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * One embedding vector of an {@link EmbeddingResponse}.
 *
 * <p>Immutable and thread-safe: the vector is copied in and out. Value equality (element-wise,
 * as {@link Arrays#equals(float[], float[])}).
 */
public final class Embedding {

  private final int index;
  private final float[] vector;

  private Embedding(int index, float[] vector) {
    this.index = index;
    this.vector = vector;
  }

  /**
   * An embedding of the input at {@code index}.
   *
   * @param vector copied
   * @throws NullPointerException if {@code vector} is null
   */
  public static Embedding of(int index, float[] vector) {
    return new Embedding(index, Objects.requireNonNull(vector, "vector").clone());
  }

  /** The position of the input this embedding belongs to. */
  public int index() {
    return index;
  }

  /** A copy of the vector; never null. */
  public float[] vector() {
    return vector.clone();
  }

  /** The number of dimensions (the vector's length). */
  public int dimensions() {
    return vector.length;
  }

  /**
   * The component at {@code i}, without copying the vector.
   *
   * @throws IndexOutOfBoundsException if {@code i} is not in {@code [0, dimensions())}
   */
  public float get(int i) {
    return vector[i];
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Embedding)) {
      return false;
    }
    Embedding that = (Embedding) o;
    return index == that.index && Arrays.equals(vector, that.vector);
  }

  @Override
  public int hashCode() {
    return 31 * index + Arrays.hashCode(vector);
  }

  /** Index and dimensions, plus the first components; never the whole vector. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Embedding{index=").append(index).append(", dimensions=")
        .append(vector.length).append(", vector=[");
    for (int i = 0; i < Math.min(3, vector.length); i++) {
      sb.append(i == 0 ? "" : ", ").append(vector[i]);
    }
    return sb.append(vector.length > 3 ? ", …]}" : "]}").toString();
  }
}

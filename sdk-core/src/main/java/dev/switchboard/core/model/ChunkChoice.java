package dev.switchboard.core.model;

import java.util.Map;
import java.util.Objects;

/**
 * One choice's part of a streamed {@link ChatChunk}.
 *
 * <p>Immutable and thread-safe; value equality.
 */
public final class ChunkChoice {

  private final int index;
  private final Delta delta;
  private final FinishReason finishReason;
  private final Map<String, Object> logprobs;

  private ChunkChoice(Builder b) {
    this.index = b.index;
    this.delta = b.delta == null ? Delta.empty() : b.delta;
    this.finishReason = b.finishReason;
    this.logprobs = JsonValues.copyOfNullable(b.logprobs);
  }

  /** A new builder: index 0, empty delta, everything else unset. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this choice's fields. */
  public Builder toBuilder() {
    return new Builder().index(index).delta(delta).finishReason(finishReason).logprobs(logprobs);
  }

  /** The choice's position. */
  public int index() {
    return index;
  }

  /** What this chunk adds; never null (an empty delta when it adds nothing). */
  public Delta delta() {
    return delta;
  }

  /** Why generation stopped, set only in the choice's last chunk; otherwise null. */
  public FinishReason finishReason() {
    return finishReason;
  }

  /** Log probabilities of this chunk's tokens (unmodifiable JSON), or null. */
  public Map<String, Object> logprobs() {
    return logprobs;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ChunkChoice)) {
      return false;
    }
    ChunkChoice that = (ChunkChoice) o;
    return index == that.index && delta.equals(that.delta) && Objects.equals(finishReason, that.finishReason)
        && Objects.equals(logprobs, that.logprobs);
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, delta, finishReason, logprobs);
  }

  @Override
  public String toString() {
    return new Describe("ChunkChoice").add("index", index).add("delta", delta).add("finishReason", finishReason)
        .add("logprobs", logprobs).toString();
  }

  /** Builds a {@link ChunkChoice}. Not thread-safe. */
  public static final class Builder {
    private int index;
    private Delta delta;
    private FinishReason finishReason;
    private Map<String, ?> logprobs;

    private Builder() {}

    /** The choice's position. */
    public Builder index(int index) {
      this.index = index;
      return this;
    }

    /** What the chunk adds; null means an empty delta. */
    public Builder delta(Delta delta) {
      this.delta = delta;
      return this;
    }

    /** Why generation stopped; null unsets. */
    public Builder finishReason(FinishReason finishReason) {
      this.finishReason = finishReason;
      return this;
    }

    /** Log probabilities as JSON, copied at build; null unsets. */
    public Builder logprobs(Map<String, ?> logprobs) {
      this.logprobs = logprobs;
      return this;
    }

    /**
     * Builds the choice.
     *
     * @throws IllegalArgumentException if the logprobs hold a value that is not JSON
     */
    public ChunkChoice build() {
      return new ChunkChoice(this);
    }
  }
}

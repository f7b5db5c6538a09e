package dev.switchboard.core.model;

import java.util.Map;
import java.util.Objects;

/**
 * One generated answer of a {@link ChatResponse}.
 *
 * <p>Immutable and thread-safe; value equality.
 */
public final class Choice {

  private final int index;
  private final Message message;
  private final FinishReason finishReason;
  private final Map<String, Object> logprobs;

  private Choice(Builder b) {
    this.index = b.index;
    this.message = Objects.requireNonNull(b.message, "message");
    this.finishReason = b.finishReason;
    this.logprobs = JsonValues.copyOfNullable(b.logprobs);
  }

  /** A new builder: index 0, everything else unset. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this choice's fields. */
  public Builder toBuilder() {
    return new Builder().index(index).message(message).finishReason(finishReason).logprobs(logprobs);
  }

  /** The position of this choice among the response's choices. */
  public int index() {
    return index;
  }

  /** The generated message; never null. */
  public Message message() {
    return message;
  }

  /** Why generation stopped, or null when the provider did not say. */
  public FinishReason finishReason() {
    return finishReason;
  }

  /** The log probabilities as the provider sent them (unmodifiable JSON), or null. */
  public Map<String, Object> logprobs() {
    return logprobs;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Choice)) {
      return false;
    }
    Choice that = (Choice) o;
    return index == that.index && message.equals(that.message) && Objects.equals(finishReason, that.finishReason)
        && Objects.equals(logprobs, that.logprobs);
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, message, finishReason, logprobs);
  }

  @Override
  public String toString() {
    return new Describe("Choice").add("index", index).add("message", message).add("finishReason", finishReason)
        .add("logprobs", logprobs).toString();
  }

  /** Builds a {@link Choice}. Not thread-safe. */
  public static final class Builder {
    private int index;
    private Message message;
    private FinishReason finishReason;
    private Map<String, ?> logprobs;

    private Builder() {}

    /** The choice's position. */
    public Builder index(int index) {
      this.index = index;
      return this;
    }

    /** The generated message; required. */
    public Builder message(Message message) {
      this.message = message;
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
     * @throws NullPointerException if the message is unset
     * @throws IllegalArgumentException if the logprobs hold a value that is not JSON
     */
    public Choice build() {
      return new Choice(this);
    }
  }
}

package dev.switchboard.core.model;

import java.util.Objects;

/**
 * Tokens a call consumed, as the provider reported them.
 *
 * <p>Immutable and thread-safe; value equality. Every count is {@code >= 0}. {@link #cachedTokens()},
 * {@link #cacheCreationTokens()} are part of {@link #promptTokens()}, and {@link #reasoningTokens()}
 * part of {@link #completionTokens()}, as OpenAI reports them.
 */
public final class Usage {

  /** No tokens. */
  public static final Usage ZERO = builder().build();

  private final int promptTokens;
  private final int completionTokens;
  private final int totalTokens;
  private final int cachedTokens;
  private final int reasoningTokens;
  private final int cacheCreationTokens;

  private Usage(Builder b) {
    this.promptTokens = b.promptTokens;
    this.completionTokens = b.completionTokens;
    this.totalTokens = b.totalTokens != null ? b.totalTokens : Math.addExact(b.promptTokens, b.completionTokens);
    this.cachedTokens = b.cachedTokens;
    this.reasoningTokens = b.reasoningTokens;
    this.cacheCreationTokens = b.cacheCreationTokens;
  }

  /**
   * Usage with prompt and completion tokens; the total is their sum.
   *
   * @throws IllegalArgumentException if a count is negative
   */
  public static Usage of(int promptTokens, int completionTokens) {
    return builder().promptTokens(promptTokens).completionTokens(completionTokens).build();
  }

  /** A new builder with every count 0 and the total unset (it defaults to prompt + completion). */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding these counts. The total is carried over only when it differs from prompt +
   * completion, so that changing either keeps a derived total right.
   */
  public Builder toBuilder() {
    Builder b = new Builder().promptTokens(promptTokens).completionTokens(completionTokens)
        .cachedTokens(cachedTokens).reasoningTokens(reasoningTokens).cacheCreationTokens(cacheCreationTokens);
    if (totalTokens != (long) promptTokens + completionTokens) {
      b.totalTokens(totalTokens);
    }
    return b;
  }

  /**
   * The sum of both usages, field by field (e.g. to add up the attempts of one request).
   *
   * @throws NullPointerException if {@code other} is null
   * @throws ArithmeticException if a sum overflows an int
   */
  public Usage plus(Usage other) {
    Objects.requireNonNull(other, "other");
    return builder()
        .promptTokens(Math.addExact(promptTokens, other.promptTokens))
        .completionTokens(Math.addExact(completionTokens, other.completionTokens))
        .totalTokens(Math.addExact(totalTokens, other.totalTokens))
        .cachedTokens(Math.addExact(cachedTokens, other.cachedTokens))
        .reasoningTokens(Math.addExact(reasoningTokens, other.reasoningTokens))
        .cacheCreationTokens(Math.addExact(cacheCreationTokens, other.cacheCreationTokens))
        .build();
  }

  /** Input tokens, including cached ones. */
  public int promptTokens() {
    return promptTokens;
  }

  /** Output tokens, including reasoning tokens. */
  public int completionTokens() {
    return completionTokens;
  }

  /** Total tokens as reported, or prompt + completion when not reported. */
  public int totalTokens() {
    return totalTokens;
  }

  /** Prompt tokens served from the provider's prompt cache (OpenAI's {@code cached_tokens}); 0 when none. */
  public int cachedTokens() {
    return cachedTokens;
  }

  /** Completion tokens spent on hidden reasoning; 0 when none. */
  public int reasoningTokens() {
    return reasoningTokens;
  }

  /** Prompt tokens written to the provider's prompt cache (Anthropic's cache creation); 0 when none. */
  public int cacheCreationTokens() {
    return cacheCreationTokens;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Usage)) {
      return false;
    }
    Usage that = (Usage) o;
    return promptTokens == that.promptTokens && completionTokens == that.completionTokens
        && totalTokens == that.totalTokens && cachedTokens == that.cachedTokens
        && reasoningTokens == that.reasoningTokens && cacheCreationTokens == that.cacheCreationTokens;
  }

  @Override
  public int hashCode() {
    return Objects.hash(promptTokens, completionTokens, totalTokens, cachedTokens, reasoningTokens,
        cacheCreationTokens);
  }

  @Override
  public String toString() {
    return "Usage{prompt=" + promptTokens + ", completion=" + completionTokens + ", total=" + totalTokens
        + (cachedTokens != 0 ? ", cached=" + cachedTokens : "")
        + (reasoningTokens != 0 ? ", reasoning=" + reasoningTokens : "")
        + (cacheCreationTokens != 0 ? ", cacheCreation=" + cacheCreationTokens : "") + "}";
  }

  /** Builds a {@link Usage}. Not thread-safe; every setter throws IllegalArgumentException for a negative count. */
  public static final class Builder {
    private int promptTokens;
    private int completionTokens;
    private Integer totalTokens;
    private int cachedTokens;
    private int reasoningTokens;
    private int cacheCreationTokens;

    private Builder() {}

    /** Input tokens. */
    public Builder promptTokens(int promptTokens) {
      this.promptTokens = nonNegative(promptTokens, "promptTokens");
      return this;
    }

    /** Output tokens. */
    public Builder completionTokens(int completionTokens) {
      this.completionTokens = nonNegative(completionTokens, "completionTokens");
      return this;
    }

    /** Total tokens as reported; when never set, prompt + completion. */
    public Builder totalTokens(int totalTokens) {
      this.totalTokens = nonNegative(totalTokens, "totalTokens");
      return this;
    }

    /** Prompt tokens read from the provider's cache. */
    public Builder cachedTokens(int cachedTokens) {
      this.cachedTokens = nonNegative(cachedTokens, "cachedTokens");
      return this;
    }

    /** Completion tokens spent reasoning. */
    public Builder reasoningTokens(int reasoningTokens) {
      this.reasoningTokens = nonNegative(reasoningTokens, "reasoningTokens");
      return this;
    }

    /** Prompt tokens written to the provider's cache. */
    public Builder cacheCreationTokens(int cacheCreationTokens) {
      this.cacheCreationTokens = nonNegative(cacheCreationTokens, "cacheCreationTokens");
      return this;
    }

    /**
     * Builds the usage.
     *
     * @throws ArithmeticException if the total is unset and prompt + completion overflows an int
     */
    public Usage build() {
      return new Usage(this);
    }

    private static int nonNegative(int value, String name) {
      if (value < 0) {
        throw new IllegalArgumentException(name + " must be >= 0 but was " + value);
      }
      return value;
    }
  }
}

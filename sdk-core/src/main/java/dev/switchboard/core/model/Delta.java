package dev.switchboard.core.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one streamed chunk adds to a choice's message: usually a piece of text, sometimes the role
 * (first chunk), tool call fragments or a refusal.
 *
 * <p>Immutable and thread-safe; value equality. {@link #toolCalls()} and {@link #extra()} are never
 * null; other fields are null when the chunk does not carry them.
 */
public final class Delta {

  private static final Delta EMPTY = builder().build();

  private final Role role;
  private final String content;
  private final List<ToolCallDelta> toolCalls;
  private final String refusal;
  private final Map<String, Object> extra;

  private Delta(Builder b) {
    this.role = b.role;
    this.content = b.content;
    this.toolCalls = List.copyOf(b.toolCalls);
    this.refusal = b.refusal;
    this.extra = b.extra.isEmpty() ? JsonValues.emptyObject() : JsonValues.copyOf(b.extra);
  }

  /** A delta that adds nothing (e.g. the last chunk, which only carries a finish reason). */
  public static Delta empty() {
    return EMPTY;
  }

  /** A delta carrying a piece of text. */
  public static Delta ofContent(String content) {
    return builder().content(content).build();
  }

  /** A new builder with every field unset. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this delta's fields. */
  public Builder toBuilder() {
    Builder b = new Builder().role(role).content(content).refusal(refusal);
    b.toolCalls.addAll(toolCalls);
    b.extra.putAll(extra);
    return b;
  }

  /** The role, usually only in a choice's first chunk; null otherwise. */
  public Role role() {
    return role;
  }

  /** A piece of the message text, or null. */
  public String content() {
    return content;
  }

  /** Tool call fragments; never null, usually empty. */
  public List<ToolCallDelta> toolCalls() {
    return toolCalls;
  }

  /** A piece of a refusal message, or null. */
  public String refusal() {
    return refusal;
  }

  /**
   * Fields of the delta this model does not represent (e.g. a provider's {@code reasoning_content}),
   * kept verbatim and written back; never null, unmodifiable.
   */
  public Map<String, Object> extra() {
    return extra;
  }

  /** Whether the delta carries nothing. */
  public boolean isEmpty() {
    return role == null && content == null && toolCalls.isEmpty() && refusal == null && extra.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Delta)) {
      return false;
    }
    Delta that = (Delta) o;
    return Objects.equals(role, that.role) && Objects.equals(content, that.content)
        && toolCalls.equals(that.toolCalls) && Objects.equals(refusal, that.refusal) && extra.equals(that.extra);
  }

  @Override
  public int hashCode() {
    return Objects.hash(role, content, toolCalls, refusal, extra);
  }

  @Override
  public String toString() {
    return new Describe("Delta").add("role", role).text("content", content).add("toolCalls", toolCalls)
        .text("refusal", refusal).add("extra", extra).toString();
  }

  /** Builds a {@link Delta}. Not thread-safe. */
  public static final class Builder {
    private Role role;
    private String content;
    private final List<ToolCallDelta> toolCalls = new ArrayList<>();
    private String refusal;
    private final Map<String, Object> extra = new LinkedHashMap<>();

    private Builder() {}

    /** The role; null unsets. */
    public Builder role(Role role) {
      this.role = role;
      return this;
    }

    /** A piece of text; null unsets. */
    public Builder content(String content) {
      this.content = content;
      return this;
    }

    /**
     * Replaces the tool call fragments.
     *
     * @throws NullPointerException if {@code toolCalls} or one of its elements is null
     */
    public Builder toolCalls(List<ToolCallDelta> toolCalls) {
      List<ToolCallDelta> copy = Copies.list(toolCalls, "toolCalls");
      this.toolCalls.clear();
      this.toolCalls.addAll(copy);
      return this;
    }

    /**
     * Appends a tool call fragment.
     *
     * @throws NullPointerException if {@code toolCall} is null
     */
    public Builder addToolCall(ToolCallDelta toolCall) {
      Copies.add(toolCalls, toolCall, "toolCall");
      return this;
    }

    /** A piece of a refusal; null unsets. */
    public Builder refusal(String refusal) {
      this.refusal = refusal;
      return this;
    }

    /**
     * Replaces the unknown fields; values are JSON values, copied at build.
     *
     * @throws NullPointerException if {@code extra} is null
     */
    public Builder extra(Map<String, ?> extra) {
      Objects.requireNonNull(extra, "extra");
      this.extra.clear();
      this.extra.putAll(extra);
      return this;
    }

    /**
     * Sets one unknown field.
     *
     * @throws NullPointerException if {@code key} is null
     */
    public Builder extra(String key, Object value) {
      extra.put(Objects.requireNonNull(key, "key"), value);
      return this;
    }

    /**
     * Builds the delta.
     *
     * @throws IllegalArgumentException if an extra value is not a JSON value
     */
    public Delta build() {
      return new Delta(this);
    }
  }
}

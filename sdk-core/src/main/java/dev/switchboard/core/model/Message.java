package dev.switchboard.core.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One message of a conversation: who wrote it ({@link #role()}), what it says ({@link #content()}),
 * and for assistant messages the tools it called; tool messages name the call they answer.
 *
 * <p>Immutable and thread-safe; value equality. Collections are never null (empty when unset) and
 * unmodifiable; optional strings are null when unset. The builder rejects only a missing role and
 * null collections or elements; semantic checks (e.g. a tool message without
 * {@code tool_call_id}) are the engine validator's job.
 */
public final class Message {

  private final Role role;
  private final List<ContentPart> content;
  private final String name;
  private final List<ToolCall> toolCalls;
  private final String toolCallId;
  private final String refusal;
  private final Map<String, Object> extra;

  private Message(Builder b) {
    this.role = Objects.requireNonNull(b.role, "role");
    this.content = List.copyOf(b.content);
    this.name = b.name;
    this.toolCalls = List.copyOf(b.toolCalls);
    this.toolCallId = b.toolCallId;
    this.refusal = b.refusal;
    this.extra = b.extra.isEmpty() ? JsonValues.emptyObject() : JsonValues.copyOf(b.extra);
  }

  /** A new builder with every field unset. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this message's fields. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.role = role;
    b.content.addAll(content);
    b.name = name;
    b.toolCalls.addAll(toolCalls);
    b.toolCallId = toolCallId;
    b.refusal = refusal;
    b.extra.putAll(extra);
    return b;
  }

  /** A system message; null text gives empty content. */
  public static Message system(String text) {
    return builder().role(Role.SYSTEM).content(text).build();
  }

  /** A developer message; null text gives empty content. */
  public static Message developer(String text) {
    return builder().role(Role.DEVELOPER).content(text).build();
  }

  /** A user message with one text part; null text gives empty content. */
  public static Message user(String text) {
    return builder().role(Role.USER).content(text).build();
  }

  /**
   * A user message of several parts (e.g. text and images).
   *
   * @throws NullPointerException if {@code parts} or one of its elements is null
   */
  public static Message user(List<ContentPart> parts) {
    return builder().role(Role.USER).content(parts).build();
  }

  /** An assistant message with one text part; null text gives empty content. */
  public static Message assistant(String text) {
    return builder().role(Role.ASSISTANT).content(text).build();
  }

  /**
   * An assistant message that calls tools, with empty content.
   *
   * @throws NullPointerException if {@code toolCalls} or one of its elements is null
   */
  public static Message assistant(List<ToolCall> toolCalls) {
    return builder().role(Role.ASSISTANT).toolCalls(toolCalls).build();
  }

  /** A tool message answering the call {@code toolCallId}; null text gives empty content. */
  public static Message tool(String toolCallId, String content) {
    return builder().role(Role.TOOL).toolCallId(toolCallId).content(content).build();
  }

  /** Who wrote the message; never null. */
  public Role role() {
    return role;
  }

  /** The content parts; never null, may be empty (e.g. an assistant message that only calls tools). */
  public List<ContentPart> content() {
    return content;
  }

  /**
   * The text of all text parts concatenated without separator, or null when there is no text part.
   */
  public String text() {
    String single = null;
    StringBuilder sb = null;
    for (ContentPart part : content) {
      if (!part.isText()) {
        continue;
      }
      if (single == null && sb == null) {
        single = part.text();
      } else {
        if (sb == null) {
          sb = new StringBuilder(single);
          single = null;
        }
        sb.append(part.text());
      }
    }
    return sb != null ? sb.toString() : single;
  }

  /** An optional name telling participants of the same role apart, or null. */
  public String name() {
    return name;
  }

  /** The tools an assistant message calls; never null, may be empty. */
  public List<ToolCall> toolCalls() {
    return toolCalls;
  }

  /** The id of the tool call a tool message answers, or null. */
  public String toolCallId() {
    return toolCallId;
  }

  /** The refusal message of an assistant that declined to answer, or null. */
  public String refusal() {
    return refusal;
  }

  /**
   * Fields of the message this model does not represent (e.g. {@code audio}, {@code annotations},
   * {@code reasoning_content}), kept verbatim and written back; never null, unmodifiable. Keys that
   * name modelled fields are ignored when written.
   */
  public Map<String, Object> extra() {
    return extra;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Message)) {
      return false;
    }
    Message that = (Message) o;
    return role.equals(that.role) && content.equals(that.content) && Objects.equals(name, that.name)
        && toolCalls.equals(that.toolCalls) && Objects.equals(toolCallId, that.toolCallId)
        && Objects.equals(refusal, that.refusal) && extra.equals(that.extra);
  }

  @Override
  public int hashCode() {
    return Objects.hash(role, content, name, toolCalls, toolCallId, refusal, extra);
  }

  @Override
  public String toString() {
    Describe d = new Describe("Message").add("role", role);
    if (content.size() == 1 && content.get(0).isText() && content.get(0).extra().isEmpty()) {
      d.text("content", content.get(0).text());
    } else {
      d.add("content", content);
    }
    return d.add("name", name).add("toolCalls", toolCalls).add("toolCallId", toolCallId).text("refusal", refusal)
        .add("extra", extra).toString();
  }

  /** Builds a {@link Message}. Not thread-safe. */
  public static final class Builder {
    private Role role;
    private final List<ContentPart> content = new ArrayList<>();
    private String name;
    private final List<ToolCall> toolCalls = new ArrayList<>();
    private String toolCallId;
    private String refusal;
    private final Map<String, Object> extra = new LinkedHashMap<>();

    private Builder() {}

    /** The author; required. */
    public Builder role(Role role) {
      this.role = role;
      return this;
    }

    /** The author by wire value, e.g. {@code "user"}; null unsets. */
    public Builder role(String role) {
      this.role = role == null ? null : Role.of(role);
      return this;
    }

    /** Replaces the content with one text part, or with nothing when {@code text} is null. */
    public Builder content(String text) {
      content.clear();
      if (text != null) {
        content.add(ContentPart.text(text));
      }
      return this;
    }

    /**
     * Replaces the content.
     *
     * @throws NullPointerException if {@code parts} or one of its elements is null
     */
    public Builder content(List<ContentPart> parts) {
      List<ContentPart> copy = Copies.list(parts, "content");
      content.clear();
      content.addAll(copy);
      return this;
    }

    /**
     * Appends a content part.
     *
     * @throws NullPointerException if {@code part} is null
     */
    public Builder addContent(ContentPart part) {
      Copies.add(content, part, "part");
      return this;
    }

    /** The participant name; null unsets. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /**
     * Replaces the tool calls.
     *
     * @throws NullPointerException if {@code toolCalls} or one of its elements is null
     */
    public Builder toolCalls(List<ToolCall> toolCalls) {
      List<ToolCall> copy = Copies.list(toolCalls, "toolCalls");
      this.toolCalls.clear();
      this.toolCalls.addAll(copy);
      return this;
    }

    /**
     * Appends a tool call.
     *
     * @throws NullPointerException if {@code toolCall} is null
     */
    public Builder addToolCall(ToolCall toolCall) {
      Copies.add(toolCalls, toolCall, "toolCall");
      return this;
    }

    /** The id of the call a tool message answers; null unsets. */
    public Builder toolCallId(String toolCallId) {
      this.toolCallId = toolCallId;
      return this;
    }

    /** The assistant's refusal message; null unsets. */
    public Builder refusal(String refusal) {
      this.refusal = refusal;
      return this;
    }

    /**
     * Replaces the unknown fields; values are JSON values (see {@link JsonValues}), copied at build.
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
     * Sets one unknown field; a null value is sent as JSON {@code null}.
     *
     * @throws NullPointerException if {@code key} is null
     */
    public Builder extra(String key, Object value) {
      extra.put(Objects.requireNonNull(key, "key"), value);
      return this;
    }

    /**
     * Builds the message.
     *
     * @throws NullPointerException if the role is unset
     * @throws IllegalArgumentException if an extra value is not a JSON value
     */
    public Message build() {
      return new Message(this);
    }
  }
}

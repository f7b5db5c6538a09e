package dev.switchboard.core.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Assembles the chunks of a streamed chat completion into the {@link ChatResponse} the same call
 * would have returned whole: per choice, the role, the concatenated content and refusal, the tool
 * calls assembled from their fragments (by index), the finish reason and the log probabilities;
 * the usage of the last chunk that carried one; id, model, created, fingerprint and service tier
 * of the first chunk that carried them.
 *
 * <p>Unknown delta fields ({@link Delta#extra()}, e.g. a provider's {@code reasoning_content})
 * become the message's {@link Message#extra()}: string pieces are concatenated, other values keep
 * the last one. Log probability lists ({@code content}, {@code refusal}) are concatenated.
 *
 * <pre>{@code
 * ChatCompletionAccumulator acc = new ChatCompletionAccumulator();
 * for (ChatChunk chunk : stream) {
 *   acc.add(chunk);
 * }
 * ChatResponse whole = acc.build();
 * }</pre>
 *
 * <p>Not thread-safe: feed it from one subscriber. {@link #build()} may be called at any time and
 * again after more chunks; the route of the chunks is not kept.
 */
public final class ChatCompletionAccumulator {

  private String id;
  private long created;
  private String model;
  private String systemFingerprint;
  private String serviceTier;
  private Usage usage;
  private final TreeMap<Integer, ChoiceState> choices = new TreeMap<>();
  private int chunks;

  /** An empty accumulator. */
  public ChatCompletionAccumulator() {}

  /**
   * Adds the next chunk of the stream.
   *
   * @return this accumulator
   * @throws NullPointerException if {@code chunk} is null
   */
  public ChatCompletionAccumulator add(ChatChunk chunk) {
    Objects.requireNonNull(chunk, "chunk");
    chunks++;
    if (id == null) {
      id = chunk.id();
    }
    if (created == 0) {
      created = chunk.created();
    }
    if (model == null) {
      model = chunk.model();
    }
    if (systemFingerprint == null) {
      systemFingerprint = chunk.systemFingerprint();
    }
    if (serviceTier == null) {
      serviceTier = chunk.serviceTier();
    }
    if (chunk.usage() != null) {
      usage = chunk.usage();
    }
    for (ChunkChoice c : chunk.choices()) {
      choices.computeIfAbsent(c.index(), ChoiceState::new).add(c);
    }
    return this;
  }

  /** How many chunks were added. */
  public int chunkCount() {
    return chunks;
  }

  /**
   * Whether the stream looks finished: at least one choice, and every choice has a finish reason.
   * A stream cut off by the upstream usually lacks the finish reason.
   */
  public boolean isComplete() {
    if (choices.isEmpty()) {
      return false;
    }
    for (ChoiceState c : choices.values()) {
      if (c.finishReason == null) {
        return false;
      }
    }
    return true;
  }

  /** The response assembled from the chunks added so far; choices ordered by index. */
  public ChatResponse build() {
    ChatResponse.Builder b = ChatResponse.builder().id(id).created(created).model(model).usage(usage)
        .systemFingerprint(systemFingerprint).serviceTier(serviceTier);
    for (ChoiceState c : choices.values()) {
      b.addChoice(c.build());
    }
    return b.build();
  }

  /** One choice's pieces. */
  private static final class ChoiceState {
    final int index;
    Role role;
    StringBuilder content;
    StringBuilder refusal;
    final TreeMap<Integer, ToolCallState> toolCalls = new TreeMap<>();
    final Map<String, Object> extra = new LinkedHashMap<>();
    FinishReason finishReason;
    Map<String, Object> logprobs;

    ChoiceState(int index) {
      this.index = index;
    }

    void add(ChunkChoice c) {
      Delta d = c.delta();
      if (d.role() != null && role == null) {
        role = d.role();
      }
      if (d.content() != null) {
        content = (content == null ? new StringBuilder() : content).append(d.content());
      }
      if (d.refusal() != null) {
        refusal = (refusal == null ? new StringBuilder() : refusal).append(d.refusal());
      }
      for (ToolCallDelta t : d.toolCalls()) {
        toolCalls.computeIfAbsent(t.index(), i -> new ToolCallState()).add(t);
      }
      for (Map.Entry<String, Object> e : d.extra().entrySet()) {
        Object previous = extra.get(e.getKey());
        if (previous instanceof String && e.getValue() instanceof String) {
          extra.put(e.getKey(), previous + (String) e.getValue());
        } else {
          extra.put(e.getKey(), e.getValue());
        }
      }
      if (c.finishReason() != null) {
        finishReason = c.finishReason();
      }
      if (c.logprobs() != null) {
        logprobs = logprobs == null ? c.logprobs() : mergeLogprobs(logprobs, c.logprobs());
      }
    }

    Choice build() {
      Message.Builder m = Message.builder().role(role == null ? Role.ASSISTANT : role);
      if (content != null) {
        m.content(content.toString());
      }
      if (refusal != null) {
        m.refusal(refusal.toString());
      }
      for (ToolCallState t : toolCalls.values()) {
        m.addToolCall(t.build());
      }
      if (!extra.isEmpty()) {
        m.extra(extra);
      }
      return Choice.builder().index(index).message(m.build()).finishReason(finishReason).logprobs(logprobs).build();
    }

    private static Map<String, Object> mergeLogprobs(Map<String, Object> so, Map<String, Object> next) {
      Map<String, Object> merged = new LinkedHashMap<>(so);
      for (Map.Entry<String, Object> e : next.entrySet()) {
        Object previous = merged.get(e.getKey());
        if (previous instanceof List && e.getValue() instanceof List) {
          List<Object> list = new ArrayList<>((List<?>) previous);
          list.addAll((List<?>) e.getValue());
          merged.put(e.getKey(), list);
        } else if (e.getValue() != null || !merged.containsKey(e.getKey())) {
          merged.put(e.getKey(), e.getValue());
        }
      }
      return merged;
    }
  }

  /** One tool call's fragments. */
  private static final class ToolCallState {
    String id;
    String type;
    String name;
    final StringBuilder arguments = new StringBuilder();

    void add(ToolCallDelta t) {
      if (t.id() != null && id == null) {
        id = t.id();
      }
      if (t.type() != null && type == null) {
        type = t.type();
      }
      if (t.name() != null) {
        name = name == null ? t.name() : name;
      }
      if (t.arguments() != null) {
        arguments.append(t.arguments());
      }
    }

    ToolCall build() {
      ToolCall.Builder b = ToolCall.builder().id(id).name(name).arguments(arguments.toString());
      if (type != null) {
        b.type(type);
      }
      return b.build();
    }
  }
}

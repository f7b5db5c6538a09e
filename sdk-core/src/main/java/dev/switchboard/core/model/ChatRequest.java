package dev.switchboard.core.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A chat completion request in the shape of OpenAI's {@code POST /v1/chat/completions}.
 *
 * <p>Immutable and thread-safe; value equality. Optional scalars are boxed and null when unset;
 * collections are never null (empty when unset) and unmodifiable. Whether the call streams is not
 * part of the request: the caller decides by calling {@code chat} or {@code stream}.
 *
 * <p>The builder rejects only null collections, null elements and values that are not JSON;
 * semantic checks (no messages, negative token limits, out-of-range temperature) are made by the
 * engine's validator, which names the parameter at fault.
 */
public final class ChatRequest {

  private final String model;
  private final List<Message> messages;
  private final Double temperature;
  private final Double topP;
  private final Integer maxTokens;
  private final Integer maxCompletionTokens;
  private final List<String> stop;
  private final Long seed;
  private final Integer n;
  private final Double presencePenalty;
  private final Double frequencyPenalty;
  private final String user;
  private final Map<String, String> metadata;
  private final List<Tool> tools;
  private final ToolChoice toolChoice;
  private final Boolean parallelToolCalls;
  private final ResponseFormat responseFormat;
  private final Map<String, Object> extraParameters;

  private ChatRequest(Builder b) {
    this.model = b.model;
    this.messages = List.copyOf(b.messages);
    this.temperature = b.temperature;
    this.topP = b.topP;
    this.maxTokens = b.maxTokens;
    this.maxCompletionTokens = b.maxCompletionTokens;
    this.stop = List.copyOf(b.stop);
    this.seed = b.seed;
    this.n = b.n;
    this.presencePenalty = b.presencePenalty;
    this.frequencyPenalty = b.frequencyPenalty;
    this.user = b.user;
    this.metadata = Copies.stringMap(b.metadata, "metadata");
    this.tools = List.copyOf(b.tools);
    this.toolChoice = b.toolChoice;
    this.parallelToolCalls = b.parallelToolCalls;
    this.responseFormat = b.responseFormat;
    this.extraParameters = b.extraParameters.isEmpty() ? JsonValues.emptyObject()
        : JsonValues.copyOf(b.extraParameters);
  }

  /** A new builder with every field unset. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this request's fields, e.g. to change the model for a fallback. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.model = model;
    b.messages.addAll(messages);
    b.temperature = temperature;
    b.topP = topP;
    b.maxTokens = maxTokens;
    b.maxCompletionTokens = maxCompletionTokens;
    b.stop.addAll(stop);
    b.seed = seed;
    b.n = n;
    b.presencePenalty = presencePenalty;
    b.frequencyPenalty = frequencyPenalty;
    b.user = user;
    b.metadata.putAll(metadata);
    b.tools.addAll(tools);
    b.toolChoice = toolChoice;
    b.parallelToolCalls = parallelToolCalls;
    b.responseFormat = responseFormat;
    b.extraParameters.putAll(extraParameters);
    return b;
  }

  /** The model or model group, e.g. {@code "gpt-4o"}; null when unset. */
  public String model() {
    return model;
  }

  /** The conversation; never null, may be empty (the validator rejects that). */
  public List<Message> messages() {
    return messages;
  }

  /** Sampling temperature, or null for the provider's default. */
  public Double temperature() {
    return temperature;
  }

  /** Nucleus sampling probability mass ({@code top_p}), or null. */
  public Double topP() {
    return topP;
  }

  /** OpenAI's legacy {@code max_tokens}, or null. Kept apart from {@link #maxCompletionTokens()}. */
  public Integer maxTokens() {
    return maxTokens;
  }

  /** {@code max_completion_tokens} (includes reasoning tokens), or null. */
  public Integer maxCompletionTokens() {
    return maxCompletionTokens;
  }

  /** Stop sequences; never null, empty when unset. */
  public List<String> stop() {
    return stop;
  }

  /** The sampling seed, or null. */
  public Long seed() {
    return seed;
  }

  /** How many choices to generate, or null (one). */
  public Integer n() {
    return n;
  }

  /** {@code presence_penalty}, or null. */
  public Double presencePenalty() {
    return presencePenalty;
  }

  /** {@code frequency_penalty}, or null. */
  public Double frequencyPenalty() {
    return frequencyPenalty;
  }

  /** An end-user identifier sent to the provider ({@code user}), or null. */
  public String user() {
    return user;
  }

  /** Key-value metadata ({@code metadata}); never null, unmodifiable, insertion-ordered. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** The tools the model may call; never null, may be empty. */
  public List<Tool> tools() {
    return tools;
  }

  /** Whether and which tool to call, or null for the provider's default. */
  public ToolChoice toolChoice() {
    return toolChoice;
  }

  /** Whether the model may call several tools in one turn, or null for the provider's default. */
  public Boolean parallelToolCalls() {
    return parallelToolCalls;
  }

  /** The answer format, or null for free text. */
  public ResponseFormat responseFormat() {
    return responseFormat;
  }

  /**
   * Every top-level OpenAI parameter this model does not represent ({@code logit_bias},
   * {@code logprobs}, {@code reasoning_effort}, {@code service_tier}, …), kept verbatim as JSON
   * values and sent on to OpenAI-compatible upstreams; never null, deeply unmodifiable.
   *
   * <p>They never override modelled fields: when written, keys naming a modelled parameter
   * ({@code model}, {@code messages}, {@code temperature}, …) and {@code stream} /
   * {@code stream_options} are ignored.
   */
  public Map<String, Object> extraParameters() {
    return extraParameters;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ChatRequest)) {
      return false;
    }
    ChatRequest that = (ChatRequest) o;
    return Objects.equals(model, that.model) && messages.equals(that.messages)
        && Objects.equals(temperature, that.temperature) && Objects.equals(topP, that.topP)
        && Objects.equals(maxTokens, that.maxTokens) && Objects.equals(maxCompletionTokens, that.maxCompletionTokens)
        && stop.equals(that.stop) && Objects.equals(seed, that.seed) && Objects.equals(n, that.n)
        && Objects.equals(presencePenalty, that.presencePenalty)
        && Objects.equals(frequencyPenalty, that.frequencyPenalty) && Objects.equals(user, that.user)
        && metadata.equals(that.metadata) && tools.equals(that.tools) && Objects.equals(toolChoice, that.toolChoice)
        && Objects.equals(parallelToolCalls, that.parallelToolCalls)
        && Objects.equals(responseFormat, that.responseFormat) && extraParameters.equals(that.extraParameters);
  }

  @Override
  public int hashCode() {
    return Objects.hash(model, messages, temperature, topP, maxTokens, maxCompletionTokens, stop, seed, n,
        presencePenalty, frequencyPenalty, user, metadata, tools, toolChoice, parallelToolCalls, responseFormat,
        extraParameters);
  }

  @Override
  public String toString() {
    return new Describe("ChatRequest").add("model", model).add("messages", messages).add("temperature", temperature)
        .add("topP", topP).add("maxTokens", maxTokens).add("maxCompletionTokens", maxCompletionTokens)
        .add("stop", stop).add("seed", seed).add("n", n).add("presencePenalty", presencePenalty)
        .add("frequencyPenalty", frequencyPenalty).add("user", user).add("metadata", metadata).add("tools", tools)
        .add("toolChoice", toolChoice).add("parallelToolCalls", parallelToolCalls)
        .add("responseFormat", responseFormat).add("extraParameters", extraParameters).toString();
  }

  /** Builds a {@link ChatRequest}. Not thread-safe; setters return this builder. Null unsets a scalar. */
  public static final class Builder {
    private String model;
    private final List<Message> messages = new ArrayList<>();
    private Double temperature;
    private Double topP;
    private Integer maxTokens;
    private Integer maxCompletionTokens;
    private final List<String> stop = new ArrayList<>();
    private Long seed;
    private Integer n;
    private Double presencePenalty;
    private Double frequencyPenalty;
    private String user;
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final List<Tool> tools = new ArrayList<>();
    private ToolChoice toolChoice;
    private Boolean parallelToolCalls;
    private ResponseFormat responseFormat;
    private final Map<String, Object> extraParameters = new LinkedHashMap<>();

    private Builder() {}

    /** The model or model group. */
    public Builder model(String model) {
      this.model = model;
      return this;
    }

    /**
     * Replaces the conversation.
     *
     * @throws NullPointerException if {@code messages} or one of its elements is null
     */
    public Builder messages(List<Message> messages) {
      List<Message> copy = Copies.list(messages, "messages");
      this.messages.clear();
      this.messages.addAll(copy);
      return this;
    }

    /**
     * Appends a message.
     *
     * @throws NullPointerException if {@code message} is null
     */
    public Builder addMessage(Message message) {
      Copies.add(messages, message, "message");
      return this;
    }

    /** Sampling temperature. */
    public Builder temperature(Double temperature) {
      this.temperature = temperature;
      return this;
    }

    /** Sampling temperature. */
    public Builder temperature(double temperature) {
      return temperature(Double.valueOf(temperature));
    }

    /** Nucleus sampling ({@code top_p}). */
    public Builder topP(Double topP) {
      this.topP = topP;
      return this;
    }

    /** Nucleus sampling ({@code top_p}). */
    public Builder topP(double topP) {
      return topP(Double.valueOf(topP));
    }

    /** Legacy {@code max_tokens}. */
    public Builder maxTokens(Integer maxTokens) {
      this.maxTokens = maxTokens;
      return this;
    }

    /** {@code max_completion_tokens}. */
    public Builder maxCompletionTokens(Integer maxCompletionTokens) {
      this.maxCompletionTokens = maxCompletionTokens;
      return this;
    }

    /**
     * Replaces the stop sequences; an empty list unsets them.
     *
     * @throws NullPointerException if {@code stop} or one of its elements is null
     */
    public Builder stop(List<String> stop) {
      List<String> copy = Copies.list(stop, "stop");
      this.stop.clear();
      this.stop.addAll(copy);
      return this;
    }

    /**
     * Replaces the stop sequences with one.
     *
     * @throws NullPointerException if {@code stop} is null
     */
    public Builder stop(String stop) {
      return stop(List.of(Objects.requireNonNull(stop, "stop")));
    }

    /** The sampling seed. */
    public Builder seed(Long seed) {
      this.seed = seed;
      return this;
    }

    /** The sampling seed. */
    public Builder seed(long seed) {
      return seed(Long.valueOf(seed));
    }

    /** How many choices to generate. */
    public Builder n(Integer n) {
      this.n = n;
      return this;
    }

    /** {@code presence_penalty}. */
    public Builder presencePenalty(Double presencePenalty) {
      this.presencePenalty = presencePenalty;
      return this;
    }

    /** {@code presence_penalty}. */
    public Builder presencePenalty(double presencePenalty) {
      return presencePenalty(Double.valueOf(presencePenalty));
    }

    /** {@code frequency_penalty}. */
    public Builder frequencyPenalty(Double frequencyPenalty) {
      this.frequencyPenalty = frequencyPenalty;
      return this;
    }

    /** {@code frequency_penalty}. */
    public Builder frequencyPenalty(double frequencyPenalty) {
      return frequencyPenalty(Double.valueOf(frequencyPenalty));
    }

    /** The end-user identifier. */
    public Builder user(String user) {
      this.user = user;
      return this;
    }

    /**
     * Replaces the metadata.
     *
     * @throws NullPointerException if {@code metadata} or one of its keys or values is null
     */
    public Builder metadata(Map<String, String> metadata) {
      Map<String, String> copy = Copies.stringMap(metadata, "metadata");
      this.metadata.clear();
      this.metadata.putAll(copy);
      return this;
    }

    /**
     * Sets one metadata entry.
     *
     * @throws NullPointerException if {@code key} or {@code value} is null
     */
    public Builder metadata(String key, String value) {
      metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Replaces the tools.
     *
     * @throws NullPointerException if {@code tools} or one of its elements is null
     */
    public Builder tools(List<Tool> tools) {
      List<Tool> copy = Copies.list(tools, "tools");
      this.tools.clear();
      this.tools.addAll(copy);
      return this;
    }

    /**
     * Appends a tool.
     *
     * @throws NullPointerException if {@code tool} is null
     */
    public Builder addTool(Tool tool) {
      Copies.add(tools, tool, "tool");
      return this;
    }

    /** Whether and which tool to call. */
    public Builder toolChoice(ToolChoice toolChoice) {
      this.toolChoice = toolChoice;
      return this;
    }

    /** Whether several tool calls per turn are allowed. */
    public Builder parallelToolCalls(Boolean parallelToolCalls) {
      this.parallelToolCalls = parallelToolCalls;
      return this;
    }

    /** The answer format. */
    public Builder responseFormat(ResponseFormat responseFormat) {
      this.responseFormat = responseFormat;
      return this;
    }

    /**
     * Replaces the extra parameters; values are JSON values (see {@link JsonValues}), copied at build.
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
     * Sets one extra parameter; a null value is sent as JSON {@code null}. Keys naming modelled
     * parameters are ignored when written (see {@link ChatRequest#extraParameters()}).
     *
     * @throws NullPointerException if {@code name} is null
     */
    public Builder extraParameter(String name, Object value) {
      extraParameters.put(Objects.requireNonNull(name, "name"), value);
      return this;
    }

    /**
     * Removes one extra parameter.
     *
     * @throws NullPointerException if {@code name} is null
     */
    public Builder removeExtraParameter(String name) {
      extraParameters.remove(Objects.requireNonNull(name, "name"));
      return this;
    }

    /**
     * Builds the request.
     *
     * @throws IllegalArgumentException if an extra parameter is not a JSON value
     */
    public ChatRequest build() {
      return new ChatRequest(this);
    }
  }
}

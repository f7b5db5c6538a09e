package dev.switchboard.core.model;

import dev.switchboard.core.internal.json.SourceText;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A whole chat completion in the shape of OpenAI's {@code chat.completion} object, plus the
 * engine's {@link #route()}.
 *
 * <p>Immutable and thread-safe; value equality. Collections are never null and unmodifiable.
 */
public final class ChatResponse {

  /** The fixed wire value of OpenAI's {@code object} field for this type. */
  public static final String OBJECT = "chat.completion";

  private final String id;
  private final long created;
  private final String model;
  private final List<Choice> choices;
  private final Usage usage;
  private final String systemFingerprint;
  private final String serviceTier;
  private final RouteInfo route;
  // the JSON text this response was read from while it is unchanged (a new route does not change the text); never exposed
  private final byte[] source;

  static {
    SourceText.installResponses(new SourceText.Access<>() {
      @Override
      public byte[] of(ChatResponse response) {
        return response.source;
      }

      @Override
      public ChatResponse build(Builder builder, byte[] source) {
        builder.source = source;
        return builder.build();
      }
    });
  }

  private ChatResponse(Builder b) {
    this.id = b.id;
    this.created = b.created;
    this.model = b.model;
    this.choices = List.copyOf(b.choices);
    this.usage = b.usage;
    this.systemFingerprint = b.systemFingerprint;
    this.serviceTier = b.serviceTier;
    this.route = b.route;
    this.source = b.source;
  }

  /** A new builder with every field unset and no choices. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this response's fields, e.g. for the engine to set {@link #route()}. */
  public Builder toBuilder() {
    Builder b = new Builder().id(id).created(created).model(model).usage(usage).systemFingerprint(systemFingerprint)
        .serviceTier(serviceTier).route(route);
    b.choices.addAll(choices);
    b.source = source;
    return b;
  }

  /** The completion id, e.g. {@code chatcmpl-…}; null when the provider sent none. */
  public String id() {
    return id;
  }

  /** Always {@value #OBJECT}. */
  public String object() {
    return OBJECT;
  }

  /** When the completion was created, in epoch seconds; 0 when unknown. */
  public long created() {
    return created;
  }

  /** The model that answered, as the provider names it; null when unknown. */
  public String model() {
    return model;
  }

  /** The generated answers; never null. */
  public List<Choice> choices() {
    return choices;
  }

  /** Tokens consumed, or null when the provider did not report them. */
  public Usage usage() {
    return usage;
  }

  /** The provider's backend configuration fingerprint, or null. */
  public String systemFingerprint() {
    return systemFingerprint;
  }

  /** The service tier that processed the request, or null. */
  public String serviceTier() {
    return serviceTier;
  }

  /** How the engine served the call, or null outside the engine (e.g. straight from a provider). */
  public RouteInfo route() {
    return route;
  }

  /** The first choice's message text, or null when there is no choice or no text. */
  public String text() {
    return choices.isEmpty() ? null : choices.get(0).message().text();
  }

  /** The first choice's tool calls; never null, empty when there is no choice or no call. */
  public List<ToolCall> toolCalls() {
    return choices.isEmpty() ? List.of() : choices.get(0).message().toolCalls();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ChatResponse)) {
      return false;
    }
    ChatResponse that = (ChatResponse) o;
    return created == that.created && Objects.equals(id, that.id) && Objects.equals(model, that.model)
        && choices.equals(that.choices) && Objects.equals(usage, that.usage)
        && Objects.equals(systemFingerprint, that.systemFingerprint) && Objects.equals(serviceTier, that.serviceTier)
        && Objects.equals(route, that.route);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, created, model, choices, usage, systemFingerprint, serviceTier, route);
  }

  @Override
  public String toString() {
    return new Describe("ChatResponse").add("id", id).add("created", created).add("model", model)
        .add("choices", choices).add("usage", usage).add("systemFingerprint", systemFingerprint)
        .add("serviceTier", serviceTier).add("route", route).toString();
  }

  /** Builds a {@link ChatResponse}. Not thread-safe. */
  public static final class Builder {
    private String id;
    private long created;
    private String model;
    private final List<Choice> choices = new ArrayList<>();
    private Usage usage;
    private String systemFingerprint;
    private String serviceTier;
    private RouteInfo route;
    private byte[] source; // cleared by every setter of a field the JSON text carries

    private Builder() {}

    /** The completion id. */
    public Builder id(String id) {
      source = null;
      this.id = id;
      return this;
    }

    /** Creation time in epoch seconds. */
    public Builder created(long created) {
      source = null;
      this.created = created;
      return this;
    }

    /** The model that answered. */
    public Builder model(String model) {
      source = null;
      this.model = model;
      return this;
    }

    /**
     * Replaces the choices.
     *
     * @throws NullPointerException if {@code choices} or one of its elements is null
     */
    public Builder choices(List<Choice> choices) {
      source = null;
      List<Choice> copy = Copies.list(choices, "choices");
      this.choices.clear();
      this.choices.addAll(copy);
      return this;
    }

    /**
     * Appends a choice.
     *
     * @throws NullPointerException if {@code choice} is null
     */
    public Builder addChoice(Choice choice) {
      source = null;
      Copies.add(choices, choice, "choice");
      return this;
    }

    /** Tokens consumed; null unsets. */
    public Builder usage(Usage usage) {
      source = null;
      this.usage = usage;
      return this;
    }

    /** The system fingerprint; null unsets. */
    public Builder systemFingerprint(String systemFingerprint) {
      source = null;
      this.systemFingerprint = systemFingerprint;
      return this;
    }

    /** The service tier; null unsets. */
    public Builder serviceTier(String serviceTier) {
      source = null;
      this.serviceTier = serviceTier;
      return this;
    }

    /** How the engine served the call; null unsets. */
    public Builder route(RouteInfo route) {
      this.route = route;
      return this;
    }

    /** Builds the response. */
    public ChatResponse build() {
      return new ChatResponse(this);
    }
  }
}

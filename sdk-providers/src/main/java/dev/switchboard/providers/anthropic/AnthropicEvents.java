package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.error.UpstreamException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.Delta;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.ToolCallDelta;
import dev.switchboard.providers.internal.sse.SseEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The state machine that turns one Anthropic event stream into OpenAI-style chunks, at most one
 * chunk per event (so that demand passes one to one):
 *
 * <ul>
 *   <li>{@code message_start} → nothing yet: its id, model and usage (input side) are remembered, and
 *       the role {@code assistant} rides on the first chunk that follows. Until then nothing has
 *       reached the caller, so an {@code error} event right after the start (e.g.
 *       {@code overloaded_error}) still lets the engine fall back to another deployment.
 *   <li>{@code content_block_start} of a {@code tool_use} → a tool-call delta with the OpenAI index
 *       (the tool call's ordinal, not Anthropic's block index), id, type {@code function}, name and
 *       empty arguments; of a text or thinking block with initial text → that text.
 *   <li>{@code content_block_delta}: {@code text_delta} → content; {@code input_json_delta} → an
 *       argument fragment of that tool call (or content, for the forced JSON-output tool);
 *       {@code thinking_delta} → the delta's extra field {@code reasoning_content}; others
 *       ({@code signature_delta}, {@code citations_delta}) carry nothing OpenAI can show.
 *   <li>{@code message_delta} with a {@code stop_reason} → a chunk with the mapped finish reason; its
 *       cumulative usage replaces earlier counts.
 *   <li>{@code message_stop} → the final usage-only chunk (no choices), and the end.
 *   <li>{@code ping}, {@code content_block_stop} and unknown event types (Anthropic's versioning policy
 *       allows new ones) → nothing; {@code error} → the typed error.
 * </ul>
 *
 * <p>Not thread-safe: events are fed serially.
 */
final class AnthropicEvents {

  /** What one event gives: a chunk or nothing, and whether the stream is complete. */
  record Step(ChatChunk chunk, boolean last) {
    static final Step NOTHING = new Step(null, false);
  }

  private enum Kind { TEXT, TOOL, JSON_OUTPUT, THINKING, OTHER }

  private record Block(Kind kind, int toolIndex) {}

  private final boolean jsonOutputTool;
  private final long created;
  private final AnthropicErrors errors;
  private final Map<Integer, Block> blocks = new HashMap<>();
  private final AnthropicResponses.UsageCounts usage = new AnthropicResponses.UsageCounts();
  private String id;
  private String model;
  private String serviceTier;
  private boolean started;
  private boolean finished;
  private boolean roleSent;
  private int toolCalls;

  AnthropicEvents(boolean jsonOutputTool, long created, AnthropicErrors errors) {
    this.jsonOutputTool = jsonOutputTool;
    this.created = created;
    this.errors = errors;
  }

  /**
   * Translates one event.
   *
   * @throws SwitchboardException for an {@code error} event (mapped) or a malformed event
   *     ({@link dev.switchboard.core.error.UpstreamException} "malformed response from upstream")
   */
  Step onEvent(SseEvent event) {
    String data = event.data();
    if ("error".equals(event.event())) {
      throw errors.fromStreamEvent(data);
    }
    if (data.isBlank()) {
      return Step.NOTHING;
    }
    JsonNode node;
    try {
      node = AnthropicJson.parseUpstream(data, "the stream event");
    } catch (UpstreamException malformed) {
      throw errors.malformed(malformed);
    }
    String type = AnthropicJson.string(node, "type");
    if ("error".equals(type)) {
      throw errors.fromStreamEvent(data);
    }
    try {
      return translate(type == null ? event.event() : type, node);
    } catch (UpstreamException malformed) { // only AnthropicJson.malformed is thrown in there
      throw errors.malformed(malformed);
    }
  }

  private Step translate(String type, JsonNode node) {
    switch (type) {
      case "message_start":
        return messageStart(node);
      case "content_block_start":
        requireStarted(type);
        return blockStart(node);
      case "content_block_delta":
        requireStarted(type);
        return blockDelta(node);
      case "message_delta":
        requireStarted(type);
        return messageDelta(node);
      case "message_stop":
        requireStarted(type);
        return new Step(chunk().usage(usage.toUsage()).build(), true);
      default: // ping, content_block_stop, and event types added later
        return Step.NOTHING;
    }
  }

  private Step messageStart(JsonNode node) {
    if (started) {
      throw AnthropicJson.malformed("a second message_start in one stream");
    }
    JsonNode message = node.path("message");
    if (!message.isObject()) {
      throw AnthropicJson.malformed("message_start has no message");
    }
    started = true;
    id = AnthropicJson.string(message, "id");
    model = AnthropicJson.string(message, "model");
    JsonNode u = message.get("usage");
    if (u != null && u.isObject()) {
      usage.add(u, "message_start.message.usage");
      serviceTier = AnthropicJson.string(u, "service_tier");
    }
    return Step.NOTHING;
  }

  private Step blockStart(JsonNode node) {
    int index = index(node, "content_block_start");
    JsonNode block = node.path("content_block");
    String type = AnthropicJson.string(block, "type");
    if ("text".equals(type)) {
      blocks.put(index, new Block(Kind.TEXT, -1));
      return content(AnthropicJson.string(block, "text"));
    }
    if ("tool_use".equals(type)) {
      String name = AnthropicJson.string(block, "name");
      JsonNode input = block.get("input");
      // The start carries "input": {}; the arguments follow as input_json_delta fragments.
      String initial = input == null || input.isNull() || input.isEmpty() ? "" : AnthropicJson.text(input);
      if (jsonOutputTool && AnthropicRequests.JSON_OUTPUT_TOOL.equals(name)) {
        blocks.put(index, new Block(Kind.JSON_OUTPUT, -1));
        return content(initial);
      }
      int toolIndex = toolCalls++;
      blocks.put(index, new Block(Kind.TOOL, toolIndex));
      return choice(Delta.builder().addToolCall(ToolCallDelta.builder().index(toolIndex)
          .id(AnthropicJson.string(block, "id")).type("function").name(name).arguments(initial).build()).build(), null);
    }
    if ("thinking".equals(type)) {
      blocks.put(index, new Block(Kind.THINKING, -1));
      return reasoning(AnthropicJson.string(block, "thinking"));
    }
    blocks.put(index, new Block(Kind.OTHER, -1)); // redacted thinking, server tools: nothing OpenAI can show
    return Step.NOTHING;
  }

  private Step blockDelta(JsonNode node) {
    int index = index(node, "content_block_delta");
    Block block = blocks.get(index);
    if (block == null) {
      throw AnthropicJson.malformed("content_block_delta for block " + index + ", which was never started");
    }
    JsonNode delta = node.path("delta");
    String type = AnthropicJson.string(delta, "type");
    if (type == null) {
      return Step.NOTHING;
    }
    switch (type) {
      case "text_delta":
        return content(AnthropicJson.string(delta, "text"));
      case "input_json_delta": {
        String fragment = AnthropicJson.string(delta, "partial_json");
        if (fragment == null || fragment.isEmpty()) {
          return Step.NOTHING;
        }
        if (block.kind == Kind.JSON_OUTPUT) {
          return content(fragment);
        }
        if (block.kind != Kind.TOOL) {
          return Step.NOTHING; // a server tool's input
        }
        return choice(Delta.builder().addToolCall(ToolCallDelta.builder().index(block.toolIndex)
            .arguments(fragment).build()).build(), null);
      }
      case "thinking_delta":
        return reasoning(AnthropicJson.string(delta, "thinking"));
      default: // signature_delta, citations_delta, and delta types added later
        return Step.NOTHING;
    }
  }

  private Step messageDelta(JsonNode node) {
    JsonNode u = node.get("usage");
    if (u != null && u.isObject()) {
      usage.add(u, "message_delta.usage");
    }
    String stopReason = AnthropicJson.string(node.path("delta"), "stop_reason");
    if (stopReason == null || finished) {
      return Step.NOTHING;
    }
    finished = true;
    FinishReason finish = AnthropicResponses.finishReason(stopReason, jsonOutputTool);
    return choice(Delta.empty(), finish);
  }

  private Step content(String text) {
    return text == null || text.isEmpty() ? Step.NOTHING : choice(Delta.ofContent(text), null);
  }

  private Step reasoning(String text) {
    return text == null || text.isEmpty() ? Step.NOTHING
        : choice(Delta.builder().extra(AnthropicResponses.REASONING_CONTENT, text).build(), null);
  }

  private Step choice(Delta delta, FinishReason finish) {
    if (!roleSent) {
      roleSent = true;
      delta = delta.toBuilder().role(Role.ASSISTANT).build();
    }
    return new Step(chunk().choices(List.of(ChunkChoice.builder().index(0).delta(delta).finishReason(finish).build()))
        .build(), false);
  }

  private ChatChunk.Builder chunk() {
    return ChatChunk.builder().id(id).created(created).model(model).serviceTier(serviceTier);
  }

  private void requireStarted(String type) {
    if (!started) {
      throw AnthropicJson.malformed(type + " before message_start");
    }
  }

  private static int index(JsonNode node, String type) {
    JsonNode index = node.get("index");
    if (index == null || !index.canConvertToInt() || !index.isIntegralNumber()) {
      throw AnthropicJson.malformed(type + " has no integer index");
    }
    return index.intValue();
  }
}

package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ModelInfo;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.Usage;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Anthropic's answers in the OpenAI shape: a {@code Message} object as a {@link ChatResponse}, its
 * {@code stop_reason} as a {@link FinishReason}, its {@code usage} as {@link Usage}, and a
 * {@code GET /v1/models} page as {@link ModelInfo}s.
 *
 * <p>Usage: Anthropic's {@code input_tokens} counts only the input after the last cache breakpoint;
 * its documented total input is {@code input_tokens + cache_read_input_tokens +
 * cache_creation_input_tokens} (prompt caching / rate limits docs). That total is
 * {@link Usage#promptTokens()}, as OpenAI's {@code prompt_tokens} includes cached tokens; the cache
 * reads are {@link Usage#cachedTokens()}, the cache writes {@link Usage#cacheCreationTokens()}, and
 * {@code output_tokens_details.thinking_tokens} (when reported) {@link Usage#reasoningTokens()}.
 *
 * <p>Content: text blocks are concatenated into the message text; {@code tool_use} blocks become
 * tool calls (id and name kept, {@code input} written as the arguments' JSON text); thinking text goes
 * to the message's extra field {@code reasoning_content} (signatures and redacted thinking cannot be
 * carried and are dropped); server-tool blocks are dropped.
 *
 * <p>Stateless and thread-safe.
 */
final class AnthropicResponses {

  /** The message's extra field that carries Claude's thinking text (the de-facto OpenAI-style name). */
  static final String REASONING_CONTENT = "reasoning_content";

  private AnthropicResponses() {}

  /**
   * Reads a {@code Message}.
   *
   * @param jsonOutputTool whether the request forced {@link AnthropicRequests#JSON_OUTPUT_TOOL}, whose
   *     input is then the answer's text
   * @param created the epoch second to report (Anthropic's messages carry no timestamp)
   * @throws dev.switchboard.core.error.UpstreamException when the body is malformed
   */
  static ChatResponse readMessage(byte[] body, boolean jsonOutputTool, long created) {
    JsonNode root = AnthropicJson.parseUpstream(body, "the message");
    JsonNode content = root.path("content");
    if (!content.isArray()) {
      throw AnthropicJson.malformed("the message has no content array");
    }
    StringBuilder text = null;
    StringBuilder reasoning = null;
    List<ToolCall> toolCalls = new ArrayList<>();
    for (JsonNode block : content) {
      String type = AnthropicJson.string(block, "type");
      if ("text".equals(type)) {
        text = append(text, AnthropicJson.string(block, "text"));
      } else if ("tool_use".equals(type)) {
        String name = AnthropicJson.string(block, "name");
        JsonNode input = block.get("input");
        String arguments = input == null || input.isNull() ? "{}" : AnthropicJson.text(input);
        if (jsonOutputTool && AnthropicRequests.JSON_OUTPUT_TOOL.equals(name)) {
          text = append(text, arguments);
        } else {
          toolCalls.add(ToolCall.function(AnthropicJson.string(block, "id"), name, arguments));
        }
      } else if ("thinking".equals(type)) {
        reasoning = append(reasoning, AnthropicJson.string(block, "thinking"));
      }
    }
    Message.Builder message = Message.builder().role(Role.ASSISTANT)
        .content(text == null ? null : text.toString())
        .toolCalls(toolCalls);
    if (reasoning != null) {
      message.extra(REASONING_CONTENT, reasoning.toString());
    }
    String stopReason = AnthropicJson.string(root, "stop_reason");
    JsonNode usage = root.get("usage");
    return ChatResponse.builder()
        .id(AnthropicJson.string(root, "id"))
        .created(created)
        .model(AnthropicJson.string(root, "model"))
        .addChoice(Choice.builder().index(0).message(message.build())
            .finishReason(stopReason == null ? null : finishReason(stopReason, jsonOutputTool)).build())
        .usage(usage == null || !usage.isObject() ? null : new UsageCounts().add(usage, "usage").toUsage())
        .serviceTier(usage == null ? null : AnthropicJson.string(usage, "service_tier"))
        .build();
  }

  /**
   * Anthropic's {@code stop_reason} as OpenAI's finish reason: {@code end_turn} and
   * {@code stop_sequence} → stop, {@code max_tokens} and {@code model_context_window_exceeded} →
   * length (OpenAI's length covers both limits), {@code tool_use} → tool_calls (stop when the tool
   * was the forced JSON output), {@code refusal} → content_filter; anything else (e.g.
   * {@code pause_turn}) is passed through as an open value.
   */
  static FinishReason finishReason(String stopReason, boolean jsonOutputTool) {
    switch (stopReason) {
      case "end_turn":
      case "stop_sequence":
        return FinishReason.STOP;
      case "max_tokens":
      case "model_context_window_exceeded":
        return FinishReason.LENGTH;
      case "tool_use":
        return jsonOutputTool ? FinishReason.STOP : FinishReason.TOOL_CALLS;
      case "refusal":
        return FinishReason.CONTENT_FILTER;
      default:
        return FinishReason.of(stopReason);
    }
  }

  /**
   * Token counts as Anthropic reports them, possibly in several parts: a stream's
   * {@code message_start} gives the input side and {@code message_delta} cumulative counts, where a
   * later field replaces an earlier one. Not thread-safe.
   */
  static final class UsageCounts {
    private int input;
    private int cacheRead;
    private int cacheCreation;
    private int output;
    private int thinking;

    /** Takes every count {@code usage} holds, replacing the earlier value. */
    UsageCounts add(JsonNode usage, String what) {
      if (usage.has("input_tokens")) {
        input = AnthropicJson.count(usage, "input_tokens", what);
      }
      if (usage.has("cache_read_input_tokens")) {
        cacheRead = AnthropicJson.count(usage, "cache_read_input_tokens", what);
      }
      if (usage.has("cache_creation_input_tokens")) {
        cacheCreation = AnthropicJson.count(usage, "cache_creation_input_tokens", what);
      }
      if (usage.has("output_tokens")) {
        output = AnthropicJson.count(usage, "output_tokens", what);
      }
      JsonNode details = usage.get("output_tokens_details");
      if (details != null && details.isObject() && details.has("thinking_tokens")) {
        thinking = AnthropicJson.count(details, "thinking_tokens", what + ".output_tokens_details");
      }
      return this;
    }

    Usage toUsage() {
      try {
        return Usage.builder()
            .promptTokens(Math.addExact(Math.addExact(input, cacheRead), cacheCreation))
            .completionTokens(output)
            .cachedTokens(cacheRead)
            .cacheCreationTokens(cacheCreation)
            .reasoningTokens(Math.min(thinking, output))
            .build();
      } catch (ArithmeticException e) {
        throw AnthropicJson.malformed("usage counts overflow an int");
      }
    }
  }

  /** One page of {@code GET /v1/models}. */
  record ModelPage(List<ModelInfo> models, boolean hasMore, String lastId) {}

  /**
   * Reads a models page: {@code {"data":[{"type":"model","id":…,"display_name":…,"created_at":RFC
   * 3339}],"has_more":…,"first_id":…,"last_id":…}}. {@code created} is {@code created_at} in epoch
   * seconds (0 when unparseable), {@code owned_by} is {@code anthropic}.
   */
  static ModelPage readModelPage(byte[] body) {
    JsonNode root = AnthropicJson.parseUpstream(body, "the model list");
    JsonNode data = root.path("data");
    if (!data.isArray()) {
      throw AnthropicJson.malformed("the model list has no data array");
    }
    List<ModelInfo> models = new ArrayList<>();
    for (JsonNode model : data) {
      String id = AnthropicJson.string(model, "id");
      if (id == null) {
        throw AnthropicJson.malformed("a model in the list has no id");
      }
      models.add(ModelInfo.builder().id(id).created(epochSeconds(AnthropicJson.string(model, "created_at")))
          .ownedBy("anthropic").build());
    }
    return new ModelPage(models, root.path("has_more").asBoolean(false), AnthropicJson.string(root, "last_id"));
  }

  private static long epochSeconds(String rfc3339) {
    if (rfc3339 == null) {
      return 0;
    }
    try {
      return OffsetDateTime.parse(rfc3339).toEpochSecond();
    } catch (DateTimeParseException e) {
      return 0;
    }
  }

  private static StringBuilder append(StringBuilder sb, String text) {
    StringBuilder out = sb == null ? new StringBuilder() : sb;
    if (text != null) {
      out.append(text);
    }
    return out;
  }
}

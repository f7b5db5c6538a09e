package dev.switchboard.providers.bedrock;

import dev.switchboard.core.internal.json.JsonFields;
import dev.switchboard.core.internal.json.PlainJson;
import dev.switchboard.core.internal.json.Problems;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Bedrock {@code Converse} response body as an OpenAI-shaped {@link ChatResponse}, and the mappings
 * the stream shares (stop reason, usage).
 *
 * <p>Shape from the Bedrock API reference (ConverseResponse: {@code output.message}, {@code stopReason},
 * {@code usage}, {@code metrics}). The message's {@code text} blocks are joined into the content, its
 * {@code toolUse} blocks become tool calls ({@code toolUseId} as id, {@code input} as JSON arguments),
 * and {@code reasoningContent.reasoningText.text} is kept as the message's extra
 * {@code reasoning_content} (the name OpenAI-compatible servers use for it). Other blocks (images,
 * documents, citations) are not represented. Converse has no response id: the caller passes one (the
 * {@code x-amzn-RequestId} header, else the call's request id).
 *
 * <p>Stateless and thread-safe.
 */
final class ConverseResponses {

  /** The key of reasoning text in {@link Message#extra()} and {@link dev.switchboard.core.model.Delta#extra()}. */
  static final String REASONING_CONTENT = "reasoning_content";

  private ConverseResponses() {}

  /**
   * The response for a Converse body.
   *
   * @throws dev.switchboard.core.error.UpstreamException "malformed response from upstream: …" when the
   *     body is not JSON or a field has the wrong type
   */
  static ChatResponse read(byte[] body, String id, long created, String model) {
    JsonFields root = new JsonFields(PlainJson.parseObject(body, Problems.RESPONSE, "the Converse response"), "",
        Problems.RESPONSE);
    JsonFields output = root.object("output");
    JsonFields message = output == null ? null : output.object("message");
    StringBuilder text = null;
    StringBuilder reasoning = null;
    List<ToolCall> toolCalls = new ArrayList<>();
    if (message != null) {
      List<Object> content = message.array("content");
      for (int i = 0; content != null && i < content.size(); i++) {
        JsonFields block = message.element("content", content, i);
        if (block.has("text")) {
          text = (text == null ? new StringBuilder() : text).append(block.string("text"));
        } else if (block.has("toolUse")) {
          JsonFields use = block.object("toolUse");
          Object input = use.get("input");
          toolCalls.add(ToolCall.function(use.requiredString("toolUseId"), use.requiredString("name"),
              PlainJson.toText(input == null ? Map.of() : input)));
        } else if (block.has("reasoningContent")) {
          JsonFields reasoningText = block.object("reasoningContent").object("reasoningText");
          if (reasoningText != null && reasoningText.string("text") != null) {
            reasoning = (reasoning == null ? new StringBuilder() : reasoning).append(reasoningText.string("text"));
          }
        }
      }
    }
    Message.Builder m = Message.builder().role(Role.ASSISTANT);
    if (text != null) {
      m.content(List.of(ContentPart.text(text.toString())));
    }
    m.toolCalls(toolCalls);
    if (reasoning != null) {
      m.extra(Map.of(REASONING_CONTENT, reasoning.toString()));
    }
    String stopReason = root.string("stopReason");
    ChatResponse.Builder response = ChatResponse.builder()
        .id(id)
        .created(created)
        .model(model)
        .addChoice(Choice.builder().index(0).message(m.build()).finishReason(finishReason(stopReason)).build());
    JsonFields usage = root.object("usage");
    if (usage != null) {
      response.usage(usage(usage));
    }
    JsonFields tier = root.object("serviceTier");
    if (tier != null) {
      response.serviceTier(tier.string("type"));
    }
    return response.build();
  }

  /**
   * Bedrock's stop reason as a finish reason: {@code end_turn} and {@code stop_sequence} stop,
   * {@code max_tokens} and {@code model_context_window_exceeded} length, {@code tool_use} tool calls,
   * {@code guardrail_intervened} and {@code content_filtered} content filter; any other value (e.g.
   * {@code malformed_tool_use}) is passed on as it is. Null stays null.
   */
  static FinishReason finishReason(String stopReason) {
    if (stopReason == null) {
      return null;
    }
    switch (stopReason) {
      case "end_turn":
      case "stop_sequence":
        return FinishReason.STOP;
      case "max_tokens":
      case "model_context_window_exceeded":
        return FinishReason.LENGTH;
      case "tool_use":
        return FinishReason.TOOL_CALLS;
      case "guardrail_intervened":
      case "content_filtered":
        return FinishReason.CONTENT_FILTER;
      default:
        return FinishReason.of(stopReason);
    }
  }

  /**
   * Bedrock's token usage in OpenAI's terms. Bedrock counts {@code inputTokens} without the tokens read
   * from or written to the prompt cache, while OpenAI's prompt tokens include cached ones: prompt tokens
   * are therefore {@code inputTokens + cacheReadInputTokens + cacheWriteInputTokens}, cached tokens
   * {@code cacheReadInputTokens}, cache creation tokens {@code cacheWriteInputTokens}, and the total is
   * prompt plus completion tokens. Converse reports no reasoning-token count.
   */
  static Usage usage(JsonFields usage) {
    int input = usage.integer("inputTokens", 0);
    int output = usage.integer("outputTokens", 0);
    int cacheRead = usage.integer("cacheReadInputTokens", 0);
    int cacheWrite = usage.integer("cacheWriteInputTokens", 0);
    return Usage.builder()
        .promptTokens(input + cacheRead + cacheWrite)
        .completionTokens(output)
        .cachedTokens(cacheRead)
        .cacheCreationTokens(cacheWrite)
        .build();
  }
}

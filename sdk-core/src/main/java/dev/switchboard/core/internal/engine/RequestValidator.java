package dev.switchboard.core.internal.engine;

import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.InvalidRequestException;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.Tool;
import dev.switchboard.core.model.ToolCall;
import java.util.List;

/**
 * Rejects requests that no upstream could answer, before any upstream call, with an error that names
 * the parameter the way OpenAI's API does ({@code messages[2].tool_call_id}).
 */
final class RequestValidator {

  private RequestValidator() {}

  /** Returns the first problem found, or null when the request is acceptable. */
  static InvalidRequestException validate(ChatRequest r, String requestId) {
    if (r.model() == null || r.model().isBlank()) {
      return invalid("you must provide a model parameter", "model", requestId);
    }
    List<Message> messages = r.messages();
    if (messages.isEmpty()) {
      return invalid("messages must contain at least one message", "messages", requestId);
    }
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      String at = "messages[" + i + "]";
      if (Role.TOOL.equals(m.role()) && (m.toolCallId() == null || m.toolCallId().isBlank())) {
        return invalid("a message with role 'tool' must carry the tool_call_id it answers", at + ".tool_call_id",
            requestId);
      }
      for (int j = 0; j < m.toolCalls().size(); j++) {
        ToolCall call = m.toolCalls().get(j);
        if (call.name() == null || call.name().isBlank()) {
          return invalid("a tool call must name its function", at + ".tool_calls[" + j + "].function.name", requestId);
        }
      }
    }
    if (r.maxTokens() != null && r.maxTokens() < 1) {
      return invalid("max_tokens must be at least 1 but was " + r.maxTokens(), "max_tokens", requestId);
    }
    if (r.maxCompletionTokens() != null && r.maxCompletionTokens() < 1) {
      return invalid("max_completion_tokens must be at least 1 but was " + r.maxCompletionTokens(),
          "max_completion_tokens", requestId);
    }
    if (r.n() != null && r.n() < 1) {
      return invalid("n must be at least 1 but was " + r.n(), "n", requestId);
    }
    if (r.temperature() != null && !(r.temperature() >= 0 && r.temperature() <= 2)) {
      return invalid("temperature must be between 0 and 2 but was " + r.temperature(), "temperature", requestId);
    }
    if (r.topP() != null && !(r.topP() >= 0 && r.topP() <= 1)) {
      return invalid("top_p must be between 0 and 1 but was " + r.topP(), "top_p", requestId);
    }
    for (int i = 0; i < r.tools().size(); i++) {
      Tool t = r.tools().get(i);
      if (t.name() == null || !t.name().matches("[a-zA-Z0-9_-]{1,64}")) {
        return invalid("tool function names must be 1 to 64 letters, digits, underscores or dashes but was '"
            + t.name() + "'", "tools[" + i + "].function.name", requestId);
      }
    }
    if (r.toolChoice() != null && r.toolChoice().functionName() != null && r.tools().stream()
        .noneMatch(t -> r.toolChoice().functionName().equals(t.name()))) {
      return invalid("tool_choice names function '" + r.toolChoice().functionName() + "', which is not in tools",
          "tool_choice", requestId);
    }
    return null;
  }

  /** Returns the first problem found, or null when the request is acceptable. */
  static InvalidRequestException validate(EmbeddingRequest r, String requestId) {
    if (r.model() == null || r.model().isBlank()) {
      return invalid("you must provide a model parameter", "model", requestId);
    }
    if (r.input().isEmpty()) {
      return invalid("input must contain at least one string", "input", requestId);
    }
    if (r.dimensions() != null && r.dimensions() < 1) {
      return invalid("dimensions must be at least 1 but was " + r.dimensions(), "dimensions", requestId);
    }
    return null;
  }

  private static InvalidRequestException invalid(String message, String param, String requestId) {
    return new InvalidRequestException(message, ErrorDetails.builder().param(param).requestId(requestId).build());
  }
}

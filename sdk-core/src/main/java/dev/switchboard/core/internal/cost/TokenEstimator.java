package dev.switchboard.core.internal.cost;

import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolCallDelta;

/**
 * Estimates token counts from text when an upstream did not report them (a stream cancelled or
 * failed before its usage chunk). The rule is OpenAI's documented rule of thumb for English text:
 * one token per four characters, rounded up; a prompt adds three tokens per message and three to
 * prime the reply. Deliberately simple and provider-independent; records made with it are flagged
 * as estimated.
 */
final class TokenEstimator {

  static final int CHARS_PER_TOKEN = 4;
  static final int TOKENS_PER_MESSAGE = 3;
  static final int TOKENS_PER_REPLY = 3;

  private TokenEstimator() {}

  static int tokens(long chars) {
    return (int) Math.min(Integer.MAX_VALUE, (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN);
  }

  static int promptTokens(ChatRequest request) {
    long chars = 0;
    for (Message m : request.messages()) {
      for (ContentPart p : m.content()) {
        if (p.isText() && p.text() != null) {
          chars += p.text().length();
        }
      }
      for (ToolCall c : m.toolCalls()) {
        chars += length(c.name()) + length(c.arguments());
      }
      chars += length(m.name());
    }
    long tokens = tokens(chars) + (long) TOKENS_PER_MESSAGE * request.messages().size() + TOKENS_PER_REPLY;
    return (int) Math.min(Integer.MAX_VALUE, tokens);
  }

  /** Characters of generated text in a chunk: content, refusal and tool-call fragments. */
  static long completionChars(ChatChunk chunk) {
    long chars = 0;
    for (ChunkChoice c : chunk.choices()) {
      chars += length(c.delta().content()) + length(c.delta().refusal());
      for (ToolCallDelta t : c.delta().toolCalls()) {
        chars += length(t.name()) + length(t.arguments());
      }
    }
    return chars;
  }

  /** Characters of generated text in a response: every choice's content, refusal and tool calls. */
  static long completionChars(ChatResponse response) {
    long chars = 0;
    for (Choice c : response.choices()) {
      Message m = c.message();
      if (m == null) {
        continue;
      }
      for (ContentPart p : m.content()) {
        if (p.isText() && p.text() != null) {
          chars += p.text().length();
        }
      }
      chars += length(m.refusal());
      for (ToolCall t : m.toolCalls()) {
        chars += length(t.name()) + length(t.arguments());
      }
    }
    return chars;
  }

  private static int length(String s) {
    return s == null ? 0 : s.length();
  }
}

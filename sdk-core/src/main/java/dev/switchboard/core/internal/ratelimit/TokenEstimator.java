package dev.switchboard.core.internal.ratelimit;

import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Tool;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.ratelimit.TokenCounter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The token estimate a token limit reserves before a call: the prompt counted with a tokenizer, in
 * the chat format's framing, plus the most the upstream may answer with.
 *
 * <p>The framing follows OpenAI's published counting recipe: 3 tokens per message, 1 more for a
 * name, 3 priming the reply. Images count a flat 765 tokens (a 1024×1024 high-detail image) since
 * their size is unknown here; other parts (audio, files) 4 characters a token; tool definitions
 * count their text. The estimate only has to be
 * close: it is settled with the usage the upstream reports.
 */
public final class TokenEstimator {

  static final int TOKENS_PER_MESSAGE = 3;
  static final int TOKENS_PER_NAME = 1;
  static final int REPLY_PRIMING = 3;
  static final int TOKENS_PER_IMAGE = 765;

  private final TokenCounter counter;
  private final int defaultMaxTokens;
  // Role names repeat on every message of every call; a handful of values, so the map stays tiny.
  private final Map<String, Integer> roleTokens = new ConcurrentHashMap<>();

  public TokenEstimator(TokenCounter counter, int defaultMaxTokens) {
    this.counter = counter;
    this.defaultMaxTokens = defaultMaxTokens;
  }

  /** Prompt tokens plus max completion tokens (the request's, else the configured default). */
  public long estimate(ChatRequest request) {
    return promptTokens(request) + maxCompletionTokens(request);
  }

  /** The request's {@code max_completion_tokens}, else {@code max_tokens}, else the default. */
  public long maxCompletionTokens(ChatRequest request) {
    Integer max = request.maxCompletionTokens() != null ? request.maxCompletionTokens() : request.maxTokens();
    long perChoice = max != null && max > 0 ? max : defaultMaxTokens;
    int n = request.n() != null && request.n() > 1 ? request.n() : 1; // each choice may use the maximum
    return perChoice * n;
  }

  public long promptTokens(ChatRequest request) {
    long tokens = REPLY_PRIMING;
    for (Message m : request.messages()) {
      tokens += TOKENS_PER_MESSAGE + roleTokens(m.role().value());
      for (ContentPart part : m.content()) {
        if (part.isText()) {
          tokens += counter.count(part.text());
        } else if (part.isImage()) {
          tokens += TOKENS_PER_IMAGE;
        } else if (part.isRaw()) {
          // audio, files: often megabytes of base64 that a tokenizer would crawl through; 4 chars a token
          tokens += String.valueOf(part.raw()).length() / 4;
        }
      }
      if (m.name() != null) {
        tokens += TOKENS_PER_NAME + counter.count(m.name());
      }
      for (ToolCall call : m.toolCalls()) {
        tokens += TOKENS_PER_MESSAGE + counter.count(nullToEmpty(call.name())) + counter.count(nullToEmpty(call.arguments()));
      }
    }
    for (Tool tool : request.tools()) {
      tokens += TOKENS_PER_MESSAGE + counter.count(tool.name()) + counter.count(nullToEmpty(tool.description()));
      Map<String, Object> parameters = tool.parameters();
      if (parameters != null) {
        tokens += counter.count(parameters.toString());
      }
    }
    return tokens;
  }

  /** Embedding input tokens: an embedding call has no completion. */
  public long estimate(EmbeddingRequest request) {
    long tokens = 0;
    for (String input : request.input()) {
      tokens += counter.count(input);
    }
    return Math.max(1, tokens);
  }

  /** Tokens in a piece of streamed text (a chunk's delta). */
  public long count(String text) {
    return text == null || text.isEmpty() ? 0 : counter.count(text);
  }

  private int roleTokens(String role) {
    Integer n = roleTokens.get(role);
    if (n == null) {
      n = counter.count(role);
      if (roleTokens.size() < 64) { // roles are provider-controlled strings: never let them grow the map unbounded
        roleTokens.put(role, n);
      }
    }
    return n;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}

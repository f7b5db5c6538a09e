package dev.switchboard.core.internal.ratelimit;

import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.EmbeddingRequest;

/**
 * One request's token estimate, computed on first use and kept: prompt tokens, and the total a token
 * limit reserves (prompt plus the most the upstream may answer). Thread-safe: threads that race
 * on the first use compute the same numbers.
 */
public final class TokenEstimate {

  /** An estimate of nothing, for calls whose limits count no tokens. */
  public static final TokenEstimate NONE = new TokenEstimate(null, null, null);

  private final TokenEstimator estimator;
  private final ChatRequest chat;
  private final EmbeddingRequest embedding;
  private volatile long prompt = -1; // volatile: a long may otherwise be read torn
  private volatile long total = -1;

  private TokenEstimate(TokenEstimator estimator, ChatRequest chat, EmbeddingRequest embedding) {
    this.estimator = estimator;
    this.chat = chat;
    this.embedding = embedding;
  }

  public static TokenEstimate of(TokenEstimator estimator, ChatRequest request) {
    return new TokenEstimate(estimator, request, null);
  }

  public static TokenEstimate of(TokenEstimator estimator, EmbeddingRequest request) {
    return new TokenEstimate(estimator, null, request);
  }

  public long prompt() {
    long p = prompt;
    if (p < 0) {
      p = chat != null ? estimator.promptTokens(chat) : embedding != null ? estimator.estimate(embedding) : 0;
      prompt = p;
    }
    return p;
  }

  public long total() {
    long t = total;
    if (t < 0) {
      t = prompt() + (chat != null ? estimator.maxCompletionTokens(chat) : 0);
      total = t;
    }
    return t;
  }

  /** Tokens in streamed text; 0 when this estimate has no tokenizer. */
  long count(String text) {
    return estimator == null ? 0 : estimator.count(text);
  }
}

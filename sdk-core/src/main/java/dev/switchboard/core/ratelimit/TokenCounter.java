package dev.switchboard.core.ratelimit;

import dev.switchboard.core.internal.ratelimit.TikTokenCounter;

/**
 * Counts the tokens of a text, for the estimate a token limit reserves before a call. The engine adds
 * the chat format's per-message overhead and the request's max tokens; the estimate is settled with
 * the usage the upstream reports, so a tokenizer that is close (another vendor's model) is good
 * enough.
 *
 * <p>Implementations must be thread-safe and fast; they are called on the request path.
 */
@FunctionalInterface
public interface TokenCounter {

  /** The number of tokens in {@code text} (never null); 0 for the empty string. */
  int count(String text);

  /** OpenAI's {@code o200k_base} encoding (GPT-4o, GPT-4.1, o-series): the default. */
  static TokenCounter o200kBase() {
    return TikTokenCounter.O200K_BASE;
  }

  /** OpenAI's {@code cl100k_base} encoding (GPT-4, GPT-3.5, text-embedding-3). */
  static TokenCounter cl100kBase() {
    return TikTokenCounter.CL100K_BASE;
  }
}

package dev.switchboard.core.internal.json;

import dev.switchboard.core.model.Usage;
import java.util.Map;

/**
 * OpenAI's {@code usage} object read into the model: the one reading of it, for answers, chunks and
 * embeddings. Counts absent or null read as 0; {@code prompt_tokens_details.cached_tokens} and
 * {@code completion_tokens_details.reasoning_tokens} are read, other details ignored.
 */
public final class OpenAiUsage {

  private static final String[] COUNTS = {"prompt_tokens", "completion_tokens", "total_tokens",
      "cache_creation_input_tokens"};

  private OpenAiUsage() {}

  /** The usage in {@code u}, or null when {@code u} is. */
  public static Usage read(JsonFields u) {
    if (u == null) {
      return null;
    }
    Usage.Builder b = Usage.builder()
        .promptTokens(u.integer("prompt_tokens", 0))
        .completionTokens(u.integer("completion_tokens", 0));
    Integer total = u.integer("total_tokens");
    if (total != null) {
      b.totalTokens(total);
    }
    JsonFields prompt = u.object("prompt_tokens_details");
    if (prompt != null) {
      b.cachedTokens(prompt.integer("cached_tokens", 0));
    }
    JsonFields completion = u.object("completion_tokens_details");
    if (completion != null) {
      b.reasoningTokens(completion.integer("reasoning_tokens", 0));
    }
    b.cacheCreationTokens(u.integer("cache_creation_input_tokens", 0));
    return b.build();
  }

  /**
   * Whether a (valid) usage object is as it would be written: {@code total_tokens} there, and no
   * count a decimal that reading turns into an integer.
   */
  static boolean isWrittenForm(Map<String, Object> usage) {
    if (!usage.containsKey("total_tokens")) {
      return false;
    }
    for (String count : COUNTS) {
      Object v = usage.get(count);
      if (v != null && !(v instanceof Long)) {
        return false;
      }
    }
    return true;
  }
}

package dev.switchboard.core.internal.ratelimit;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import dev.switchboard.core.ratelimit.TokenCounter;

/**
 * OpenAI's BPE encodings through JTokkit, loaded on first use (a few ms, once per encoding). Counts
 * of long texts are remembered ({@link MemoizedCounts}): the same system prompts and histories come
 * back on every call.
 */
public final class TikTokenCounter implements TokenCounter {

  public static final TikTokenCounter O200K_BASE = new TikTokenCounter(EncodingType.O200K_BASE);
  public static final TikTokenCounter CL100K_BASE = new TikTokenCounter(EncodingType.CL100K_BASE);

  private final EncodingType type;
  private final MemoizedCounts counts;
  private volatile Encoding encoding;

  private TikTokenCounter(EncodingType type) {
    this.type = type;
    // "Ordinary": text that happens to contain "<|endoftext|>" is counted as text, not refused.
    this.counts = new MemoizedCounts(text -> encoding().countTokensOrdinary(text), MemoizedCounts.MAX_CHARS);
  }

  @Override
  public int count(String text) {
    if (text.isEmpty()) {
      return 0;
    }
    return counts.count(text);
  }

  private Encoding encoding() {
    Encoding e = encoding;
    if (e == null) {
      e = Registry.INSTANCE.getEncoding(type);
      encoding = e;
    }
    return e;
  }

  @Override
  public String toString() {
    return type.getName();
  }

  private static final class Registry {
    static final EncodingRegistry INSTANCE = Encodings.newLazyEncodingRegistry();
  }
}

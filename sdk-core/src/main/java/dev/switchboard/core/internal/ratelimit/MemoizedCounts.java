package dev.switchboard.core.internal.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * Remembers the token counts of texts. Callers send the same texts again and again (a system prompt
 * on every call, a conversation's history on each of its turns, tool schemas, roles and names), and
 * a BPE tokenizer costs about a quarter of a microsecond per token (60 µs for a 1 KB prompt, 130 µs
 * for a 2 KB request with a tool) and a microsecond or two even for a short name (its regex
 * pre-split), while looking a text up costs a hash and a comparison of its characters.
 *
 * <p>Bounded by the characters it holds ({@link #MAX_CHARS}); least recently and frequently used
 * texts go first. Thread-safe. Counting must be a pure function of the text.
 */
final class MemoizedCounts {

  /** The weight of the texts remembered: characters plus {@link #ENTRY_OVERHEAD} each; a few MB at most. */
  static final long MAX_CHARS = 4L * 1024 * 1024;
  /** What an entry costs beyond its characters (the map entry, the string and the count objects), in chars. */
  static final int ENTRY_OVERHEAD = 64;

  private final ToIntFunction<String> counter;
  private final Cache<String, Integer> counts;

  MemoizedCounts(ToIntFunction<String> counter, long maxChars) {
    this.counter = Objects.requireNonNull(counter, "counter");
    this.counts = Caffeine.newBuilder()
        .maximumWeight(maxChars)
        .weigher((String text, Integer count) -> text.length() + ENTRY_OVERHEAD)
        .executor(Runnable::run) // maintenance on the calling thread: no pool hop on the request path
        .build();
  }

  int count(String text) {
    Integer known = counts.getIfPresent(text);
    if (known != null) {
      return known;
    }
    int n = counter.applyAsInt(text);
    counts.put(text, n);
    return n;
  }

  /** Texts remembered (an estimate); for tests. */
  long size() {
    counts.cleanUp();
    return counts.estimatedSize();
  }
}

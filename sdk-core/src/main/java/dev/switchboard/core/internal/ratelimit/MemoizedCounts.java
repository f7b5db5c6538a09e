package dev.switchboard.core.internal.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * Remembers the token counts of long texts. Callers send the same long texts again and again (a
 * system prompt on every call, a conversation's history on each of its turns, tool schemas), and
 * a BPE tokenizer costs about a quarter of a microsecond per token (60 µs for a 1 KB prompt, 130 µs for a 2 KB request with a tool), while
 * looking a text up costs a hash and a comparison of its characters. Texts shorter than
 * {@link #MIN_LENGTH} are counted each time: they are cheap, and too many to be worth the memory.
 *
 * <p>Bounded by the characters it holds ({@link #MAX_CHARS}); least recently and frequently used
 * texts go first. Thread-safe. Counting must be a pure function of the text.
 */
final class MemoizedCounts {

  /** Texts shorter than this are counted every time (a few tokens: a microsecond or two). */
  static final int MIN_LENGTH = 32;
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
    if (text.length() < MIN_LENGTH) {
      return counter.applyAsInt(text);
    }
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

package dev.switchboard.core.internal.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.ratelimit.TokenCounter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoizedCountsTest {

  private final List<String> counted = new ArrayList<>();
  private final MemoizedCounts counts = new MemoizedCounts(text -> {
    counted.add(text);
    return text.length() / 4;
  }, 1_000);

  @Test
  void count_longTextAgain_isCountedOnce() {
    String prompt = "x".repeat(32);

    assertThat(counts.count(prompt)).isEqualTo(8);
    assertThat(counts.count(new String(prompt))).isEqualTo(8); // an equal text, not the same object

    assertThat(counted).hasSize(1);
  }

  @Test
  void count_shortTextAgain_isCountedOnceToo() {
    counts.count("user");
    counts.count(new String("user"));

    assertThat(counted).containsExactly("user");
  }

  @Test
  void count_moreTextThanTheBound_keepsAtMostTheBound() {
    for (int i = 0; i < 20; i++) {
      counts.count(i + "z".repeat(32));
    }

    assertThat(counts.size()).isLessThanOrEqualTo(1_000 / (32 + MemoizedCounts.ENTRY_OVERHEAD));
  }

  @Test
  void o200kBase_longTextTwice_countsTheSameAsTheTokenizer() {
    String text = "The quick brown fox jumps over the lazy dog. ".repeat(10);
    TokenCounter counter = TokenCounter.o200kBase();

    int first = counter.count(text);

    assertThat(counter.count(text)).isEqualTo(first).isEqualTo(101); // 10 per sentence, 1 for the last space
  }
}

package dev.switchboard.core.internal.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.ratelimit.TokenCounter;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenEstimatorTest {

  private final TokenEstimator estimator = new TokenEstimator(TokenCounter.o200kBase(), 4096);

  @Test
  void tokenCounter_countsWithTheRealEncodings() {
    assertThat(TokenCounter.o200kBase().count("hello world")).isEqualTo(2);
    assertThat(TokenCounter.cl100kBase().count("hello world")).isEqualTo(2);
    assertThat(TokenCounter.o200kBase().count("")).isZero();
    // special-token text counts as text instead of failing
    assertThat(TokenCounter.o200kBase().count("<|endoftext|>")).isGreaterThan(1);
    assertThat(TokenCounter.o200kBase()).hasToString("o200k_base");
  }

  @Test
  void promptTokens_followOpenAisChatFraming() {
    ChatRequest request = ChatRequest.builder().model("g").addMessage(Message.user("hello world")).build();

    // 3 reply priming + 3 per message + "user" (1) + "hello world" (2)
    assertThat(estimator.promptTokens(request)).isEqualTo(9);
  }

  @Test
  void estimate_addsMaxCompletionTokensOrTheDefault() {
    ChatRequest.Builder b = ChatRequest.builder().model("g").addMessage(Message.system("be brief"))
        .addMessage(Message.user("hello world"));
    long prompt = estimator.promptTokens(b.build());

    assertThat(estimator.estimate(b.build())).isEqualTo(prompt + 4096);
    assertThat(estimator.estimate(b.maxTokens(100).build())).isEqualTo(prompt + 100);
    assertThat(estimator.estimate(b.maxCompletionTokens(50).build())).isEqualTo(prompt + 50);
    assertThat(estimator.estimate(b.n(3).build())).isEqualTo(prompt + 150); // each choice may use the maximum
  }

  @Test
  void promptTokens_imagesCountAFlatEstimate() {
    ChatRequest request = ChatRequest.builder().model("g")
        .addMessage(Message.user(List.of(ContentPart.text("hello world"), ContentPart.imageUrl("https://x/y.png"))))
        .build();

    assertThat(estimator.promptTokens(request)).isEqualTo(9 + TokenEstimator.TOKENS_PER_IMAGE);
  }

  @Test
  void embeddings_countTheirInputs() {
    assertThat(estimator.estimate(EmbeddingRequest.builder().model("e").input(List.of("hello world", "hello")).build()))
        .isEqualTo(3);
  }
}

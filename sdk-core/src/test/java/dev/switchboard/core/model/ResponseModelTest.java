package dev.switchboard.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseModelTest {

  @Test
  void usageOf_totalDefaultsToPromptPlusCompletion() {
    Usage u = Usage.of(10, 5);

    assertThat(u.totalTokens()).isEqualTo(15);
    assertThat(u.cachedTokens()).isZero();
    assertThat(u.reasoningTokens()).isZero();
    assertThat(u.cacheCreationTokens()).isZero();
  }

  @Test
  void usageBuilder_explicitTotal_isKept() {
    assertThat(Usage.builder().promptTokens(10).completionTokens(5).totalTokens(20).build().totalTokens())
        .isEqualTo(20);
  }

  @Test
  void usageToBuilder_derivedTotal_followsChangedCounts() {
    Usage u = Usage.of(10, 5).toBuilder().completionTokens(7).build();

    assertThat(u.totalTokens()).isEqualTo(17);
  }

  @Test
  void usagePlus_addsEveryField() {
    Usage a = Usage.builder().promptTokens(10).completionTokens(5).cachedTokens(4).reasoningTokens(2)
        .cacheCreationTokens(1).build();
    Usage b = Usage.builder().promptTokens(1).completionTokens(2).totalTokens(4).cachedTokens(1).build();

    Usage sum = a.plus(b);

    assertThat(sum).isEqualTo(Usage.builder().promptTokens(11).completionTokens(7).totalTokens(19).cachedTokens(5)
        .reasoningTokens(2).cacheCreationTokens(1).build());
    assertThat(Usage.ZERO.plus(a)).isEqualTo(a);
  }

  @Test
  void usageBuilder_negativeCount_throwsNamingTheField() {
    assertThatThrownBy(() -> Usage.builder().promptTokens(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("promptTokens must be >= 0 but was -1");
    assertThatThrownBy(() -> Usage.builder().cachedTokens(-2))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("cachedTokens must be >= 0 but was -2");
  }

  @Test
  void chatResponse_textAndToolCalls_comeFromFirstChoice() {
    ChatResponse r = ChatResponse.builder()
        .addChoice(Choice.builder().message(Message.assistant("first")).finishReason(FinishReason.STOP).build())
        .addChoice(Choice.builder().index(1).message(Message.assistant("second")).build())
        .build();

    assertThat(r.object()).isEqualTo("chat.completion");
    assertThat(r.text()).isEqualTo("first");
    assertThat(r.toolCalls()).isEmpty();
    assertThat(ChatResponse.builder().build().text()).isNull();
    assertThat(ChatResponse.builder().build().toolCalls()).isEmpty();
  }

  @Test
  void chatResponse_toBuilderWithRoute_keepsEverythingElse() {
    ChatResponse r = ChatResponse.builder().id("chatcmpl-1").created(1).model("m")
        .addChoice(Choice.builder().message(Message.assistant("x")).build()).usage(Usage.of(1, 1)).build();
    RouteInfo route = RouteInfo.builder().provider("openai-main").deployment("d1").upstreamModel("gpt-4o")
        .attempts(2).fallbacks(1).cache("miss").build();

    ChatResponse routed = r.toBuilder().route(route).build();

    assertThat(routed.route()).isEqualTo(route);
    assertThat(routed.toBuilder().route(null).build()).isEqualTo(r).hasSameHashCodeAs(r);
  }

  @Test
  void choice_withoutMessage_throwsNpe() {
    assertThatThrownBy(() -> Choice.builder().build()).isInstanceOf(NullPointerException.class).hasMessage("message");
  }

  @Test
  void routeInfo_defaults_andValidation() {
    RouteInfo r = RouteInfo.builder().build();

    assertThat(r.cache()).isEqualTo("none");
    assertThat(r.attempts()).isZero();
    assertThat(r.fallbacks()).isZero();
    assertThat(r.toBuilder().cache(null).build().cache()).isEqualTo("none");
    assertThatThrownBy(() -> RouteInfo.builder().attempts(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("attempts must be >= 0 but was -1");
  }

  @Test
  void chunkChoice_withoutDelta_hasEmptyDelta() {
    ChunkChoice c = ChunkChoice.builder().finishReason(FinishReason.STOP).build();

    assertThat(c.delta()).isEqualTo(Delta.empty());
    assertThat(c.delta().isEmpty()).isTrue();
    assertThat(c.delta().toolCalls()).isEmpty();
  }

  @Test
  void chatChunk_text_isFirstDeltaContent() {
    ChatChunk chunk = ChatChunk.builder().addChoice(ChunkChoice.builder().delta(Delta.ofContent("Hel")).build())
        .build();

    assertThat(chunk.text()).isEqualTo("Hel");
    assertThat(chunk.object()).isEqualTo("chat.completion.chunk");
    assertThat(ChatChunk.builder().usage(Usage.of(1, 2)).build().text()).isNull();
  }

  @Test
  void delta_equalsAndToolCallFragments() {
    Delta a = Delta.builder().role(Role.ASSISTANT)
        .addToolCall(ToolCallDelta.builder().index(0).id("c").type("function").name("f").arguments("").build())
        .build();

    assertThat(a).isEqualTo(a.toBuilder().build()).hasSameHashCodeAs(a.toBuilder().build());
    assertThat(a.toolCalls().get(0).toBuilder().arguments("{").build()).isNotEqualTo(a.toolCalls().get(0));
    assertThatThrownBy(() -> Delta.builder().toolCalls(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void embedding_vector_isDefensivelyCopied() {
    float[] v = {1f, 2f, 3f};
    Embedding e = Embedding.of(0, v);
    v[0] = 9f;
    e.vector()[1] = 9f;

    assertThat(e.vector()).containsExactly(1f, 2f, 3f);
    assertThat(e.dimensions()).isEqualTo(3);
    assertThat(e.get(2)).isEqualTo(3f);
    assertThat(e).isEqualTo(Embedding.of(0, new float[] {1f, 2f, 3f}))
        .hasSameHashCodeAs(Embedding.of(0, new float[] {1f, 2f, 3f}))
        .isNotEqualTo(Embedding.of(1, new float[] {1f, 2f, 3f}));
    assertThat(e.toString()).contains("dimensions=3");
  }

  @Test
  void embeddingRequest_inputAndExtras() {
    EmbeddingRequest r = EmbeddingRequest.builder().model("text-embedding-3-small").input("hello").dimensions(256)
        .extraParameter("x", 1).build();

    assertThat(r.input()).containsExactly("hello");
    assertThat(r.extraParameters()).containsEntry("x", 1L);
    assertThat(r.toBuilder().build()).isEqualTo(r);
    assertThatThrownBy(() -> EmbeddingRequest.builder().input((List<String>) null))
        .isInstanceOf(NullPointerException.class).hasMessage("input");
  }

  @Test
  void modelInfo_valueEquality() {
    ModelInfo m = ModelInfo.builder().id("gpt-4o").created(1).ownedBy("openai").build();

    assertThat(m).isEqualTo(m.toBuilder().build()).hasSameHashCodeAs(m.toBuilder().build());
    assertThat(m.object()).isEqualTo("model");
    assertThat(ModelInfo.of("x").id()).isEqualTo("x");
  }
}

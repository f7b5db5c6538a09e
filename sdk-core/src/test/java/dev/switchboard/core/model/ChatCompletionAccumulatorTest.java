package dev.switchboard.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatCompletionAccumulatorTest {

  private static ChatChunk.Builder chunk() {
    return ChatChunk.builder().id("chatcmpl-1").created(1_700_000_000L).model("gpt-4o").systemFingerprint("fp");
  }

  private static ChatChunk delta(int choice, Delta delta, FinishReason finish) {
    return chunk().addChoice(ChunkChoice.builder().index(choice).delta(delta).finishReason(finish).build()).build();
  }

  @Test
  void build_textStreamWithUsageChunk_assemblesTheWholeAnswer() {
    ChatCompletionAccumulator acc = new ChatCompletionAccumulator()
        .add(delta(0, Delta.builder().role(Role.ASSISTANT).content("").build(), null))
        .add(delta(0, Delta.ofContent("Hel"), null))
        .add(delta(0, Delta.ofContent("lo"), null))
        .add(delta(0, Delta.empty(), FinishReason.STOP))
        .add(chunk().usage(Usage.of(9, 2)).build());

    ChatResponse response = acc.build();

    assertThat(acc.isComplete()).isTrue();
    assertThat(acc.chunkCount()).isEqualTo(5);
    assertThat(response).isEqualTo(ChatResponse.builder().id("chatcmpl-1").created(1_700_000_000L).model("gpt-4o")
        .systemFingerprint("fp").usage(Usage.of(9, 2))
        .addChoice(Choice.builder().index(0).message(Message.assistant("Hello")).finishReason(FinishReason.STOP).build())
        .build());
  }

  @Test
  void build_toolCallFragments_assemblesCallsByIndex() {
    ChatCompletionAccumulator acc = new ChatCompletionAccumulator()
        .add(delta(0, Delta.builder().role(Role.ASSISTANT).addToolCall(ToolCallDelta.builder().index(0).id("call_a")
            .type("function").name("weather").arguments("").build()).build(), null))
        .add(delta(0, Delta.builder().addToolCall(ToolCallDelta.builder().index(1).id("call_b").type("function")
            .name("time").arguments("{}").build()).build(), null))
        .add(delta(0, Delta.builder().addToolCall(ToolCallDelta.builder().index(0).arguments("{\"city\":").build())
            .build(), null))
        .add(delta(0, Delta.builder().addToolCall(ToolCallDelta.builder().index(0).arguments("\"Paris\"}").build())
            .build(), FinishReason.TOOL_CALLS));

    ChatResponse response = acc.build();

    assertThat(response.toolCalls()).containsExactly(
        ToolCall.function("call_a", "weather", "{\"city\":\"Paris\"}"),
        ToolCall.function("call_b", "time", "{}"));
    assertThat(response.choices().get(0).message().content()).isEmpty();
    assertThat(response.choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
  }

  @Test
  void build_severalChoicesInterleaved_keepsThemApartInIndexOrder() {
    ChatCompletionAccumulator acc = new ChatCompletionAccumulator()
        .add(delta(1, Delta.builder().role(Role.ASSISTANT).content("B").build(), null))
        .add(delta(0, Delta.builder().role(Role.ASSISTANT).content("A").build(), null))
        .add(delta(1, Delta.ofContent("2"), FinishReason.LENGTH))
        .add(delta(0, Delta.ofContent("1"), FinishReason.STOP));

    ChatResponse response = acc.build();

    assertThat(response.choices()).extracting(c -> c.message().text()).containsExactly("A1", "B2");
    assertThat(response.choices()).extracting(Choice::finishReason).containsExactly(FinishReason.STOP,
        FinishReason.LENGTH);
  }

  @Test
  void build_refusalExtraFieldsAndLogprobs_areConcatenated() {
    Map<String, Object> lp1 = Map.of("content", List.of(Map.of("token", "a")));
    Map<String, Object> lp2 = Map.of("content", List.of(Map.of("token", "b")));
    ChatCompletionAccumulator acc = new ChatCompletionAccumulator()
        .add(chunk().addChoice(ChunkChoice.builder().delta(Delta.builder().role(Role.ASSISTANT).refusal("I can")
            .extra("reasoning_content", "think").build()).logprobs(lp1).build()).build())
        .add(chunk().addChoice(ChunkChoice.builder().delta(Delta.builder().refusal("not.")
            .extra("reasoning_content", "ing").build()).logprobs(lp2).finishReason(FinishReason.STOP).build()).build());

    Choice choice = acc.build().choices().get(0);

    assertThat(choice.message().refusal()).isEqualTo("I cannot.");
    assertThat(choice.message().extra()).containsEntry("reasoning_content", "thinking");
    assertThat(choice.logprobs()).isEqualTo(Map.of("content", List.of(Map.of("token", "a"), Map.of("token", "b"))));
  }

  @Test
  void isComplete_streamCutOffBeforeFinishReason_isFalse() {
    ChatCompletionAccumulator acc = new ChatCompletionAccumulator()
        .add(delta(0, Delta.builder().role(Role.ASSISTANT).content("Hel").build(), null));

    assertThat(acc.isComplete()).isFalse();
    assertThat(new ChatCompletionAccumulator().isComplete()).isFalse();
    assertThat(new ChatCompletionAccumulator().add(chunk().usage(Usage.of(1, 1)).build()).isComplete()).isFalse();
  }
}

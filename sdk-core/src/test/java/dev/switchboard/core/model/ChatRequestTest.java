package dev.switchboard.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatRequestTest {

  static ChatRequest rich() {
    return ChatRequest.builder()
        .model("gpt-4o")
        .addMessage(Message.system("be brief"))
        .addMessage(Message.user("hi"))
        .temperature(0.2)
        .topP(0.9)
        .maxTokens(100)
        .maxCompletionTokens(200)
        .stop(List.of("\n\n", "END"))
        .seed(42)
        .n(2)
        .presencePenalty(0.5)
        .frequencyPenalty(-0.5)
        .user("u-1")
        .metadata("team", "research")
        .addTool(Tool.function("get_weather", "Weather", Map.of("type", "object")))
        .toolChoice(ToolChoice.function("get_weather"))
        .parallelToolCalls(false)
        .responseFormat(ResponseFormat.jsonObject())
        .extraParameter("logprobs", true)
        .extraParameter("top_logprobs", 3)
        .build();
  }

  @Test
  void builder_unsetFields_areNullOrEmpty() {
    ChatRequest r = ChatRequest.builder().build();

    assertThat(r.model()).isNull();
    assertThat(r.messages()).isEmpty();
    assertThat(r.temperature()).isNull();
    assertThat(r.topP()).isNull();
    assertThat(r.maxTokens()).isNull();
    assertThat(r.maxCompletionTokens()).isNull();
    assertThat(r.stop()).isEmpty();
    assertThat(r.seed()).isNull();
    assertThat(r.n()).isNull();
    assertThat(r.presencePenalty()).isNull();
    assertThat(r.frequencyPenalty()).isNull();
    assertThat(r.user()).isNull();
    assertThat(r.metadata()).isEmpty();
    assertThat(r.tools()).isEmpty();
    assertThat(r.toolChoice()).isNull();
    assertThat(r.parallelToolCalls()).isNull();
    assertThat(r.responseFormat()).isNull();
    assertThat(r.extraParameters()).isEmpty();
  }

  @Test
  void builder_semanticallyInvalidValues_areAcceptedForTheValidator() {
    ChatRequest r = ChatRequest.builder().maxTokens(-1).temperature(9.0).n(0).build();

    assertThat(r.maxTokens()).isEqualTo(-1);
    assertThat(r.temperature()).isEqualTo(9.0);
    assertThat(r.messages()).isEmpty();
  }

  @Test
  void builder_nullCollections_throwNpeNamingTheField() {
    assertThatThrownBy(() -> ChatRequest.builder().messages(null))
        .isInstanceOf(NullPointerException.class).hasMessage("messages");
    assertThatThrownBy(() -> ChatRequest.builder().messages(Arrays.asList(Message.user("a"), null)))
        .isInstanceOf(NullPointerException.class).hasMessage("messages[1] must not be null");
    assertThatThrownBy(() -> ChatRequest.builder().addMessage(null))
        .isInstanceOf(NullPointerException.class).hasMessage("message");
    assertThatThrownBy(() -> ChatRequest.builder().stop((List<String>) null))
        .isInstanceOf(NullPointerException.class).hasMessage("stop");
    assertThatThrownBy(() -> ChatRequest.builder().tools(null))
        .isInstanceOf(NullPointerException.class).hasMessage("tools");
    assertThatThrownBy(() -> ChatRequest.builder().metadata(null))
        .isInstanceOf(NullPointerException.class).hasMessage("metadata");
    assertThatThrownBy(() -> ChatRequest.builder().extraParameters(null))
        .isInstanceOf(NullPointerException.class).hasMessage("extraParameters");
    Map<String, String> withNullValue = new HashMap<>();
    withNullValue.put("k", null);
    assertThatThrownBy(() -> ChatRequest.builder().metadata(withNullValue))
        .isInstanceOf(NullPointerException.class).hasMessage("metadata.k must not be null");
  }

  @Test
  void builder_nullScalars_unsetThem() {
    ChatRequest r = rich().toBuilder().temperature((Double) null).seed((Long) null).toolChoice(null).build();

    assertThat(r.temperature()).isNull();
    assertThat(r.seed()).isNull();
    assertThat(r.toolChoice()).isNull();
  }

  @Test
  void build_copiesCollectionsDefensively() {
    List<Message> messages = new ArrayList<>(List.of(Message.user("a")));
    Map<String, Object> extras = new LinkedHashMap<>();
    List<Object> bias = new ArrayList<>(List.of(1));
    extras.put("bias", bias);
    ChatRequest.Builder builder = ChatRequest.builder().messages(messages).extraParameters(extras);
    ChatRequest r = builder.build();
    messages.add(Message.user("b"));
    extras.put("other", 1);
    bias.add(2);
    builder.addMessage(Message.user("c"));

    assertThat(r.messages()).hasSize(1);
    assertThat(r.extraParameters()).isEqualTo(Map.of("bias", List.of(1L)));
    assertThatThrownBy(() -> r.messages().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> r.stop().add("x")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> r.metadata().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> r.extraParameters().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void extraParameter_nonJsonValue_failsAtBuild() {
    ChatRequest.Builder b = ChatRequest.builder().extraParameter("when", new Object());

    assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Object");
  }

  @Test
  void toBuilder_build_isEqual() {
    ChatRequest r = rich();

    assertThat(r.toBuilder().build()).isEqualTo(r).hasSameHashCodeAs(r);
  }

  @Test
  void equals_differentField_isNotEqual() {
    ChatRequest r = rich();

    assertThat(r.toBuilder().model("other").build()).isNotEqualTo(r);
    assertThat(r.toBuilder().extraParameter("logprobs", false).build()).isNotEqualTo(r);
    assertThat(r.toBuilder().stop("x").build()).isNotEqualTo(r);
    assertThat(r).isNotEqualTo(null).isNotEqualTo("x");
  }

  @Test
  void stopString_becomesSingleElementList() {
    assertThat(ChatRequest.builder().stop("END").build().stop()).containsExactly("END");
  }

  @Test
  void toString_leavesOutUnsetFields() {
    String s = ChatRequest.builder().model("gpt-4o").addMessage(Message.user("hi")).build().toString();

    assertThat(s).startsWith("ChatRequest{model=gpt-4o, messages=[Message{role=user, content=\"hi\"}]")
        .doesNotContain("temperature").doesNotContain("null");
  }

  @Test
  void metadata_keepsInsertionOrder() {
    ChatRequest r = ChatRequest.builder().metadata("b", "1").metadata("a", "2").build();

    assertThat(r.metadata().keySet()).containsExactly("b", "a");
  }
}

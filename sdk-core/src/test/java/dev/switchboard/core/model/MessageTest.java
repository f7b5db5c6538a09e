package dev.switchboard.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageTest {

  @Test
  void factories_setRoleAndContent() {
    assertThat(Message.system("s").role()).isEqualTo(Role.SYSTEM);
    assertThat(Message.developer("d").role()).isEqualTo(Role.DEVELOPER);
    assertThat(Message.user("hi").content()).containsExactly(ContentPart.text("hi"));
    assertThat(Message.assistant("ok").text()).isEqualTo("ok");
    Message tool = Message.tool("call_1", "{\"temp\":20}");
    assertThat(tool.role()).isEqualTo(Role.TOOL);
    assertThat(tool.toolCallId()).isEqualTo("call_1");
    assertThat(tool.text()).isEqualTo("{\"temp\":20}");
  }

  @Test
  void assistantWithToolCalls_hasEmptyContentAndNullText() {
    Message m = Message.assistant(List.of(ToolCall.function("call_1", "f", "{}")));

    assertThat(m.content()).isEmpty();
    assertThat(m.text()).isNull();
    assertThat(m.toolCalls()).extracting(ToolCall::name).containsExactly("f");
  }

  @Test
  void text_severalParts_concatenatesTextPartsOnly() {
    Message m = Message.user(List.of(ContentPart.text("a"), ContentPart.imageUrl("https://x/y.png"),
        ContentPart.text("b")));

    assertThat(m.text()).isEqualTo("ab");
  }

  @Test
  void text_noTextPart_isNull() {
    assertThat(Message.user(List.of(ContentPart.imageUrl("https://x/y.png"))).text()).isNull();
  }

  @Test
  void build_withoutRole_throwsNpeNamingRole() {
    assertThatThrownBy(() -> Message.builder().content("x").build())
        .isInstanceOf(NullPointerException.class).hasMessage("role");
  }

  @Test
  void content_nullListOrElement_throwsNpeNamingField() {
    assertThatThrownBy(() -> Message.builder().content((List<ContentPart>) null))
        .isInstanceOf(NullPointerException.class).hasMessage("content");
    assertThatThrownBy(() -> Message.builder().content(Arrays.asList(ContentPart.text("a"), null)))
        .isInstanceOf(NullPointerException.class).hasMessage("content[1] must not be null");
    assertThatThrownBy(() -> Message.builder().toolCalls(null))
        .isInstanceOf(NullPointerException.class).hasMessage("toolCalls");
  }

  @Test
  void builder_nullTextContent_givesEmptyContent() {
    Message m = Message.builder().role(Role.ASSISTANT).content((String) null).build();

    assertThat(m.content()).isEmpty();
    assertThat(m.toolCalls()).isEmpty();
    assertThat(m.extra()).isEmpty();
  }

  @Test
  void build_copiesListsDefensively() {
    List<ContentPart> parts = new ArrayList<>(List.of(ContentPart.text("a")));
    Message m = Message.builder().role("user").content(parts).build();
    parts.add(ContentPart.text("b"));

    assertThat(m.content()).hasSize(1);
    assertThatThrownBy(() -> m.content().add(ContentPart.text("c")))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void equalsAndHashCode_sameFields_areEqual() {
    Message a = Message.builder().role(Role.USER).content("hi").name("bob").extra("x", Map.of("y", 1)).build();
    Message b = Message.builder().role(Role.of("user")).content("hi").name("bob").extra("x", Map.of("y", 1L)).build();

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(a.toBuilder().name("alice").build());
    assertThat(a.toBuilder().build()).isEqualTo(a);
  }

  @Test
  void toString_longText_isCut() {
    String text = "x".repeat(500);

    assertThat(Message.user(text).toString()).contains("role=user").contains("(500 chars)").hasSizeLessThan(200);
  }

  @Test
  void contentPartRaw_takesTypeFromMap() {
    ContentPart raw = ContentPart.raw(Map.of("type", "input_audio", "input_audio", Map.of("data", "AAA",
        "format", "wav")));

    assertThat(raw.type()).isEqualTo("input_audio");
    assertThat(raw.isRaw()).isTrue();
    assertThat(raw.isText()).isFalse();
    assertThat(raw.raw()).containsKey("input_audio");
    assertThat(ContentPart.text("t").raw()).isNull();
    assertThatThrownBy(() -> ContentPart.raw(Map.of("data", 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"type\"");
  }

  @Test
  void contentPartImage_keepsUrlAndDetail() {
    ContentPart image = ContentPart.imageUrl("https://x/y.png", "low");

    assertThat(image.type()).isEqualTo("image_url");
    assertThat(image.isImage()).isTrue();
    assertThat(image.imageUrl()).isEqualTo("https://x/y.png");
    assertThat(image.imageDetail()).isEqualTo("low");
    assertThat(image.text()).isNull();
    assertThat(image).isEqualTo(ContentPart.imageUrl("https://x/y.png", "low"))
        .isNotEqualTo(ContentPart.imageUrl("https://x/y.png"));
  }

  @Test
  void toolCall_defaultsTypeToFunction() {
    ToolCall call = ToolCall.builder().id("c").name("n").arguments("{}").type(null).build();

    assertThat(call.type()).isEqualTo("function");
    assertThat(call).isEqualTo(ToolCall.function("c", "n", "{}")).hasSameHashCodeAs(ToolCall.function("c", "n", "{}"));
  }

  @Test
  void tool_requiresNameAndCopiesParameters() {
    assertThatThrownBy(() -> Tool.builder().build()).isInstanceOf(NullPointerException.class).hasMessage("name");
    Map<String, Object> params = new java.util.HashMap<>(Map.of("type", "object"));
    Tool tool = Tool.function("f", "does f", params);
    params.put("x", 1);

    assertThat(tool.type()).isEqualTo("function");
    assertThat(tool.parameters()).containsOnlyKeys("type");
    assertThat(tool.toBuilder().build()).isEqualTo(tool);
    assertThat(Tool.function("g", null, null).parameters()).isNull();
  }
}

package dev.switchboard.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OpenValuesTest {

  @Test
  void roleOf_knownValue_returnsConstant() {
    assertThat(Role.of("user")).isSameAs(Role.USER);
    assertThat(Role.of("system")).isSameAs(Role.SYSTEM);
    assertThat(Role.of("developer")).isSameAs(Role.DEVELOPER);
    assertThat(Role.of("assistant")).isSameAs(Role.ASSISTANT);
    assertThat(Role.of("tool")).isSameAs(Role.TOOL);
  }

  @Test
  void roleOf_unknownValue_isCarriedThroughWithValueEquality() {
    Role critic = Role.of("critic");

    assertThat(critic.value()).isEqualTo("critic");
    assertThat(critic.toString()).isEqualTo("critic");
    assertThat(critic).isEqualTo(Role.of("critic")).hasSameHashCodeAs(Role.of("critic"));
    assertThat(critic).isNotEqualTo(Role.USER);
  }

  @Test
  void roleOf_null_throwsNpeNamingRole() {
    assertThatThrownBy(() -> Role.of(null)).isInstanceOf(NullPointerException.class).hasMessage("role");
  }

  @Test
  void finishReasonOf_knownValue_returnsConstant() {
    assertThat(FinishReason.of("stop")).isSameAs(FinishReason.STOP);
    assertThat(FinishReason.of("length")).isSameAs(FinishReason.LENGTH);
    assertThat(FinishReason.of("tool_calls")).isSameAs(FinishReason.TOOL_CALLS);
    assertThat(FinishReason.of("content_filter")).isSameAs(FinishReason.CONTENT_FILTER);
    assertThat(FinishReason.of("function_call")).isSameAs(FinishReason.FUNCTION_CALL);
  }

  @Test
  void finishReasonOf_unknownValue_isCarriedThroughWithValueEquality() {
    FinishReason pause = FinishReason.of("pause_turn");

    assertThat(pause.value()).isEqualTo("pause_turn");
    assertThat(pause).isEqualTo(FinishReason.of("pause_turn")).hasSameHashCodeAs(FinishReason.of("pause_turn"));
    assertThat(pause).isNotEqualTo(FinishReason.STOP);
    assertThat(pause).hasToString("pause_turn");
  }

  @Test
  void toolChoice_factories_haveModesAndValueEquality() {
    assertThat(ToolChoice.auto().mode()).isEqualTo("auto");
    assertThat(ToolChoice.none().mode()).isEqualTo("none");
    assertThat(ToolChoice.required().mode()).isEqualTo("required");
    assertThat(ToolChoice.auto().functionName()).isNull();
    ToolChoice f = ToolChoice.function("get_weather");
    assertThat(f.mode()).isEqualTo("function");
    assertThat(f.functionName()).isEqualTo("get_weather");
    assertThat(f).isEqualTo(ToolChoice.function("get_weather")).hasSameHashCodeAs(ToolChoice.function("get_weather"));
    assertThat(f).isNotEqualTo(ToolChoice.function("other")).hasToString("function(get_weather)");
    assertThatThrownBy(() -> ToolChoice.function(null)).isInstanceOf(NullPointerException.class).hasMessage("name");
  }

  @Test
  void responseFormat_factories_setTypeAndSchema() {
    assertThat(ResponseFormat.text().type()).isEqualTo("text");
    assertThat(ResponseFormat.jsonObject().type()).isEqualTo("json_object");
    ResponseFormat schema = ResponseFormat.jsonSchema("answer", java.util.Map.of("type", "object"), true);
    assertThat(schema.type()).isEqualTo("json_schema");
    assertThat(schema.name()).isEqualTo("answer");
    assertThat(schema.schema()).containsEntry("type", "object");
    assertThat(schema.strict()).isTrue();
    assertThat(schema.toBuilder().description("d").build().description()).isEqualTo("d");
    assertThat(ResponseFormat.builder().type("text").build()).isEqualTo(ResponseFormat.text());
  }
}

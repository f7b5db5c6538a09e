package dev.switchboard.core.internal.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ResponseFormat;
import dev.switchboard.core.model.Tool;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolChoice;
import dev.switchboard.core.wire.OpenAiJson;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CacheKeysTest {

  private static final Map<String, Object> SCHEMA = Map.of("type", "object",
      "properties", Map.of("city", Map.of("type", "string")), "required", List.of("city"));

  /** A request that sets every field, so that each variation below changes exactly one. */
  private static ChatRequest base() {
    return ChatRequest.builder()
        .model("g")
        .addMessage(Message.system("be brief"))
        .addMessage(Message.user("weather in Paris?"))
        .addMessage(Message.assistant(List.of(ToolCall.function("call_1", "weather", "{\"city\":\"Paris\"}"))))
        .addMessage(Message.tool("call_1", "sunny"))
        .temperature(0.0).topP(1.0).maxTokens(100).maxCompletionTokens(200).stop(List.of("END")).seed(7L).n(1)
        .presencePenalty(0.0).frequencyPenalty(0.0)
        .addTool(Tool.function("weather", "Gets the weather", SCHEMA))
        .toolChoice(ToolChoice.auto()).parallelToolCalls(true)
        .responseFormat(ResponseFormat.text())
        .extraParameter("logit_bias", Map.of("50256", -100))
        .user("u1").metadata("k", "v")
        .build();
  }

  private static String key(ChatRequest r) {
    return CacheKeys.key(r);
  }

  @Test
  void key_anyRequest_isPrefixedVersionedHexSha256() {
    assertThat(key(base())).startsWith("sb:cache:v1:").hasSize("sb:cache:v1:".length() + 64)
        .matches("sb:cache:v1:[0-9a-f]{64}");
  }

  @Test
  void key_sameRequestTwice_isStable() {
    assertThat(key(base())).isEqualTo(key(base()));
  }

  @Test
  void key_sameRequestInDifferentJsonFieldOrders_isEqual() {
    String a = "{\"model\":\"g\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
        + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":"
        + "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},\"b\":{\"type\":\"number\"}}}}}],"
        + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"s\",\"schema\":{\"x\":1,\"y\":[1,2]}}},"
        + "\"logit_bias\":{\"1\":5,\"2\":-5},\"seed\":3}";
    String b = "{\"seed\":3,\"logit_bias\":{\"2\":-5,\"1\":5},"
        + "\"response_format\":{\"json_schema\":{\"schema\":{\"y\":[1,2],\"x\":1.0},\"name\":\"s\"},\"type\":\"json_schema\"},"
        + "\"tools\":[{\"function\":{\"parameters\":"
        + "{\"properties\":{\"b\":{\"type\":\"number\"},\"a\":{\"type\":\"string\"}},\"type\":\"object\"},\"name\":\"f\"},\"type\":\"function\"}],"
        + "\"messages\":[{\"content\":\"hi\",\"role\":\"user\"}],\"temperature\":0.0,\"model\":\"g\"}";

    ChatRequest first = OpenAiJson.readChatRequest(a.getBytes(StandardCharsets.UTF_8));
    ChatRequest second = OpenAiJson.readChatRequest(b.getBytes(StandardCharsets.UTF_8));

    assertThat(key(first)).isEqualTo(key(second));
  }

  @Test
  void key_stringContentOrOneTextPart_isEqual() {
    ChatRequest asString = OpenAiJson.readChatRequest(
        "{\"model\":\"g\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes(StandardCharsets.UTF_8));
    ChatRequest asParts = OpenAiJson.readChatRequest(
        "{\"model\":\"g\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}"
            .getBytes(StandardCharsets.UTF_8));

    assertThat(key(asString)).isEqualTo(key(asParts));
  }

  static Stream<Arguments> changesThatChangeTheAnswer() {
    return Stream.<Map.Entry<String, UnaryOperator<ChatRequest.Builder>>>of(
        Map.entry("model", b -> b.model("other")),
        Map.entry("message text", b -> b.messages(List.of(Message.system("be brief"), Message.user("weather in Rome?")))),
        Map.entry("message role", b -> b.messages(List.of(Message.developer("be brief"), Message.user("weather in Paris?")))),
        Map.entry("message name", b -> b.addMessage(Message.builder().role("user").content("x").name("bob").build())),
        Map.entry("image part", b -> b.addMessage(Message.user(List.of(ContentPart.imageUrl("https://x/y.png"))))),
        Map.entry("image detail", b -> b.addMessage(Message.user(List.of(ContentPart.imageUrl("https://x/y.png", "low"))))),
        Map.entry("message order", b -> b.messages(List.of(Message.user("weather in Paris?"), Message.system("be brief")))),
        Map.entry("temperature", b -> b.temperature(0.7)),
        Map.entry("temperature unset", b -> b.temperature((Double) null)),
        Map.entry("top_p", b -> b.topP(0.9)),
        Map.entry("max_tokens", b -> b.maxTokens(101)),
        Map.entry("max_completion_tokens", b -> b.maxCompletionTokens(201)),
        Map.entry("stop", b -> b.stop(List.of("STOP"))),
        Map.entry("stop unset", b -> b.stop(List.of())),
        Map.entry("seed", b -> b.seed(8L)),
        Map.entry("n", b -> b.n(2)),
        Map.entry("presence_penalty", b -> b.presencePenalty(0.5)),
        Map.entry("frequency_penalty", b -> b.frequencyPenalty(0.5)),
        Map.entry("tool description", b -> b.tools(List.of(Tool.function("weather", "Weather now", SCHEMA)))),
        Map.entry("tool schema", b -> b.tools(List.of(Tool.function("weather", "Gets the weather",
            Map.of("type", "object"))))),
        Map.entry("no tools", b -> b.tools(List.of())),
        Map.entry("tool_choice", b -> b.toolChoice(ToolChoice.function("weather"))),
        Map.entry("parallel_tool_calls", b -> b.parallelToolCalls(false)),
        Map.entry("response_format", b -> b.responseFormat(ResponseFormat.jsonObject())),
        Map.entry("response_format schema", b -> b.responseFormat(ResponseFormat.jsonSchema("s", SCHEMA, true))),
        Map.entry("logit_bias", b -> b.extraParameter("logit_bias", Map.of("50256", -99))),
        Map.entry("reasoning_effort", b -> b.extraParameter("reasoning_effort", "high")),
        Map.entry("logprobs", b -> b.extraParameter("logprobs", true)))
        .map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("changesThatChangeTheAnswer")
  void key_fieldThatChangesTheAnswerDiffers_keyDiffers(String field, UnaryOperator<ChatRequest.Builder> change) {
    ChatRequest changed = change.apply(base().toBuilder()).build();

    assertThat(changed).isNotEqualTo(base());
    assertThat(key(changed)).as(field).isNotEqualTo(key(base()));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"user", "metadata", "store", "service_tier", "safety_identifier", "prompt_cache_key",
      "stream", "stream_options", "prompt_cache_retention"})
  void key_fieldThatDoesNotChangeTheAnswerDiffers_keyIsEqual(String field) {
    ChatRequest changed;
    if (field.equals("user")) {
      changed = base().toBuilder().user("someone else").build();
    } else if (field.equals("metadata")) {
      changed = base().toBuilder().metadata(Map.of("trace", "123")).build();
    } else {
      changed = base().toBuilder().extraParameter(field, "x").build();
    }

    assertThat(key(changed)).isEqualTo(key(base()));
  }

  @Test
  void key_numbersOfEqualValueInFreeFormJson_areEqual() {
    ChatRequest asLong = base().toBuilder().extraParameter("x", Map.of("v", 100L)).build();
    ChatRequest asDouble = base().toBuilder().extraParameter("x", Map.of("v", 100.0)).build();
    ChatRequest asDecimal = base().toBuilder().extraParameter("x", Map.of("v", new BigDecimal("1.00E+2"))).build();
    ChatRequest other = base().toBuilder().extraParameter("x", Map.of("v", 100.5)).build();

    assertThat(key(asLong)).isEqualTo(key(asDouble)).isEqualTo(key(asDecimal)).isNotEqualTo(key(other));
  }

  @Test
  void key_stringsThatWouldCollideWhenConcatenated_differ() {
    ChatRequest ab = ChatRequest.builder().model("g").addMessage(Message.user("ab")).addMessage(Message.user("c")).build();
    ChatRequest a = ChatRequest.builder().model("g").addMessage(Message.user("a")).addMessage(Message.user("bc")).build();
    ChatRequest unicode = ChatRequest.builder().model("g").addMessage(Message.user("caf\u00e9 \ud83d\ude00")).build();
    ChatRequest plain = ChatRequest.builder().model("g").addMessage(Message.user("cafe \ud83d\ude00")).build();

    assertThat(key(ab)).isNotEqualTo(key(a));
    assertThat(key(unicode)).isNotEqualTo(key(plain));
  }

  @Test
  void key_nullVersusEmptyExtraValue_differ() {
    ChatRequest withNull = base().toBuilder().extraParameter("x", null).build();
    ChatRequest withEmpty = base().toBuilder().extraParameter("x", "").build();

    assertThat(key(withNull)).isNotEqualTo(key(withEmpty)).isNotEqualTo(key(base()));
  }
}

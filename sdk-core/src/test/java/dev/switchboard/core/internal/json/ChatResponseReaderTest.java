package dev.switchboard.core.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.error.UpstreamException;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.RouteInfo;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.wire.OpenAiJson;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The token reader of a {@code chat.completion} against the tree reading it replaced (kept below):
 * the same response for every well-formed body, the same error message for every malformed one;
 * and when a body is kept to be forwarded verbatim. Both use OpenAiJson's own message reader.
 */
class ChatResponseReaderTest {

  static final String OPENAI = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1700000000,"
      + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
      + "\"content\":\"Paris.\",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
      + "\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":2,\"total_tokens\":21,\"prompt_tokens_details\":"
      + "{\"cached_tokens\":0,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,"
      + "\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},"
      + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_1\"}";
  static final String TOOL_CALLS = "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
      + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,\"refusal\":null,"
      + "\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
      + "\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},\"logprobs\":null,\"finish_reason\":\"tool_calls\"}],"
      + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7,\"total_tokens\":12}}";

  private static final Function<JsonFields, Message> MESSAGES = messageReader();

  static Stream<String> wellFormed() {
    return Stream.of(
        OPENAI,
        TOOL_CALLS,
        // two choices, logprobs, an extra message field
        "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
            + "\"message\":{\"role\":\"assistant\",\"content\":\"a\",\"refusal\":null,\"audio\":{\"id\":\"x\"}},"
            + "\"logprobs\":{\"content\":[]},\"finish_reason\":\"length\"},{\"index\":1,\"message\":{\"role\":"
            + "\"assistant\",\"content\":\"b\",\"refusal\":null},\"finish_reason\":\"stop\"}]}",
        // compatible servers: no role, arguments as an object, content as parts, usage in an extension
        "{\"choices\":[{\"message\":{\"content\":\"hi\"}}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}",
        "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"t\",\"type\":\"function\","
            + "\"function\":{\"name\":\"f\",\"arguments\":{\"a\":1}}}]},\"finish_reason\":\"tool_calls\"}]}",
        "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":[{\"type\":\"text\","
            + "\"text\":\"x\"}]}}],\"x_groq\":{\"id\":\"r\"}}",
        "{\"choices\":[{\"message\":null,\"finish_reason\":null},{}],\"usage\":null,\"created\":1.0E9}",
        "{\"created\":1e-400,\"choices\":[{\"index\":3,\"message\":{\"role\":\"critic\",\"content\":\"é😀\"},"
            + "\"finish_reason\":\"\"}]}",
        "{\"usage\":{\"prompt_tokens_details\":null,\"completion_tokens_details\":{},\"cache_creation_input_tokens\":4}}",
        "{}", " {\"choices\":null} \n");
  }

  static Stream<String> malformed() {
    return Stream.of(
        "", "[]", "[1,", "null", "{", "{}{}", "{\"id\":1}", "{\"created\":\"x\"}", "{\"created\":2.5}",
        "{\"created\":99999999999999999999}", "{\"model\":{}}", "{\"service_tier\":[]}", "{\"system_fingerprint\":0}",
        "{\"choices\":{}}", "{\"choices\":[null]}", "{\"choices\":[{\"index\":\"0\"}]}",
        "{\"choices\":[{\"index\":3000000000}]}", "{\"choices\":[{\"message\":\"hi\"}]}",
        "{\"choices\":[{},{\"message\":{\"role\":1}}]}", "{\"choices\":[{\"message\":{\"content\":5}}]}",
        "{\"choices\":[{\"message\":{\"tool_calls\":{}}}]}", "{\"choices\":[{\"finish_reason\":[]}]}",
        "{\"choices\":[{\"logprobs\":\"x\"}]}", "{\"usage\":1}", "{\"usage\":{\"total_tokens\":\"1\"}}",
        "{\"usage\":{\"prompt_tokens_details\":[]}}", "{\"usage\":{\"completion_tokens_details\":{\"reasoning_tokens\":true}}}");
  }

  @ParameterizedTest
  @MethodSource("wellFormed")
  void wellFormedBody_readsAsTheTreeReadsIt(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);

    ChatResponse response = ChatResponseReader.read(bytes, MESSAGES);

    assertThat(response).isEqualTo(TreeReader.read(bytes));
    assertThat(OpenAiJson.readChatResponse(bytes)).isEqualTo(response);
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void malformedBody_failsAsTheTreeFails(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    SwitchboardException expected = catchThrowableOfType(SwitchboardException.class, () -> TreeReader.read(bytes));
    assertThat(expected).as("the reference reader accepts %s", json).isNotNull();

    assertThatThrownBy(() -> ChatResponseReader.read(bytes, MESSAGES))
        .isInstanceOf(UpstreamException.class)
        .hasMessage(expected.getMessage());
  }

  @Test
  void openAiBodies_keepTheirText() {
    for (String json : List.of(OPENAI, TOOL_CALLS, wellFormed().toList().get(2))) {
      byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
      assertThat(SourceText.of(ChatResponseReader.read(bytes, MESSAGES))).as(json).isSameAs(bytes);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[]}",
      "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[]}",
      "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1.0,\"model\":\"m\",\"choices\":[]}",
      "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"choices\":[]}",
      "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\"}",
      "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"message\":"
          + "{\"role\":\"assistant\",\"content\":\"a\",\"refusal\":null},\"finish_reason\":\"stop\"}]}",
      "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
          + "\"message\":null,\"finish_reason\":\"stop\"}]}",
      "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
          + "\"message\":{\"role\":\"assistant\",\"content\":\"a\",\"refusal\":null}}]}",
      "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
          + "\"message\":{\"content\":\"a\",\"refusal\":null},\"finish_reason\":\"stop\"}]}",
      "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
          + "\"message\":{\"role\":\"assistant\",\"refusal\":null},\"finish_reason\":\"stop\"}]}",
      "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
          + "\"message\":{\"role\":\"assistant\",\"content\":\"a\"},\"finish_reason\":\"stop\"}]}",
      "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
          + "\"message\":{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"a\"}],\"refusal\":null},"
          + "\"finish_reason\":\"stop\"}]}",
      "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
          + "\"message\":{\"role\":\"assistant\",\"content\":null,\"refusal\":null,\"tool_calls\":[{\"type\":\"function\","
          + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},\"finish_reason\":\"tool_calls\"}]}",
      "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
          + "\"message\":{\"role\":\"assistant\",\"content\":null,\"refusal\":null,\"tool_calls\":[{\"id\":\"t\","
          + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":{}}}]},\"finish_reason\":\"tool_calls\"}]}",
      "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[],"
          + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}"})
  void bodyNotInTheWrittenForm_isNotKept(String json) {
    ChatResponse response = ChatResponseReader.read(json.getBytes(StandardCharsets.UTF_8), MESSAGES);

    assertThat(SourceText.of(response)).isNull();
    assertThat(OpenAiJson.readChatResponse(OpenAiJson.writeChatResponse(response))).isEqualTo(response);
  }

  @Test
  void keptText_isWrittenAsItCame_untilAWrittenFieldChanges() {
    byte[] bytes = OPENAI.getBytes(StandardCharsets.UTF_8);
    ChatResponse response = OpenAiJson.readChatResponse(bytes);
    RouteInfo route = RouteInfo.builder().deployment("d").provider("openai").upstreamModel("m").group("g").build();

    assertThat(OpenAiJson.writeChatResponse(response)).isEqualTo(bytes).isNotSameAs(bytes);
    ChatResponse routed = response.toBuilder().route(route).build();
    assertThat(OpenAiJson.writeChatResponse(routed)).isEqualTo(bytes);

    List<UnaryOperator<ChatResponse.Builder>> changes = List.of(
        b -> b.id("other"), b -> b.created(2), b -> b.model("other"), b -> b.usage(Usage.of(1, 2)),
        b -> b.usage(null), b -> b.systemFingerprint(null), b -> b.serviceTier("flex"), b -> b.choices(List.of()),
        b -> b.addChoice(Choice.builder().index(1).message(Message.assistant("x")).finishReason(FinishReason.STOP)
            .build()));
    for (UnaryOperator<ChatResponse.Builder> change : changes) {
      ChatResponse changed = change.apply(routed.toBuilder()).build();
      assertThat(SourceText.of(changed)).isNull();
      assertThat(OpenAiJson.readChatResponse(OpenAiJson.writeChatResponse(changed)))
          .isEqualTo(changed.toBuilder().route(null).build());
    }
  }

  private static Function<JsonFields, Message> messageReader() {
    try {
      Method read = OpenAiJson.class.getDeclaredMethod("readMessage", JsonFields.class);
      read.setAccessible(true);
      return fields -> {
        try {
          return (Message) read.invoke(null, fields);
        } catch (InvocationTargetException e) {
          throw (RuntimeException) e.getCause();
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      };
    } catch (NoSuchMethodException e) {
      throw new AssertionError(e);
    }
  }

  /** The tree reading of a chat completion as it was before the token reader: the reference. */
  static final class TreeReader {

    static ChatResponse read(byte[] json) {
      Problems problems = Problems.RESPONSE;
      JsonFields f = new JsonFields(PlainJson.parseObject(json, problems, "the response body"), "", problems);
      try {
        ChatResponse.Builder b = ChatResponse.builder()
            .id(f.string("id"))
            .created(orZero(f.longValue("created")))
            .model(f.string("model"))
            .usage(OpenAiUsage.read(f.object("usage")))
            .systemFingerprint(f.string("system_fingerprint"))
            .serviceTier(f.string("service_tier"));
        List<Object> choices = f.array("choices");
        if (choices != null) {
          for (int i = 0; i < choices.size(); i++) {
            JsonFields c = f.element("choices", choices, i);
            JsonFields message = c.object("message");
            String reason = c.string("finish_reason");
            b.addChoice(Choice.builder()
                .index(c.integer("index", i))
                .message(message == null ? Message.builder().role(Role.ASSISTANT).build() : MESSAGES.apply(message))
                .finishReason(reason == null ? null : FinishReason.of(reason))
                .logprobs(c.rawObject("logprobs"))
                .build());
          }
        }
        return b.build();
      } catch (IllegalArgumentException | ArithmeticException e) {
        throw problems.fail(e.getMessage(), null, Problems.INVALID_VALUE);
      }
    }

    private static long orZero(Long value) {
      return value == null ? 0 : value;
    }
  }
}

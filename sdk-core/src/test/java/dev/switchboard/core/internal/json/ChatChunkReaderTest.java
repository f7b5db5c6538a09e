package dev.switchboard.core.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.error.UpstreamException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.Delta;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.RouteInfo;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.ToolCallDelta;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.wire.OpenAiJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The token reader against the tree reading it replaced (kept below as {@link TreeReader}): the
 * same chunk for every well-formed text, the same error message for every malformed one; and when
 * a text is kept to be forwarded verbatim.
 */
class ChatChunkReaderTest {

  static final String CONTENT = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
      + "\"model\":\"gpt-4o-mini\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,"
      + "\"delta\":{\"content\":\" Paris\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"x1\"}";

  static Stream<String> wellFormed() {
    return Stream.of(
        CONTENT,
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}]}",
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
            + "\"delta\":{},\"logprobs\":{\"content\":[{\"token\":\"a\",\"logprob\":-0.5,\"bytes\":[97]}]},"
            + "\"finish_reason\":\"stop\"}]}",
        // tool calls, the first fragment and a later one
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_1\","
            + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}",
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\"{\\\"city\\\"\"}},"
            + "{\"function\":null}]},\"finish_reason\":null}]}",
        // arguments as an object (some compatible servers)
        "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"name\":\"f\",\"arguments\":{\"a\":[1,2.5]}}}]}}]}",
        // usage-only last chunk, with details
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],"
            + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":12,\"total_tokens\":21,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":3,\"audio_tokens\":0},"
            + "\"completion_tokens_details\":{\"reasoning_tokens\":4,\"accepted_prediction_tokens\":0}}}",
        "{\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":12,\"cache_creation_input_tokens\":5,"
            + "\"prompt_tokens_details\":null,\"completion_tokens_details\":{}}}",
        // Groq puts usage in x_groq, vLLM adds fields to the delta and stop_reason to the choice
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
            + "\"delta\":{},\"finish_reason\":\"stop\"}],\"x_groq\":{\"id\":\"req_1\",\"usage\":{\"prompt_tokens\":1}}}",
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"reasoning_content\":\"hm\",\"nested\":{\"a\":[true,null]}},\"stop_reason\":null,"
            + "\"finish_reason\":null}]}",
        // Azure's prompt filter annotation and a content filter result
        "{\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\",\"prompt_filter_results\":"
            + "[{\"prompt_index\":0,\"content_filter_results\":{\"hate\":{\"filtered\":false,\"severity\":\"safe\"}}}]}",
        "{\"choices\":[{\"content_filter_offsets\":{\"check_offset\":0},\"content_filter_results\":{},"
            + "\"finish_reason\":null,\"index\":0}],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\"}",
        // defaults and conversions
        "{}",
        "{\"choices\":null,\"usage\":null,\"id\":null,\"created\":null}",
        "{\"choices\":[{},{\"index\":null,\"delta\":null,\"finish_reason\":null,\"logprobs\":null}]}",
        "{\"created\":1.7E9,\"choices\":[{\"index\":0.0,\"delta\":{\"content\":\"é ünïcödé 😀\"}}]}",
        "{\"created\":1e-400,\"choices\":[{\"index\":2,\"finish_reason\":\"my_reason\",\"delta\":{\"role\":\"critic\"}}]}",
        "{\"object\":\"chat.completion.chunk\",\"object\":{\"a\":1},\"unknown\":[1,{\"b\":[]}],\"usage\":{\"other\":{}}}",
        "{\"choices\":[{\"finish_reason\":\"\",\"delta\":{\"role\":\" \"}}]}",
        "  {\"id\":\"c\"}  \n");
  }

  static Stream<String> malformed() {
    return Stream.of(
        "", " ", "[DONE]", "[]", "null", "\"chunk\"", "{", "{\"choices\":[", "{} {}", "{}x",
        "{\"id\":1}", "{\"id\":{}}", "{\"created\":\"now\"}", "{\"created\":1.5}", "{\"created\":1e400}",
        "{\"created\":123456789012345678901234567890}", "{\"model\":[]}", "{\"system_fingerprint\":true}",
        "{\"service_tier\":2}", "{\"choices\":{}}", "{\"choices\":\"x\"}", "{\"choices\":[1]}", "{\"choices\":[{},[]]}",
        "{\"choices\":[{\"index\":\"0\"}]}", "{\"choices\":[{\"index\":4294967296}]}", "{\"choices\":[{\"delta\":[]}]}",
        "{\"choices\":[{\"finish_reason\":1}]}",
        "{\"choices\":[{\"logprobs\":[]}]}", "{\"choices\":[{\"delta\":{\"role\":5}}]}",
        "{\"choices\":[{\"delta\":{\"content\":[]}}]}",
        "{\"choices\":[{\"delta\":{\"refusal\":false}}]}", "{\"choices\":[{\"delta\":{\"tool_calls\":{}}}]}",
        "{\"choices\":[{\"delta\":{\"tool_calls\":[\"x\"]}}]}",
        "{\"choices\":[{},{\"delta\":{\"tool_calls\":[{},{\"index\":\"1\"}]}}]}",
        "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"id\":1}]}}]}",
        "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"type\":[]}]}}]}",
        "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":\"f\"}]}}]}",
        "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":{\"name\":1}}]}}]}",
        "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":{\"arguments\":[1]}}]}}]}",
        "{\"usage\":[]}", "{\"usage\":{\"prompt_tokens\":\"1\"}}", "{\"usage\":{\"completion_tokens\":-1}}",
        "{\"usage\":{\"total_tokens\":1.5}}", "{\"usage\":{\"cache_creation_input_tokens\":true}}",
        "{\"usage\":{\"prompt_tokens_details\":1}}", "{\"usage\":{\"prompt_tokens_details\":{\"cached_tokens\":\"2\"}}}",
        "{\"usage\":{\"completion_tokens_details\":[]}}",
        "{\"usage\":{\"completion_tokens_details\":{\"reasoning_tokens\":99999999999}}}");
  }

  @ParameterizedTest
  @MethodSource("wellFormed")
  void wellFormedText_readsAsTheTreeReadsIt(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);

    ChatChunk chunk = ChatChunkReader.read(bytes);

    assertThat(chunk).isEqualTo(TreeReader.read(bytes));
    assertThat(chunk.toString()).isEqualTo(TreeReader.read(bytes).toString());
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void malformedText_failsAsTheTreeFails(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    SwitchboardException expected = catchThrowableOfType(SwitchboardException.class, () -> TreeReader.read(bytes));
    assertThat(expected).as("the reference reader accepts %s", json).isNotNull();

    assertThatThrownBy(() -> ChatChunkReader.read(bytes))
        .isInstanceOf(UpstreamException.class)
        .hasMessage(expected.getMessage());
  }

  @Test
  void openAiChunks_keepTheirText() {
    for (String json : List.of(CONTENT, wellFormed().toList().get(1), wellFormed().toList().get(3),
        wellFormed().toList().get(6), wellFormed().toList().get(8))) {
      byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
      assertThat(SourceText.of(ChatChunkReader.read(bytes))).as(json).isSameAs(bytes);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // a field a client needs is missing, null or not in the written form
      "{\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[]}",
      "{\"id\":null,\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[]}",
      "{\"id\":\"c\",\"created\":1,\"model\":\"m\",\"choices\":[]}",
      "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[]}",
      "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[]}",
      "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1.0,\"model\":\"m\",\"choices\":[]}",
      "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"choices\":[]}",
      "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\"}",
      "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":null}",
      "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"delta\":{},"
          + "\"finish_reason\":null}]}",
      "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
          + "\"finish_reason\":null}]}",
      "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
          + "\"delta\":{}}]}",
      "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
          + "\"delta\":{\"tool_calls\":[{\"id\":\"t\"}]},\"finish_reason\":null}]}",
      "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
          + "\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":{}}}]},\"finish_reason\":null}]}",
      "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],"
          + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}"})
  void textNotInTheWrittenForm_isNotKept(String json) {
    ChatChunk chunk = ChatChunkReader.read(json.getBytes(StandardCharsets.UTF_8));

    assertThat(SourceText.of(chunk)).isNull();
    assertThat(OpenAiJson.readChatChunk(OpenAiJson.writeChatChunk(chunk))).isEqualTo(chunk);
  }

  @Test
  void keptText_isWrittenAsItCame_untilAWrittenFieldChanges() {
    byte[] bytes = CONTENT.getBytes(StandardCharsets.UTF_8);
    ChatChunk chunk = OpenAiJson.readChatChunk(bytes);
    RouteInfo route = RouteInfo.builder().deployment("d").provider("openai").upstreamModel("gpt-4o-mini").group("g").build();

    assertThat(OpenAiJson.writeChatChunk(chunk)).isEqualTo(bytes).isNotSameAs(bytes);
    ChatChunk routed = chunk.toBuilder().route(route).build();
    assertThat(OpenAiJson.writeChatChunk(routed)).isEqualTo(bytes);
    assertThat(SourceText.of(routed.toBuilder().build())).isSameAs(bytes);

    List<UnaryOperator<ChatChunk.Builder>> changes = List.of(
        b -> b.id("other"), b -> b.created(2), b -> b.model("other"), b -> b.usage(Usage.of(1, 2)),
        b -> b.usage(null), b -> b.systemFingerprint("fp_2"), b -> b.serviceTier(null), b -> b.choices(List.of()),
        b -> b.addChoice(ChunkChoice.builder().index(1).delta(Delta.builder().content("x").build()).build()));
    for (UnaryOperator<ChatChunk.Builder> change : changes) {
      ChatChunk changed = change.apply(routed.toBuilder()).build();
      assertThat(SourceText.of(changed)).isNull();
      assertThat(OpenAiJson.readChatChunk(OpenAiJson.writeChatChunk(changed))).isEqualTo(changed.toBuilder().route(null).build());
    }
  }

  @Test
  void chunkBuiltByHand_hasNoText() {
    ChatChunk chunk = ChatChunk.builder().id("c").created(1).model("m")
        .addChoice(ChunkChoice.builder().delta(Delta.builder().role(Role.ASSISTANT).build()).build()).build();

    assertThat(SourceText.of(chunk)).isNull();
  }

  /** The tree reading of a chunk as it was before the token reader: the reference. */
  static final class TreeReader {

    static ChatChunk read(byte[] json) {
      Problems problems = Problems.RESPONSE;
      JsonFields f = new JsonFields(PlainJson.parseObject(json, problems, "the chunk"), "", problems);
      try {
        ChatChunk.Builder b = ChatChunk.builder()
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
            JsonFields delta = c.object("delta");
            String reason = c.string("finish_reason");
            b.addChoice(ChunkChoice.builder()
                .index(c.integer("index", i))
                .delta(delta == null ? Delta.empty() : readDelta(delta))
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

    private static Delta readDelta(JsonFields d) {
      Delta.Builder b = Delta.builder();
      for (Map.Entry<String, Object> e : d.map().entrySet()) {
        String key = e.getKey();
        switch (key) {
          case "role": {
            String role = d.string(key);
            b.role(role == null ? null : Role.of(role));
            break;
          }
          case "content":
            b.content(d.string(key));
            break;
          case "refusal":
            b.refusal(d.string(key));
            break;
          case "tool_calls": {
            List<Object> calls = d.array(key);
            if (calls != null) {
              for (int i = 0; i < calls.size(); i++) {
                JsonFields c = d.element(key, calls, i);
                ToolCallDelta.Builder call = ToolCallDelta.builder()
                    .index(c.integer("index", i))
                    .id(c.string("id"))
                    .type(c.string("type"));
                JsonFields function = c.object("function");
                if (function != null) {
                  Object arguments = function.get("arguments");
                  call.name(function.string("name"))
                      .arguments(arguments instanceof Map ? PlainJson.toText(arguments) : function.string("arguments"));
                }
                b.addToolCall(call.build());
              }
            }
            break;
          }
          default:
            b.extra(key, e.getValue());
        }
      }
      return b.build();
    }

    private static long orZero(Long value) {
      return value == null ? 0 : value;
    }
  }
}

package dev.switchboard.core.wire;

import static dev.switchboard.core.wire.Json.assertSameJson;
import static dev.switchboard.core.wire.Json.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.error.UpstreamException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.Delta;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolCallDelta;
import dev.switchboard.core.model.Usage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OpenAiJsonChatResponseTest {

  /** The function-calling response of OpenAI's Chat Completions API reference. */
  static final String OPENAI_TOOL_CALL_RESPONSE = """
      {
        "id": "chatcmpl-abc123",
        "object": "chat.completion",
        "created": 1699896916,
        "model": "gpt-4o-mini",
        "choices": [
          {
            "index": 0,
            "message": {
              "role": "assistant",
              "content": null,
              "tool_calls": [
                {
                  "id": "call_abc123",
                  "type": "function",
                  "function": {
                    "name": "get_current_weather",
                    "arguments": "{\\n\\"location\\": \\"Boston, MA\\"\\n}"
                  }
                }
              ]
            },
            "logprobs": null,
            "finish_reason": "tool_calls"
          }
        ],
        "usage": {
          "prompt_tokens": 82,
          "completion_tokens": 17,
          "total_tokens": 99,
          "completion_tokens_details": {
            "reasoning_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0
          }
        }
      }
      """;

  /** The default (text) response of OpenAI's Chat Completions API reference. */
  static final String OPENAI_TEXT_RESPONSE = """
      {
        "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
        "object": "chat.completion",
        "created": 1741569952,
        "model": "gpt-4.1-2025-04-14",
        "choices": [
          {
            "index": 0,
            "message": {
              "role": "assistant",
              "content": "Hello! How can I assist you today?",
              "refusal": null,
              "annotations": []
            },
            "logprobs": null,
            "finish_reason": "stop"
          }
        ],
        "usage": {
          "prompt_tokens": 19,
          "completion_tokens": 10,
          "total_tokens": 29,
          "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
          "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
            "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}
        },
        "service_tier": "default"
      }
      """;

  /** A streamed chunk carrying the first fragment of a tool call, as OpenAI sends it. */
  static final String OPENAI_TOOL_CALL_CHUNK = """
      {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini",
       "system_fingerprint":"fp_44709d6fcb",
       "choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,
         "id":"call_DdmO9pD3xa9XTPNJ32zg2hcA","type":"function","function":{"name":"get_weather","arguments":""}}],
         "refusal":null},"logprobs":null,"finish_reason":null}]}
      """;

  /** The usage-only final chunk of a stream with {@code stream_options.include_usage}. */
  static final String OPENAI_USAGE_CHUNK = """
      {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini",
       "system_fingerprint":"fp_44709d6fcb","choices":[],
       "usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21,
         "prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}
      """;

  static ChatResponse richResponse() {
    return ChatResponse.builder()
        .id("chatcmpl-1")
        .created(1741569952L)
        .model("gpt-4o-2024-08-06")
        .addChoice(Choice.builder().index(0)
            .message(Message.builder().role(Role.ASSISTANT).content("Bonjour ✓")
                .extra("annotations", List.of(Map.of("type", "url_citation"))).build())
            .finishReason(FinishReason.STOP)
            .logprobs(Map.of("content", List.of(Map.of("token", "Bon", "logprob", -0.25, "bytes", List.of(66)))))
            .build())
        .addChoice(Choice.builder().index(1)
            .message(Message.builder().role(Role.ASSISTANT)
                .addToolCall(ToolCall.function("call_1", "f", "{\"a\":1}"))
                .addToolCall(ToolCall.function("call_2", "g", "{}")).build())
            .finishReason(FinishReason.TOOL_CALLS)
            .build())
        .addChoice(Choice.builder().index(2)
            .message(Message.builder().role(Role.ASSISTANT).refusal("No.").build())
            .finishReason(FinishReason.of("pause_turn"))
            .build())
        .usage(Usage.builder().promptTokens(100).completionTokens(50).totalTokens(150).cachedTokens(64)
            .reasoningTokens(20).cacheCreationTokens(12).build())
        .systemFingerprint("fp_1")
        .serviceTier("default")
        .build();
  }

  @Test
  void roundTrip_richResponse_isEqual() {
    ChatResponse response = richResponse();

    assertThat(OpenAiJson.readChatResponse(OpenAiJson.writeChatResponse(response))).isEqualTo(response);
  }

  @Test
  void readChatResponse_openAiToolCallReference_mapsEveryField() {
    ChatResponse r = OpenAiJson.readChatResponse(bytes(OPENAI_TOOL_CALL_RESPONSE));

    assertThat(r.id()).isEqualTo("chatcmpl-abc123");
    assertThat(r.created()).isEqualTo(1699896916L);
    assertThat(r.model()).isEqualTo("gpt-4o-mini");
    assertThat(r.text()).isNull();
    assertThat(r.toolCalls()).containsExactly(
        ToolCall.function("call_abc123", "get_current_weather", "{\n\"location\": \"Boston, MA\"\n}"));
    assertThat(r.choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(r.choices().get(0).logprobs()).isNull();
    assertThat(r.usage()).isEqualTo(Usage.of(82, 17));
    assertThat(r.route()).isNull();
  }

  @Test
  void readChatResponse_openAiTextReference_keepsAnnotationsAndServiceTier() {
    ChatResponse r = OpenAiJson.readChatResponse(bytes(OPENAI_TEXT_RESPONSE));

    assertThat(r.text()).isEqualTo("Hello! How can I assist you today?");
    assertThat(r.choices().get(0).message().refusal()).isNull();
    assertThat(r.choices().get(0).message().extra()).containsEntry("annotations", List.of());
    assertThat(r.serviceTier()).isEqualTo("default");
    assertThat(r.usage().totalTokens()).isEqualTo(29);
  }

  @Test
  void writeChatResponse_toolCall_isGolden() {
    ChatResponse r = ChatResponse.builder().id("chatcmpl-abc123").created(1699896916L).model("gpt-4o-mini")
        .addChoice(Choice.builder().message(Message.assistant(List.of(
            ToolCall.function("call_abc123", "get_current_weather", "{\n\"location\": \"Boston, MA\"\n}"))))
            .finishReason(FinishReason.TOOL_CALLS).build())
        .usage(Usage.of(82, 17))
        .build();

    assertSameJson(OpenAiJson.writeChatResponse(r), """
        {"id": "chatcmpl-abc123", "object": "chat.completion", "created": 1699896916, "model": "gpt-4o-mini",
         "choices": [{"index": 0,
           "message": {"role": "assistant", "content": null, "refusal": null, "tool_calls": [
             {"id": "call_abc123", "type": "function",
              "function": {"name": "get_current_weather", "arguments": "{\\n\\"location\\": \\"Boston, MA\\"\\n}"}}]},
           "logprobs": null, "finish_reason": "tool_calls"}],
         "usage": {"prompt_tokens": 82, "completion_tokens": 17, "total_tokens": 99}}
        """);
  }

  @Test
  void writeChatResponse_cachedAndReasoningTokens_areWrittenAsDetails() {
    ChatResponse r = ChatResponse.builder().id("x").created(1).model("o3")
        .addChoice(Choice.builder().message(Message.assistant("hi")).finishReason(FinishReason.STOP).build())
        .usage(Usage.builder().promptTokens(2006).completionTokens(300).cachedTokens(1920).reasoningTokens(256).build())
        .serviceTier("default").systemFingerprint("fp_1")
        .build();

    assertSameJson(OpenAiJson.writeChatResponse(r), """
        {"id": "x", "object": "chat.completion", "created": 1, "model": "o3",
         "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi", "refusal": null},
           "logprobs": null, "finish_reason": "stop"}],
         "usage": {"prompt_tokens": 2006, "completion_tokens": 300, "total_tokens": 2306,
           "prompt_tokens_details": {"cached_tokens": 1920},
           "completion_tokens_details": {"reasoning_tokens": 256}},
         "service_tier": "default", "system_fingerprint": "fp_1"}
        """);
  }

  @Test
  void writeChatResponse_route_isNotWritten() {
    ChatResponse r = richResponse().toBuilder()
        .route(dev.switchboard.core.model.RouteInfo.builder().provider("openai-main").build()).build();

    assertThat(new String(OpenAiJson.writeChatResponse(r), StandardCharsets.UTF_8)).doesNotContain("openai-main");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "<html>502 Bad Gateway</html>", "{\"id\":", "[]", "{\"id\":\"x\"} extra"})
  void readChatResponse_malformed_throwsUpstreamException(String body) {
    assertThatThrownBy(() -> OpenAiJson.readChatResponse(bytes(body)))
        .isInstanceOfSatisfying(UpstreamException.class, e -> {
          assertThat(e.getMessage()).startsWith("malformed response from upstream: ");
          assertThat(e.httpStatus()).isEqualTo(502);
          assertThat(e.isRetryable()).isTrue();
        });
  }

  @Test
  void readChatResponse_wrongFieldType_throwsUpstreamExceptionNamingTheField() {
    assertThatThrownBy(() -> OpenAiJson.readChatResponse(bytes(
        "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":42}}]}")))
        .isInstanceOf(UpstreamException.class)
        .hasMessageStartingWith("malformed response from upstream: ")
        .hasMessageContaining("'choices[0].message.content'");
  }

  @Test
  void readChatResponse_negativeUsage_throwsUpstreamException() {
    assertThatThrownBy(() -> OpenAiJson.readChatResponse(bytes("{\"choices\":[],\"usage\":{\"prompt_tokens\":-1}}")))
        .isInstanceOf(UpstreamException.class)
        .hasMessage("malformed response from upstream: promptTokens must be >= 0 but was -1");
  }

  @Test
  void readChatResponse_compatibleUpstreamQuirks_areTolerated() {
    ChatResponse r = OpenAiJson.readChatResponse(bytes("""
        {"id": "x", "created": 1.7e9, "model": "llama3",
         "choices": [{"message": {"content": "hi", "tool_calls": [{"id": "c", "type": "function",
           "function": {"name": "f", "arguments": {"city": "Paris"}}}]}, "finish_reason": "eos"}],
         "usage": null}
        """));

    assertThat(r.created()).isEqualTo(1_700_000_000L);
    assertThat(r.choices().get(0).message().role()).isEqualTo(Role.ASSISTANT);
    assertThat(r.toolCalls().get(0).arguments()).isEqualTo("{\"city\":\"Paris\"}");
    assertThat(r.choices().get(0).finishReason()).isEqualTo(FinishReason.of("eos"));
    assertThat(r.usage()).isNull();
  }

  // ------------------------------------------------------------- chunks

  @Test
  void readChatChunk_openAiToolCallDelta_mapsTheFragment() {
    ChatChunk c = OpenAiJson.readChatChunk(bytes(OPENAI_TOOL_CALL_CHUNK));

    assertThat(c.id()).isEqualTo("chatcmpl-123");
    assertThat(c.created()).isEqualTo(1694268190L);
    assertThat(c.systemFingerprint()).isEqualTo("fp_44709d6fcb");
    Delta d = c.choices().get(0).delta();
    assertThat(d.role()).isEqualTo(Role.ASSISTANT);
    assertThat(d.content()).isNull();
    assertThat(d.refusal()).isNull();
    assertThat(d.toolCalls()).containsExactly(ToolCallDelta.builder().index(0).id("call_DdmO9pD3xa9XTPNJ32zg2hcA")
        .type("function").name("get_weather").arguments("").build());
    assertThat(c.choices().get(0).finishReason()).isNull();
    assertThat(c.usage()).isNull();
  }

  @Test
  void readChatChunk_usageOnlyFinalChunk_hasNoChoicesAndUsage() {
    ChatChunk c = OpenAiJson.readChatChunk(bytes(OPENAI_USAGE_CHUNK));

    assertThat(c.choices()).isEmpty();
    assertThat(c.text()).isNull();
    assertThat(c.usage()).isEqualTo(Usage.of(9, 12));
  }

  @Test
  void readChatChunk_choicesNull_isReadAsNoChoices() {
    ChatChunk c = OpenAiJson.readChatChunk("{\"id\":\"x\",\"choices\":null,\"usage\":{\"prompt_tokens\":1,"
        + "\"completion_tokens\":2,\"total_tokens\":3}}");

    assertThat(c.choices()).isEmpty();
    assertThat(c.usage().totalTokens()).isEqualTo(3);
  }

  @Test
  void writeChatChunk_usageOnlyFinalChunk_isGoldenWithEmptyChoices() {
    ChatChunk c = ChatChunk.builder().id("chatcmpl-123").created(1694268190L).model("gpt-4o-mini")
        .systemFingerprint("fp_44709d6fcb").usage(Usage.of(9, 12)).build();

    assertSameJson(OpenAiJson.writeChatChunk(c), """
        {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini",
         "system_fingerprint":"fp_44709d6fcb","choices":[],
         "usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21}}
        """);
  }

  @Test
  void writeChatChunk_toolCallDelta_isGolden() {
    ChatChunk c = ChatChunk.builder().id("chatcmpl-123").created(1694268190L).model("gpt-4o-mini")
        .addChoice(ChunkChoice.builder().delta(Delta.builder()
            .addToolCall(ToolCallDelta.builder().index(0).arguments("{\"location\":").build()).build()).build())
        .build();

    assertSameJson(OpenAiJson.writeChatChunk(c), """
        {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini",
         "choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"location\\":"}}]},
           "logprobs":null,"finish_reason":null}]}
        """);
  }

  @Test
  void writeChatChunk_finishChunk_hasEmptyDeltaAndReason() {
    ChatChunk c = ChatChunk.builder().id("c").created(1).model("m")
        .addChoice(ChunkChoice.builder().finishReason(FinishReason.STOP).build()).build();

    assertSameJson(OpenAiJson.writeChatChunk(c), """
        {"id":"c","object":"chat.completion.chunk","created":1,"model":"m",
         "choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}
        """);
  }

  @Test
  void roundTrip_streamOfChunks_isEqual() {
    List<ChatChunk> chunks = List.of(
        chunk(ChunkChoice.builder().delta(Delta.builder().role(Role.ASSISTANT).content("").build()).build()),
        chunk(ChunkChoice.builder().delta(Delta.builder().content("Hel").extra("reasoning_content", "think").build())
            .logprobs(Map.of("content", List.of())).build()),
        chunk(ChunkChoice.builder().index(1).delta(Delta.builder()
            .addToolCall(ToolCallDelta.builder().index(0).id("call_1").type("function").name("f").arguments("")
                .build())
            .addToolCall(ToolCallDelta.builder().index(1).arguments("{\"a\"").build()).build()).build()),
        chunk(ChunkChoice.builder().delta(Delta.builder().refusal("no").build()).build()),
        chunk(ChunkChoice.builder().finishReason(FinishReason.LENGTH).build()),
        ChatChunk.builder().id("chatcmpl-9").created(7).model("gpt-4o").serviceTier("flex")
            .usage(Usage.builder().promptTokens(3).completionTokens(4).cachedTokens(1).reasoningTokens(2).build())
            .build());

    for (ChatChunk chunk : chunks) {
      byte[] json = OpenAiJson.writeChatChunk(chunk);
      assertThat(OpenAiJson.readChatChunk(json)).isEqualTo(chunk);
      assertThat(OpenAiJson.readChatChunk(new String(json, StandardCharsets.UTF_8))).isEqualTo(chunk);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "[DONE]", "{\"choices\":[", "{\"choices\":{}}"})
  void readChatChunk_malformed_throwsUpstreamException(String body) {
    assertThatThrownBy(() -> OpenAiJson.readChatChunk(body))
        .isInstanceOf(UpstreamException.class)
        .hasMessageStartingWith("malformed response from upstream: ");
  }

  private static ChatChunk chunk(ChunkChoice choice) {
    return ChatChunk.builder().id("chatcmpl-9").created(7).model("gpt-4o").systemFingerprint("fp_x")
        .addChoice(choice).build();
  }
}

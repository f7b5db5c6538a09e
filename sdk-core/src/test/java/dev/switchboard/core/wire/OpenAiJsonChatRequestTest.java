package dev.switchboard.core.wire;

import static dev.switchboard.core.wire.Json.assertSameJson;
import static dev.switchboard.core.wire.Json.bytes;
import static dev.switchboard.core.wire.Json.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.error.InvalidRequestException;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ResponseFormat;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.Tool;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolChoice;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OpenAiJsonChatRequestTest {

  /** The "function calling" request of OpenAI's Chat Completions API reference. */
  static final String OPENAI_TOOLS_REQUEST = """
      {
        "model": "gpt-4.1",
        "messages": [
          {"role": "user", "content": "What is the weather like in Boston today?"}
        ],
        "tools": [
          {
            "type": "function",
            "function": {
              "name": "get_current_weather",
              "description": "Get the current weather in a given location",
              "parameters": {
                "type": "object",
                "properties": {
                  "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
                  "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}
                },
                "required": ["location"]
              }
            }
          }
        ],
        "tool_choice": "auto"
      }
      """;

  static Map<String, Object> weatherSchema() {
    Map<String, Object> location = new LinkedHashMap<>();
    location.put("type", "string");
    location.put("description", "The city and state, e.g. San Francisco, CA");
    Map<String, Object> unit = new LinkedHashMap<>();
    unit.put("type", "string");
    unit.put("enum", List.of("celsius", "fahrenheit"));
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("location", location);
    properties.put("unit", unit);
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("properties", properties);
    schema.put("required", List.of("location"));
    return schema;
  }

  static ChatRequest richRequest() {
    return ChatRequest.builder()
        .model("gpt-4o")
        .addMessage(Message.developer("Answer in French."))
        .addMessage(Message.builder().role(Role.USER).name("ann")
            .content(List.of(
                ContentPart.text("What is in this image?"),
                ContentPart.imageUrl("https://example.com/cat.png", "high"),
                ContentPart.imageUrl("data:image/png;base64,iVBORw0KGgo="),
                ContentPart.text("Be precise.").withExtra(Map.of("cache_control", Map.of("type", "ephemeral"))),
                ContentPart.raw(Map.of("type", "input_audio", "input_audio", Map.of("data", "UklGR", "format", "wav"))),
                ContentPart.raw(Map.of("type", "file", "file", Map.of("file_id", "file-abc")))))
            .build())
        .addMessage(Message.builder().role(Role.ASSISTANT)
            .addToolCall(ToolCall.function("call_1", "get_current_weather", "{\"location\":\"Paris\"}"))
            .addToolCall(ToolCall.function("call_2", "get_current_weather", "{\"location\":\"Lyon\"}"))
            .extra("audio", Map.of("id", "audio_1"))
            .build())
        .addMessage(Message.tool("call_1", "{\"temp\":21}"))
        .addMessage(Message.tool("call_2", "{\"temp\":24}"))
        .addMessage(Message.builder().role(Role.ASSISTANT).refusal("I can't help with that.").build())
        .addMessage(Message.builder().role(Role.of("critic")).content("Ünïcödé ✓ 🚀 \"quoted\"\n").build())
        .temperature(0.7)
        .topP(1.0)
        .maxTokens(256)
        .maxCompletionTokens(512)
        .stop(List.of("END", "\n\n"))
        .seed(1234567890123L)
        .n(1)
        .presencePenalty(0.1)
        .frequencyPenalty(-0.25)
        .user("user-123")
        .metadata(Map.of("team", "research"))
        .addTool(Tool.function("get_current_weather", "Get the current weather", weatherSchema()))
        .addTool(Tool.builder().name("lookup").strict(true).build())
        .toolChoice(ToolChoice.function("get_current_weather"))
        .parallelToolCalls(true)
        .responseFormat(ResponseFormat.builder().name("weather").description("A weather report")
            .schema(Map.of("type", "object", "additionalProperties", false)).strict(true).build())
        .extraParameter("logit_bias", Map.of("50256", -100))
        .extraParameter("logprobs", true)
        .extraParameter("top_logprobs", 2)
        .extraParameter("reasoning_effort", "low")
        .extraParameter("service_tier", null)
        .extraParameter("prediction", Map.of("type", "content", "content", List.of(Map.of("type", "text",
            "text", "x"))))
        .extraParameter("huge", new BigInteger("123456789012345678901234567890"))
        .extraParameter("tiny", new BigDecimal("1E-400"))
        .extraParameter("ratio", 0.1)
        .build();
  }

  @Test
  void roundTrip_richRequest_isEqual() {
    ChatRequest request = richRequest();

    assertThat(OpenAiJson.readChatRequest(OpenAiJson.writeChatRequest(request, false))).isEqualTo(request);
    assertThat(OpenAiJson.readChatRequest(OpenAiJson.writeChatRequest(request, true))).isEqualTo(request);
  }

  @Test
  void readChatRequest_openAiToolsReference_mapsEveryField() {
    ChatRequest r = OpenAiJson.readChatRequest(bytes(OPENAI_TOOLS_REQUEST));

    assertThat(r.model()).isEqualTo("gpt-4.1");
    assertThat(r.messages()).containsExactly(Message.user("What is the weather like in Boston today?"));
    assertThat(r.tools()).containsExactly(
        Tool.function("get_current_weather", "Get the current weather in a given location", weatherSchema()));
    assertThat(r.toolChoice()).isEqualTo(ToolChoice.auto());
    assertThat(r.extraParameters()).isEmpty();
  }

  @Test
  void writeChatRequest_openAiToolsReference_isGolden() {
    ChatRequest r = ChatRequest.builder()
        .model("gpt-4.1")
        .addMessage(Message.user("What is the weather like in Boston today?"))
        .addTool(Tool.function("get_current_weather", "Get the current weather in a given location", weatherSchema()))
        .toolChoice(ToolChoice.auto())
        .build();

    assertSameJson(OpenAiJson.writeChatRequest(r, false), OPENAI_TOOLS_REQUEST);
  }

  @Test
  void writeChatRequest_toolCallConversation_isGolden() {
    ChatRequest r = ChatRequest.builder()
        .model("gpt-4o")
        .addMessage(Message.user("Weather in Paris?"))
        .addMessage(Message.assistant(List.of(ToolCall.function("call_abc", "get_weather", "{\"city\":\"Paris\"}"))))
        .addMessage(Message.tool("call_abc", "21C"))
        .toolChoice(ToolChoice.function("get_weather"))
        .responseFormat(ResponseFormat.jsonSchema("weather", Map.of("type", "object"), true))
        .build();

    assertSameJson(OpenAiJson.writeChatRequest(r, false), """
        {
          "model": "gpt-4o",
          "messages": [
            {"role": "user", "content": "Weather in Paris?"},
            {"role": "assistant", "content": null, "tool_calls": [
              {"id": "call_abc", "type": "function",
               "function": {"name": "get_weather", "arguments": "{\\"city\\":\\"Paris\\"}"}}
            ]},
            {"role": "tool", "content": "21C", "tool_call_id": "call_abc"}
          ],
          "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
          "response_format": {"type": "json_schema",
            "json_schema": {"name": "weather", "schema": {"type": "object"}, "strict": true}}
        }
        """);
  }

  @Test
  void writeChatRequest_imageParts_areOpenAiContentArray() {
    ChatRequest r = ChatRequest.builder().model("gpt-4o")
        .addMessage(Message.user(List.of(ContentPart.text("What's in this image?"),
            ContentPart.imageUrl("https://example.com/a.jpg", "low"))))
        .build();

    assertSameJson(OpenAiJson.writeChatRequest(r, false), """
        {"model": "gpt-4o", "messages": [{"role": "user", "content": [
          {"type": "text", "text": "What's in this image?"},
          {"type": "image_url", "image_url": {"url": "https://example.com/a.jpg", "detail": "low"}}
        ]}]}
        """);
  }

  @Test
  void writeChatRequest_streamTrue_addsStreamAndIncludeUsage() {
    ChatRequest r = ChatRequest.builder().model("m").addMessage(Message.user("hi")).build();

    JsonNode streaming = tree(OpenAiJson.writeChatRequest(r, true));
    JsonNode whole = tree(OpenAiJson.writeChatRequest(r, false));

    assertThat(streaming.get("stream").asBoolean()).isTrue();
    assertThat(streaming.at("/stream_options/include_usage").asBoolean()).isTrue();
    assertThat(whole.has("stream")).isFalse();
    assertThat(whole.has("stream_options")).isFalse();
  }

  @Test
  void writeChatRequest_extraParametersNamingModelledFields_neverOverrideThem() {
    ChatRequest r = ChatRequest.builder().model("gpt-4o").addMessage(Message.user("hi")).temperature(0.5)
        .extraParameter("model", "evil")
        .extraParameter("messages", List.of())
        .extraParameter("temperature", 2)
        .extraParameter("max_tokens", 99999)
        .extraParameter("stream", false)
        .extraParameter("stream_options", Map.of("include_usage", false))
        .extraParameter("logit_bias", Map.of("1", 5))
        .build();

    JsonNode streaming = tree(OpenAiJson.writeChatRequest(r, true));
    JsonNode whole = tree(OpenAiJson.writeChatRequest(r, false));

    assertThat(streaming.get("model").asText()).isEqualTo("gpt-4o");
    assertThat(streaming.get("messages")).hasSize(1);
    assertThat(streaming.get("temperature").asDouble()).isEqualTo(0.5);
    assertThat(streaming.has("max_tokens")).isFalse();
    assertThat(streaming.get("stream").asBoolean()).isTrue();
    assertThat(streaming.at("/stream_options/include_usage").asBoolean()).isTrue();
    assertThat(streaming.at("/logit_bias/1").asInt()).isEqualTo(5);
    assertThat(whole.has("stream")).isFalse();
    assertThat(whole.has("stream_options")).isFalse();
    // a duplicate key would make the body ambiguous; the tree keeps the last, so count the raw keys too
    assertThat(new String(OpenAiJson.writeChatRequest(r, true), java.nio.charset.StandardCharsets.UTF_8))
        .containsOnlyOnce("\"model\"").containsOnlyOnce("\"stream\"");
  }

  @Test
  void readChatRequest_stopAsString_becomesSingleElementList() {
    ChatRequest r = OpenAiJson.readChatRequest(bytes("{\"model\":\"m\",\"messages\":[],\"stop\":\"END\"}"));

    assertThat(r.stop()).containsExactly("END");
  }

  @Test
  void readChatRequest_stopAsArrayOrNull_isReadAsList() {
    assertThat(OpenAiJson.readChatRequest(bytes("{\"stop\":[\"a\",\"b\"]}")).stop()).containsExactly("a", "b");
    assertThat(OpenAiJson.readChatRequest(bytes("{\"stop\":null}")).stop()).isEmpty();
  }

  @Test
  void readChatRequest_contentStringNullOrParts_areAllAccepted() {
    ChatRequest r = OpenAiJson.readChatRequest(bytes("""
        {"messages": [
          {"role": "user", "content": "plain"},
          {"role": "assistant", "content": null, "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
          {"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "image_url", "image_url": {"url": "u"}}]},
          {"role": "user", "content": []},
          {"role": "assistant"}
        ]}
        """));

    assertThat(r.messages().get(0)).isEqualTo(Message.user("plain"));
    assertThat(r.messages().get(1)).isEqualTo(Message.assistant(List.of(ToolCall.function("c1", "f", "{}"))));
    assertThat(r.messages().get(2).content()).containsExactly(ContentPart.text("a"), ContentPart.imageUrl("u"));
    assertThat(r.messages().get(3).content()).isEmpty();
    assertThat(r.messages().get(4).content()).isEmpty();
  }

  @Test
  void readChatRequest_imageUrlAsString_isAcceptedAsShorthand() {
    ChatRequest r = OpenAiJson.readChatRequest(bytes(
        "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":\"https://x/y.png\"}]}]}"));

    assertThat(r.messages().get(0).content()).containsExactly(ContentPart.imageUrl("https://x/y.png"));
  }

  @Test
  void readChatRequest_unknownTopLevelFields_goToExtraParametersInOrderAndStreamIsDropped() {
    ChatRequest r = OpenAiJson.readChatRequest(bytes("""
        {"model": "gpt-4o", "stream": true, "stream_options": {"include_usage": true},
         "store": true, "modalities": ["text", "audio"], "audio": {"voice": "alloy", "format": "wav"},
         "web_search_options": {}, "logprobs": null, "messages": []}
        """));

    assertThat(r.extraParameters().keySet()).containsExactly("store", "modalities", "audio", "web_search_options",
        "logprobs");
    assertThat(r.extraParameters()).containsEntry("store", true).containsEntry("logprobs", null)
        .containsEntry("modalities", List.of("text", "audio"))
        .containsEntry("audio", Map.of("voice", "alloy", "format", "wav"))
        .containsEntry("web_search_options", Map.of());
  }

  @Test
  void readThenWrite_unknownFieldsEverywhere_survive() {
    String body = """
        {"model": "gpt-4o",
         "messages": [
           {"role": "user", "content": [
              {"type": "text", "text": "hi", "cache_control": {"type": "ephemeral"}},
              {"type": "input_audio", "input_audio": {"data": "UklGR", "format": "wav"}},
              {"type": "future_part", "payload": [1, 2.5, {"deep": null}]}
           ], "x_trace": "t-1"},
           {"role": "assistant", "content": "ok", "audio": {"id": "audio_abc"}, "reasoning_content": "because"}
         ],
         "reasoning_effort": "high", "logit_bias": {"50256": -100}, "top_logprobs": 5,
         "huge": 123456789012345678901234567890, "precise": 0.1, "big": 1e400}
        """;

    byte[] written = OpenAiJson.writeChatRequest(OpenAiJson.readChatRequest(bytes(body)), false);

    assertSameJson(written, body);
  }

  @Test
  void readChatRequest_numbersInExtras_keepTheirKind() {
    ChatRequest r = OpenAiJson.readChatRequest(bytes(
        "{\"i\": 7, \"l\": 9007199254740993, \"b\": 123456789012345678901234567890, \"d\": 0.5, \"e\": 1e400,"
            + " \"u\": 1e-400}"));

    assertThat(r.extraParameters().get("i")).isEqualTo(7L);
    assertThat(r.extraParameters().get("l")).isEqualTo(9007199254740993L);
    assertThat(r.extraParameters().get("b")).isEqualTo(new BigInteger("123456789012345678901234567890"));
    assertThat(r.extraParameters().get("d")).isEqualTo(0.5d);
    assertThat(r.extraParameters().get("e")).isEqualTo(new BigDecimal("1e400"));
    assertThat(r.extraParameters().get("u")).isEqualTo(new BigDecimal("1e-400"));
  }

  @Test
  void readChatRequest_modelledScalars_areTyped() {
    ChatRequest r = OpenAiJson.readChatRequest(bytes("""
        {"temperature": 1, "top_p": 0.5, "max_tokens": 10, "max_completion_tokens": 20, "seed": -3, "n": 2,
         "presence_penalty": 0, "frequency_penalty": 1.5, "user": "u", "parallel_tool_calls": false,
         "metadata": {"a": "1"}, "response_format": {"type": "json_object"}, "tool_choice": "required"}
        """));

    assertThat(r.temperature()).isEqualTo(1.0);
    assertThat(r.topP()).isEqualTo(0.5);
    assertThat(r.maxTokens()).isEqualTo(10);
    assertThat(r.maxCompletionTokens()).isEqualTo(20);
    assertThat(r.seed()).isEqualTo(-3L);
    assertThat(r.n()).isEqualTo(2);
    assertThat(r.presencePenalty()).isEqualTo(0.0);
    assertThat(r.frequencyPenalty()).isEqualTo(1.5);
    assertThat(r.user()).isEqualTo("u");
    assertThat(r.parallelToolCalls()).isFalse();
    assertThat(r.metadata()).containsExactly(Map.entry("a", "1"));
    assertThat(r.responseFormat()).isEqualTo(ResponseFormat.jsonObject());
    assertThat(r.toolChoice()).isEqualTo(ToolChoice.required());
  }

  @Test
  void readChatRequest_nullForOptionalFields_leavesThemUnset() {
    ChatRequest r = OpenAiJson.readChatRequest(bytes(
        "{\"model\":null,\"temperature\":null,\"max_tokens\":null,\"tools\":null,\"tool_choice\":null,"
            + "\"response_format\":null,\"metadata\":null,\"messages\":null}"));

    assertThat(r).isEqualTo(ChatRequest.builder().build());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "{", "{\"model\": }", "not json", "{\"a\":1} trailing", "{\"a\":1}{}",
      "[1,2]", "\"string\"", "42", "null"})
  void readChatRequest_malformedOrNotAnObject_throwsInvalidJson(String body) {
    InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
        () -> OpenAiJson.readChatRequest(bytes(body)));

    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo("invalid_json");
    assertThat(e.param()).isNull();
    assertThat(e.httpStatus()).isEqualTo(400);
  }

  @Test
  void readChatRequest_invalidUtf8_throwsInvalidJson() {
    byte[] body = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};

    assertThatThrownBy(() -> OpenAiJson.readChatRequest(body))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo("invalid_json"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "messages[0].role | {\"messages\":[{\"role\":1,\"content\":\"x\"}]}",
      "messages[2].role | {\"messages\":[{\"role\":\"user\"},{\"role\":\"user\"},{\"role\":true}]}",
      "messages | {\"messages\":{\"role\":\"user\"}}",
      "messages[0] | {\"messages\":[\"hi\"]}",
      "messages[0].content | {\"messages\":[{\"role\":\"user\",\"content\":5}]}",
      "messages[0].content[1] | {\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},7]}]}",
      "messages[0].content[0].text | {\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":1}]}]}",
      "messages[0].content[0].image_url.url | {\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":[]}}]}]}",
      "messages[0].tool_calls[0].function.arguments | {\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"function\":{\"name\":\"f\",\"arguments\":{}}}]}]}",
      "messages[0].tool_call_id | {\"messages\":[{\"role\":\"tool\",\"tool_call_id\":3}]}",
      "model | {\"model\":[\"gpt-4o\"]}",
      "temperature | {\"temperature\":\"hot\"}",
      "max_tokens | {\"max_tokens\":\"100\"}",
      "max_tokens | {\"max_tokens\":1.5}",
      "n | {\"n\":true}",
      "seed | {\"seed\":\"1\"}",
      "stop | {\"stop\":5}",
      "stop[1] | {\"stop\":[\"a\",2]}",
      "metadata.k | {\"metadata\":{\"k\":1}}",
      "metadata | {\"metadata\":[]}",
      "tools[0].function.strict | {\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"strict\":\"yes\"}}]}",
      "tools[0].function.parameters | {\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":[]}}]}",
      "parallel_tool_calls | {\"parallel_tool_calls\":\"true\"}",
      "response_format | {\"response_format\":\"json_object\"}",
      "tool_choice | {\"tool_choice\":7}",
  })
  void readChatRequest_wrongTypeForKnownField_throwsNamingTheParam(String param, String body) {
    InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
        () -> OpenAiJson.readChatRequest(bytes(body)));

    assertThat(e).as("no error for %s", body).isNotNull();
    assertThat(e.param()).isEqualTo(param);
    assertThat(e.code()).isEqualTo("invalid_type");
    assertThat(e.getMessage()).startsWith("Invalid type for '" + param + "': expected ");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "messages[1].role | {\"messages\":[{\"role\":\"user\"},{\"content\":\"x\"}]}",
      "messages[0].content[0].type | {\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"x\"}]}]}",
      "messages[0].content[0].text | {\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\"}]}]}",
      "messages[0].content[0].image_url | {\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]}",
      "tools[0].function | {\"tools\":[{\"type\":\"function\"}]}",
      "tools[0].function.name | {\"tools\":[{\"type\":\"function\",\"function\":{\"description\":\"d\"}}]}",
      "tool_choice.function | {\"tool_choice\":{\"type\":\"function\"}}",
      "response_format.type | {\"response_format\":{}}",
      "response_format.json_schema | {\"response_format\":{\"type\":\"json_schema\"}}",
  })
  void readChatRequest_missingRequiredField_throwsNamingTheParam(String param, String body) {
    InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
        () -> OpenAiJson.readChatRequest(bytes(body)));

    assertThat(e).as("no error for %s", body).isNotNull();
    assertThat(e.param()).isEqualTo(param);
    assertThat(e.code()).isEqualTo("missing_required_parameter");
    assertThat(e.getMessage()).isEqualTo("Missing required parameter: '" + param + "'.");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "tool_choice | {\"tool_choice\":\"sometimes\"}",
      "tool_choice.type | {\"tool_choice\":{\"type\":\"allowed_tools\"}}",
      "tools[0].type | {\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"c\"}}]}",
      "response_format.type | {\"response_format\":{\"type\":\"yaml\"}}",
      "max_tokens | {\"max_tokens\":3000000000}",
      "seed | {\"seed\":123456789012345678901234567890}",
  })
  void readChatRequest_unsupportedValue_throwsInvalidValueNamingTheParam(String param, String body) {
    InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
        () -> OpenAiJson.readChatRequest(bytes(body)));

    assertThat(e).as("no error for %s", body).isNotNull();
    assertThat(e.param()).isEqualTo(param);
    assertThat(e.code()).isEqualTo("invalid_value");
  }

  @Test
  void readChatRequest_semanticallyInvalidButWellTyped_isLeftToTheValidator() {
    ChatRequest r = OpenAiJson.readChatRequest(bytes(
        "{\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}],\"max_tokens\":-1,\"temperature\":7}"));

    assertThat(r.maxTokens()).isEqualTo(-1);
    assertThat(r.messages().get(0).toolCallId()).isNull();
  }

  @Test
  void readChatRequest_unknownRole_isCarriedThrough() {
    ChatRequest r = OpenAiJson.readChatRequest(bytes("{\"messages\":[{\"role\":\"function\",\"name\":\"f\","
        + "\"content\":\"x\"}]}"));

    assertThat(r.messages().get(0).role()).isEqualTo(Role.of("function"));
    assertSameJson(OpenAiJson.writeChatRequest(r, false),
        "{\"messages\":[{\"role\":\"function\",\"name\":\"f\",\"content\":\"x\"}]}");
  }

  @Test
  void readChatRequest_jsonSchemaResponseFormat_readsNameDescriptionSchemaStrict() {
    ChatRequest r = OpenAiJson.readChatRequest(bytes("""
        {"response_format": {"type": "json_schema", "json_schema": {"name": "math_response",
          "description": "Steps", "schema": {"type": "object", "properties": {"final_answer": {"type": "string"}},
          "required": ["final_answer"], "additionalProperties": false}, "strict": true}}}
        """));

    ResponseFormat f = r.responseFormat();
    assertThat(f.type()).isEqualTo("json_schema");
    assertThat(f.name()).isEqualTo("math_response");
    assertThat(f.description()).isEqualTo("Steps");
    assertThat(f.strict()).isTrue();
    assertThat(f.schema()).containsEntry("additionalProperties", false).containsKey("properties");
  }

  @Test
  void writeChatRequest_null_throwsNpe() {
    assertThatThrownBy(() -> OpenAiJson.writeChatRequest(null, false))
        .isInstanceOf(NullPointerException.class).hasMessage("request");
    assertThatThrownBy(() -> OpenAiJson.readChatRequest(null))
        .isInstanceOf(NullPointerException.class).hasMessage("json");
  }
}

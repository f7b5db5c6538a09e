package dev.switchboard.providers.anthropic;

/**
 * Anthropic answers shaped exactly like the examples of Anthropic's API reference and guides. Each
 * constant names its source; where an example lacks a field the reference schema defines (e.g. the
 * prompt-caching usage fields), the field is added with the schema's name and type.
 */
final class AnthropicFixtures {

  private AnthropicFixtures() {}

  /**
   * API reference, Messages, "Create a Message", 200 example
   * (https://docs.anthropic.com/en/api/messages): one text block, end_turn, plain usage.
   */
  static final String MESSAGE = """
      {
        "content": [
          {
            "text": "Hi! My name is Claude.",
            "type": "text"
          }
        ],
        "id": "msg_013Zva2CMHLNnXjNJJKqJ2EF",
        "model": "claude-sonnet-4-20250514",
        "role": "assistant",
        "stop_reason": "end_turn",
        "stop_sequence": null,
        "type": "message",
        "usage": {
          "input_tokens": 2095,
          "output_tokens": 503
        }
      }
      """;

  /**
   * Tool use overview, "tool use example" response
   * (https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/overview): text then a tool_use
   * block, stop_reason tool_use. Usage with the prompt-caching fields of the reference's Usage object
   * (cache_creation_input_tokens, cache_read_input_tokens, cache_creation, service_tier).
   */
  static final String TOOL_USE_MESSAGE = """
      {
        "id": "msg_01Aq9w938a90dw8q",
        "model": "claude-sonnet-4-20250514",
        "stop_reason": "tool_use",
        "role": "assistant",
        "type": "message",
        "stop_sequence": null,
        "content": [
          {
            "type": "text",
            "text": "I'll check the current weather in San Francisco for you."
          },
          {
            "type": "tool_use",
            "id": "toolu_01A09q90qw90lq917835lq9",
            "name": "get_weather",
            "input": {"location": "San Francisco, CA", "unit": "celsius"}
          }
        ],
        "usage": {
          "input_tokens": 50,
          "cache_creation_input_tokens": 1200,
          "cache_read_input_tokens": 2048,
          "cache_creation": {"ephemeral_5m_input_tokens": 1200, "ephemeral_1h_input_tokens": 0},
          "output_tokens": 78,
          "service_tier": "standard"
        }
      }
      """;

  /**
   * Extended thinking guide, response with a thinking block
   * (https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking); usage with
   * output_tokens_details.thinking_tokens as the reference's Usage object defines it.
   */
  static final String THINKING_MESSAGE = """
      {
        "id": "msg_01ThinkingExample",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-20250514",
        "content": [
          {
            "type": "thinking",
            "thinking": "Let me analyze this step by step...",
            "signature": "WaUjzkypQ2mUEVM36O2TxuC06KN8xyfbJwyem2dw3URve/op91XWHOEBLLqIOMfFG/UvLEczmEsUjavL...."
          },
          {
            "type": "text",
            "text": "Based on my analysis..."
          }
        ],
        "stop_reason": "end_turn",
        "stop_sequence": null,
        "usage": {
          "input_tokens": 40,
          "output_tokens": 320,
          "output_tokens_details": {"thinking_tokens": 250}
        }
      }
      """;

  /** A message with the given stop reason, otherwise as {@link #MESSAGE}. */
  static String messageWithStopReason(String stopReason) {
    return MESSAGE.replace("\"stop_reason\": \"end_turn\"", "\"stop_reason\": \"" + stopReason + "\"");
  }

  /**
   * Structured outputs guide (https://platform.claude.com/docs/en/build-with-claude/structured-outputs):
   * the answer is one text block holding the JSON.
   */
  static final String STRUCTURED_OUTPUT_MESSAGE = """
      {
        "id": "msg_01StructuredOutput",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5-20250929",
        "content": [
          {
            "type": "text",
            "text": "{\\"name\\":\\"John Smith\\",\\"email\\":\\"john@example.com\\",\\"plan_interest\\":\\"Enterprise\\",\\"demo_requested\\":true}"
          }
        ],
        "stop_reason": "end_turn",
        "stop_sequence": null,
        "usage": {"input_tokens": 180, "output_tokens": 34}
      }
      """;

  /** A forced {@code json_output} tool call, as the tool use guide's tool_use block shape. */
  static final String JSON_OUTPUT_TOOL_MESSAGE = """
      {
        "id": "msg_01JsonOutput",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-20250514",
        "content": [
          {
            "type": "tool_use",
            "id": "toolu_01JsonOutputCall",
            "name": "json_output",
            "input": {"city": "Paris", "temperature": 21.5}
          }
        ],
        "stop_reason": "tool_use",
        "stop_sequence": null,
        "usage": {"input_tokens": 420, "output_tokens": 25}
      }
      """;

  /**
   * Streaming Messages guide, "Basic streaming request" response
   * (https://docs.anthropic.com/en/docs/build-with-claude/streaming), events separated by blank
   * lines as the event stream has them.
   */
  static final String TEXT_STREAM = """
      event: message_start
      data: {"type": "message_start", "message": {"id": "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY", "type": "message", "role": "assistant", "content": [], "model": "claude-opus-4-20250514", "stop_reason": null, "stop_sequence": null, "usage": {"input_tokens": 25, "output_tokens": 1}}}

      event: content_block_start
      data: {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}

      event: ping
      data: {"type": "ping"}

      event: content_block_delta
      data: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hello"}}

      event: content_block_delta
      data: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "!"}}

      event: content_block_stop
      data: {"type": "content_block_stop", "index": 0}

      event: message_delta
      data: {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence":null}, "usage": {"output_tokens": 15}}

      event: message_stop
      data: {"type": "message_stop"}

      """;

  /**
   * Streaming Messages guide, "Streaming request with tool use" response, verbatim: a text block,
   * then a tool_use block whose input arrives as input_json_delta fragments.
   */
  static final String TOOL_USE_STREAM = """
      event: message_start
      data: {"type":"message_start","message":{"id":"msg_014p7gG3wDgGV9EUtLvnow3U","type":"message","role":"assistant","model":"claude-3-haiku-20240307","stop_sequence":null,"usage":{"input_tokens":472,"output_tokens":2},"content":[],"stop_reason":null}}

      event: content_block_start
      data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

      event: ping
      data: {"type": "ping"}

      event: content_block_delta
      data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Okay"}}

      event: content_block_delta
      data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":","}}

      event: content_block_delta
      data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" let"}}

      event: content_block_delta
      data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"'s"}}

      event: content_block_delta
      data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" check"}}

      event: content_block_delta
      data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" the"}}

      event: content_block_delta
      data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" weather"}}

      event: content_block_delta
      data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" for"}}

      event: content_block_delta
      data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" San"}}

      event: content_block_delta
      data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" Francisco"}}

      event: content_block_delta
      data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":","}}

      event: content_block_delta
      data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" CA"}}

      event: content_block_delta
      data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":":"}}

      event: content_block_stop
      data: {"type":"content_block_stop","index":0}

      event: content_block_start
      data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather","input":{}}}

      event: content_block_delta
      data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}

      event: content_block_delta
      data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"location\\":"}}

      event: content_block_delta
      data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":" \\"San"}}

      event: content_block_delta
      data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":" Francisc"}}

      event: content_block_delta
      data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"o,"}}

      event: content_block_delta
      data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":" CA\\""}}

      event: content_block_delta
      data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":", "}}

      event: content_block_delta
      data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"\\"unit\\": \\"fah"}}

      event: content_block_delta
      data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"renheit\\"}"}}

      event: content_block_stop
      data: {"type":"content_block_stop","index":1}

      event: message_delta
      data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}}

      event: message_stop
      data: {"type":"message_stop"}

      """;

  /**
   * Streaming Messages guide, "Streaming request with extended thinking" response: thinking deltas,
   * a signature delta, then the text block.
   */
  static final String THINKING_STREAM = """
      event: message_start
      data: {"type": "message_start", "message": {"id": "msg_01...", "type": "message", "role": "assistant", "content": [], "model": "claude-opus-4-20250514", "stop_reason": null, "stop_sequence": null}}

      event: content_block_start
      data: {"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": ""}}

      event: content_block_delta
      data: {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "Let me solve this step by step:\\n\\n1. First break down 27 * 453"}}

      event: content_block_delta
      data: {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "\\n2. 453 = 400 + 50 + 3"}}

      event: content_block_delta
      data: {"type": "content_block_delta", "index": 0, "delta": {"type": "signature_delta", "signature": "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds..."}}

      event: content_block_stop
      data: {"type": "content_block_stop", "index": 0}

      event: content_block_start
      data: {"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}}

      event: content_block_delta
      data: {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "27 * 453 = 12,231"}}

      event: content_block_stop
      data: {"type": "content_block_stop", "index": 1}

      event: message_delta
      data: {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null}}

      event: message_stop
      data: {"type": "message_stop"}

      """;

  /**
   * A stream with prompt caching: message_start usage with the cache fields, and a message_delta
   * whose cumulative usage repeats the input side, as the Streaming Messages guide's web search
   * example shows ("usage":{"input_tokens":…,"cache_creation_input_tokens":…,
   * "cache_read_input_tokens":…,"output_tokens":…}).
   */
  static final String CACHED_STREAM = """
      event: message_start
      data: {"type":"message_start","message":{"id":"msg_01CachedStream","type":"message","role":"assistant","model":"claude-sonnet-4-20250514","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":12,"cache_creation_input_tokens":0,"cache_read_input_tokens":1800,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":1,"service_tier":"standard"}}}

      event: content_block_start
      data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

      event: content_block_delta
      data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Cached."}}

      event: content_block_stop
      data: {"type":"content_block_stop","index":0}

      event: message_delta
      data: {"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"input_tokens":12,"cache_creation_input_tokens":0,"cache_read_input_tokens":1800,"output_tokens":30}}

      event: message_stop
      data: {"type":"message_stop"}

      """;

  /** The message_start event of {@link #TEXT_STREAM}. */
  static final String MESSAGE_START_EVENT = "event: message_start\n"
      + "data: {\"type\": \"message_start\", \"message\": {\"id\": \"msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY\", "
      + "\"type\": \"message\", \"role\": \"assistant\", \"content\": [], \"model\": \"claude-opus-4-20250514\", "
      + "\"stop_reason\": null, \"stop_sequence\": null, \"usage\": {\"input_tokens\": 25, \"output_tokens\": 1}}}\n\n";

  /** A text block start and one text delta, as in {@link #TEXT_STREAM}. */
  static String textEvents(String text) {
    return "event: content_block_start\n"
        + "data: {\"type\": \"content_block_start\", \"index\": 0, \"content_block\": {\"type\": \"text\", \"text\": \"\"}}"
        + "\n\n"
        + "event: content_block_delta\n"
        + "data: {\"type\": \"content_block_delta\", \"index\": 0, \"delta\": {\"type\": \"text_delta\", \"text\": \""
        + text + "\"}}\n\n";
  }

  /**
   * Streaming Messages guide, "Error events": an error sent inside a 200 stream, e.g. during high
   * usage {@code overloaded_error}, which would be a 529 outside a stream.
   */
  static String errorEvent(String type, String message) {
    return "event: error\ndata: {\"type\": \"error\", \"error\": {\"type\": \"" + type + "\", \"message\": \"" + message
        + "\"}}\n\n";
  }

  /**
   * API reference, "Errors", error shapes (https://docs.anthropic.com/en/api/errors): a top-level
   * error object with type and message, and the request id.
   */
  static String error(String type, String message) {
    return "{\"type\": \"error\", \"error\": {\"type\": \"" + type + "\", \"message\": \"" + message
        + "\"}, \"request_id\": \"req_011CSHoEeqs5C35K2UUqR7Fy\"}";
  }

  /**
   * API reference, Models, "List Models" 200 example (https://docs.anthropic.com/en/api/models-list),
   * first of two pages.
   */
  static final String MODELS_PAGE_1 = """
      {
        "data": [
          {
            "created_at": "2025-02-19T00:00:00Z",
            "display_name": "Claude Sonnet 4",
            "id": "claude-sonnet-4-20250514",
            "type": "model"
          }
        ],
        "first_id": "claude-sonnet-4-20250514",
        "has_more": true,
        "last_id": "claude-sonnet-4-20250514"
      }
      """;

  /** The second and last page. */
  static final String MODELS_PAGE_2 = """
      {
        "data": [
          {
            "created_at": "2024-10-22T00:00:00Z",
            "display_name": "Claude 3.5 Haiku",
            "id": "claude-3-5-haiku-20241022",
            "type": "model"
          }
        ],
        "first_id": "claude-3-5-haiku-20241022",
        "has_more": false,
        "last_id": "claude-3-5-haiku-20241022"
      }
      """;
}

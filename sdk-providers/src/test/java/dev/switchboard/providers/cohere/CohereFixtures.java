package dev.switchboard.providers.cohere;

/**
 * Cohere v2 bodies, shaped like Cohere's published references: the Chat and Chat-with-Streaming API
 * reference (docs.cohere.com/reference/chat and /chat-stream: {@code v2_chat_Response},
 * {@code AssistantMessageResponse}, {@code Usage}, {@code ChatFinishReason} and the stream event
 * variants), the streaming tool-use guide (cohere-developer-experience,
 * {@code fern/pages/v2/tool-use/tool-use-streaming.mdx}: the tool-calling and response-generation event
 * sequences, whose ids and counts are reused here), the Embed API v2 reference
 * ({@code EmbedByTypeResponse}, {@code ApiMeta}), the List Models reference ({@code ListModelsResponse}),
 * and the error schemas ({@code {"id","message"}}) shared by every endpoint.
 */
public final class CohereFixtures {

  private CohereFixtures() {}

  public static final String CHAT_RESPONSE = """
      {
        "id": "c14c80c3-18eb-4519-9460-6c92edd8cfb4",
        "finish_reason": "COMPLETE",
        "message": {
          "role": "assistant",
          "content": [
            {"type": "text", "text": "LLMs stand for Large Language Models, "},
            {"type": "text", "text": "which are a type of neural network model."}
          ]
        },
        "usage": {
          "billed_units": {"input_tokens": 5, "output_tokens": 418},
          "tokens": {"input_tokens": 71, "output_tokens": 418},
          "cached_tokens": 64
        }
      }
      """;

  public static final String TOOL_CALL_RESPONSE = """
      {
        "id": "e8f9afc1-0888-46f0-a9ed-eb0e5a51e17f",
        "finish_reason": "TOOL_CALL",
        "message": {
          "role": "assistant",
          "tool_plan": "I will use the get_weather tool to find the weather in Madrid and Brasilia.",
          "tool_calls": [
            {"id": "get_weather_15c2p6g19s8f", "type": "function",
             "function": {"name": "get_weather", "arguments": "{\\"location\\":\\"Madrid\\"}"}},
            {"id": "get_weather_n01pkywy0p2w", "type": "function",
             "function": {"name": "get_weather", "arguments": "{\\"location\\":\\"Brasilia\\"}"}}
          ]
        },
        "usage": {
          "billed_units": {"input_tokens": 37.0, "output_tokens": 28.0},
          "tokens": {"input_tokens": 913.0, "output_tokens": 83.0}
        }
      }
      """;

  /** A reasoning model's answer: a thinking block before the text, cut by max_tokens; only raw tokens reported. */
  public static final String THINKING_RESPONSE = """
      {
        "id": "5a9c3e10-7b7d-4f5e-9c40-0a8b2a1e5d11",
        "finish_reason": "MAX_TOKENS",
        "message": {
          "role": "assistant",
          "content": [
            {"type": "thinking", "thinking": "The user wants a one-word answer."},
            {"type": "text", "text": "Paris"}
          ]
        },
        "usage": {"tokens": {"input_tokens": 20, "output_tokens": 16}}
      }
      """;

  public static final String ERROR_FINISH_RESPONSE = """
      {
        "id": "0b1e2d3c-0000-4000-8000-000000000001",
        "finish_reason": "ERROR",
        "message": {"role": "assistant", "content": [{"type": "text", "text": "The answer is"}]},
        "usage": {"billed_units": {"input_tokens": 4, "output_tokens": 3}, "tokens": {"input_tokens": 70, "output_tokens": 3}}
      }
      """;

  private static String event(String type, String json) {
    return "event: " + type + "\ndata: " + json + "\n\n";
  }

  private static final String MESSAGE_START = event("message-start",
      "{\"id\":\"29f14a5a-11de-4cae-9800-25e4747408ea\",\"type\":\"message-start\",\"delta\":{\"message\":"
          + "{\"role\":\"assistant\",\"content\":[],\"tool_plan\":\"\",\"tool_calls\":[],\"citations\":[]}}}");

  private static String textDelta(String text) {
    return event("content-delta", "{\"type\":\"content-delta\",\"index\":0,\"delta\":{\"message\":{\"content\":"
        + "{\"text\":\"" + text + "\"}}},\"logprobs\":null}");
  }

  /** A text answer: message-start, content-start/-delta/-end, message-end with usage, then data: [DONE]. */
  public static final String TEXT_STREAM = MESSAGE_START
      + event("content-start", "{\"type\":\"content-start\",\"index\":0,\"delta\":{\"message\":{\"content\":"
          + "{\"type\":\"text\",\"text\":\"\"}}}}")
      + textDelta("Hello")
      + textDelta(" there")
      + event("content-end", "{\"type\":\"content-end\",\"index\":0}")
      + event("message-end", "{\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"COMPLETE\",\"usage\":"
          + "{\"billed_units\":{\"input_tokens\":3,\"output_tokens\":2},\"tokens\":{\"input_tokens\":69,"
          + "\"output_tokens\":2},\"cached_tokens\":0}}}")
      + "data: [DONE]\n\n";

  private static String argumentDelta(int index, String fragment) {
    return event("tool-call-delta", "{\"type\":\"tool-call-delta\",\"index\":" + index + ",\"delta\":{\"message\":"
        + "{\"tool_calls\":{\"function\":{\"arguments\":\"" + fragment + "\"}}}}}");
  }

  private static String toolCallStart(int index, String id) {
    return event("tool-call-start", "{\"type\":\"tool-call-start\",\"index\":" + index + ",\"delta\":{\"message\":"
        + "{\"tool_calls\":{\"id\":\"" + id + "\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
        + "\"arguments\":\"\"}}}}}");
  }

  /** The tool-calling step of the streaming tool-use guide: a tool plan, two calls, TOOL_CALL; no [DONE]. */
  public static final String TOOL_CALL_STREAM = event("message-start",
      "{\"id\":\"fba98ad3-e5a1-413c-a8de-84fbf9baabf7\",\"type\":\"message-start\",\"delta\":{\"message\":"
          + "{\"role\":\"assistant\",\"content\":[],\"tool_plan\":\"\",\"tool_calls\":[],\"citations\":[]}}}")
      + event("tool-plan-delta", "{\"type\":\"tool-plan-delta\",\"delta\":{\"message\":{\"tool_plan\":\"I will\"}}}")
      + event("tool-plan-delta", "{\"type\":\"tool-plan-delta\",\"delta\":{\"message\":{\"tool_plan\":\" search.\"}}}")
      + toolCallStart(0, "get_weather_p1t92w7gfgq7")
      + argumentDelta(0, "{\\n    \\\"")
      + argumentDelta(0, "location")
      + argumentDelta(0, "\\\": \\\"Madrid\\\"\\n}")
      + event("tool-call-end", "{\"type\":\"tool-call-end\",\"index\":0}")
      + toolCallStart(1, "get_weather_ay6nmvjgp9vn")
      + argumentDelta(1, "{\\n    \\\"location\\\": \\\"Brasilia\\\"\\n}")
      + event("tool-call-end", "{\"type\":\"tool-call-end\",\"index\":1}")
      + event("message-end", "{\"type\":\"message-end\",\"id\":null,\"delta\":{\"finish_reason\":\"TOOL_CALL\","
          + "\"usage\":{\"billed_units\":{\"input_tokens\":37.0,\"output_tokens\":28.0},\"tokens\":"
          + "{\"input_tokens\":913.0,\"output_tokens\":83.0}}}}");

  /** The response-generation step of the guide: text with citation events, which carry nothing for OpenAI. */
  public static final String CITED_STREAM = event("message-start",
      "{\"id\":\"e8f9afc1-0888-46f0-a9ed-eb0e5a51e17f\",\"type\":\"message-start\",\"delta\":{\"message\":"
          + "{\"role\":\"assistant\",\"content\":[],\"tool_plan\":\"\",\"tool_calls\":[],\"citations\":[]}}}")
      + event("content-start", "{\"type\":\"content-start\",\"index\":0,\"delta\":{\"message\":{\"content\":"
          + "{\"type\":\"text\",\"text\":\"\"}}}}")
      + textDelta("It is currently 24°C in Madrid.")
      + event("citation-start", "{\"type\":\"citation-start\",\"index\":0,\"delta\":{\"message\":{\"citations\":"
          + "{\"start\":16,\"end\":20,\"text\":\"24°C\",\"sources\":[{\"type\":\"tool\",\"id\":"
          + "\"get_weather_m3kdvxncg1p8:0\",\"tool_output\":{\"temperature\":\"{\\\"madrid\\\":\\\"24°C\\\"}\"}}],"
          + "\"type\":\"TEXT_CONTENT\"}}}}")
      + event("citation-end", "{\"type\":\"citation-end\",\"index\":0}")
      + event("content-end", "{\"type\":\"content-end\",\"index\":0}")
      + event("message-end", "{\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"COMPLETE\",\"usage\":"
          + "{\"billed_units\":{\"input_tokens\":87.0,\"output_tokens\":19.0},\"tokens\":{\"input_tokens\":1061.0,"
          + "\"output_tokens\":85.0}}}}")
      + "data: [DONE]\n\n";

  /** A reasoning model's stream: a thinking block, then a text block. */
  public static final String THINKING_STREAM = MESSAGE_START
      + event("content-start", "{\"type\":\"content-start\",\"index\":0,\"delta\":{\"message\":{\"content\":"
          + "{\"type\":\"thinking\",\"thinking\":\"\"}}}}")
      + event("content-delta", "{\"type\":\"content-delta\",\"index\":0,\"delta\":{\"message\":{\"content\":"
          + "{\"thinking\":\"One word.\"}}}}")
      + event("content-end", "{\"type\":\"content-end\",\"index\":0}")
      + event("content-start", "{\"type\":\"content-start\",\"index\":1,\"delta\":{\"message\":{\"content\":"
          + "{\"type\":\"text\",\"text\":\"\"}}}}")
      + event("content-delta", "{\"type\":\"content-delta\",\"index\":1,\"delta\":{\"message\":{\"content\":"
          + "{\"text\":\"Paris\"}}}}")
      + event("content-end", "{\"type\":\"content-end\",\"index\":1}")
      + event("message-end", "{\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"COMPLETE\",\"usage\":"
          + "{\"billed_units\":{\"input_tokens\":9,\"output_tokens\":12}}}}");

  public static final String EMBED_RESPONSE = """
      {
        "id": "da6e531f-54c6-4a73-bf92-f60566d8d753",
        "embeddings": {
          "float": [
            [0.016296387, -0.008354187, -0.04699707],
            [-0.037963867, 0.0154953, 0.0181427]
          ]
        },
        "texts": ["hello", "goodbye"],
        "meta": {
          "api_version": {"version": "2"},
          "billed_units": {"input_tokens": 2}
        },
        "response_type": "embeddings_by_type"
      }
      """;

  public static final String MODELS = """
      {
        "models": [
          {
            "name": "command-a-03-2025",
            "endpoints": ["chat"],
            "finetuned": false,
            "context_length": 256000,
            "tokenizer_url": "https://storage.googleapis.com/cohere-public/tokenizers/command-a-03-2025.json",
            "default_endpoints": ["chat"],
            "features": ["tools", "strict_tools", "json_mode", "json_schema"]
          },
          {
            "name": "embed-v4.0",
            "endpoints": ["embed"],
            "finetuned": false,
            "context_length": 128000,
            "default_endpoints": ["embed"]
          },
          {
            "name": "my-finetuned-command",
            "endpoints": ["chat"],
            "finetuned": true,
            "context_length": 16384
          }
        ],
        "next_page_token": ""
      }
      """;

  /** Cohere's error body for every status: {@code {"id", "message"}}. */
  public static String error(String message) {
    return "{\"id\":\"6f0e0a8c-5d0c-4a46-9b1b-2c1e5e3e9a10\",\"message\":\"" + message + "\"}";
  }
}

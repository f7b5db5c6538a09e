package dev.switchboard.providers.bedrock;

import static dev.switchboard.providers.internal.aws.EventStreamEncoder.concat;
import static dev.switchboard.providers.internal.aws.EventStreamEncoder.event;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;

/**
 * Bedrock Converse answers shaped like the Bedrock API reference and user guide.
 *
 * <p>Sources: the API reference pages {@code API_runtime_Converse} (Response Syntax: {@code output.message},
 * {@code stopReason}, {@code usage} with {@code inputTokens}/{@code outputTokens}/{@code totalTokens}/
 * {@code cacheReadInputTokens}/{@code cacheWriteInputTokens}, {@code metrics.latencyMs}),
 * {@code API_runtime_ConverseStreamOutput} and its event types ({@code messageStart},
 * {@code contentBlockStart}, {@code contentBlockDelta}, {@code contentBlockStop}, {@code messageStop},
 * {@code metadata}, and the exception members), the user guide's "Call a tool with the Converse API" (the
 * {@code top_song} tool and its {@code toolUse} answer with id {@code tooluse_kZJMlvQmRJ6eAyJE5GIl7Q}) and
 * "Prompt caching" (cache token fields), and the error shapes of the AWS JSON protocol
 * ({@code x-amzn-ErrorType} header, {@code {"message": …}} body). Stream payloads carry the random-length
 * {@code "p"} padding field that real Bedrock frames carry (see the captured frame in
 * {@code EventStreamDecoderTest}).
 */
final class BedrockFixtures {

  static final String REQUEST_ID = "4b0e6c5a-2f61-4f0e-9a39-1c1f0a8d7e21";

  /** A plain text answer. */
  static final String TEXT_RESPONSE = """
      {
        "output": {
          "message": {
            "role": "assistant",
            "content": [{"text": "Hello! How can I help you today?"}]
          }
        },
        "stopReason": "end_turn",
        "usage": {"inputTokens": 12, "outputTokens": 9, "totalTokens": 21},
        "metrics": {"latencyMs": 412}
      }
      """;

  /** The user guide's tool-use answer, with a text block before it and prompt-cache usage. */
  static final String TOOL_USE_RESPONSE = """
      {
        "output": {
          "message": {
            "role": "assistant",
            "content": [
              {"text": "I'll look up the most popular song on WZPZ."},
              {"toolUse": {"toolUseId": "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", "name": "top_song",
                           "input": {"sign": "WZPZ"}}}
            ]
          }
        },
        "stopReason": "tool_use",
        "usage": {"inputTokens": 28, "outputTokens": 61, "totalTokens": 1889,
                  "cacheReadInputTokens": 1500, "cacheWriteInputTokens": 300},
        "metrics": {"latencyMs": 1203}
      }
      """;

  /** An answer with extended thinking (reasoningContent) before the text. */
  static final String REASONING_RESPONSE = """
      {
        "output": {
          "message": {
            "role": "assistant",
            "content": [
              {"reasoningContent": {"reasoningText": {"text": "The user greets me; greet back.",
                                                      "signature": "EqoBCkgIARABGAIiQ..."}}},
              {"text": "Hi there!"}
            ]
          }
        },
        "stopReason": "end_turn",
        "usage": {"inputTokens": 40, "outputTokens": 25, "totalTokens": 65},
        "metrics": {"latencyMs": 980},
        "serviceTier": {"type": "default"}
      }
      """;

  /** A 200 Converse answer with Bedrock's request id header. */
  static ResponseDefinitionBuilder converse(String body) {
    return WireMock.aResponse().withStatus(200).withHeader("Content-Type", "application/json")
        .withHeader("x-amzn-RequestId", REQUEST_ID).withBody(body);
  }

  /** A 200 converse-stream answer carrying {@code frames}. */
  static ResponseDefinitionBuilder eventStream(byte[] frames) {
    return WireMock.aResponse().withStatus(200).withHeader("Content-Type", "application/vnd.amazon.eventstream")
        .withHeader("x-amzn-RequestId", REQUEST_ID).withBody(frames);
  }

  /** An AWS JSON protocol error answer. */
  static ResponseDefinitionBuilder error(int status, String type, String message) {
    return WireMock.aResponse().withStatus(status).withHeader("Content-Type", "application/json")
        .withHeader("x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/com.amazon.bedrock/")
        .withHeader("x-amzn-RequestId", REQUEST_ID)
        .withBody("{\"message\":\"" + message + "\"}");
  }

  /** messageStart, one text block in three deltas, messageStop end_turn, metadata. */
  static byte[] textStream() {
    return concat(
        event("messageStart", "{\"p\":\"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW\",\"role\":\"assistant\"}"),
        event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hello\"},\"p\":\"abcdefghijk\"}"),
        event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\" from\"},"
            + "\"p\":\"abcdefghijklmnopq\"}"),
        event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\" Bedrock!\"},\"p\":\"abcd\"}"),
        event("contentBlockStop", "{\"contentBlockIndex\":0,\"p\":\"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ\"}"),
        event("messageStop", "{\"p\":\"abcdefghijklmnopqrstuvwxyzABCDEFGHIJ\",\"stopReason\":\"end_turn\"}"),
        event("metadata", "{\"metrics\":{\"latencyMs\":356},\"p\":\"abcdefghijklmnopqrstuvwxyzABCDEF\","
            + "\"usage\":{\"inputTokens\":11,\"outputTokens\":5,\"totalTokens\":16}}"));
  }

  /** A text block, then a toolUse block whose input arrives in fragments, messageStop tool_use, metadata. */
  static byte[] toolUseStream() {
    return concat(
        event("messageStart", "{\"p\":\"abc\",\"role\":\"assistant\"}"),
        event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Let me check.\"},\"p\":\"abcdef\"}"),
        event("contentBlockStop", "{\"contentBlockIndex\":0,\"p\":\"abcdefghij\"}"),
        event("contentBlockStart", "{\"contentBlockIndex\":1,\"p\":\"abcdefghijklmn\",\"start\":{\"toolUse\":"
            + "{\"name\":\"top_song\",\"toolUseId\":\"tooluse_kZJMlvQmRJ6eAyJE5GIl7Q\"}}}"),
        event("contentBlockDelta", "{\"contentBlockIndex\":1,\"delta\":{\"toolUse\":{\"input\":\"\"}},\"p\":\"ab\"}"),
        event("contentBlockDelta", "{\"contentBlockIndex\":1,\"delta\":{\"toolUse\":{\"input\":\"{\\\"sign\\\"\"}},"
            + "\"p\":\"abcdefgh\"}"),
        event("contentBlockDelta", "{\"contentBlockIndex\":1,\"delta\":{\"toolUse\":{\"input\":\": \\\"WZPZ\\\"}\"}},"
            + "\"p\":\"abcdefghijklmnopqrstu\"}"),
        event("contentBlockStop", "{\"contentBlockIndex\":1,\"p\":\"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS\"}"),
        event("messageStop", "{\"p\":\"abcdefghijklmnopqrstuvwxyzABCDEFGH\",\"stopReason\":\"tool_use\"}"),
        event("metadata", "{\"metrics\":{\"latencyMs\":811},\"p\":\"abcdefghijklmnopqrstuvwxyzABCDEFGHI\","
            + "\"usage\":{\"cacheReadInputTokens\":1024,\"cacheWriteInputTokens\":0,\"inputTokens\":402,"
            + "\"outputTokens\":56,\"totalTokens\":1482}}"));
  }

  private BedrockFixtures() {}
}

package dev.switchboard.providers.bedrock;

import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.internal.json.JsonFields;
import dev.switchboard.core.internal.json.PlainJson;
import dev.switchboard.core.internal.json.Problems;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.Delta;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.ToolCallDelta;
import dev.switchboard.core.model.Usage;
import dev.switchboard.providers.internal.aws.EventStreamMessage;
import dev.switchboard.providers.internal.flow.FlatMapIterablePublisher;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The messages of one {@code converse-stream} body as OpenAI-style chunks; stateful, one per stream.
 *
 * <p>Events (shapes from the Bedrock API reference, ConverseStreamOutput) map as follows:
 * <ul>
 *   <li>{@code messageStart}: a chunk with the role and empty content;
 *   <li>{@code contentBlockStart} of a {@code toolUse}: a tool call delta with the call's index among
 *       the tool calls, its id ({@code toolUseId}), type {@code function}, name and empty arguments;
 *   <li>{@code contentBlockDelta}: {@code text} as content; {@code toolUse.input} as an argument
 *       fragment of that tool call (index only); {@code reasoningContent.text} as the delta's extra
 *       {@code reasoning_content}; other deltas (reasoning signatures, citations) produce no chunk;
 *   <li>{@code contentBlockStop}: no chunk;
 *   <li>{@code messageStop}: a chunk with an empty delta and the finish reason of its
 *       {@code stopReason} ({@link ConverseResponses#finishReason});
 *   <li>{@code metadata}: a chunk without choices carrying the usage ({@link ConverseResponses#usage});
 *   <li>an event type not listed here: no chunk (new event types must not break old clients).
 * </ul>
 * A {@code :message-type exception} message (e.g. {@code throttlingException},
 * {@code modelStreamErrorException}) or {@code :message-type error} message fails the stream with the
 * mapped error; so does a payload that is not JSON. The stream is complete when its body ends after a
 * {@code messageStop}; a body that ends before one fails the stream.
 */
final class ConverseChunks implements FlatMapIterablePublisher.Mapper<EventStreamMessage, ChatChunk> {

  private final String id;
  private final long created;
  private final String model;
  private final BedrockErrors errors;
  private final Map<Long, Integer> toolIndexByBlock = new HashMap<>();
  private boolean stopped;

  ConverseChunks(String id, long created, String model, BedrockErrors errors) {
    this.id = id;
    this.created = created;
    this.model = model;
    this.errors = errors;
  }

  @Override
  public Iterable<ChatChunk> apply(EventStreamMessage message) {
    String messageType = message.stringHeader(EventStreamMessage.MESSAGE_TYPE);
    if ("exception".equals(messageType)) {
      throw errors.fromStreamException(message.stringHeader(EventStreamMessage.EXCEPTION_TYPE), message.payload());
    }
    if ("error".equals(messageType)) {
      throw errors.fromStreamError(message.stringHeader(EventStreamMessage.ERROR_CODE),
          message.stringHeader(EventStreamMessage.ERROR_MESSAGE));
    }
    if (messageType != null && !"event".equals(messageType)) {
      return List.of();
    }
    String eventType = message.stringHeader(EventStreamMessage.EVENT_TYPE);
    if (eventType == null) {
      return List.of();
    }
    JsonFields event;
    try {
      event = new JsonFields(PlainJson.parseObject(message.payload(), Problems.RESPONSE, "the " + eventType
          + " event"), eventType, Problems.RESPONSE);
      return map(eventType, event);
    } catch (SwitchboardException malformed) {
      throw errors.malformed(malformed);
    }
  }

  @Override
  public Iterable<ChatChunk> finish() {
    if (!stopped) {
      throw errors.streamEndedEarly();
    }
    return List.of();
  }

  private List<ChatChunk> map(String eventType, JsonFields event) {
    switch (eventType) {
      case "messageStart":
        return List.of(chunk(Delta.builder().role(Role.ASSISTANT).content("").build(), null));
      case "contentBlockStart": {
        JsonFields start = event.object("start");
        JsonFields toolUse = start == null ? null : start.object("toolUse");
        if (toolUse == null) {
          return List.of();
        }
        int index = toolIndexByBlock.size();
        toolIndexByBlock.put(blockIndex(event), index);
        ToolCallDelta call = ToolCallDelta.builder().index(index).id(toolUse.requiredString("toolUseId"))
            .type("function").name(toolUse.requiredString("name")).arguments("").build();
        return List.of(chunk(Delta.builder().addToolCall(call).build(), null));
      }
      case "contentBlockDelta": {
        JsonFields delta = event.object("delta");
        if (delta == null) {
          return List.of();
        }
        if (delta.has("text")) {
          return List.of(chunk(Delta.ofContent(delta.string("text")), null));
        }
        JsonFields toolUse = delta.object("toolUse");
        if (toolUse != null) {
          Integer index = toolIndexByBlock.get(blockIndex(event));
          if (index == null) {
            throw Problems.RESPONSE.fail("a toolUse delta for content block " + blockIndex(event)
                + ", which did not start as a tool use", null, null);
          }
          ToolCallDelta call = ToolCallDelta.builder().index(index).arguments(toolUse.string("input")).build();
          return List.of(chunk(Delta.builder().addToolCall(call).build(), null));
        }
        JsonFields reasoning = delta.object("reasoningContent");
        if (reasoning != null && reasoning.string("text") != null) {
          return List.of(chunk(Delta.builder().extra(ConverseResponses.REASONING_CONTENT, reasoning.string("text"))
              .build(), null));
        }
        return List.of();
      }
      case "messageStop":
        stopped = true;
        return List.of(chunk(Delta.empty(), ConverseResponses.finishReason(event.string("stopReason"))));
      case "metadata": {
        JsonFields usage = event.object("usage");
        if (usage == null) {
          return List.of();
        }
        return List.of(usageChunk(ConverseResponses.usage(usage)));
      }
      default:
        return List.of();
    }
  }

  private static long blockIndex(JsonFields event) {
    Long index = event.longValue("contentBlockIndex");
    return index == null ? 0 : index;
  }

  private ChatChunk chunk(Delta delta, FinishReason finishReason) {
    return ChatChunk.builder().id(id).created(created).model(model)
        .addChoice(ChunkChoice.builder().index(0).delta(delta).finishReason(finishReason).build())
        .build();
  }

  private ChatChunk usageChunk(Usage usage) {
    return ChatChunk.builder().id(id).created(created).model(model).usage(usage).build();
  }
}

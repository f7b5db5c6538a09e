package dev.switchboard.providers.cohere;

import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.internal.json.JsonFields;
import dev.switchboard.core.internal.json.PlainJson;
import dev.switchboard.core.internal.json.Problems;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.Delta;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolCallDelta;
import dev.switchboard.core.model.Usage;
import dev.switchboard.providers.internal.flow.FlatMapIterablePublisher;
import dev.switchboard.providers.internal.sse.SseEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One Cohere v2 chat stream's events to OpenAI-style chunks, for one subscription.
 *
 * <ul>
 *   <li>{@code message-start}: the first chunk, role {@code assistant} and empty content; its
 *       {@code id} is every chunk's id.
 *   <li>{@code content-delta}: text deltas; deltas of a {@code thinking} content block go to the delta's
 *       {@code reasoning_content} extra. {@code content-start} carries no text worth a chunk (it is
 *       passed on if it does), {@code content-end} nothing.
 *   <li>{@code tool-plan-delta}: fragments of the tool plan in the delta's {@code tool_plan} extra.
 *   <li>{@code tool-call-start}: a tool-call delta with index, id, type and name (and the arguments'
 *       start, usually empty); {@code tool-call-delta}: argument fragments at the same index. Indexes
 *       count Cohere's calls from 0 in the order they start. {@code tool-call-end} carries nothing.
 *   <li>{@code message-end}: a chunk with the finish reason, then a usage-only chunk (no choices), as
 *       OpenAI sends with {@code stream_options.include_usage}. Anything after it, such as
 *       {@code data: [DONE]}, is read and ignored.
 *   <li>{@code citation-start}/{@code citation-end}, {@code debug} and event types Cohere may add are
 *       ignored.
 * </ul>
 *
 * <p>A body that ends before {@code message-end} fails with {@link CohereErrors#streamEndedEarly()};
 * an event that is not JSON, or not shaped as documented, with {@link CohereErrors#malformed}.
 *
 * <p>Not thread-safe: {@link FlatMapIterablePublisher} calls it serially.
 */
final class CohereStreamMapper implements FlatMapIterablePublisher.Mapper<SseEvent, ChatChunk> {

  private static final String DONE = "[DONE]";

  private final CohereErrors errors;
  private final String model;
  private final long created;
  private final Map<Long, Integer> toolIndexes = new HashMap<>(); // Cohere's event index to ours
  private final Map<Long, String> contentTypes = new HashMap<>(); // content block index to text/thinking
  private String id;
  private boolean ended;

  CohereStreamMapper(CohereErrors errors, String model, long created) {
    this.errors = errors;
    this.model = model;
    this.created = created;
  }

  @Override
  public Iterable<ChatChunk> apply(SseEvent event) {
    String data = event.data();
    if (ended || data.isBlank() || DONE.equals(data.strip())) {
      return List.of(); // after message-end the rest of the body is read to its end and dropped
    }
    JsonFields f;
    try {
      f = new JsonFields(PlainJson.parseObject(data, Problems.RESPONSE, "the event"), "", Problems.RESPONSE);
    } catch (SwitchboardException malformed) {
      throw errors.malformed(malformed);
    }
    try {
      String type = f.string("type");
      if (type == null && !SseEvent.DEFAULT_EVENT.equals(event.event())) {
        type = event.event();
      }
      return map(type == null ? "" : type, f);
    } catch (SwitchboardException malformed) {
      throw errors.malformed(malformed);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw errors.malformed(Problems.RESPONSE.fail(e.getMessage(), null, Problems.INVALID_VALUE));
    }
  }

  @Override
  public Iterable<ChatChunk> finish() {
    if (!ended) {
      throw errors.streamEndedEarly();
    }
    return List.of();
  }

  private List<ChatChunk> map(String type, JsonFields f) {
    switch (type) {
      case "message-start":
        if (f.string("id") != null) {
          id = f.string("id");
        }
        return List.of(chunk(Delta.builder().role(Role.ASSISTANT).content("").build(), null));
      case "content-start": {
        JsonFields content = message(f).object("content");
        String contentType = content == null || content.string("type") == null ? "text" : content.string("type");
        contentTypes.put(index(f), contentType);
        return content == null ? List.of() : contentDelta(contentType, content);
      }
      case "content-delta": {
        JsonFields content = message(f).object("content");
        if (content == null) {
          return List.of();
        }
        String contentType = content.has("thinking") ? "thinking" : contentTypes.getOrDefault(index(f), "text");
        return contentDelta(contentType, content);
      }
      case "tool-plan-delta": {
        String plan = message(f).string("tool_plan");
        return plan == null || plan.isEmpty() ? List.of()
            : List.of(chunk(Delta.builder().extra(CohereRequests.TOOL_PLAN, plan).build(), null));
      }
      case "tool-call-start": {
        JsonFields call = message(f).object("tool_calls");
        int index = toolIndexes.size();
        toolIndexes.put(index(f), index);
        JsonFields function = call == null ? null : call.object("function");
        return List.of(chunk(Delta.builder().addToolCall(ToolCallDelta.builder()
            .index(index)
            .id(call == null ? null : call.string("id"))
            .type(ToolCall.TYPE_FUNCTION)
            .name(function == null ? null : function.string("name"))
            .arguments(function == null ? "" : fragment(function))
            .build()).build(), null));
      }
      case "tool-call-delta": {
        JsonFields call = message(f).object("tool_calls");
        JsonFields function = call == null ? null : call.object("function");
        Integer index = toolIndexes.get(index(f));
        if (index == null) {
          throw Problems.RESPONSE.fail("a tool-call-delta for index " + index(f) + " came before its tool-call-start",
              "index", Problems.INVALID_VALUE);
        }
        String arguments = function == null ? null : fragment(function);
        return arguments == null || arguments.isEmpty() ? List.of()
            : List.of(chunk(Delta.builder().addToolCall(ToolCallDelta.builder().index(index).arguments(arguments)
                .build()).build(), null));
      }
      case "message-end":
        return end(f);
      default: // content-end, tool-call-end, citation-start/-end, debug, and types added later carry nothing for us
        return List.of();
    }
  }

  private List<ChatChunk> end(JsonFields f) {
    ended = true;
    if (f.string("id") != null && id == null) {
      id = f.string("id");
    }
    JsonFields delta = f.object("delta");
    FinishReason finish = delta == null ? null : CohereResponses.finishReason(delta.string("finish_reason"));
    Usage usage = delta == null ? null : CohereResponses.usage(delta.object("usage"));
    ChatChunk finishChunk = chunk(Delta.empty(), finish == null ? FinishReason.STOP : finish);
    if (usage == null) {
      return List.of(finishChunk);
    }
    return List.of(finishChunk, ChatChunk.builder().id(id).created(created).model(model).usage(usage).build());
  }

  private List<ChatChunk> contentDelta(String contentType, JsonFields content) {
    if ("thinking".equals(contentType)) {
      String thinking = content.string("thinking");
      return thinking == null || thinking.isEmpty() ? List.of()
          : List.of(chunk(Delta.builder().extra(CohereRequests.REASONING_CONTENT, thinking).build(), null));
    }
    String text = content.string("text");
    return text == null || text.isEmpty() ? List.of() : List.of(chunk(Delta.ofContent(text), null));
  }

  private ChatChunk chunk(Delta delta, FinishReason finish) {
    return ChatChunk.builder().id(id).created(created).model(model)
        .addChoice(ChunkChoice.builder().index(0).delta(delta).finishReason(finish).build())
        .build();
  }

  private static JsonFields message(JsonFields event) {
    JsonFields delta = event.object("delta");
    JsonFields message = delta == null ? null : delta.object("message");
    return message != null ? message : new JsonFields(Map.of(), "delta.message", Problems.RESPONSE);
  }

  private static long index(JsonFields event) {
    Long index = event.longValue("index");
    return index == null ? 0 : index;
  }

  private static String fragment(JsonFields function) {
    Object arguments = function.get("arguments");
    return arguments instanceof Map ? PlainJson.toText(arguments) : function.string("arguments");
  }
}

package dev.switchboard.core.internal.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.Delta;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.ToolCallDelta;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one {@code chat.completion.chunk} from an upstream straight from the parser's tokens into
 * the model: a streamed answer is dozens of these per request, and building a map tree of each
 * first cost more than the rest of the reading. Field rules, defaults and error messages are those
 * of {@link JsonFields} over {@link PlainJson}'s tree (fields the model does not read are skipped
 * unchecked; {@code null} reads as absent; whole decimals read as integers).
 */
public final class ChatChunkReader extends UpstreamTokens<ChunkChoice> {

  private static final int DELTA = 2;
  private static final int TOOL_CALL = 3;
  private static final int FUNCTION = 4;

  private int call;
  private Delta delta; // of the choice being read

  private ChatChunkReader(JsonParser p) {
    super(p);
  }

  /**
   * Reads the chunk in {@code json}. When the text is already the chunk as it would be written, the
   * chunk keeps it as its {@link SourceText}: the text carries, in the form written, every field an
   * OpenAI client needs ({@code id}, {@code object}, {@code created}, {@code model}, {@code choices}
   * with each choice's {@code index}, {@code delta} and {@code finish_reason}, each tool call's
   * {@code index}, {@code usage.total_tokens}), and nothing was converted while reading it (a whole
   * decimal read as an integer, tool arguments sent as an object). Fields the model does not
   * represent may be there too.
   *
   * <p>The usual chunk is read by {@link ChunkScanner} with the same result; what it declines, by
   * this class.
   *
   * @throws dev.switchboard.core.error.UpstreamException if it is not JSON or not shaped like a chunk
   */
  public static ChatChunk read(byte[] json) {
    ChatChunk scanned = ChunkScanner.read(json);
    return scanned != null ? scanned : readTokens(json);
  }

  /** {@link #read} without the scanner: the reference it is checked against. */
  static ChatChunk readTokens(byte[] json) {
    return PlainJson.readObject(json, PROBLEMS, "the chunk", p -> {
      ChatChunkReader r = new ChatChunkReader(p);
      r.readEnvelope(ChatChunk.OBJECT);
      ChatChunk.Builder b = ChatChunk.builder().id(r.id).created(r.created).model(r.model).usage(r.usage)
          .systemFingerprint(r.systemFingerprint).serviceTier(r.serviceTier).choices(r.choices);
      return r.verbatim ? SourceText.build(b, json) : b.build();
    });
  }

  @Override
  ChunkChoice readChoice() throws IOException {
    delta = null;
    readChoiceFields("delta");
    return ChunkChoice.builder().index(index).delta(delta == null ? Delta.empty() : delta).finishReason(finishReason)
        .logprobs(logprobs).build();
  }

  @Override
  boolean readBody(JsonToken t) throws IOException {
    delta = delta(t);
    return delta != null;
  }

  private Delta delta(JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.START_OBJECT) {
      throw PROBLEMS.invalidType(path(CHOICE, "delta"), "an object", t);
    }
    Delta.Builder b = Delta.builder();
    while ((t = fieldValue()) != null) {
      String key = p.currentName();
      switch (key) {
        case "role": {
          String role = string(t, DELTA, key);
          b.role(role == null ? null : Role.of(role));
          break;
        }
        case "content":
          b.content(string(t, DELTA, key));
          break;
        case "refusal":
          b.refusal(string(t, DELTA, key));
          break;
        case "tool_calls":
          b.toolCalls(toolCalls(t));
          break;
        default:
          b.extra(key, PlainJson.readValue(p, t));
      }
    }
    return b.build();
  }

  private List<ToolCallDelta> toolCalls(JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return List.of();
    }
    if (t != JsonToken.START_ARRAY) {
      throw PROBLEMS.invalidType(path(DELTA, "tool_calls"), "an array", t);
    }
    List<ToolCallDelta> list = new ArrayList<>(1);
    for (call = 0; (t = p.nextToken()) != JsonToken.END_ARRAY; call++) {
      if (t != JsonToken.START_OBJECT) {
        throw PROBLEMS.invalidType(path(DELTA, "tool_calls") + "[" + call + "]", "an object", t);
      }
      list.add(toolCall());
    }
    return list;
  }

  private ToolCallDelta toolCall() throws IOException {
    ToolCallDelta.Builder b = ToolCallDelta.builder().index(call);
    boolean index = false;
    JsonToken t;
    while ((t = fieldValue()) != null) {
      String key = p.currentName();
      switch (key) {
        case "index": {
          Integer v = integer(t, TOOL_CALL, key);
          index = v != null;
          b.index(v == null ? call : v);
          break;
        }
        case "id":
          b.id(string(t, TOOL_CALL, key));
          break;
        case "type":
          b.type(string(t, TOOL_CALL, key));
          break;
        case "function":
          function(t, b);
          break;
        default:
          p.skipChildren();
      }
    }
    verbatim &= index;
    return b.build();
  }

  private void function(JsonToken t, ToolCallDelta.Builder call) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return;
    }
    if (t != JsonToken.START_OBJECT) {
      throw PROBLEMS.invalidType(path(TOOL_CALL, "function"), "an object", t);
    }
    String name = null;
    String arguments = null;
    while ((t = fieldValue()) != null) {
      String key = p.currentName();
      switch (key) {
        case "name":
          name = string(t, FUNCTION, key);
          break;
        case "arguments":
          if (t == JsonToken.START_OBJECT) { // some compatible upstreams send an object: it becomes its JSON text
            verbatim = false;
            arguments = PlainJson.toText(PlainJson.readValue(p, t));
          } else {
            arguments = string(t, FUNCTION, key);
          }
          break;
        default:
          p.skipChildren();
      }
    }
    call.name(name).arguments(arguments);
  }

  @Override
  String path(int where, String key) {
    switch (where) {
      case DELTA:
        return "choices[" + choice + "].delta." + key;
      case TOOL_CALL:
        return "choices[" + choice + "].delta.tool_calls[" + call + "]." + key;
      case FUNCTION:
        return "choices[" + choice + "].delta.tool_calls[" + call + "].function." + key;
      default:
        return super.path(where, key);
    }
  }
}

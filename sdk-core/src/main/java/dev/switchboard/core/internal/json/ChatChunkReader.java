package dev.switchboard.core.internal.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.Delta;
import dev.switchboard.core.model.FinishReason;
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
public final class ChatChunkReader extends UpstreamTokens {

  private static final int CHOICE = 2;
  private static final int DELTA = 3;
  private static final int TOOL_CALL = 4;
  private static final int FUNCTION = 5;

  private int choice;
  private int call;

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
   * @throws dev.switchboard.core.error.UpstreamException if it is not JSON or not shaped like a chunk
   */
  public static ChatChunk read(byte[] json) {
    return PlainJson.readObject(json, PROBLEMS, "the chunk", p -> {
      ChatChunkReader reader = new ChatChunkReader(p);
      ChatChunk.Builder b = reader.readChunk();
      return reader.verbatim ? SourceText.build(b, json) : b.build();
    });
  }

  private ChatChunk.Builder readChunk() throws IOException {
    ChatChunk.Builder b = ChatChunk.builder();
    boolean id = false;
    boolean object = false;
    boolean created = false;
    boolean model = false;
    boolean choices = false;
    try {
      JsonToken t;
      while ((t = fieldValue()) != null) {
        String key = p.currentName();
        switch (key) {
          case "id": {
            String v = string(t, TOP, key);
            id = v != null;
            b.id(v);
            break;
          }
          case "object":
            object = t == JsonToken.VALUE_STRING && ChatChunk.OBJECT.equals(p.getText());
            p.skipChildren();
            break;
          case "created": {
            Long v = longValue(t, TOP, key);
            created = v != null;
            b.created(v == null ? 0 : v);
            break;
          }
          case "model": {
            String v = string(t, TOP, key);
            model = v != null;
            b.model(v);
            break;
          }
          case "usage":
            b.usage(usage(t));
            break;
          case "system_fingerprint":
            b.systemFingerprint(string(t, TOP, key));
            break;
          case "service_tier":
            b.serviceTier(string(t, TOP, key));
            break;
          case "choices":
            choices = t != JsonToken.VALUE_NULL;
            b.choices(choices(t));
            break;
          default:
            p.skipChildren();
        }
      }
      verbatim &= id && object && created && model && choices;
      return b;
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw PROBLEMS.fail(e.getMessage(), null, Problems.INVALID_VALUE);
    }
  }

  private List<ChunkChoice> choices(JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return List.of();
    }
    if (t != JsonToken.START_ARRAY) {
      throw PROBLEMS.invalidType("choices", "an array", t);
    }
    List<ChunkChoice> list = new ArrayList<>(1);
    for (choice = 0; (t = p.nextToken()) != JsonToken.END_ARRAY; choice++) {
      if (t != JsonToken.START_OBJECT) {
        throw PROBLEMS.invalidType("choices[" + choice + "]", "an object", t);
      }
      list.add(choice());
    }
    return list;
  }

  private ChunkChoice choice() throws IOException {
    ChunkChoice.Builder b = ChunkChoice.builder().index(choice);
    Delta delta = null;
    boolean index = false;
    boolean finishReason = false;
    JsonToken t;
    while ((t = fieldValue()) != null) {
      String key = p.currentName();
      switch (key) {
        case "index": {
          Integer v = integer(t, CHOICE, key);
          index = v != null;
          b.index(v == null ? choice : v);
          break;
        }
        case "delta":
          delta = delta(t);
          break;
        case "finish_reason": {
          finishReason = true;
          String v = string(t, CHOICE, key);
          b.finishReason(v == null ? null : FinishReason.of(v));
          break;
        }
        case "logprobs":
          b.logprobs(rawObject(t, CHOICE, key));
          break;
        default:
          p.skipChildren();
      }
    }
    verbatim &= index && delta != null && finishReason;
    return b.delta(delta == null ? Delta.empty() : delta).build();
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
    String base;
    switch (where) {
      case USAGE:
        base = "usage";
        break;
      case CHOICE:
        base = "choices[" + choice + "]";
        break;
      case DELTA:
        base = "choices[" + choice + "].delta";
        break;
      case TOOL_CALL:
        base = "choices[" + choice + "].delta.tool_calls[" + call + "]";
        break;
      case FUNCTION:
        base = "choices[" + choice + "].delta.tool_calls[" + call + "].function";
        break;
      default:
        return key;
    }
    return base + "." + key;
  }
}

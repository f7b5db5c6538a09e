package dev.switchboard.core.internal.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Role;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads a {@code chat.completion} from an upstream straight from the parser's tokens into the
 * model, but for each choice's message, which is read as a plain map and handed to the caller's
 * message reader (messages have the most shapes, and the caller reads request messages the same
 * way). Rules and error messages are those of {@link JsonFields} over {@link PlainJson}'s tree.
 */
public final class ChatResponseReader extends UpstreamTokens {

  private static final int CHOICE = 2;

  private final Function<JsonFields, Message> messages;
  private int choice;

  private ChatResponseReader(JsonParser p, Function<JsonFields, Message> messages) {
    super(p);
    this.messages = messages;
  }

  /**
   * Reads the response in {@code json}, each message with {@code messages}. When the text is
   * already the response as it would be written, the response keeps it as its {@link SourceText}:
   * the text carries, in the form written, every field an OpenAI client needs ({@code id},
   * {@code object}, {@code created}, {@code model}, {@code choices} with each choice's
   * {@code index}, {@code message} and {@code finish_reason}, each message's {@code role},
   * {@code content} (text or null) and {@code refusal}, each tool call's {@code id}, {@code type},
   * {@code function.name} and {@code function.arguments} as text, {@code usage.total_tokens}), and
   * nothing was converted while reading it. Fields the model does not represent may be there too.
   *
   * @throws dev.switchboard.core.error.UpstreamException if it is not JSON or not shaped like a
   *     chat completion
   */
  public static ChatResponse read(byte[] json, Function<JsonFields, Message> messages) {
    return PlainJson.readObject(json, PROBLEMS, "the response body", p -> {
      ChatResponseReader reader = new ChatResponseReader(p, messages);
      ChatResponse.Builder b = reader.readResponse();
      return reader.verbatim ? SourceText.build(b, json) : b.build();
    });
  }

  private ChatResponse.Builder readResponse() throws IOException {
    ChatResponse.Builder b = ChatResponse.builder();
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
            object = t == JsonToken.VALUE_STRING && ChatResponse.OBJECT.equals(p.getText());
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

  private List<Choice> choices(JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return List.of();
    }
    if (t != JsonToken.START_ARRAY) {
      throw PROBLEMS.invalidType("choices", "an array", t);
    }
    List<Choice> list = new ArrayList<>(1);
    for (choice = 0; (t = p.nextToken()) != JsonToken.END_ARRAY; choice++) {
      if (t != JsonToken.START_OBJECT) {
        throw PROBLEMS.invalidType("choices[" + choice + "]", "an object", t);
      }
      list.add(choice());
    }
    return list;
  }

  private Choice choice() throws IOException {
    Choice.Builder b = Choice.builder().index(choice);
    Message message = null;
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
        case "message": {
          Map<String, Object> m = rawObject(t, CHOICE, key);
          message = m == null ? null : messages.apply(new JsonFields(m, path(CHOICE, key), PROBLEMS));
          verbatim &= m != null && isWrittenForm(m);
          break;
        }
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
    verbatim &= index && message != null && finishReason;
    return b.message(message == null ? Message.builder().role(Role.ASSISTANT).build() : message).build();
  }

  /** Whether a (valid) response message is as it would be written; see {@link #read}. */
  private static boolean isWrittenForm(Map<String, Object> message) {
    if (!(message.get("role") instanceof String)
        || !message.containsKey("content") || message.get("content") instanceof List
        || !message.containsKey("refusal")) {
      return false;
    }
    Object calls = message.get("tool_calls");
    if (calls instanceof List) {
      for (Object call : (List<?>) calls) {
        Map<?, ?> c = (Map<?, ?>) call;
        if (!(c.get("id") instanceof String) || !(c.get("type") instanceof String)
            || !(c.get("function") instanceof Map)) {
          return false;
        }
        Map<?, ?> function = (Map<?, ?>) c.get("function");
        if (!(function.get("name") instanceof String) || !(function.get("arguments") instanceof String)) {
          return false;
        }
      }
    }
    return true;
  }

  @Override
  String path(int where, String key) {
    switch (where) {
      case USAGE:
        return "usage." + key;
      case CHOICE:
        return "choices[" + choice + "]." + key;
      default:
        return key;
    }
  }
}

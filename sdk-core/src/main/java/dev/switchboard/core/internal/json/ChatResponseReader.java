package dev.switchboard.core.internal.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Role;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads a {@code chat.completion} from an upstream straight from the parser's tokens into the
 * model, but for each choice's message, which is read as a plain map and handed to the caller's
 * message reader (messages have the most shapes, and the caller reads request messages the same
 * way). Rules and error messages are those of {@link JsonFields} over {@link PlainJson}'s tree.
 */
public final class ChatResponseReader extends UpstreamTokens<Choice> {

  private final Function<JsonFields, Message> messages;
  private Message message; // of the choice being read

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
      ChatResponseReader r = new ChatResponseReader(p, messages);
      r.readEnvelope(ChatResponse.OBJECT);
      ChatResponse.Builder b = ChatResponse.builder().id(r.id).created(r.created).model(r.model).usage(r.usage)
          .systemFingerprint(r.systemFingerprint).serviceTier(r.serviceTier).choices(r.choices);
      return r.verbatim ? SourceText.build(b, json) : b.build();
    });
  }

  @Override
  Choice readChoice() throws IOException {
    message = null;
    readChoiceFields("message");
    return Choice.builder().index(index)
        .message(message == null ? Message.builder().role(Role.ASSISTANT).build() : message)
        .finishReason(finishReason).logprobs(logprobs).build();
  }

  @Override
  boolean readBody(JsonToken t) throws IOException {
    Map<String, Object> m = rawObject(t, CHOICE, "message");
    message = m == null ? null : messages.apply(new JsonFields(m, path(CHOICE, "message"), PROBLEMS));
    return m != null && isWrittenForm(m);
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
}

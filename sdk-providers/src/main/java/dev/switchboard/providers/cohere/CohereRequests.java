package dev.switchboard.providers.cohere;

import dev.switchboard.core.internal.json.PlainJson;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ResponseFormat;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.Tool;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolChoice;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI-shaped requests to Cohere's v2 request bodies ({@code POST /v2/chat}, {@code POST /v2/embed}),
 * as documented in Cohere's API reference. What Cohere cannot express is reported to
 * {@link Unsupported}, which refuses the request or, when so configured, drops the parameter.
 *
 * <p>Stateless and thread-safe.
 */
final class CohereRequests {

  /** Message extras that carry Cohere's own assistant fields through an OpenAI-shaped conversation. */
  static final String TOOL_PLAN = "tool_plan";
  /** The de-facto OpenAI-compatible field for a model's reasoning, Cohere's {@code thinking} content. */
  static final String REASONING_CONTENT = "reasoning_content";

  /** Cohere chat fields a caller may set through {@link ChatRequest#extraParameters()}; sent verbatim. */
  static final Set<String> CHAT_PASSTHROUGH =
      Set.of("k", "safety_mode", "documents", "citation_options", "thinking", "priority", "strict_tools");
  /** Cohere embed fields a caller may set through {@link EmbeddingRequest#extraParameters()}; sent verbatim. */
  static final Set<String> EMBED_PASSTHROUGH = Set.of("input_type", "truncate", "max_tokens", "priority");

  // Cohere's documented range for p; OpenAI allows 0 to 1.
  private static final double MIN_P = 0.01;
  private static final double MAX_P = 0.99;

  /** Receives the parameters Cohere cannot honour: throws to refuse the request, returns to drop the parameter. */
  @FunctionalInterface
  interface Unsupported {
    void report(String param, String why);
  }

  private CohereRequests() {}

  /** The {@code POST /v2/chat} body. */
  static byte[] chat(ChatRequest r, boolean stream, Unsupported unsupported) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", r.model());
    body.put("messages", messages(r.messages(), unsupported));
    tools(r, body, unsupported);
    if (r.parallelToolCalls() != null && !r.parallelToolCalls()) {
      unsupported.report("parallel_tool_calls", "Cohere may call several tools in one turn and has no setting "
          + "that limits it to one");
    }
    if (r.temperature() != null) {
      body.put("temperature", r.temperature());
    }
    if (r.topP() != null) {
      body.put("p", Math.max(MIN_P, Math.min(MAX_P, r.topP())));
    }
    Integer maxTokens = r.maxCompletionTokens() != null ? r.maxCompletionTokens() : r.maxTokens();
    if (maxTokens != null) {
      body.put("max_tokens", maxTokens);
    }
    if (!r.stop().isEmpty()) {
      body.put("stop_sequences", r.stop());
    }
    if (r.seed() != null) {
      body.put("seed", r.seed());
    }
    if (r.n() != null && r.n() != 1) {
      unsupported.report("n", "Cohere returns one choice per request but " + r.n() + " were asked for");
    }
    penalty(body, "frequency_penalty", r.frequencyPenalty(), unsupported);
    penalty(body, "presence_penalty", r.presencePenalty(), unsupported);
    responseFormat(r.responseFormat(), body, unsupported);
    // user and metadata have no Cohere field and do not change the answer; they are not sent.
    r.extraParameters().forEach((name, value) -> {
      if (!CHAT_PASSTHROUGH.contains(name)) {
        unsupported.report(name, "Cohere's chat API has no such parameter");
      } else if (!body.containsKey(name)) {
        body.put(name, value);
      }
    });
    body.put("stream", stream);
    return json(body);
  }

  /** The {@code POST /v2/embed} body, float vectors only. */
  static byte[] embed(EmbeddingRequest r, String defaultInputType, Unsupported unsupported) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", r.model());
    body.put("texts", r.input());
    body.put("input_type", defaultInputType);
    body.put("embedding_types", List.of("float"));
    if (r.dimensions() != null) {
      body.put("output_dimension", r.dimensions());
    }
    // encoding_format needs nothing here: vectors come back as floats and are encoded for the caller later.
    // user has no Cohere field and does not change the vectors; it is not sent.
    r.extraParameters().forEach((name, value) -> {
      if (EMBED_PASSTHROUGH.contains(name)) {
        body.put(name, value);
      } else {
        unsupported.report(name, "Cohere's embed API has no such parameter");
      }
    });
    return json(body);
  }

  private static byte[] json(Map<String, Object> body) {
    return PlainJson.toText(body).getBytes(StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- messages

  private static List<Object> messages(List<Message> messages, Unsupported unsupported) {
    List<Object> out = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      String at = "messages[" + i + "]";
      Map<String, Object> cohere = new LinkedHashMap<>();
      Role role = m.role();
      if (Role.SYSTEM.equals(role) || Role.DEVELOPER.equals(role)) {
        cohere.put("role", "system"); // Cohere has one instruction role
        cohere.put("content", textContent(m, at, "system messages", unsupported));
      } else if (Role.USER.equals(role)) {
        cohere.put("role", "user");
        cohere.put("content", userContent(m, at, unsupported));
      } else if (Role.ASSISTANT.equals(role)) {
        assistant(m, at, cohere, unsupported);
      } else if (Role.TOOL.equals(role)) {
        cohere.put("role", "tool");
        cohere.put("tool_call_id", m.toolCallId());
        cohere.put("content", textContent(m, at, "tool messages", unsupported));
      } else {
        unsupported.report(at + ".role", "Cohere has no '" + role + "' role");
        continue;
      }
      if (m.name() != null) {
        unsupported.report(at + ".name", "Cohere messages carry no participant name");
      }
      for (String key : m.extra().keySet()) {
        boolean assistantField =
            Role.ASSISTANT.equals(role) && (TOOL_PLAN.equals(key) || REASONING_CONTENT.equals(key));
        if (!assistantField) {
          unsupported.report(at + "." + key, "Cohere messages have no such field");
        }
      }
      out.add(cohere);
    }
    return out;
  }

  /** Text-only content: a string for one part, text blocks for several; other parts are unsupported. */
  private static Object textContent(Message m, String at, String what, Unsupported unsupported) {
    List<Object> blocks = new ArrayList<>();
    for (int j = 0; j < m.content().size(); j++) {
      ContentPart part = m.content().get(j);
      if (part.isText()) {
        blocks.add(textBlock(part.text()));
      } else {
        unsupported.report(at + ".content[" + j + "]", "Cohere " + what + " take text only, not '" + part.type() + "'");
      }
    }
    return blocks.size() == 1 ? ((Map<?, ?>) blocks.get(0)).get("text") : blocks.isEmpty() ? "" : blocks;
  }

  private static Object userContent(Message m, String at, Unsupported unsupported) {
    if (m.content().size() == 1 && m.content().get(0).isText()) {
      return m.content().get(0).text();
    }
    List<Object> blocks = new ArrayList<>();
    for (int j = 0; j < m.content().size(); j++) {
      ContentPart part = m.content().get(j);
      if (part.isText()) {
        blocks.add(textBlock(part.text()));
      } else if (ContentPart.TYPE_IMAGE_URL.equals(part.type())) {
        Map<String, Object> image = new LinkedHashMap<>();
        image.put("url", part.imageUrl()); // a web URL or a base64 data URL, as Cohere accepts both
        if (part.imageDetail() != null) {
          image.put("detail", part.imageDetail());
        }
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("type", "image_url");
        block.put("image_url", image);
        blocks.add(block);
      } else {
        unsupported.report(at + ".content[" + j + "]", "Cohere user messages take text and images, not '"
            + part.type() + "'");
      }
    }
    return blocks;
  }

  private static void assistant(Message m, String at, Map<String, Object> cohere, Unsupported unsupported) {
    cohere.put("role", "assistant");
    List<Object> blocks = new ArrayList<>();
    Object reasoning = m.extra().get(REASONING_CONTENT);
    if (reasoning instanceof String) {
      Map<String, Object> thinking = new LinkedHashMap<>();
      thinking.put("type", "thinking");
      thinking.put("thinking", reasoning);
      blocks.add(thinking);
    }
    for (int j = 0; j < m.content().size(); j++) {
      ContentPart part = m.content().get(j);
      if (part.isText()) {
        blocks.add(textBlock(part.text()));
      } else {
        unsupported.report(at + ".content[" + j + "]", "Cohere assistant messages take text only, not '"
            + part.type() + "'");
      }
    }
    if (blocks.isEmpty() && m.refusal() != null) {
      blocks.add(textBlock(m.refusal())); // an earlier refusal is what the assistant said
    }
    if (!m.toolCalls().isEmpty()) {
      List<Object> calls = new ArrayList<>(m.toolCalls().size());
      for (ToolCall call : m.toolCalls()) {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", call.name());
        function.put("arguments", call.arguments() == null ? "{}" : call.arguments());
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", call.id());
        c.put("type", "function");
        c.put("function", function);
        calls.add(c);
      }
      cohere.put("tool_calls", calls);
    }
    Object toolPlan = m.extra().get(TOOL_PLAN);
    if (toolPlan instanceof String) {
      cohere.put("tool_plan", toolPlan);
    }
    if (blocks.size() == 1 && reasoning == null) {
      cohere.put("content", ((Map<?, ?>) blocks.get(0)).get("text"));
    } else if (!blocks.isEmpty()) {
      cohere.put("content", blocks);
    }
  }

  private static Map<String, Object> textBlock(String text) {
    Map<String, Object> block = new LinkedHashMap<>();
    block.put("type", "text");
    block.put("text", text);
    return block;
  }

  // ---------------------------------------------------------------- tools, format, sampling

  private static void tools(ChatRequest r, Map<String, Object> body, Unsupported unsupported) {
    ToolChoice choice = r.toolChoice();
    String forced = choice != null && ToolChoice.MODE_FUNCTION.equals(choice.mode()) ? choice.functionName() : null;
    List<Object> tools = new ArrayList<>();
    boolean strict = false;
    for (int i = 0; i < r.tools().size(); i++) {
      Tool tool = r.tools().get(i);
      if (!ToolCall.TYPE_FUNCTION.equals(tool.type())) {
        unsupported.report("tools[" + i + "].type", "Cohere takes function tools only, not '" + tool.type() + "'");
        continue;
      }
      // Forcing one function is offering only that function and requiring a call.
      if (forced != null && !forced.equals(tool.name())) {
        continue;
      }
      Map<String, Object> function = new LinkedHashMap<>();
      function.put("name", tool.name());
      if (tool.description() != null) {
        function.put("description", tool.description());
      }
      function.put("parameters", tool.parameters() != null ? tool.parameters()
          : Map.of("type", "object", "properties", Map.of())); // Cohere requires parameters
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("type", "function");
      t.put("function", function);
      tools.add(t);
      strict |= Boolean.TRUE.equals(tool.strict());
    }
    if (!tools.isEmpty()) {
      body.put("tools", tools);
      if (strict) {
        body.put("strict_tools", true); // Cohere's strictness is per request: any strict tool makes all strict
      }
      if (choice != null) {
        switch (choice.mode()) {
          case ToolChoice.MODE_NONE:
            body.put("tool_choice", "NONE");
            break;
          case ToolChoice.MODE_REQUIRED:
          case ToolChoice.MODE_FUNCTION:
            body.put("tool_choice", "REQUIRED");
            break;
          default: // auto is Cohere's default: nothing to send
        }
      }
    }
  }

  private static void responseFormat(ResponseFormat format, Map<String, Object> body, Unsupported unsupported) {
    if (format == null || ResponseFormat.TYPE_TEXT.equals(format.type())) {
      return;
    }
    boolean json = ResponseFormat.TYPE_JSON_OBJECT.equals(format.type())
        || ResponseFormat.TYPE_JSON_SCHEMA.equals(format.type());
    if (!json) {
      unsupported.report("response_format.type", "Cohere has no '" + format.type() + "' output format");
      return;
    }
    Map<String, Object> cohere = new LinkedHashMap<>();
    cohere.put("type", "json_object");
    // Cohere's structured output is json_object with a schema; it always enforces the schema, strict or not.
    if (ResponseFormat.TYPE_JSON_SCHEMA.equals(format.type()) && format.schema() != null) {
      cohere.put("json_schema", format.schema());
    }
    body.put("response_format", cohere);
  }

  private static void penalty(Map<String, Object> body, String name, Double value, Unsupported unsupported) {
    if (value == null) {
      return;
    }
    if (value < 0 || value > 1) {
      unsupported.report(name, "Cohere accepts 0 to 1 but it was " + value);
      return;
    }
    body.put(name, value);
  }
}

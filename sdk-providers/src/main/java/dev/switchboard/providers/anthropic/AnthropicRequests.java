package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.InvalidRequestException;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ResponseFormat;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.Tool;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolChoice;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An OpenAI-shaped {@link ChatRequest} as the body of Anthropic's {@code POST /v1/messages}.
 *
 * <p>What goes where (Anthropic Messages API reference, "Create a Message"):
 * <ul>
 *   <li>{@code system} and {@code developer} messages, wherever they stand, are lifted in order to the
 *       top-level {@code system} (a string for one plain text, else an array of text blocks).
 *   <li>{@code tool} messages become {@code tool_result} blocks ({@code tool_use_id} kept) in a user
 *       turn; assistant {@code tool_calls} become {@code tool_use} blocks (ids kept, the arguments'
 *       JSON text parsed into {@code input}). Consecutive turns of one role are merged, as Anthropic
 *       requires alternation, and in a merged user turn the {@code tool_result} blocks come first, as
 *       Anthropic requires.
 *   <li>Images: a {@code data:} URL becomes a {@code base64} source, an http(s) URL a {@code url}
 *       source; OpenAI's {@code detail} has no equivalent and is ignored.
 *   <li>{@code max_tokens} is always sent: {@code max_completion_tokens}, else {@code max_tokens},
 *       else the configured default.
 *   <li>{@code temperature}, {@code top_p}, {@code stop} ({@code stop_sequences}), {@code tools}
 *       ({@code input_schema}, {@code strict}), {@code tool_choice} (auto, required→any,
 *       function→tool, none) with {@code parallel_tool_calls:false} as
 *       {@code disable_parallel_tool_use}, {@code user} (else {@code safety_identifier}) as
 *       {@code metadata.user_id}.
 *   <li>{@code response_format} {@code json_schema} becomes structured outputs
 *       ({@code output_config.format}); {@code json_object}, which Anthropic has no mode for, becomes
 *       one forced tool ({@link #JSON_OUTPUT_TOOL}) whose input is the answer, read back as text.
 *   <li>{@code cache_control} in a content part's or message's extra fields is kept (prompt caching).
 *   <li>Extra parameters that are Anthropic request fields ({@link #PASSED_THROUGH}) are sent verbatim.
 * </ul>
 *
 * <p>OpenAI parameters that do not change the answer are ignored: {@link #IGNORED} and the request's
 * {@code metadata}, message {@code name}s and image {@code detail}. Everything else Anthropic cannot
 * do ({@code n > 1}, {@code seed}, penalties, {@code logprobs}, {@code reasoning_effort}, unknown
 * parameters, content parts other than text and images, …) fails with
 * {@link InvalidRequestException} naming the provider and the parameter, or is dropped when the
 * provider is configured with {@code drop_unsupported_params}.
 */
final class AnthropicRequests {

  /** The tool a {@code json_object} request is forced to call; its input is the answer. */
  static final String JSON_OUTPUT_TOOL = "json_output";

  /** Extra parameters that are Anthropic Messages API fields and go upstream verbatim. */
  static final Set<String> PASSED_THROUGH = Set.of(
      "top_k", "thinking", "service_tier", "cache_control", "container", "inference_geo", "output_config");

  /** OpenAI parameters that change nothing in the answer (storage, caching and latency hints). */
  static final Set<String> IGNORED = Set.of("store", "prediction", "prompt_cache_key", "safety_identifier");

  private static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

  /** The translated body, and whether answers come back through {@link #JSON_OUTPUT_TOOL}. */
  record Prepared(byte[] body, boolean jsonOutputTool) {}

  private final ChatRequest request;
  private final ErrorDetails details;
  private final int defaultMaxTokens;
  private final boolean dropUnsupported;
  private final List<Turn> turns = new ArrayList<>();
  private final ArrayNode system = AnthropicJson.MAPPER.createArrayNode();

  private AnthropicRequests(ChatRequest request, ErrorDetails details, int defaultMaxTokens, boolean dropUnsupported) {
    this.request = request;
    this.details = details;
    this.defaultMaxTokens = defaultMaxTokens;
    this.dropUnsupported = dropUnsupported;
  }

  /**
   * Translates {@code request}.
   *
   * @param details the call's error details; {@code provider} names the account in messages
   * @throws InvalidRequestException naming the parameter when the request asks for something
   *     Anthropic cannot do (and dropping it is not configured), or is malformed for Anthropic
   */
  static Prepared translate(ChatRequest request, boolean stream, ErrorDetails details, int defaultMaxTokens,
      boolean dropUnsupported) {
    return new AnthropicRequests(request, details, defaultMaxTokens, dropUnsupported).run(stream);
  }

  private Prepared run(boolean stream) {
    ObjectNode root = AnthropicJson.object();
    root.put("model", request.model());
    root.put("max_tokens", maxTokens());
    for (int i = 0; i < request.messages().size(); i++) {
      message(request.messages().get(i), i);
    }
    if (!system.isEmpty()) {
      JsonNode only = system.get(0);
      root.set("system", system.size() == 1 && only.size() == 2 ? only.get("text") : system);
    }
    ArrayNode messages = root.putArray("messages");
    for (Turn turn : turns) {
      messages.add(turn.toJson());
    }
    if (request.temperature() != null) {
      root.put("temperature", request.temperature());
    }
    if (request.topP() != null) {
      root.put("top_p", request.topP());
    }
    if (!request.stop().isEmpty()) {
      ArrayNode stop = root.putArray("stop_sequences");
      request.stop().forEach(stop::add);
    }
    unsupportedScalars();
    boolean jsonOutputTool = tools(root);
    String userId = userId();
    if (userId != null) {
      root.putObject("metadata").put("user_id", userId);
    }
    extraParameters(root);
    responseFormat(root);
    if (stream) {
      root.put("stream", true);
    }
    return new Prepared(AnthropicJson.bytes(root), jsonOutputTool);
  }

  private int maxTokens() {
    if (request.maxCompletionTokens() != null) {
      return request.maxCompletionTokens();
    }
    return request.maxTokens() != null ? request.maxTokens() : defaultMaxTokens;
  }

  // ---- messages

  private void message(Message m, int i) {
    String at = "messages[" + i + "]";
    Role role = m.role();
    if (Role.SYSTEM.equals(role) || Role.DEVELOPER.equals(role)) {
      List<ObjectNode> blocks = textOnly(m, at);
      cacheControl(blocks, m.extra());
      blocks.forEach(system::add);
    } else if (Role.USER.equals(role)) {
      List<ObjectNode> blocks = parts(m.content(), at);
      cacheControl(blocks, m.extra());
      append("user", blocks, false);
    } else if (Role.ASSISTANT.equals(role)) {
      List<ObjectNode> blocks = new ArrayList<>();
      for (ObjectNode block : parts(m.content(), at)) {
        // OpenAI clients send "" next to tool calls; Anthropic refuses empty text blocks.
        if (!"text".equals(block.path("type").asText()) || !block.path("text").asText().isEmpty()) {
          blocks.add(block);
        }
      }
      for (int j = 0; j < m.toolCalls().size(); j++) {
        ObjectNode toolUse = toolUse(m.toolCalls().get(j), at + ".tool_calls[" + j + "]");
        if (toolUse != null) {
          blocks.add(toolUse);
        }
      }
      cacheControl(blocks, m.extra());
      append("assistant", blocks, false);
    } else if (Role.TOOL.equals(role)) {
      ObjectNode result = AnthropicJson.object().put("type", "tool_result").put("tool_use_id", m.toolCallId());
      List<ObjectNode> content = parts(m.content(), at);
      if (content.size() == 1 && content.get(0).size() == 2 && content.get(0).has("text")) {
        result.put("content", content.get(0).get("text").asText());
      } else if (!content.isEmpty()) {
        result.putArray("content").addAll(content);
      }
      List<ObjectNode> blocks = new ArrayList<>(List.of(result));
      cacheControl(blocks, m.extra());
      append("user", blocks, true);
    } else {
      unsupported(at + ".role", "messages with role '" + role + "'");
    }
  }

  private List<ObjectNode> textOnly(Message m, String at) {
    List<ObjectNode> blocks = new ArrayList<>();
    for (int j = 0; j < m.content().size(); j++) {
      ContentPart part = m.content().get(j);
      if (part.isText()) {
        if (!part.text().isEmpty()) { // an empty system text says nothing; Anthropic refuses empty text blocks
          blocks.add(text(part));
        }
      } else {
        unsupported(at + ".content[" + j + "]", "'" + part.type() + "' content in " + m.role()
            + " messages (Anthropic's system prompt is text only)");
      }
    }
    return blocks;
  }

  private List<ObjectNode> parts(List<ContentPart> parts, String at) {
    List<ObjectNode> blocks = new ArrayList<>();
    for (int j = 0; j < parts.size(); j++) {
      ContentPart part = parts.get(j);
      String param = at + ".content[" + j + "]";
      if (part.isText()) {
        blocks.add(text(part));
      } else if (part.isImage()) {
        ObjectNode image = image(part, param + ".image_url.url");
        if (image != null) {
          blocks.add(image);
        }
      } else {
        unsupported(param, "content parts of type '" + part.type() + "'");
      }
    }
    return blocks;
  }

  private static ObjectNode text(ContentPart part) {
    ObjectNode block = AnthropicJson.object().put("type", "text").put("text", part.text());
    Object cache = part.extra().get("cache_control");
    if (cache != null) {
      block.set("cache_control", AnthropicJson.tree(cache));
    }
    return block;
  }

  private ObjectNode image(ContentPart part, String param) {
    String url = part.imageUrl();
    ObjectNode source = AnthropicJson.object();
    if (url.regionMatches(true, 0, "data:", 0, 5)) {
      int comma = url.indexOf(',');
      String[] header = url.substring(5, comma < 0 ? url.length() : comma).split(";");
      if (comma < 0 || header.length < 2 || !"base64".equalsIgnoreCase(header[header.length - 1])) {
        throw invalid(param, "an image data URL must be base64: data:<media type>;base64,<data>");
      }
      String mediaType = header[0].strip().toLowerCase(Locale.ROOT);
      if (mediaType.equals("image/jpg")) {
        mediaType = "image/jpeg";
      }
      if (!IMAGE_TYPES.contains(mediaType)) {
        unsupported(param, "images of type '" + mediaType + "' (it takes image/jpeg, image/png, image/gif and "
            + "image/webp)");
        return null;
      }
      source.put("type", "base64").put("media_type", mediaType).put("data", url.substring(comma + 1));
    } else if (url.regionMatches(true, 0, "https://", 0, 8) || url.regionMatches(true, 0, "http://", 0, 7)) {
      source.put("type", "url").put("url", url);
    } else {
      throw invalid(param, "an image URL must be an http(s) URL or a base64 data URL");
    }
    ObjectNode block = AnthropicJson.object().put("type", "image");
    block.set("source", source);
    Object cache = part.extra().get("cache_control");
    if (cache != null) {
      block.set("cache_control", AnthropicJson.tree(cache));
    }
    return block;
  }

  private ObjectNode toolUse(ToolCall call, String at) {
    if (!ToolCall.TYPE_FUNCTION.equals(call.type())) {
      unsupported(at + ".type", "tool calls of type '" + call.type() + "'");
      return null;
    }
    JsonNode input;
    String arguments = call.arguments();
    if (arguments == null || arguments.isBlank()) {
      input = AnthropicJson.object();
    } else {
      input = AnthropicJson.parseOrNull(arguments);
      if (input == null || !input.isObject()) {
        throw invalid(at + ".function.arguments", "tool call arguments must be a JSON object, as Anthropic's "
            + "tool_use input is one");
      }
    }
    ObjectNode block = AnthropicJson.object().put("type", "tool_use").put("id", call.id()).put("name", call.name());
    block.set("input", input);
    return block;
  }

  // A message-level cache_control (LiteLLM's convention) marks the message's last block.
  private static void cacheControl(List<ObjectNode> blocks, Map<String, Object> extra) {
    Object cache = extra.get("cache_control");
    if (cache != null && !blocks.isEmpty()) {
      blocks.get(blocks.size() - 1).set("cache_control", AnthropicJson.tree(cache));
    }
  }

  private void append(String role, List<ObjectNode> blocks, boolean toolResults) {
    if (blocks.isEmpty()) {
      return; // nothing to say: an empty message has no Anthropic form and no meaning
    }
    Turn last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
    if (last == null || !last.role.equals(role)) {
      last = new Turn(role);
      turns.add(last);
    }
    for (ObjectNode block : blocks) {
      if (toolResults) {
        last.blocks.insert(last.toolResults++, block);
      } else {
        last.blocks.add(block);
      }
    }
  }

  /** One Anthropic message: consecutive OpenAI messages of one role, merged. */
  private static final class Turn {
    final String role;
    final ArrayNode blocks = AnthropicJson.MAPPER.createArrayNode();
    int toolResults;

    Turn(String role) {
      this.role = role;
    }

    ObjectNode toJson() {
      ObjectNode message = AnthropicJson.object().put("role", role);
      JsonNode only = blocks.get(0);
      boolean plainText = blocks.size() == 1 && only.size() == 2 && "text".equals(only.path("type").asText());
      message.set("content", plainText ? only.get("text") : blocks);
      return message;
    }
  }

  // ---- tools, choice and format

  private boolean tools(ObjectNode root) {
    ResponseFormat format = request.responseFormat();
    boolean jsonObject = format != null && ResponseFormat.TYPE_JSON_OBJECT.equals(format.type());
    ToolChoice choice = request.toolChoice();
    boolean noParallel = Boolean.FALSE.equals(request.parallelToolCalls());
    if (request.tools().isEmpty()) {
      if (jsonObject) {
        ObjectNode tool = root.putArray("tools").addObject().put("name", JSON_OUTPUT_TOOL)
            .put("description", "Answer with the JSON object that responds to the conversation.");
        tool.putObject("input_schema").put("type", "object");
        root.putObject("tool_choice").put("type", "tool").put("name", JSON_OUTPUT_TOOL)
            .put("disable_parallel_tool_use", true);
        return true;
      }
      if (choice != null && (ToolChoice.MODE_REQUIRED.equals(choice.mode())
          || ToolChoice.MODE_FUNCTION.equals(choice.mode()))) {
        throw invalid("tool_choice", "tool_choice '" + choice.mode() + "' needs tools, but the request has none");
      }
      return false; // auto and none without tools mean nothing
    }
    if (jsonObject) {
      unsupported("response_format", "response_format 'json_object' together with tools (use 'json_schema', "
          + "which maps to Anthropic's structured outputs)");
    }
    ArrayNode tools = root.putArray("tools");
    for (int i = 0; i < request.tools().size(); i++) {
      Tool t = request.tools().get(i);
      if (!"function".equals(t.type())) {
        unsupported("tools[" + i + "].type", "tools of type '" + t.type() + "'");
        continue;
      }
      ObjectNode tool = tools.addObject().put("name", t.name());
      if (t.description() != null) {
        tool.put("description", t.description());
      }
      if (t.parameters() != null) {
        tool.set("input_schema", AnthropicJson.tree(t.parameters()));
      } else {
        tool.putObject("input_schema").put("type", "object").putObject("properties");
      }
      if (t.strict() != null) {
        tool.put("strict", t.strict());
      }
    }
    if (tools.isEmpty()) { // every tool was dropped as unsupported: there is nothing to choose from
      root.remove("tools");
      return false;
    }
    ObjectNode toolChoice = null;
    String mode = choice == null ? ToolChoice.MODE_AUTO : choice.mode();
    switch (mode) {
      case ToolChoice.MODE_AUTO:
        if (choice != null || noParallel) {
          toolChoice = AnthropicJson.object().put("type", "auto");
        }
        break;
      case ToolChoice.MODE_REQUIRED:
        toolChoice = AnthropicJson.object().put("type", "any");
        break;
      case ToolChoice.MODE_FUNCTION:
        toolChoice = AnthropicJson.object().put("type", "tool").put("name", choice.functionName());
        break;
      case ToolChoice.MODE_NONE:
        root.putObject("tool_choice").put("type", "none"); // takes no disable_parallel_tool_use
        return false;
      default:
        unsupported("tool_choice", "tool_choice '" + mode + "'");
    }
    if (toolChoice != null) {
      if (noParallel) {
        toolChoice.put("disable_parallel_tool_use", true);
      }
      root.set("tool_choice", toolChoice);
    }
    return false;
  }

  private void responseFormat(ObjectNode root) {
    ResponseFormat format = request.responseFormat();
    if (format == null || ResponseFormat.TYPE_TEXT.equals(format.type())
        || ResponseFormat.TYPE_JSON_OBJECT.equals(format.type())) { // json_object: see tools()
      return;
    }
    if (!ResponseFormat.TYPE_JSON_SCHEMA.equals(format.type())) {
      unsupported("response_format.type", "response_format '" + format.type() + "'");
      return;
    }
    if (format.schema() == null) {
      throw invalid("response_format.json_schema.schema", "response_format 'json_schema' needs a schema");
    }
    ObjectNode schema = (ObjectNode) AnthropicJson.tree(format.schema());
    if (format.description() != null && !schema.has("description")) {
      schema.put("description", format.description()); // the schema keyword carries the same guidance
    }
    JsonNode config = root.get("output_config");
    if (config == null) {
      config = root.putObject("output_config");
    } else if (config.has("format")) {
      throw invalid("response_format", "response_format and the extra parameter output_config.format both set "
          + "the answer's format; send one of them");
    }
    ObjectNode out = ((ObjectNode) config).putObject("format").put("type", "json_schema");
    out.set("schema", schema);
  }

  // ---- everything else

  private void unsupportedScalars() {
    if (request.n() != null && request.n() != 1) {
      unsupported("n", "n = " + request.n() + " (Anthropic answers with one message)");
    }
    if (request.seed() != null) {
      unsupported("seed", "seed");
    }
    if (request.presencePenalty() != null) {
      unsupported("presence_penalty", "presence_penalty");
    }
    if (request.frequencyPenalty() != null) {
      unsupported("frequency_penalty", "frequency_penalty");
    }
  }

  private String userId() {
    if (request.user() != null) {
      return request.user();
    }
    Object safety = request.extraParameters().get("safety_identifier");
    return safety instanceof String ? (String) safety : null;
  }

  private void extraParameters(ObjectNode root) {
    for (Map.Entry<String, Object> e : request.extraParameters().entrySet()) {
      String key = e.getKey();
      Object value = e.getValue();
      if (value == null || IGNORED.contains(key)) {
        continue;
      }
      if (PASSED_THROUGH.contains(key)) {
        if (key.equals("output_config") && !(value instanceof Map)) {
          throw invalid("output_config", "output_config must be a JSON object");
        }
        root.set(key, AnthropicJson.tree(value));
      } else if (key.equals("logprobs") && Boolean.FALSE.equals(value)) {
        continue; // asks for nothing
      } else if (key.equals("modalities") && List.of("text").equals(value)) {
        continue; // text is all Anthropic answers with
      } else {
        unsupported(key, key);
      }
    }
  }

  private void unsupported(String param, String what) {
    if (dropUnsupported) {
      return;
    }
    String provider = details.provider() == null ? "anthropic" : details.provider();
    throw new InvalidRequestException(provider + " (Anthropic) does not support " + what + "; remove '" + param
        + "' or configure the provider with drop_unsupported_params=true to drop it",
        details.toBuilder().param(param).code("unsupported_parameter").build());
  }

  private InvalidRequestException invalid(String param, String why) {
    String provider = details.provider() == null ? "anthropic" : details.provider();
    return new InvalidRequestException(provider + " (Anthropic) cannot send the request: " + why,
        details.toBuilder().param(param).code("invalid_value").build());
  }
}

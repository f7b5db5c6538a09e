package dev.switchboard.providers.bedrock;

import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.internal.json.PlainJson;
import dev.switchboard.core.internal.json.Problems;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ResponseFormat;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.Tool;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolChoice;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An OpenAI-shaped {@link ChatRequest} as the body of a Bedrock {@code Converse} /
 * {@code ConverseStream} call (the model id goes in the path, not here).
 *
 * <p>Shape from the Bedrock API reference (ConverseRequest, Message, ContentBlock, ToolConfiguration,
 * InferenceConfiguration, OutputConfig). What maps where:
 * <ul>
 *   <li>{@code system} and {@code developer} messages: their text, in order, as top-level {@code system}
 *       blocks (wherever they stood in the conversation);
 *   <li>{@code user} messages: {@code text} blocks and {@code image} blocks (a {@code data:image/…;base64}
 *       URL becomes {@code source.bytes} with format png, jpeg, gif or webp; an {@code s3://} URL becomes
 *       {@code source.s3Location}; an {@code http(s)} URL is refused, naming the part, because Converse
 *       does not fetch URLs);
 *   <li>{@code assistant} messages: {@code text} blocks (the refusal when there is no text) and a
 *       {@code toolUse} block per tool call ({@code toolUseId}, {@code name}, {@code input} parsed from
 *       the arguments);
 *   <li>{@code tool} messages: a {@code toolResult} block ({@code toolUseId}, {@code content} with the
 *       text and image parts, and {@code status} when the message carries an extra {@code status} of
 *       {@code success} or {@code error}) in a {@code user} turn;
 *   <li>consecutive turns of the same Bedrock role are merged into one (Converse needs alternating
 *       roles, and tool results must share the user turn that follows the tool calls); messages that
 *       end up empty (e.g. an assistant message with empty text) are left out;
 *   <li>{@code max_completion_tokens} (else {@code max_tokens}), {@code temperature}, {@code top_p} and
 *       {@code stop}: {@code inferenceConfig};
 *   <li>{@code tools} and {@code tool_choice}: {@code toolConfig} ({@code auto}, {@code required} as
 *       {@code any}, a named function as {@code tool}); {@code tool_choice: none} leaves {@code toolConfig}
 *       out, which Converse only allows when the conversation holds no tool blocks;
 *   <li>{@code response_format} {@code json_schema}: {@code outputConfig.textFormat} (Bedrock structured
 *       output; the schema travels as a JSON string);
 *   <li>{@code metadata}: {@code requestMetadata};
 *   <li>extra parameters named after Converse's own top-level fields
 *       ({@code additionalModelRequestFields}, {@code additionalModelResponseFieldPaths},
 *       {@code guardrailConfig}, {@code performanceConfig}, {@code promptVariables},
 *       {@code requestMetadata}, {@code serviceTier}): sent verbatim.
 * </ul>
 *
 * <p>Refused with an {@link dev.switchboard.core.error.InvalidRequestException} naming the parameter
 * (or, with {@code dropUnsupportedParams}, left out): {@code n > 1}, {@code logprobs},
 * {@code top_logprobs}, {@code response_format: json_object}, {@code audio}, {@code modalities} other
 * than text, tools of a type other than {@code function}, {@code tool_choice: none} in a conversation
 * that holds tool calls. Never dropped: content that cannot be sent (a URL image, an unknown part type),
 * which is always refused.
 *
 * <p>Ignored, having no Converse equivalent: {@code seed}, {@code presence_penalty},
 * {@code frequency_penalty}, {@code user}, {@code parallel_tool_calls}, a tool's {@code strict: false},
 * {@code response_format.json_schema.strict} (Bedrock always enforces the schema), an image part's
 * {@code detail}, a message's {@code name}, and every other extra parameter (e.g. {@code logit_bias},
 * {@code service_tier}, {@code reasoning_effort}, {@code store}).
 *
 * <p>Stateless and thread-safe.
 */
final class ConverseRequests {

  /** Extra parameters that are Converse request fields of their own and are sent as they are. */
  static final Set<String> PASS_THROUGH = Set.of("additionalModelRequestFields", "additionalModelResponseFieldPaths",
      "guardrailConfig", "performanceConfig", "promptVariables", "requestMetadata", "serviceTier");

  private static final Map<String, String> IMAGE_FORMATS = Map.of(
      "image/png", "png", "image/jpeg", "jpeg", "image/jpg", "jpeg", "image/gif", "gif", "image/webp", "webp");
  private static final Map<String, String> IMAGE_EXTENSIONS = Map.of(
      "png", "png", "jpg", "jpeg", "jpeg", "jpeg", "gif", "gif", "webp", "webp");

  private ConverseRequests() {}

  /**
   * The Converse body for {@code request}.
   *
   * @throws dev.switchboard.core.error.InvalidRequestException naming the parameter it cannot translate
   */
  static byte[] write(ChatRequest request, boolean dropUnsupported, BedrockErrors errors) {
    Map<String, Object> body = new LinkedHashMap<>();
    checkUnsupported(request, dropUnsupported, errors);

    List<Map<String, Object>> system = new ArrayList<>();
    List<Map<String, Object>> turns = new ArrayList<>();
    boolean toolBlocks = false;
    List<Message> messages = request.messages();
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      String at = "messages[" + i + "]";
      Role role = m.role();
      if (Role.SYSTEM.equals(role) || Role.DEVELOPER.equals(role)) {
        system.addAll(systemBlocks(m, at, errors));
        continue;
      }
      String bedrockRole;
      List<Map<String, Object>> blocks;
      if (Role.USER.equals(role)) {
        bedrockRole = "user";
        blocks = contentBlocks(m.content(), at, errors);
      } else if (Role.ASSISTANT.equals(role)) {
        bedrockRole = "assistant";
        blocks = assistantBlocks(m, at, errors);
        toolBlocks |= !m.toolCalls().isEmpty();
      } else if (Role.TOOL.equals(role)) {
        bedrockRole = "user";
        blocks = List.of(Map.of("toolResult", toolResult(m, at, errors)));
        toolBlocks = true;
      } else {
        throw errors.invalidRequest(at + ".role '" + role + "' has no Bedrock equivalent", at + ".role");
      }
      if (blocks.isEmpty()) {
        continue;
      }
      Map<String, Object> last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
      if (last != null && bedrockRole.equals(last.get("role"))) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> content = (List<Map<String, Object>>) last.get("content");
        content.addAll(blocks);
      } else {
        Map<String, Object> turn = new LinkedHashMap<>();
        turn.put("role", bedrockRole);
        turn.put("content", new ArrayList<>(blocks));
        turns.add(turn);
      }
    }
    body.put("messages", turns);
    if (!system.isEmpty()) {
      body.put("system", system);
    }

    Map<String, Object> inference = new LinkedHashMap<>();
    Integer maxTokens = request.maxCompletionTokens() != null ? request.maxCompletionTokens() : request.maxTokens();
    putIfNotNull(inference, "maxTokens", maxTokens);
    putIfNotNull(inference, "temperature", request.temperature());
    putIfNotNull(inference, "topP", request.topP());
    if (!request.stop().isEmpty()) {
      inference.put("stopSequences", request.stop());
    }
    if (!inference.isEmpty()) {
      body.put("inferenceConfig", inference);
    }

    Map<String, Object> toolConfig = toolConfig(request, toolBlocks, dropUnsupported, errors);
    if (toolConfig != null) {
      body.put("toolConfig", toolConfig);
    }

    ResponseFormat format = request.responseFormat();
    if (format != null && "json_schema".equals(format.type())) {
      Map<String, Object> jsonSchema = new LinkedHashMap<>();
      jsonSchema.put("schema", PlainJson.toText(format.schema() == null ? Map.of() : format.schema()));
      putIfNotNull(jsonSchema, "name", format.name());
      putIfNotNull(jsonSchema, "description", format.description());
      body.put("outputConfig", Map.of("textFormat",
          Map.of("type", "json_schema", "structure", Map.of("jsonSchema", jsonSchema))));
    }

    if (!request.metadata().isEmpty()) {
      body.put("requestMetadata", request.metadata());
    }
    for (Map.Entry<String, Object> extra : request.extraParameters().entrySet()) {
      if (PASS_THROUGH.contains(extra.getKey())) {
        body.put(extra.getKey(), extra.getValue());
      }
    }
    return PlainJson.write(g -> PlainJson.writeValue(g, body));
  }

  private static void checkUnsupported(ChatRequest r, boolean drop, BedrockErrors errors) {
    if (drop) {
      return; // every check below is about a parameter that may be dropped
    }
    if (r.n() != null && r.n() > 1) {
      throw errors.invalidRequest("n = " + r.n() + ": Converse returns one choice per call", "n");
    }
    Object logprobs = r.extraParameters().get("logprobs");
    if (Boolean.TRUE.equals(logprobs)) {
      throw errors.invalidRequest("logprobs: Converse does not return log probabilities", "logprobs");
    }
    if (r.extraParameters().get("top_logprobs") != null) {
      throw errors.invalidRequest("top_logprobs: Converse does not return log probabilities", "top_logprobs");
    }
    if (r.responseFormat() != null && "json_object".equals(r.responseFormat().type())) {
      throw errors.invalidRequest("response_format json_object: Converse has no JSON mode without a schema; "
          + "use response_format json_schema (sent as outputConfig.textFormat)", "response_format");
    }
    if (r.extraParameters().get("audio") != null) {
      throw errors.invalidRequest("audio: Converse does not produce audio", "audio");
    }
    Object modalities = r.extraParameters().get("modalities");
    if (modalities instanceof List && !List.of("text").containsAll((List<?>) modalities)) {
      throw errors.invalidRequest("modalities " + modalities + ": Converse produces text only", "modalities");
    }
    for (int i = 0; i < r.tools().size(); i++) {
      if (!"function".equals(r.tools().get(i).type())) {
        throw errors.invalidRequest("tools[" + i + "].type '" + r.tools().get(i).type()
            + "': Converse takes function tools only", "tools[" + i + "].type");
      }
    }
  }

  private static List<Map<String, Object>> systemBlocks(Message m, String at, BedrockErrors errors) {
    List<Map<String, Object>> blocks = new ArrayList<>();
    List<ContentPart> parts = m.content();
    for (int j = 0; j < parts.size(); j++) {
      ContentPart part = parts.get(j);
      if (!part.isText()) {
        throw errors.invalidRequest(at + ".content[" + j + "] is a '" + part.type()
            + "' part, but Bedrock system prompts take text only", at + ".content[" + j + "]");
      }
      if (!part.text().isEmpty()) {
        blocks.add(Map.of("text", part.text()));
      }
    }
    return blocks;
  }

  private static List<Map<String, Object>> contentBlocks(List<ContentPart> parts, String at, BedrockErrors errors) {
    List<Map<String, Object>> blocks = new ArrayList<>();
    for (int j = 0; j < parts.size(); j++) {
      ContentPart part = parts.get(j);
      String partAt = at + ".content[" + j + "]";
      if (part.isText()) {
        if (!part.text().isEmpty()) { // Converse rejects blank text blocks
          blocks.add(Map.of("text", part.text()));
        }
      } else if (part.isImage()) {
        blocks.add(Map.of("image", image(part.imageUrl(), partAt + ".image_url", errors)));
      } else {
        throw errors.invalidRequest(partAt + " is a '" + part.type() + "' part, which this adapter cannot send "
            + "to Bedrock Converse (it sends text and images)", partAt);
      }
    }
    return blocks;
  }

  private static Map<String, Object> image(String url, String param, BedrockErrors errors) {
    String lower = url.toLowerCase(Locale.ROOT);
    if (lower.startsWith("data:")) {
      int comma = url.indexOf(',');
      String meta = comma < 0 ? "" : lower.substring(5, comma);
      if (comma < 0 || !meta.endsWith(";base64")) {
        throw errors.invalidRequest(param + " is a data URL that is not base64-encoded", param);
      }
      String mime = meta.substring(0, meta.length() - ";base64".length());
      int semicolon = mime.indexOf(';');
      if (semicolon >= 0) {
        mime = mime.substring(0, semicolon);
      }
      String format = IMAGE_FORMATS.get(mime);
      if (format == null) {
        throw errors.invalidRequest(param + " has media type '" + mime + "'; Bedrock takes image/png, image/jpeg, "
            + "image/gif or image/webp", param);
      }
      String base64 = url.substring(comma + 1).strip();
      try {
        Base64.getDecoder().decode(base64);
      } catch (IllegalArgumentException e) {
        throw errors.invalidRequest(param + " is not valid base64: " + e.getMessage(), param);
      }
      Map<String, Object> image = new LinkedHashMap<>();
      image.put("format", format);
      image.put("source", Map.of("bytes", base64)); // a blob is base64 text in Converse's JSON
      return image;
    }
    if (lower.startsWith("s3://")) {
      String path = lower.contains("?") ? lower.substring(0, lower.indexOf('?')) : lower;
      String extension = path.substring(path.lastIndexOf('.') + 1);
      String format = IMAGE_EXTENSIONS.get(extension);
      if (format == null || path.lastIndexOf('.') < path.lastIndexOf('/')) {
        throw errors.invalidRequest(param + " is an S3 location whose name does not end in .png, .jpg, .jpeg, "
            + ".gif or .webp, so its format is unknown", param);
      }
      Map<String, Object> image = new LinkedHashMap<>();
      image.put("format", format);
      image.put("source", Map.of("s3Location", Map.of("uri", url)));
      return image;
    }
    throw errors.invalidRequest(param + " is a URL, but Bedrock Converse does not fetch images: send the image "
        + "as a data:image/...;base64 URL or an s3:// location", param);
  }

  private static List<Map<String, Object>> assistantBlocks(Message m, String at, BedrockErrors errors) {
    List<Map<String, Object>> blocks = contentBlocks(m.content(), at, errors);
    if (blocks.isEmpty() && m.refusal() != null && !m.refusal().isEmpty()) {
      blocks.add(Map.of("text", m.refusal()));
    }
    List<ToolCall> calls = m.toolCalls();
    for (int k = 0; k < calls.size(); k++) {
      ToolCall call = calls.get(k);
      String argumentsAt = at + ".tool_calls[" + k + "].function.arguments";
      Object input;
      String arguments = call.arguments();
      if (arguments == null || arguments.isBlank()) {
        input = Map.of();
      } else {
        try {
          input = PlainJson.parse(arguments, Problems.REQUEST);
        } catch (SwitchboardException notJson) {
          throw errors.invalidRequest(argumentsAt + " is not JSON, but Bedrock needs the tool input as a JSON "
              + "value: " + notJson.getMessage(), argumentsAt);
        }
      }
      Map<String, Object> toolUse = new LinkedHashMap<>();
      toolUse.put("toolUseId", call.id());
      toolUse.put("name", call.name());
      toolUse.put("input", input);
      blocks.add(Map.of("toolUse", toolUse));
    }
    return blocks;
  }

  private static Map<String, Object> toolResult(Message m, String at, BedrockErrors errors) {
    List<Map<String, Object>> content = contentBlocks(m.content(), at, errors);
    if (content.isEmpty()) {
      content = List.of(Map.of("text", ""));
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("toolUseId", m.toolCallId());
    result.put("content", content);
    Object status = m.extra().get("status");
    if ("success".equals(status) || "error".equals(status)) {
      result.put("status", status);
    }
    return result;
  }

  private static Map<String, Object> toolConfig(ChatRequest r, boolean toolBlocks, boolean drop,
      BedrockErrors errors) {
    if (r.tools().isEmpty()) {
      return null;
    }
    ToolChoice choice = r.toolChoice();
    boolean none = choice != null && ToolChoice.MODE_NONE.equals(choice.mode());
    if (none && !toolBlocks) {
      return null; // without tools the model cannot call one: exactly "none"
    }
    if (none && !drop) {
      throw errors.invalidRequest("tool_choice none: Converse has no such choice, and leaving the tools out is "
          + "not allowed once the conversation holds tool calls", "tool_choice");
    }
    List<Map<String, Object>> tools = new ArrayList<>();
    for (Tool tool : r.tools()) {
      if (!"function".equals(tool.type())) {
        continue; // refused by checkUnsupported unless dropping
      }
      Map<String, Object> spec = new LinkedHashMap<>();
      spec.put("name", tool.name());
      putIfNotNull(spec, "description", tool.description());
      spec.put("inputSchema", Map.of("json", tool.parameters() != null ? tool.parameters()
          : Map.of("type", "object", "properties", Map.of())));
      if (Boolean.TRUE.equals(tool.strict())) {
        spec.put("strict", true);
      }
      tools.add(Map.of("toolSpec", spec));
    }
    if (tools.isEmpty()) {
      return null;
    }
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("tools", tools);
    if (choice != null && !none) {
      switch (choice.mode()) {
        case ToolChoice.MODE_AUTO:
          config.put("toolChoice", Map.of("auto", Map.of()));
          break;
        case ToolChoice.MODE_REQUIRED:
          config.put("toolChoice", Map.of("any", Map.of()));
          break;
        case ToolChoice.MODE_FUNCTION:
          config.put("toolChoice", Map.of("tool", Map.of("name", choice.functionName())));
          break;
        default:
          throw errors.invalidRequest("tool_choice '" + choice.mode() + "' has no Bedrock equivalent", "tool_choice");
      }
    }
    return config;
  }

  private static void putIfNotNull(Map<String, Object> map, String key, Object value) {
    if (value != null) {
      map.put(key, value);
    }
  }
}

package dev.switchboard.providers.gemini;

import dev.switchboard.core.error.InvalidRequestException;
import dev.switchboard.core.internal.json.PlainJson;
import dev.switchboard.core.internal.json.Problems;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ResponseFormat;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.Tool;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolChoice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Translates OpenAI-shaped requests into Gemini request bodies ({@code GenerateContentRequest},
 * {@code EmbedContentRequest}, {@code BatchEmbedContentsRequest}, Vertex AI's {@code predict} for
 * embeddings). Every refusal is an {@link InvalidRequestException} naming the OpenAI parameter.
 *
 * <p>Stateless and thread-safe.
 */
final class GeminiRequests {

  /**
   * Tool call ids carry Gemini's {@code thoughtSignature} after this marker, so that it survives the
   * round trip through OpenAI-shaped history (Gemini 3 refuses a function call sent back without it).
   */
  static final String THOUGHT_SIGNATURE_MARKER = "__thought__";
  /** The prefix of tool call ids this adapter makes up when Gemini sends none: {@code call_0}, {@code call_1}, … */
  static final String GENERATED_ID_PREFIX = "call_";

  private GeminiRequests() {}

  /** Options that change the translation. */
  static final class Settings {
    final boolean dropUnsupportedParams;
    final GeminiProvider.SchemaMode schemaMode;

    Settings(boolean dropUnsupportedParams, GeminiProvider.SchemaMode schemaMode) {
      this.dropUnsupportedParams = dropUnsupportedParams;
      this.schemaMode = schemaMode;
    }
  }

  // ---------------------------------------------------------------- chat

  /** The {@code generateContent} / {@code streamGenerateContent} body for {@code r}. */
  static byte[] chat(ChatRequest r, Settings settings, GeminiErrors errors) {
    Map<String, Object> body = new LinkedHashMap<>();
    List<Object> system = new ArrayList<>();
    List<Map<String, Object>> contents = contents(r.messages(), system, errors);
    if (contents.isEmpty()) {
      throw errors.invalid("messages must contain at least one user, assistant or tool message besides system "
          + "instructions", "messages");
    }
    body.put("contents", contents);
    if (!system.isEmpty()) {
      body.put("systemInstruction", Map.of("parts", system));
    }
    Map<String, Object> generationConfig = new LinkedHashMap<>();
    if (r.stop() != null && !r.stop().isEmpty()) {
      generationConfig.put("stopSequences", r.stop());
    }
    if (r.n() != null) {
      generationConfig.put("candidateCount", r.n());
    }
    Integer maxTokens = r.maxCompletionTokens() != null ? r.maxCompletionTokens() : r.maxTokens();
    if (maxTokens != null) {
      generationConfig.put("maxOutputTokens", maxTokens);
    }
    putIfSet(generationConfig, "temperature", r.temperature());
    putIfSet(generationConfig, "topP", r.topP());
    putIfSet(generationConfig, "seed", r.seed());
    putIfSet(generationConfig, "presencePenalty", r.presencePenalty());
    putIfSet(generationConfig, "frequencyPenalty", r.frequencyPenalty());
    responseFormat(r.responseFormat(), generationConfig, settings, errors);

    if (!r.tools().isEmpty()) {
      body.put("tools", List.of(Map.of("functionDeclarations", functionDeclarations(r.tools(), settings, errors))));
    }
    if (r.toolChoice() != null) {
      body.put("toolConfig", Map.of("functionCallingConfig", functionCallingConfig(r.toolChoice())));
    }
    if (Boolean.FALSE.equals(r.parallelToolCalls())) {
      unsupported("parallel_tool_calls", "Gemini cannot be told to call at most one function per turn", settings,
          errors);
    }

    for (Map.Entry<String, Object> e : r.extraParameters().entrySet()) {
      String name = e.getKey();
      Object value = e.getValue();
      if (value == null || name.equals("logprobs") && Boolean.FALSE.equals(value)) {
        continue; // the OpenAI default: nothing asked for
      }
      switch (name) {
        case "top_k":
          generationConfig.put("topK", value);
          break;
        case "thinking_config":
          generationConfig.put("thinkingConfig", value);
          break;
        case "safety_settings":
          body.put("safetySettings", value);
          break;
        case "cached_content":
          body.put("cachedContent", value);
          break;
        default:
          unsupported(name, "it has no Gemini equivalent", settings, errors);
      }
    }
    if (!generationConfig.isEmpty()) {
      body.put("generationConfig", generationConfig);
    }
    // user and metadata describe the caller, not the answer: Gemini has no field for them, so they are not sent.
    return PlainJson.write(g -> PlainJson.writeValue(g, body));
  }

  private static List<Map<String, Object>> contents(List<Message> messages, List<Object> system, GeminiErrors errors) {
    List<Map<String, Object>> contents = new ArrayList<>();
    Map<String, String> functionNames = new HashMap<>(); // tool call id -> function name, from assistant turns
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      String at = "messages[" + i + "]";
      Role role = m.role();
      if (Role.SYSTEM.equals(role) || Role.DEVELOPER.equals(role)) {
        for (int j = 0; j < m.content().size(); j++) {
          ContentPart part = m.content().get(j);
          if (!part.isText()) {
            throw errors.invalid("system instructions may only contain text, but " + at + ".content[" + j
                + "] is of type '" + part.type() + "'", at + ".content[" + j + "]");
          }
          system.add(Map.of("text", part.text()));
        }
        continue;
      }
      List<Object> parts = new ArrayList<>();
      String geminiRole;
      if (Role.USER.equals(role)) {
        geminiRole = "user";
        addContentParts(m, at, parts, errors);
      } else if (Role.ASSISTANT.equals(role)) {
        geminiRole = "model";
        addContentParts(m, at, parts, errors);
        for (int j = 0; j < m.toolCalls().size(); j++) {
          ToolCall call = m.toolCalls().get(j);
          String callAt = at + ".tool_calls[" + j + "]";
          if (call.id() != null) {
            functionNames.put(call.id(), call.name());
          }
          Map<String, Object> functionCall = new LinkedHashMap<>();
          functionCall.put("name", call.name());
          functionCall.put("args", arguments(call.arguments(), callAt + ".function.arguments", errors));
          Map<String, Object> part = new LinkedHashMap<>();
          part.put("functionCall", functionCall);
          String signature = thoughtSignature(call.id());
          if (signature != null) {
            part.put("thoughtSignature", signature);
          }
          parts.add(part);
        }
      } else if (Role.TOOL.equals(role)) {
        geminiRole = "user"; // Gemini takes function responses in a user turn
        String name = functionNames.get(m.toolCallId());
        if (name == null) {
          throw errors.invalid("no earlier assistant message has a tool call with id '" + m.toolCallId()
              + "', so the function this result belongs to is unknown (Gemini answers by function name)",
              at + ".tool_call_id");
        }
        Map<String, Object> functionResponse = new LinkedHashMap<>();
        functionResponse.put("name", name);
        functionResponse.put("response", functionResult(m));
        parts.add(Map.of("functionResponse", functionResponse));
      } else {
        throw errors.invalid("role '" + role + "' has no Gemini equivalent", at + ".role");
      }
      if (parts.isEmpty()) {
        continue; // e.g. an assistant turn with neither text nor tool calls: Gemini refuses empty parts
      }
      Map<String, Object> last = contents.isEmpty() ? null : contents.get(contents.size() - 1);
      if (last != null && geminiRole.equals(last.get("role"))) {
        // Gemini alternates user and model turns: consecutive turns of one role become one turn.
        @SuppressWarnings("unchecked")
        List<Object> lastParts = (List<Object>) last.get("parts");
        lastParts.addAll(parts);
      } else {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("role", geminiRole);
        content.put("parts", parts);
        contents.add(content);
      }
    }
    return contents;
  }

  private static void addContentParts(Message m, String at, List<Object> parts, GeminiErrors errors) {
    for (int j = 0; j < m.content().size(); j++) {
      ContentPart part = m.content().get(j);
      String partAt = at + ".content[" + j + "]";
      if (part.isText()) {
        parts.add(Map.of("text", part.text()));
      } else if (part.isImage()) {
        parts.add(image(part.imageUrl(), partAt, errors));
      } else if ("input_audio".equals(part.type()) && part.raw().get("input_audio") instanceof Map) {
        Map<?, ?> audio = (Map<?, ?>) part.raw().get("input_audio");
        Object data = audio.get("data");
        Object format = audio.get("format");
        if (!(data instanceof String) || !(format instanceof String)) {
          throw errors.invalid(partAt + ".input_audio needs string data and format", partAt + ".input_audio");
        }
        parts.add(inlineData("audio/" + ((String) format).toLowerCase(Locale.ROOT), (String) data));
      } else if ("file".equals(part.type()) && part.raw().get("file") instanceof Map
          && ((Map<?, ?>) part.raw().get("file")).get("file_data") instanceof String) {
        String dataUrl = (String) ((Map<?, ?>) part.raw().get("file")).get("file_data");
        parts.add(dataUrlPart(dataUrl, partAt + ".file.file_data", errors));
      } else {
        throw errors.invalid("content parts of type '" + part.type() + "' have no Gemini equivalent", partAt);
      }
    }
  }

  /**
   * An image part: a {@code data:} URL becomes {@code inlineData}. A URL is sent as {@code fileData}
   * only where Gemini documents that it reads it: a file uploaded through the Gemini Files API
   * ({@code https://generativelanguage.googleapis.com/…/files/…}) or a Cloud Storage object
   * ({@code gs://…}, Vertex AI). Gemini does not fetch other web URLs, so those are refused rather
   * than silently dropped: send the image as a data URL.
   */
  private static Map<String, Object> image(String url, String at, GeminiErrors errors) {
    String lower = url.toLowerCase(Locale.ROOT);
    if (lower.startsWith("data:")) {
      return dataUrlPart(url, at + ".image_url.url", errors);
    }
    boolean filesApi = lower.startsWith("https://generativelanguage.googleapis.com/") && lower.contains("/files/");
    if (filesApi || lower.startsWith("gs://")) {
      Map<String, Object> fileData = new LinkedHashMap<>();
      String mimeType = mimeTypeOf(lower);
      if (mimeType != null) {
        fileData.put("mimeType", mimeType);
      } else if (lower.startsWith("gs://")) {
        throw errors.invalid("the MIME type of image " + at + " cannot be told from its name; Gemini needs one for "
            + "Cloud Storage files (use a .png, .jpg, .jpeg, .webp, .heic, .heif or .gif name)", at + ".image_url.url");
      }
      fileData.put("fileUri", url);
      return Map.of("fileData", fileData);
    }
    throw errors.invalid("image " + at + " is a web URL, which Gemini does not fetch; send it as a data: URL "
        + "(base64), a Gemini Files API URI or a gs:// URI", at + ".image_url.url");
  }

  private static Map<String, Object> dataUrlPart(String dataUrl, String at, GeminiErrors errors) {
    // data:<mime>;base64,<data>
    int comma = dataUrl.indexOf(',');
    String header = comma < 0 ? "" : dataUrl.substring(5, comma);
    if (comma < 0 || !header.toLowerCase(Locale.ROOT).endsWith(";base64") || header.length() <= ";base64".length()) {
      throw errors.invalid(at + " must be a base64 data URL such as data:image/png;base64,…", at);
    }
    String mimeType = header.substring(0, header.length() - ";base64".length());
    return inlineData(mimeType, dataUrl.substring(comma + 1));
  }

  private static Map<String, Object> inlineData(String mimeType, String base64) {
    Map<String, Object> inline = new LinkedHashMap<>();
    inline.put("mimeType", mimeType);
    inline.put("data", base64);
    return Map.of("inlineData", inline);
  }

  private static String mimeTypeOf(String lowerUrl) {
    String path = lowerUrl.replaceFirst("[?#].*$", "");
    if (path.endsWith(".png")) {
      return "image/png";
    }
    if (path.endsWith(".jpg") || path.endsWith(".jpeg")) {
      return "image/jpeg";
    }
    if (path.endsWith(".webp")) {
      return "image/webp";
    }
    if (path.endsWith(".heic")) {
      return "image/heic";
    }
    if (path.endsWith(".heif")) {
      return "image/heif";
    }
    if (path.endsWith(".gif")) {
      return "image/gif";
    }
    return null;
  }

  private static Object arguments(String arguments, String param, GeminiErrors errors) {
    if (arguments == null || arguments.isBlank()) {
      return Map.of();
    }
    Object parsed;
    try {
      parsed = PlainJson.parse(arguments, Problems.REQUEST);
    } catch (RuntimeException e) {
      throw errors.invalid(param + " must be a JSON object (Gemini takes function arguments as an object) but is "
          + "not valid JSON", param);
    }
    if (!(parsed instanceof Map)) {
      throw errors.invalid(param + " must be a JSON object (Gemini takes function arguments as an object)", param);
    }
    return parsed;
  }

  /**
   * A tool result as Gemini's {@code FunctionResponse.response} object: a result that is a JSON object
   * is sent as it is; anything else is sent as {@code {"output": <text>}}, the key Gemini's reference
   * names for a function's output.
   */
  private static Object functionResult(Message m) {
    String text = m.text() == null ? "" : m.text();
    String trimmed = text.strip();
    if (trimmed.startsWith("{")) {
      try {
        Object parsed = PlainJson.parse(trimmed, Problems.REQUEST);
        if (parsed instanceof Map) {
          return parsed;
        }
      } catch (RuntimeException notJson) {
        // plain text that happens to start with a brace
      }
    }
    Map<String, Object> wrapped = new LinkedHashMap<>();
    wrapped.put("output", text);
    return wrapped;
  }

  /** The thought signature carried in a tool call id made by this adapter, or null. */
  static String thoughtSignature(String toolCallId) {
    if (toolCallId == null) {
      return null;
    }
    int at = toolCallId.indexOf(THOUGHT_SIGNATURE_MARKER);
    return at < 0 ? null : toolCallId.substring(at + THOUGHT_SIGNATURE_MARKER.length());
  }

  private static List<Object> functionDeclarations(List<Tool> tools, Settings settings, GeminiErrors errors) {
    List<Object> declarations = new ArrayList<>();
    for (int i = 0; i < tools.size(); i++) {
      Tool tool = tools.get(i);
      if (!"function".equals(tool.type())) {
        throw errors.invalid("tools of type '" + tool.type() + "' have no Gemini equivalent", "tools[" + i + "].type");
      }
      Map<String, Object> declaration = new LinkedHashMap<>();
      declaration.put("name", tool.name());
      if (tool.description() != null) {
        declaration.put("description", tool.description());
      }
      Map<String, Object> parameters = tool.parameters();
      if (parameters != null && !hasNoProperties(parameters)) {
        if (settings.schemaMode == GeminiProvider.SchemaMode.JSON_SCHEMA) {
          declaration.put("parametersJsonSchema", parameters);
        } else {
          declaration.put("parameters", openApi(parameters, "tools[" + i + "].function.parameters", errors));
        }
      }
      declarations.add(declaration);
    }
    return declarations;
  }

  // A function without parameters is declared without "parameters": Gemini refuses an OBJECT with no properties.
  private static boolean hasNoProperties(Map<String, Object> schema) {
    Object properties = schema.get("properties");
    return "object".equals(schema.get("type")) && (properties == null
        || properties instanceof Map && ((Map<?, ?>) properties).isEmpty())
        && !schema.containsKey("anyOf") && !schema.containsKey("oneOf") && !schema.containsKey("allOf")
        && !schema.containsKey("$ref");
  }

  private static Map<String, Object> openApi(Map<String, Object> schema, String param, GeminiErrors errors) {
    try {
      return GeminiSchemas.toOpenApi(schema);
    } catch (GeminiSchemas.UnsupportedSchemaException e) {
      throw errors.invalid(param + ": " + e.getMessage() + " (at " + e.path + ")", param);
    }
  }

  private static Map<String, Object> functionCallingConfig(ToolChoice choice) {
    Map<String, Object> config = new LinkedHashMap<>();
    switch (choice.mode()) {
      case ToolChoice.MODE_NONE:
        config.put("mode", "NONE");
        break;
      case ToolChoice.MODE_REQUIRED:
        config.put("mode", "ANY");
        break;
      case ToolChoice.MODE_FUNCTION:
        config.put("mode", "ANY");
        config.put("allowedFunctionNames", List.of(choice.functionName()));
        break;
      default:
        config.put("mode", "AUTO");
    }
    return config;
  }

  private static void responseFormat(ResponseFormat format, Map<String, Object> generationConfig, Settings settings,
      GeminiErrors errors) {
    if (format == null || ResponseFormat.TYPE_TEXT.equals(format.type())) {
      return;
    }
    if (ResponseFormat.TYPE_JSON_OBJECT.equals(format.type())) {
      generationConfig.put("responseMimeType", "application/json");
      return;
    }
    if (ResponseFormat.TYPE_JSON_SCHEMA.equals(format.type())) {
      if (format.schema() == null) {
        throw errors.invalid("response_format of type json_schema needs a schema", "response_format.json_schema.schema");
      }
      generationConfig.put("responseMimeType", "application/json");
      if (settings.schemaMode == GeminiProvider.SchemaMode.JSON_SCHEMA) {
        generationConfig.put("responseJsonSchema", format.schema());
      } else {
        generationConfig.put("responseSchema", openApi(format.schema(), "response_format.json_schema.schema", errors));
      }
      return;
    }
    throw errors.invalid("response_format of type '" + format.type() + "' has no Gemini equivalent",
        "response_format.type");
  }

  private static void unsupported(String param, String why, Settings settings, GeminiErrors errors) {
    if (!settings.dropUnsupportedParams) {
      throw errors.invalid("parameter '" + param + "' is not supported: " + why
          + " (set the provider option drop_unsupported_params=true to drop it)", param);
    }
  }

  private static void putIfSet(Map<String, Object> map, String key, Object value) {
    if (value != null) {
      map.put(key, value);
    }
  }

  // ---------------------------------------------------------------- embeddings

  /** {@code embedContent} for one input (Gemini API). */
  static byte[] embedOne(EmbeddingRequest r, Settings settings, GeminiErrors errors) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("content", Map.of("parts", List.of(Map.of("text", r.input().get(0)))));
    embeddingOptions(r, body, settings, errors);
    return PlainJson.write(g -> PlainJson.writeValue(g, body));
  }

  /** {@code batchEmbedContents} for several inputs (Gemini API); {@code modelName} is {@code models/…}. */
  static byte[] embedBatch(EmbeddingRequest r, String modelName, Settings settings, GeminiErrors errors) {
    List<Object> requests = new ArrayList<>();
    for (String text : r.input()) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("model", modelName);
      one.put("content", Map.of("parts", List.of(Map.of("text", text))));
      embeddingOptions(r, one, settings, errors);
      requests.add(one);
    }
    Map<String, Object> body = Map.of("requests", requests);
    return PlainJson.write(g -> PlainJson.writeValue(g, body));
  }

  /** Vertex AI's {@code predict} body for text embedding models. */
  static byte[] vertexEmbed(EmbeddingRequest r, Settings settings, GeminiErrors errors) {
    List<Object> instances = new ArrayList<>();
    Object taskType = embeddingTaskType(r, settings, errors);
    for (String text : r.input()) {
      Map<String, Object> instance = new LinkedHashMap<>();
      if (taskType != null) {
        instance.put("task_type", taskType);
      }
      instance.put("content", text);
      instances.add(instance);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("instances", instances);
    if (r.dimensions() != null) {
      body.put("parameters", Map.of("outputDimensionality", r.dimensions()));
    }
    return PlainJson.write(g -> PlainJson.writeValue(g, body));
  }

  private static void embeddingOptions(EmbeddingRequest r, Map<String, Object> body, Settings settings,
      GeminiErrors errors) {
    Object taskType = embeddingTaskType(r, settings, errors);
    if (taskType != null) {
      body.put("taskType", taskType);
    }
    if (r.dimensions() != null) {
      body.put("outputDimensionality", r.dimensions());
    }
  }

  private static Object embeddingTaskType(EmbeddingRequest r, Settings settings, GeminiErrors errors) {
    Object taskType = null;
    for (Map.Entry<String, Object> e : r.extraParameters().entrySet()) {
      if (e.getValue() == null) {
        continue;
      }
      if (e.getKey().equals("task_type")) {
        taskType = e.getValue();
      } else {
        unsupported(e.getKey(), "it has no Gemini equivalent", settings, errors);
      }
    }
    return taskType;
  }
}

package dev.switchboard.core.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.internal.json.ChatChunkReader;
import dev.switchboard.core.internal.json.ChatResponseReader;
import dev.switchboard.core.internal.json.JsonFields;
import dev.switchboard.core.internal.json.OpenAiUsage;
import dev.switchboard.core.internal.json.PlainJson;
import dev.switchboard.core.internal.json.Problems;
import dev.switchboard.core.internal.json.SourceText;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.Delta;
import dev.switchboard.core.model.Embedding;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ModelInfo;
import dev.switchboard.core.model.ResponseFormat;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.Tool;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolCallDelta;
import dev.switchboard.core.model.ToolChoice;
import dev.switchboard.core.model.Usage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads and writes the JSON bodies of OpenAI's Chat Completions, Embeddings and Models APIs as the
 * Switchboard model: the gateway's wire format and the one OpenAI-compatible upstreams speak.
 *
 * <p>Stateless and thread-safe. Bodies are UTF-8 bytes. Writing streams straight to a Jackson
 * generator (no intermediate tree). Upstream answers and chunks are read from the parser's tokens;
 * an answer or chunk whose text is already in the form written keeps that text, and writing it
 * returns the text unchanged (see {@link #writeChatChunk}), so that a relayed OpenAI answer reaches
 * the client as the upstream wrote it. Other bodies are parsed into plain Java values and mapped, so
 * that fields the model does not represent are kept verbatim: unknown top-level request parameters go to
 * {@link ChatRequest#extraParameters()}, unknown message fields to {@link Message#extra()}, unknown
 * delta fields to {@link Delta#extra()}, and content parts of unknown types become
 * {@link ContentPart#raw(Map) raw parts}. Extra fields of text and image parts go to
 * {@link ContentPart#extra()}; unknown fields inside an {@code image_url} object are dropped.
 *
 * <p>Free-form numbers read as {@code Long} ({@code BigInteger} when too large), decimals as
 * {@code Double} ({@code BigDecimal} only when the value does not fit a double's range); see
 * {@link dev.switchboard.core.model.JsonValues}.
 *
 * <p>Errors: a request body that is not JSON fails with
 * {@link dev.switchboard.core.error.InvalidRequestException} code {@code invalid_json}; a known
 * field of the wrong type with code {@code invalid_type} (or {@code invalid_value},
 * {@code missing_required_parameter}) and the parameter's path, e.g. {@code messages[2].role}.
 * A response body (from an upstream) that cannot be read fails with
 * {@link dev.switchboard.core.error.UpstreamException} whose message starts with
 * {@code "malformed response from upstream: "}; callers add provider and request id.
 *
 * <p>{@link dev.switchboard.core.model.RouteInfo} is never written: it is not part of OpenAI's format.
 */
public final class OpenAiJson {

  /** Request fields the model represents; extra parameters with these names are never written. */
  private static final Set<String> CHAT_REQUEST_FIELDS = Set.of("model", "messages", "temperature", "top_p",
      "max_tokens", "max_completion_tokens", "stop", "seed", "n", "presence_penalty", "frequency_penalty", "user",
      "metadata", "tools", "tool_choice", "parallel_tool_calls", "response_format", "stream", "stream_options");
  private static final Set<String> MESSAGE_FIELDS = Set.of("role", "content", "name", "tool_calls", "tool_call_id",
      "refusal");
  private static final Set<String> DELTA_FIELDS = Set.of("role", "content", "tool_calls", "refusal");
  private static final Set<String> TEXT_PART_FIELDS = Set.of("type", "text");
  private static final Set<String> IMAGE_PART_FIELDS = Set.of("type", "image_url");
  private static final Set<String> EMBEDDING_REQUEST_FIELDS = Set.of("model", "input", "dimensions",
      "encoding_format", "user");

  private static final int MAX_ERROR_TEXT = 500;

  private OpenAiJson() {}

  // ---------------------------------------------------------------- chat request

  /**
   * Reads a {@code POST /v1/chat/completions} body. {@code stream} and {@code stream_options} are
   * dropped (the caller reads them itself); every other unknown field becomes an extra parameter.
   * {@code stop} may be a string or an array; {@code content} a string, null or an array of parts.
   *
   * @throws NullPointerException if {@code json} is null
   * @throws dev.switchboard.core.error.InvalidRequestException if the body is not a JSON object
   *     (code {@code invalid_json}) or a known field has the wrong type, naming the parameter
   */
  public static ChatRequest readChatRequest(byte[] json) {
    Objects.requireNonNull(json, "json");
    Problems problems = Problems.REQUEST;
    JsonFields f = new JsonFields(PlainJson.parseObject(json, problems, "the request body"), "", problems);
    ChatRequest.Builder b = ChatRequest.builder();
    for (Map.Entry<String, Object> e : f.map().entrySet()) {
      String key = e.getKey();
      switch (key) {
        case "model":
          b.model(f.string(key));
          break;
        case "messages":
          readMessages(f, b);
          break;
        case "temperature":
          b.temperature(f.number(key));
          break;
        case "top_p":
          b.topP(f.number(key));
          break;
        case "max_tokens":
          b.maxTokens(f.integer(key));
          break;
        case "max_completion_tokens":
          b.maxCompletionTokens(f.integer(key));
          break;
        case "stop":
          b.stop(readStop(f));
          break;
        case "seed":
          b.seed(f.longValue(key));
          break;
        case "n":
          b.n(f.integer(key));
          break;
        case "presence_penalty":
          b.presencePenalty(f.number(key));
          break;
        case "frequency_penalty":
          b.frequencyPenalty(f.number(key));
          break;
        case "user":
          b.user(f.string(key));
          break;
        case "metadata":
          b.metadata(readMetadata(f));
          break;
        case "tools":
          readTools(f, b);
          break;
        case "tool_choice":
          b.toolChoice(readToolChoice(f));
          break;
        case "parallel_tool_calls":
          b.parallelToolCalls(f.bool(key));
          break;
        case "response_format":
          b.responseFormat(readResponseFormat(f));
          break;
        case "stream":
        case "stream_options":
          break;
        default:
          b.extraParameter(key, e.getValue());
      }
    }
    return b.build();
  }

  /**
   * Writes an OpenAI chat completions body. With {@code stream} it adds {@code "stream":true} and
   * {@code "stream_options":{"include_usage":true}}, so that the last chunk reports usage. Extra
   * parameters follow the modelled fields and never override them.
   *
   * @throws NullPointerException if {@code request} is null
   */
  public static byte[] writeChatRequest(ChatRequest request, boolean stream) {
    Objects.requireNonNull(request, "request");
    return PlainJson.write(g -> {
      g.writeStartObject();
      writeString(g, "model", request.model());
      g.writeArrayFieldStart("messages");
      for (Message m : request.messages()) {
        writeMessage(g, m, false);
      }
      g.writeEndArray();
      writeNumber(g, "temperature", request.temperature());
      writeNumber(g, "top_p", request.topP());
      writeInt(g, "max_tokens", request.maxTokens());
      writeInt(g, "max_completion_tokens", request.maxCompletionTokens());
      if (!request.stop().isEmpty()) {
        g.writeArrayFieldStart("stop");
        for (String s : request.stop()) {
          g.writeString(s);
        }
        g.writeEndArray();
      }
      if (request.seed() != null) {
        g.writeNumberField("seed", request.seed());
      }
      writeInt(g, "n", request.n());
      writeNumber(g, "presence_penalty", request.presencePenalty());
      writeNumber(g, "frequency_penalty", request.frequencyPenalty());
      writeString(g, "user", request.user());
      if (!request.metadata().isEmpty()) {
        g.writeObjectFieldStart("metadata");
        for (Map.Entry<String, String> e : request.metadata().entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      if (!request.tools().isEmpty()) {
        g.writeArrayFieldStart("tools");
        for (Tool t : request.tools()) {
          writeTool(g, t);
        }
        g.writeEndArray();
      }
      if (request.toolChoice() != null) {
        writeToolChoice(g, request.toolChoice());
      }
      if (request.parallelToolCalls() != null) {
        g.writeBooleanField("parallel_tool_calls", request.parallelToolCalls());
      }
      if (request.responseFormat() != null) {
        writeResponseFormat(g, request.responseFormat());
      }
      if (stream) {
        g.writeBooleanField("stream", true);
        g.writeObjectFieldStart("stream_options");
        g.writeBooleanField("include_usage", true);
        g.writeEndObject();
      }
      writeExtra(g, request.extraParameters(), CHAT_REQUEST_FIELDS);
      g.writeEndObject();
    });
  }

  // ---------------------------------------------------------------- chat response

  /**
   * Reads a {@code chat.completion} body from an upstream.
   *
   * @throws NullPointerException if {@code json} is null
   * @throws dev.switchboard.core.error.UpstreamException if the body is not JSON or not shaped
   *     like a chat completion
   */
  public static ChatResponse readChatResponse(byte[] json) {
    Objects.requireNonNull(json, "json");
    return ChatResponseReader.read(json, OpenAiJson::readMessage);
  }

  /**
   * Writes a {@code chat.completion} body. Usage carries {@code prompt_tokens_details.cached_tokens}
   * and {@code completion_tokens_details.reasoning_tokens} when they are not zero.
   *
   * <p>A response that {@link #readChatResponse(byte[])} read from text already in this form, and
   * that has not been changed since (a new {@link ChatResponse#route() route} is no change), is
   * written as that text, fields the model does not represent included.
   *
   * @throws NullPointerException if {@code response} is null
   */
  public static byte[] writeChatResponse(ChatResponse response) {
    Objects.requireNonNull(response, "response");
    byte[] source = SourceText.of(response);
    if (source != null) {
      return source.clone();
    }
    return PlainJson.write(g -> {
      g.writeStartObject();
      writeString(g, "id", response.id());
      g.writeStringField("object", ChatResponse.OBJECT);
      g.writeNumberField("created", response.created());
      writeString(g, "model", response.model());
      g.writeArrayFieldStart("choices");
      for (Choice c : response.choices()) {
        g.writeStartObject();
        g.writeNumberField("index", c.index());
        g.writeFieldName("message");
        writeMessage(g, c.message(), true);
        g.writeFieldName("logprobs");
        PlainJson.writeValue(g, c.logprobs());
        g.writeStringField("finish_reason", c.finishReason() == null ? null : c.finishReason().value());
        g.writeEndObject();
      }
      g.writeEndArray();
      if (response.usage() != null) {
        g.writeFieldName("usage");
        writeUsage(g, response.usage(), false);
      }
      writeString(g, "service_tier", response.serviceTier());
      writeString(g, "system_fingerprint", response.systemFingerprint());
      g.writeEndObject();
    });
  }

  // ---------------------------------------------------------------- chat chunk

  /**
   * Reads one {@code chat.completion.chunk} (the data of one server-sent event) from an upstream.
   * A chunk without choices (the usage-only last chunk) has an empty choice list.
   *
   * @throws NullPointerException if {@code json} is null
   * @throws dev.switchboard.core.error.UpstreamException if the text is not JSON or not shaped
   *     like a chunk
   */
  public static ChatChunk readChatChunk(byte[] json) {
    Objects.requireNonNull(json, "json");
    return ChatChunkReader.read(json);
  }

  /**
   * Reads one {@code chat.completion.chunk} held as a string; see {@link #readChatChunk(byte[])}.
   *
   * @throws NullPointerException if {@code json} is null
   * @throws dev.switchboard.core.error.UpstreamException if the text is not JSON or not shaped
   *     like a chunk
   */
  public static ChatChunk readChatChunk(String json) {
    Objects.requireNonNull(json, "json");
    // Jackson's byte parser is faster than its char parser, and encoding the usual ASCII chunk is a copy
    return readChatChunk(json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Writes one {@code chat.completion.chunk}, the data of one server-sent event. Choices are always
   * written (an empty array for the usage-only last chunk); usage only when set.
   *
   * <p>A chunk that {@link #readChatChunk(byte[])} read from text already in this form, and that
   * has not been changed since (a new {@link ChatChunk#route() route} is no change), is written as
   * that text, fields the model does not represent included: a proxied stream then reaches its
   * client as the upstream sent it, without the cost of writing it anew.
   *
   * @throws NullPointerException if {@code chunk} is null
   */
  public static byte[] writeChatChunk(ChatChunk chunk) {
    Objects.requireNonNull(chunk, "chunk");
    byte[] source = SourceText.of(chunk);
    if (source != null) {
      return source.clone();
    }
    return PlainJson.write(g -> {
      g.writeStartObject();
      writeString(g, "id", chunk.id());
      g.writeStringField("object", ChatChunk.OBJECT);
      g.writeNumberField("created", chunk.created());
      writeString(g, "model", chunk.model());
      writeString(g, "service_tier", chunk.serviceTier());
      writeString(g, "system_fingerprint", chunk.systemFingerprint());
      g.writeArrayFieldStart("choices");
      for (ChunkChoice c : chunk.choices()) {
        g.writeStartObject();
        g.writeNumberField("index", c.index());
        g.writeFieldName("delta");
        writeDelta(g, c.delta());
        g.writeFieldName("logprobs");
        PlainJson.writeValue(g, c.logprobs());
        g.writeStringField("finish_reason", c.finishReason() == null ? null : c.finishReason().value());
        g.writeEndObject();
      }
      g.writeEndArray();
      if (chunk.usage() != null) {
        g.writeFieldName("usage");
        writeUsage(g, chunk.usage(), false);
      }
      g.writeEndObject();
    });
  }

  // ---------------------------------------------------------------- embeddings

  /**
   * Reads a {@code POST /v1/embeddings} body; {@code input} may be a string or an array of strings
   * (token arrays are not supported). Unknown fields become extra parameters.
   *
   * @throws NullPointerException if {@code json} is null
   * @throws dev.switchboard.core.error.InvalidRequestException if the body is not a JSON object or a
   *     known field has the wrong type, naming the parameter
   */
  public static EmbeddingRequest readEmbeddingRequest(byte[] json) {
    Objects.requireNonNull(json, "json");
    Problems problems = Problems.REQUEST;
    JsonFields f = new JsonFields(PlainJson.parseObject(json, problems, "the request body"), "", problems);
    EmbeddingRequest.Builder b = EmbeddingRequest.builder();
    for (Map.Entry<String, Object> e : f.map().entrySet()) {
      String key = e.getKey();
      switch (key) {
        case "model":
          b.model(f.string(key));
          break;
        case "input": {
          Object input = e.getValue();
          if (input instanceof String) {
            b.input((String) input);
          } else if (input instanceof List) {
            List<Object> list = f.array(key);
            List<String> texts = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
              if (!(list.get(i) instanceof String)) {
                throw problems.invalidType(f.path(key, i), "a string (token arrays are not supported)", list.get(i));
              }
              texts.add((String) list.get(i));
            }
            b.input(texts);
          } else if (input != null) {
            throw problems.invalidType(key, "a string or an array of strings", input);
          }
          break;
        }
        case "dimensions":
          b.dimensions(f.integer(key));
          break;
        case "encoding_format":
          b.encodingFormat(f.string(key));
          break;
        case "user":
          b.user(f.string(key));
          break;
        default:
          b.extraParameter(key, e.getValue());
      }
    }
    return b.build();
  }

  /**
   * Writes an embeddings request body; {@code input} is always an array.
   *
   * @throws NullPointerException if {@code request} is null
   */
  public static byte[] writeEmbeddingRequest(EmbeddingRequest request) {
    Objects.requireNonNull(request, "request");
    return PlainJson.write(g -> {
      g.writeStartObject();
      writeString(g, "model", request.model());
      g.writeArrayFieldStart("input");
      for (String s : request.input()) {
        g.writeString(s);
      }
      g.writeEndArray();
      writeInt(g, "dimensions", request.dimensions());
      writeString(g, "encoding_format", request.encodingFormat());
      writeString(g, "user", request.user());
      writeExtra(g, request.extraParameters(), EMBEDDING_REQUEST_FIELDS);
      g.writeEndObject();
    });
  }

  /**
   * Reads an embeddings list from an upstream. Each {@code embedding} may be an array of numbers or,
   * for {@code encoding_format: base64}, a base64 string of little-endian float32 values; both
   * become float vectors.
   *
   * @throws NullPointerException if {@code json} is null
   * @throws dev.switchboard.core.error.UpstreamException if the body is not JSON or not shaped like
   *     an embeddings list
   */
  public static EmbeddingResponse readEmbeddingResponse(byte[] json) {
    Objects.requireNonNull(json, "json");
    Problems problems = Problems.RESPONSE;
    if (json.length == 0) {
      throw problems.invalidJson("the body is empty", null);
    }
    // Streamed by hand: vectors are large, and parsing each number straight to a float is exact
    // (going through double could round twice).
    try (JsonParser p = PlainJson.FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw problems.invalidJson("the response body must be a JSON object", null);
      }
      EmbeddingResponse.Builder b = EmbeddingResponse.builder();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "data":
            if (t == JsonToken.START_ARRAY) {
              int i = 0;
              while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                b.addData(readEmbedding(p, t, i++, problems));
              }
            } else if (t != JsonToken.VALUE_NULL) {
              throw problems.invalidType("data", "an array", PlainJson.readValue(p, t));
            }
            break;
          case "model": {
            Object model = PlainJson.readValue(p, t);
            if (model != null && !(model instanceof String)) {
              throw problems.invalidType("model", "a string", model);
            }
            b.model((String) model);
            break;
          }
          case "usage": {
            Object usage = PlainJson.readValue(p, t);
            if (usage != null && !(usage instanceof Map)) {
              throw problems.invalidType("usage", "an object", usage);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) usage;
            b.usage(map == null ? null : OpenAiUsage.read(new JsonFields(map, "usage", problems)));
            break;
          }
          default:
            p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw problems.invalidJson("unexpected content after the JSON value", null);
      }
      return b.build();
    } catch (StreamReadException e) {
      throw problems.invalidJson(e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw problems.invalidJson(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw problems.fail(e.getMessage(), null, Problems.INVALID_VALUE);
    }
  }

  private static Embedding readEmbedding(JsonParser p, JsonToken t, int position, Problems problems)
      throws IOException {
    String path = "data[" + position + "]";
    if (t != JsonToken.START_OBJECT) {
      throw problems.invalidType(path, "an object", PlainJson.readValue(p, t));
    }
    int index = position;
    float[] vector = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      t = p.nextToken();
      if ("index".equals(name)) {
        if (t != JsonToken.VALUE_NUMBER_INT) {
          throw problems.invalidType(path + ".index", "an integer", PlainJson.readValue(p, t));
        }
        index = p.getIntValue();
      } else if ("embedding".equals(name)) {
        if (t == JsonToken.START_ARRAY) {
          float[] values = new float[256];
          int n = 0;
          while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
              throw problems.invalidType(path + ".embedding[" + n + "]", "a number", PlainJson.readValue(p, t));
            }
            if (n == values.length) {
              values = Arrays.copyOf(values, n * 2);
            }
            values[n++] = p.getFloatValue();
          }
          vector = Arrays.copyOf(values, n);
        } else if (t == JsonToken.VALUE_STRING) {
          vector = decodeBase64Floats(p.getText(), path + ".embedding", problems);
        } else {
          throw problems.invalidType(path + ".embedding", "an array or a base64 string", PlainJson.readValue(p, t));
        }
      } else {
        p.skipChildren();
      }
    }
    if (vector == null) {
      throw problems.missing(path + ".embedding");
    }
    return Embedding.of(index, vector);
  }

  private static float[] decodeBase64Floats(String text, String path, Problems problems) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw problems.invalidValue(path, "not base64: " + e.getMessage());
    }
    if (bytes.length % Float.BYTES != 0) {
      throw problems.invalidValue(path, bytes.length + " bytes is not a whole number of float32 values.");
    }
    float[] vector = new float[bytes.length / Float.BYTES];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
    return vector;
  }

  /**
   * Writes an embeddings list with float arrays.
   *
   * @throws NullPointerException if {@code response} is null
   */
  public static byte[] writeEmbeddingResponse(EmbeddingResponse response) {
    return writeEmbeddingResponse(response, false);
  }

  /**
   * Writes an embeddings list, with each vector as an array of numbers or, when {@code base64}
   * (the client asked for {@code encoding_format: base64}), as base64 of little-endian float32.
   *
   * @throws NullPointerException if {@code response} is null
   */
  public static byte[] writeEmbeddingResponse(EmbeddingResponse response, boolean base64) {
    Objects.requireNonNull(response, "response");
    return PlainJson.write(g -> {
      g.writeStartObject();
      g.writeStringField("object", "list");
      g.writeArrayFieldStart("data");
      for (Embedding e : response.data()) {
        g.writeStartObject();
        g.writeStringField("object", "embedding");
        g.writeFieldName("embedding");
        if (base64) {
          ByteBuffer buffer = ByteBuffer.allocate(e.dimensions() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
          for (int i = 0; i < e.dimensions(); i++) {
            buffer.putFloat(e.get(i));
          }
          g.writeString(Base64.getEncoder().encodeToString(buffer.array()));
        } else {
          g.writeStartArray();
          for (int i = 0; i < e.dimensions(); i++) {
            g.writeNumber(e.get(i));
          }
          g.writeEndArray();
        }
        g.writeNumberField("index", e.index());
        g.writeEndObject();
      }
      g.writeEndArray();
      writeString(g, "model", response.model());
      if (response.usage() != null) {
        g.writeFieldName("usage");
        writeUsage(g, response.usage(), true);
      }
      g.writeEndObject();
    });
  }

  // ---------------------------------------------------------------- models

  /**
   * Reads a {@code GET /v1/models} list from an upstream ({@code "data"} array; absent or null
   * reads as empty).
   *
   * @throws NullPointerException if {@code json} is null
   * @throws dev.switchboard.core.error.UpstreamException if the body is not JSON or not shaped like
   *     a model list
   */
  public static List<ModelInfo> readModelList(byte[] json) {
    Objects.requireNonNull(json, "json");
    Problems problems = Problems.RESPONSE;
    JsonFields f = new JsonFields(PlainJson.parseObject(json, problems, "the response body"), "", problems);
    List<Object> data = f.array("data");
    if (data == null) {
      return List.of();
    }
    List<ModelInfo> models = new ArrayList<>(data.size());
    for (int i = 0; i < data.size(); i++) {
      JsonFields m = f.element("data", data, i);
      models.add(ModelInfo.builder()
          .id(m.string("id"))
          .created(orZero(m.longValue("created")))
          .ownedBy(m.string("owned_by"))
          .build());
    }
    return List.copyOf(models);
  }

  /**
   * Writes a {@code GET /v1/models} list.
   *
   * @throws NullPointerException if {@code models} or one of its elements is null
   */
  public static byte[] writeModelList(List<ModelInfo> models) {
    Objects.requireNonNull(models, "models");
    return PlainJson.write(g -> {
      g.writeStartObject();
      g.writeStringField("object", "list");
      g.writeArrayFieldStart("data");
      for (ModelInfo m : models) {
        Objects.requireNonNull(m, "models must not contain null");
        g.writeStartObject();
        writeString(g, "id", m.id());
        g.writeStringField("object", ModelInfo.OBJECT);
        g.writeNumberField("created", m.created());
        writeString(g, "owned_by", m.ownedBy());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  // ---------------------------------------------------------------- errors

  /**
   * Reads an error body, tolerantly: OpenAI's {@code {"error":{…}}}, {@code {"error":"text"}}, a
   * top-level {@code {"message":…}} or {@code {"detail":"text"}}, or the first element of an array of
   * those. Anything else (HTML, plain text, empty) gives an ErrorBody whose message is the body text,
   * cut at 500 characters. Never throws for bad input.
   *
   * @param json the body; null is read as empty
   * @return never null
   */
  public static ErrorBody readErrorBody(byte[] json) {
    if (json == null || json.length == 0) {
      return new ErrorBody("", null, null, null);
    }
    try {
      Object root = PlainJson.parse(json, Problems.RESPONSE);
      if (root instanceof List && !((List<?>) root).isEmpty()) {
        root = ((List<?>) root).get(0);
      }
      if (root instanceof Map) {
        Map<?, ?> map = (Map<?, ?>) root;
        Object error = map.get("error");
        if (error instanceof Map) {
          return errorBody((Map<?, ?>) error);
        }
        if (error instanceof String) {
          return new ErrorBody((String) error, text(map.get("type")), text(map.get("param")), text(map.get("code")));
        }
        if (map.get("message") instanceof String) {
          return errorBody(map);
        }
        if (map.get("detail") instanceof String) {
          return new ErrorBody((String) map.get("detail"), null, null, null);
        }
      }
    } catch (SwitchboardException notJson) {
      // fall through to the raw text
    }
    String text = new String(json, StandardCharsets.UTF_8).strip();
    return new ErrorBody(text.length() <= MAX_ERROR_TEXT ? text : text.substring(0, MAX_ERROR_TEXT), null, null,
        null);
  }

  private static ErrorBody errorBody(Map<?, ?> error) {
    Object message = error.get("message");
    Object type = error.containsKey("type") ? error.get("type") : error.get("status"); // Gemini: status
    return new ErrorBody(message instanceof String ? (String) message : message == null ? "" : String.valueOf(message),
        text(type), text(error.get("param")), text(error.get("code")));
  }

  private static String text(Object value) {
    return value == null || value instanceof Map || value instanceof List ? null : String.valueOf(value);
  }

  /**
   * Writes an OpenAI error body: {@code {"error":{"message":…,"type":…,"param":…,"code":…}}}, unset
   * fields as {@code null}.
   *
   * @throws NullPointerException if {@code message} is null
   */
  public static byte[] writeErrorBody(String message, String type, String param, String code) {
    Objects.requireNonNull(message, "message");
    return PlainJson.write(g -> {
      g.writeStartObject();
      g.writeObjectFieldStart("error");
      g.writeStringField("message", message);
      g.writeStringField("type", type);
      g.writeStringField("param", param);
      g.writeStringField("code", code);
      g.writeEndObject();
      g.writeEndObject();
    });
  }

  /**
   * Writes an error body from the fields of an {@link ErrorBody}.
   *
   * @throws NullPointerException if {@code error} is null
   */
  public static byte[] writeErrorBody(ErrorBody error) {
    Objects.requireNonNull(error, "error");
    return writeErrorBody(error.message(), error.type(), error.param(), error.code());
  }

  // ---------------------------------------------------------------- reading parts

  private static void readMessages(JsonFields f, ChatRequest.Builder b) {
    List<Object> messages = f.array("messages");
    if (messages == null) {
      return;
    }
    List<Message> read = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      read.add(readMessage(f.element("messages", messages, i)));
    }
    b.messages(read);
  }

  private static Message readMessage(JsonFields m) {
    Problems problems = m.problems();
    Message.Builder b = Message.builder();
    boolean hasRole = false;
    for (Map.Entry<String, Object> e : m.map().entrySet()) {
      String key = e.getKey();
      switch (key) {
        case "role": {
          String role = m.string(key);
          if (role != null) {
            b.role(Role.of(role));
            hasRole = true;
          }
          break;
        }
        case "content":
          readContent(m, b);
          break;
        case "name":
          b.name(m.string(key));
          break;
        case "tool_calls":
          readToolCalls(m, b);
          break;
        case "tool_call_id":
          b.toolCallId(m.string(key));
          break;
        case "refusal":
          b.refusal(m.string(key));
          break;
        default:
          b.extra(key, e.getValue());
      }
    }
    if (!hasRole) {
      // Some OpenAI-compatible upstreams leave the role out of response messages.
      if (problems == Problems.RESPONSE) {
        b.role(Role.ASSISTANT);
      } else {
        throw problems.missing(m.path("role"));
      }
    }
    return b.build();
  }

  private static void readContent(JsonFields m, Message.Builder b) {
    Object content = m.get("content");
    if (content == null) {
      return;
    }
    if (content instanceof String) {
      b.content((String) content);
      return;
    }
    List<Object> parts = m.array("content");
    List<ContentPart> read = new ArrayList<>(parts.size());
    for (int i = 0; i < parts.size(); i++) {
      read.add(readPart(m.element("content", parts, i)));
    }
    b.content(read);
  }

  private static ContentPart readPart(JsonFields p) {
    String type = p.requiredString("type");
    ContentPart part;
    Set<String> known;
    switch (type) {
      case ContentPart.TYPE_TEXT:
        part = ContentPart.text(p.requiredString("text"));
        known = TEXT_PART_FIELDS;
        break;
      case ContentPart.TYPE_IMAGE_URL: {
        Object image = p.get("image_url");
        if (image instanceof String) { // a shorthand some clients send and compatible servers accept
          part = ContentPart.imageUrl((String) image);
        } else {
          JsonFields img = p.object("image_url");
          if (img == null) {
            throw p.problems().missing(p.path("image_url"));
          }
          part = ContentPart.imageUrl(img.requiredString("url"), img.string("detail"));
        }
        known = IMAGE_PART_FIELDS;
        break;
      }
      default:
        return ContentPart.raw(p.map());
    }
    if (p.map().size() > known.size()) {
      Map<String, Object> extra = new LinkedHashMap<>();
      p.map().forEach((k, v) -> {
        if (!known.contains(k)) {
          extra.put(k, v);
        }
      });
      if (!extra.isEmpty()) {
        part = part.withExtra(extra);
      }
    }
    return part;
  }

  private static void readToolCalls(JsonFields m, Message.Builder b) {
    List<Object> calls = m.array("tool_calls");
    if (calls == null) {
      return;
    }
    List<ToolCall> read = new ArrayList<>(calls.size());
    for (int i = 0; i < calls.size(); i++) {
      JsonFields c = m.element("tool_calls", calls, i);
      ToolCall.Builder call = ToolCall.builder().id(c.string("id")).type(c.string("type"));
      JsonFields function = c.object("function");
      if (function != null) {
        call.name(function.string("name")).arguments(arguments(function));
      }
      read.add(call.build());
    }
    b.toolCalls(read);
  }

  /** Arguments are JSON text; some compatible upstreams send an object instead, which we serialise. */
  private static String arguments(JsonFields function) {
    Object arguments = function.get("arguments");
    if (function.problems() == Problems.RESPONSE && arguments instanceof Map) {
      return PlainJson.toText(arguments);
    }
    return function.string("arguments");
  }

  private static List<String> readStop(JsonFields f) {
    Object stop = f.get("stop");
    if (stop == null) {
      return List.of();
    }
    if (stop instanceof String) {
      return List.of((String) stop);
    }
    if (!(stop instanceof List)) {
      throw f.problems().invalidType("stop", "a string or an array of strings", stop);
    }
    List<Object> list = f.array("stop");
    List<String> read = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      read.add(f.stringElement("stop", list, i));
    }
    return read;
  }

  private static Map<String, String> readMetadata(JsonFields f) {
    JsonFields metadata = f.object("metadata");
    if (metadata == null) {
      return Map.of();
    }
    Map<String, String> read = new LinkedHashMap<>();
    for (String key : metadata.map().keySet()) {
      String value = metadata.string(key);
      if (value == null) {
        throw f.problems().invalidType(metadata.path(key), "a string", null);
      }
      read.put(key, value);
    }
    return read;
  }

  private static void readTools(JsonFields f, ChatRequest.Builder b) {
    List<Object> tools = f.array("tools");
    if (tools == null) {
      return;
    }
    List<Tool> read = new ArrayList<>(tools.size());
    for (int i = 0; i < tools.size(); i++) {
      JsonFields t = f.element("tools", tools, i);
      String type = t.string("type");
      if (type != null && !ToolCall.TYPE_FUNCTION.equals(type)) {
        throw f.problems().invalidValue(t.path("type"), "'" + type + "'. Supported values are: 'function'.");
      }
      JsonFields function = t.object("function");
      if (function == null) {
        throw f.problems().missing(t.path("function"));
      }
      read.add(Tool.builder()
          .name(function.requiredString("name"))
          .description(function.string("description"))
          .parameters(function.rawObject("parameters"))
          .strict(function.bool("strict"))
          .build());
    }
    b.tools(read);
  }

  private static ToolChoice readToolChoice(JsonFields f) {
    Object choice = f.get("tool_choice");
    if (choice == null) {
      return null;
    }
    if (choice instanceof String) {
      switch ((String) choice) {
        case ToolChoice.MODE_AUTO:
          return ToolChoice.auto();
        case ToolChoice.MODE_NONE:
          return ToolChoice.none();
        case ToolChoice.MODE_REQUIRED:
          return ToolChoice.required();
        default:
          throw f.problems().invalidValue("tool_choice",
              "'" + choice + "'. Supported values are: 'none', 'auto', and 'required'.");
      }
    }
    JsonFields object = f.object("tool_choice");
    String type = object.requiredString("type");
    if (!ToolChoice.MODE_FUNCTION.equals(type)) {
      throw f.problems().invalidValue(object.path("type"), "'" + type + "'. Supported values are: 'function'.");
    }
    JsonFields function = object.object("function");
    if (function == null) {
      throw f.problems().missing(object.path("function"));
    }
    return ToolChoice.function(function.requiredString("name"));
  }

  private static ResponseFormat readResponseFormat(JsonFields f) {
    JsonFields format = f.object("response_format");
    if (format == null) {
      return null;
    }
    String type = format.requiredString("type");
    switch (type) {
      case ResponseFormat.TYPE_TEXT:
        return ResponseFormat.text();
      case ResponseFormat.TYPE_JSON_OBJECT:
        return ResponseFormat.jsonObject();
      case ResponseFormat.TYPE_JSON_SCHEMA: {
        JsonFields schema = format.object("json_schema");
        if (schema == null) {
          throw f.problems().missing(format.path("json_schema"));
        }
        return ResponseFormat.builder()
            .name(schema.string("name"))
            .description(schema.string("description"))
            .schema(schema.rawObject("schema"))
            .strict(schema.bool("strict"))
            .build();
      }
      default:
        throw f.problems().invalidValue(format.path("type"),
            "'" + type + "'. Supported values are: 'text', 'json_object', and 'json_schema'.");
    }
  }

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }

  // ---------------------------------------------------------------- writing parts

  /**
   * Writes a message. Request shape: one plain text part as a string, otherwise an array of parts;
   * empty content is null for the assistant (which then usually calls tools) and left out for
   * others. Response shape (OpenAI's {@code choices[].message}): content as a string or null, and
   * refusal always present.
   */
  private static void writeMessage(JsonGenerator g, Message m, boolean response) throws IOException {
    g.writeStartObject();
    g.writeStringField("role", m.role().value());
    List<ContentPart> content = m.content();
    if (response) {
      g.writeStringField("content", m.text());
      g.writeStringField("refusal", m.refusal());
    } else if (content.isEmpty()) {
      if (Role.ASSISTANT.equals(m.role())) {
        g.writeNullField("content");
      }
    } else if (content.size() == 1 && content.get(0).isText() && content.get(0).extra().isEmpty()) {
      g.writeStringField("content", content.get(0).text());
    } else {
      g.writeArrayFieldStart("content");
      for (ContentPart part : content) {
        writePart(g, part);
      }
      g.writeEndArray();
    }
    writeString(g, "name", m.name());
    if (!m.toolCalls().isEmpty()) {
      g.writeArrayFieldStart("tool_calls");
      for (ToolCall call : m.toolCalls()) {
        g.writeStartObject();
        writeString(g, "id", call.id());
        g.writeStringField("type", call.type());
        g.writeObjectFieldStart("function");
        writeString(g, "name", call.name());
        writeString(g, "arguments", call.arguments());
        g.writeEndObject();
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    writeString(g, "tool_call_id", m.toolCallId());
    if (!response) {
      writeString(g, "refusal", m.refusal());
    }
    writeExtra(g, m.extra(), MESSAGE_FIELDS);
    g.writeEndObject();
  }

  private static void writePart(JsonGenerator g, ContentPart part) throws IOException {
    if (part.isRaw()) {
      PlainJson.writeValue(g, part.raw());
      return;
    }
    g.writeStartObject();
    g.writeStringField("type", part.type());
    if (part.isText()) {
      g.writeStringField("text", part.text());
      writeExtra(g, part.extra(), TEXT_PART_FIELDS);
    } else {
      g.writeObjectFieldStart("image_url");
      g.writeStringField("url", part.imageUrl());
      writeString(g, "detail", part.imageDetail());
      g.writeEndObject();
      writeExtra(g, part.extra(), IMAGE_PART_FIELDS);
    }
    g.writeEndObject();
  }

  private static void writeDelta(JsonGenerator g, Delta d) throws IOException {
    g.writeStartObject();
    if (d.role() != null) {
      g.writeStringField("role", d.role().value());
    }
    writeString(g, "content", d.content());
    writeString(g, "refusal", d.refusal());
    if (!d.toolCalls().isEmpty()) {
      g.writeArrayFieldStart("tool_calls");
      for (ToolCallDelta call : d.toolCalls()) {
        g.writeStartObject();
        g.writeNumberField("index", call.index());
        writeString(g, "id", call.id());
        writeString(g, "type", call.type());
        if (call.name() != null || call.arguments() != null) {
          g.writeObjectFieldStart("function");
          writeString(g, "name", call.name());
          writeString(g, "arguments", call.arguments());
          g.writeEndObject();
        }
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    writeExtra(g, d.extra(), DELTA_FIELDS);
    g.writeEndObject();
  }

  private static void writeTool(JsonGenerator g, Tool t) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", t.type());
    g.writeObjectFieldStart("function");
    g.writeStringField("name", t.name());
    writeString(g, "description", t.description());
    if (t.parameters() != null) {
      g.writeFieldName("parameters");
      PlainJson.writeValue(g, t.parameters());
    }
    if (t.strict() != null) {
      g.writeBooleanField("strict", t.strict());
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void writeToolChoice(JsonGenerator g, ToolChoice choice) throws IOException {
    if (choice.functionName() == null) {
      g.writeStringField("tool_choice", choice.mode());
      return;
    }
    g.writeObjectFieldStart("tool_choice");
    g.writeStringField("type", ToolChoice.MODE_FUNCTION);
    g.writeObjectFieldStart("function");
    g.writeStringField("name", choice.functionName());
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void writeResponseFormat(JsonGenerator g, ResponseFormat format) throws IOException {
    g.writeObjectFieldStart("response_format");
    g.writeStringField("type", format.type());
    if (ResponseFormat.TYPE_JSON_SCHEMA.equals(format.type())) {
      g.writeObjectFieldStart("json_schema");
      writeString(g, "name", format.name());
      writeString(g, "description", format.description());
      if (format.schema() != null) {
        g.writeFieldName("schema");
        PlainJson.writeValue(g, format.schema());
      }
      if (format.strict() != null) {
        g.writeBooleanField("strict", format.strict());
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private static void writeUsage(JsonGenerator g, Usage u, boolean embeddings) throws IOException {
    g.writeStartObject();
    g.writeNumberField("prompt_tokens", u.promptTokens());
    if (!embeddings) {
      g.writeNumberField("completion_tokens", u.completionTokens());
    }
    g.writeNumberField("total_tokens", u.totalTokens());
    if (u.cachedTokens() != 0) {
      g.writeObjectFieldStart("prompt_tokens_details");
      g.writeNumberField("cached_tokens", u.cachedTokens());
      g.writeEndObject();
    }
    if (u.reasoningTokens() != 0) {
      g.writeObjectFieldStart("completion_tokens_details");
      g.writeNumberField("reasoning_tokens", u.reasoningTokens());
      g.writeEndObject();
    }
    if (u.cacheCreationTokens() != 0) {
      // Not an OpenAI field; named as LiteLLM and Anthropic name it, for clients that read it.
      g.writeNumberField("cache_creation_input_tokens", u.cacheCreationTokens());
    }
    g.writeEndObject();
  }

  private static void writeExtra(JsonGenerator g, Map<String, Object> extra, Set<String> modelled)
      throws IOException {
    for (Map.Entry<String, Object> e : extra.entrySet()) {
      if (!modelled.contains(e.getKey())) {
        g.writeFieldName(e.getKey());
        PlainJson.writeValue(g, e.getValue());
      }
    }
  }

  private static void writeString(JsonGenerator g, String name, String value) throws IOException {
    if (value != null) {
      g.writeStringField(name, value);
    }
  }

  private static void writeNumber(JsonGenerator g, String name, Double value) throws IOException {
    if (value != null) {
      g.writeNumberField(name, value);
    }
  }

  private static void writeInt(JsonGenerator g, String name, Integer value) throws IOException {
    if (value != null) {
      g.writeNumberField(name, value);
    }
  }
}

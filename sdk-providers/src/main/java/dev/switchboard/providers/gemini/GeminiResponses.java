package dev.switchboard.providers.gemini;

import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.internal.json.PlainJson;
import dev.switchboard.core.internal.json.Problems;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.Delta;
import dev.switchboard.core.model.Embedding;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ModelInfo;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolCallDelta;
import dev.switchboard.core.model.Usage;
import dev.switchboard.providers.internal.http.UpstreamStream;
import dev.switchboard.providers.internal.sse.SseEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Translates Gemini's answers ({@code GenerateContentResponse}, streamed or whole, embeddings and
 * the model list) into the OpenAI-shaped model.
 *
 * <ul>
 *   <li>Each candidate becomes a choice: its non-thought {@code text} parts concatenated are the
 *       message content, its {@code functionCall} parts are tool calls (arguments: {@code args} as
 *       JSON text). Thought parts ({@code "thought": true}) are not content and are left out.
 *   <li>Tool call ids: Gemini's {@code functionCall.id} when it sends one, else
 *       {@code call_<n>} with n the call's position in the candidate (0, 1, …), so ids are stable
 *       within a response. When the part carries a {@code thoughtSignature}, it is appended as
 *       {@code __thought__<signature>} so that sending the call back keeps it (see
 *       {@link GeminiRequests#THOUGHT_SIGNATURE_MARKER}).
 *   <li>{@code finishReason}: {@code STOP} → {@code stop} ({@code tool_calls} when the candidate
 *       called functions), {@code MAX_TOKENS} → {@code length}, {@code SAFETY}, {@code RECITATION},
 *       {@code BLOCKLIST}, {@code PROHIBITED_CONTENT}, {@code SPII}, {@code IMAGE_SAFETY} →
 *       {@code content_filter}; any other value passes through lower-cased as an open value (e.g.
 *       {@code malformed_function_call}, {@code other}).
 *   <li>{@code usageMetadata} → usage: prompt = {@code promptTokenCount} +
 *       {@code toolUsePromptTokenCount}; completion = {@code candidatesTokenCount} +
 *       {@code thoughtsTokenCount} (OpenAI counts reasoning tokens inside completion tokens, Gemini
 *       reports thoughts apart); reasoning = {@code thoughtsTokenCount}; cached =
 *       {@code cachedContentTokenCount}; total = {@code totalTokenCount}.
 * </ul>
 *
 * <p>Stateless and thread-safe, except {@link StreamMapper}, which is one stream's state.
 */
final class GeminiResponses {

  private static final Set<String> CONTENT_FILTER_REASONS =
      Set.of("SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY");

  private GeminiResponses() {}

  /** What a response needs from the call that asked for it. */
  static final class CallInfo {
    final String requestModel;
    final String fallbackId;
    final long created;

    CallInfo(String requestModel, String fallbackId, long created) {
      this.requestModel = requestModel;
      this.fallbackId = fallbackId;
      this.created = created;
    }
  }

  // ---------------------------------------------------------------- whole response

  /** A whole {@code generateContent} answer. */
  static ChatResponse chat(byte[] body, CallInfo call, GeminiErrors errors) {
    Map<String, Object> response = PlainJson.parseObject(body, Problems.RESPONSE, "the response");
    List<Map<String, Object>> candidates = objects(response.get("candidates"), "candidates", errors);
    if (candidates.isEmpty()) {
      throw blockedOrEmpty(response, errors);
    }
    ChatResponse.Builder b = ChatResponse.builder()
        .id(string(response.get("responseId"), call.fallbackId))
        .created(call.created)
        .model(string(response.get("modelVersion"), call.requestModel));
    for (int i = 0; i < candidates.size(); i++) {
      Map<String, Object> candidate = candidates.get(i);
      int index = integer(candidate.get("index"), i);
      Parts parts = Parts.of(candidate, errors);
      List<ToolCall> toolCalls = new ArrayList<>();
      for (int k = 0; k < parts.functionCalls.size(); k++) {
        Map<String, Object> functionCall = parts.functionCalls.get(k);
        toolCalls.add(ToolCall.function(toolCallId(functionCall, k), (String) functionCall.get("name"),
            args(functionCall)));
      }
      Message message = Message.builder().role(Role.ASSISTANT).content(parts.text).toolCalls(toolCalls).build();
      b.addChoice(Choice.builder()
          .index(index)
          .message(message)
          .finishReason(finishReason(candidate.get("finishReason"), !toolCalls.isEmpty()))
          .build());
    }
    b.usage(usage(response.get("usageMetadata")));
    return b.build();
  }

  private static SwitchboardException blockedOrEmpty(Map<String, Object> response, GeminiErrors errors) {
    Object feedback = response.get("promptFeedback");
    if (feedback instanceof Map && ((Map<?, ?>) feedback).get("blockReason") instanceof String) {
      Map<?, ?> f = (Map<?, ?>) feedback;
      return errors.promptBlocked((String) f.get("blockReason"),
          f.get("blockReasonMessage") instanceof String ? (String) f.get("blockReasonMessage") : null);
    }
    return errors.malformed("the response has no candidates and no promptFeedback.blockReason");
  }

  // ---------------------------------------------------------------- stream

  /**
   * One stream's translation: each server-sent event is a whole {@code GenerateContentResponse}
   * carrying the next piece of each candidate. Per event, one chunk with a choice per candidate that
   * said something: the role on a candidate's first delta, text deltas, each {@code functionCall}
   * part as one complete tool-call delta (index, id, name and all arguments at once: Gemini does not
   * split calls), and the finish reason. At the end of the body, one more chunk with no choices
   * carries the usage of the last {@code usageMetadata}. The body must end after a finish reason
   * (Gemini sends no end marker); otherwise the stream fails. Failures are thrown already mapped
   * (see {@link UpstreamStream.EventMapper}).
   *
   * <p>Called serially; not thread-safe.
   */
  static final class StreamMapper implements UpstreamStream.EventMapper<SseEvent, ChatChunk> {

    private final CallInfo call;
    private final GeminiErrors errors;
    private final Map<Integer, Integer> toolCallsSoFar = new TreeMap<>(); // candidate index -> tool calls sent
    private String id;
    private String model;
    private Usage usage;
    private boolean finishSeen;

    StreamMapper(CallInfo call, GeminiErrors errors) {
      this.call = call;
      this.errors = errors;
    }

    @Override
    public Iterable<ChatChunk> apply(SseEvent event) {
      String data = event.data();
      if (data.isBlank() || !SseEvent.DEFAULT_EVENT.equals(event.event())) {
        return List.of();
      }
      Map<String, Object> response;
      try {
        response = PlainJson.parseObject(data, Problems.RESPONSE, "the stream event");
      } catch (SwitchboardException malformed) {
        throw errors.malformed(malformed);
      }
      if (response.get("error") instanceof Map) {
        throw errors.fromStreamEvent(response);
      }
      if (id == null) {
        id = string(response.get("responseId"), call.fallbackId);
        model = string(response.get("modelVersion"), call.requestModel);
      }
      Usage u = usage(response.get("usageMetadata"));
      if (u != null) {
        usage = u; // cumulative: the last one counts
      }
      List<Map<String, Object>> candidates = objects(response.get("candidates"), "candidates", errors);
      if (candidates.isEmpty()) {
        Object feedback = response.get("promptFeedback");
        if (feedback instanceof Map && ((Map<?, ?>) feedback).get("blockReason") instanceof String) {
          throw blockedOrEmpty(response, errors);
        }
        return List.of(); // e.g. a usage-only event
      }
      ChatChunk.Builder chunk = ChatChunk.builder().id(id).created(call.created).model(model);
      boolean any = false;
      for (int i = 0; i < candidates.size(); i++) {
        Map<String, Object> candidate = candidates.get(i);
        int index = integer(candidate.get("index"), i);
        Parts parts = Parts.of(candidate, errors);
        boolean first = !toolCallsSoFar.containsKey(index);
        int sent = first ? 0 : toolCallsSoFar.get(index);
        Delta.Builder delta = Delta.builder();
        if (first) {
          delta.role(Role.ASSISTANT);
        }
        if (parts.text != null) {
          delta.content(parts.text);
        }
        for (Map<String, Object> functionCall : parts.functionCalls) {
          delta.addToolCall(ToolCallDelta.builder()
              .index(sent)
              .id(toolCallId(functionCall, sent))
              .type(ToolCall.TYPE_FUNCTION)
              .name((String) functionCall.get("name"))
              .arguments(args(functionCall))
              .build());
          sent++;
        }
        toolCallsSoFar.put(index, sent);
        FinishReason finish = finishReason(candidate.get("finishReason"), sent > 0);
        if (finish != null) {
          finishSeen = true;
        }
        Delta d = delta.build();
        if (!d.isEmpty() || finish != null || first) {
          chunk.addChoice(ChunkChoice.builder().index(index).delta(d).finishReason(finish).build());
          any = true;
        }
      }
      return any ? List.of(chunk.build()) : List.of();
    }

    @Override
    public Iterable<ChatChunk> finish() {
      if (!finishSeen) {
        throw errors.streamEndedEarly();
      }
      if (usage == null) {
        return List.of();
      }
      return List.of(ChatChunk.builder().id(id).created(call.created).model(model).usage(usage).build());
    }
  }

  // ---------------------------------------------------------------- embeddings, models

  /** {@code embedContent}: {@code {"embedding":{"values":[…]}}}. */
  static EmbeddingResponse embedOne(byte[] body, String model, GeminiErrors errors) {
    Map<String, Object> response = PlainJson.parseObject(body, Problems.RESPONSE, "the response");
    if (!(response.get("embedding") instanceof Map)) {
      throw errors.malformed("the response has no embedding object");
    }
    return EmbeddingResponse.builder()
        .model(model)
        .addData(Embedding.of(0, values(((Map<?, ?>) response.get("embedding")).get("values"), errors)))
        .usage(embeddingUsage(response.get("usageMetadata")))
        .build();
  }

  /** {@code batchEmbedContents}: {@code {"embeddings":[{"values":[…]}, …]}}, in input order. */
  static EmbeddingResponse embedBatch(byte[] body, String model, int inputs, GeminiErrors errors) {
    Map<String, Object> response = PlainJson.parseObject(body, Problems.RESPONSE, "the response");
    List<Map<String, Object>> embeddings = objects(response.get("embeddings"), "embeddings", errors);
    if (embeddings.size() != inputs) {
      throw errors.malformed("the response has " + embeddings.size() + " embeddings for " + inputs + " inputs");
    }
    EmbeddingResponse.Builder b = EmbeddingResponse.builder().model(model);
    for (int i = 0; i < embeddings.size(); i++) {
      b.addData(Embedding.of(i, values(embeddings.get(i).get("values"), errors)));
    }
    return b.usage(embeddingUsage(response.get("usageMetadata"))).build();
  }

  /**
   * Vertex AI {@code predict} for text embeddings:
   * {@code {"predictions":[{"embeddings":{"values":[…],"statistics":{"token_count":n}}}]}}; usage
   * is the sum of the token counts.
   */
  static EmbeddingResponse vertexEmbed(byte[] body, String model, int inputs, GeminiErrors errors) {
    Map<String, Object> response = PlainJson.parseObject(body, Problems.RESPONSE, "the response");
    List<Map<String, Object>> predictions = objects(response.get("predictions"), "predictions", errors);
    if (predictions.size() != inputs) {
      throw errors.malformed("the response has " + predictions.size() + " predictions for " + inputs + " inputs");
    }
    EmbeddingResponse.Builder b = EmbeddingResponse.builder().model(model);
    long tokens = 0;
    for (int i = 0; i < predictions.size(); i++) {
      Object embeddings = predictions.get(i).get("embeddings");
      if (!(embeddings instanceof Map)) {
        throw errors.malformed("predictions[" + i + "] has no embeddings object");
      }
      b.addData(Embedding.of(i, values(((Map<?, ?>) embeddings).get("values"), errors)));
      Object statistics = ((Map<?, ?>) embeddings).get("statistics");
      if (statistics instanceof Map && ((Map<?, ?>) statistics).get("token_count") instanceof Number) {
        tokens += ((Number) ((Map<?, ?>) statistics).get("token_count")).longValue();
      }
    }
    int t = (int) Math.min(Integer.MAX_VALUE, tokens);
    return b.usage(Usage.builder().promptTokens(t).totalTokens(t).build()).build();
  }

  /** {@code GET models}: {@code {"models":[{"name":"models/…"}, …]}}; ids without the {@code models/} prefix. */
  static List<ModelInfo> models(byte[] body, GeminiErrors errors) {
    Map<String, Object> response = PlainJson.parseObject(body, Problems.RESPONSE, "the response");
    List<ModelInfo> models = new ArrayList<>();
    for (Map<String, Object> model : objects(response.get("models"), "models", errors)) {
      Object name = model.get("name");
      if (!(name instanceof String)) {
        throw errors.malformed("a model has no name");
      }
      String id = ((String) name).startsWith("models/") ? ((String) name).substring("models/".length()) : (String) name;
      models.add(ModelInfo.builder().id(id).ownedBy("google").build());
    }
    return models;
  }

  // ---------------------------------------------------------------- shared pieces

  /** The text and function calls of one candidate. */
  private static final class Parts {
    final String text;
    final List<Map<String, Object>> functionCalls;

    private Parts(String text, List<Map<String, Object>> functionCalls) {
      this.text = text;
      this.functionCalls = functionCalls;
    }

    static Parts of(Map<String, Object> candidate, GeminiErrors errors) {
      Object content = candidate.get("content");
      if (!(content instanceof Map)) {
        return new Parts(null, List.of()); // e.g. a candidate stopped by SAFETY has no content
      }
      StringBuilder text = null;
      List<Map<String, Object>> calls = new ArrayList<>();
      for (Map<String, Object> part : objects(((Map<?, ?>) content).get("parts"), "content.parts", errors)) {
        if (Boolean.TRUE.equals(part.get("thought"))) {
          continue; // a thought summary is the model's reasoning, not its answer
        }
        if (part.get("text") instanceof String) {
          text = text == null ? new StringBuilder() : text;
          text.append((String) part.get("text"));
        } else if (part.get("functionCall") instanceof Map) {
          @SuppressWarnings("unchecked")
          Map<String, Object> call = new java.util.LinkedHashMap<>((Map<String, Object>) part.get("functionCall"));
          if (!(call.get("name") instanceof String)) {
            throw errors.malformed("a functionCall part has no name");
          }
          if (part.get("thoughtSignature") instanceof String) {
            call.put("thoughtSignature", part.get("thoughtSignature"));
          }
          calls.add(call);
        }
      }
      return new Parts(text == null ? null : text.toString(), calls);
    }
  }

  private static String toolCallId(Map<String, Object> functionCall, int position) {
    String id = functionCall.get("id") instanceof String && !((String) functionCall.get("id")).isEmpty()
        ? (String) functionCall.get("id") : GeminiRequests.GENERATED_ID_PREFIX + position;
    Object signature = functionCall.get("thoughtSignature");
    return signature instanceof String ? id + GeminiRequests.THOUGHT_SIGNATURE_MARKER + signature : id;
  }

  private static String args(Map<String, Object> functionCall) {
    Object args = functionCall.get("args");
    return PlainJson.toText(args == null ? Map.of() : args);
  }

  static FinishReason finishReason(Object value, boolean calledTools) {
    if (!(value instanceof String) || ((String) value).isEmpty() || "FINISH_REASON_UNSPECIFIED".equals(value)) {
      return null;
    }
    String reason = (String) value;
    if (reason.equals("STOP")) {
      return calledTools ? FinishReason.TOOL_CALLS : FinishReason.STOP;
    }
    if (reason.equals("MAX_TOKENS")) {
      return FinishReason.LENGTH;
    }
    if (CONTENT_FILTER_REASONS.contains(reason)) {
      return FinishReason.CONTENT_FILTER;
    }
    return FinishReason.of(reason.toLowerCase(Locale.ROOT));
  }

  static Usage usage(Object value) {
    if (!(value instanceof Map)) {
      return null;
    }
    Map<?, ?> u = (Map<?, ?>) value;
    int prompt = count(u, "promptTokenCount") + count(u, "toolUsePromptTokenCount");
    int thoughts = count(u, "thoughtsTokenCount");
    int completion = count(u, "candidatesTokenCount") + thoughts;
    Usage.Builder b = Usage.builder()
        .promptTokens(prompt)
        .completionTokens(completion)
        .reasoningTokens(thoughts)
        .cachedTokens(count(u, "cachedContentTokenCount"));
    if (u.get("totalTokenCount") instanceof Number) {
      b.totalTokens(count(u, "totalTokenCount"));
    }
    return b.build();
  }

  private static Usage embeddingUsage(Object value) {
    if (!(value instanceof Map)) {
      return null; // Gemini's embedding methods report no token counts
    }
    int prompt = count((Map<?, ?>) value, "promptTokenCount");
    return Usage.builder().promptTokens(prompt).totalTokens(prompt).build();
  }

  private static int count(Map<?, ?> map, String key) {
    Object v = map.get(key);
    if (!(v instanceof Number)) {
      return 0;
    }
    long n = ((Number) v).longValue();
    return n < 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, n);
  }

  private static float[] values(Object value, GeminiErrors errors) {
    if (!(value instanceof List)) {
      throw errors.malformed("an embedding has no values array");
    }
    List<?> list = (List<?>) value;
    float[] vector = new float[list.size()];
    for (int i = 0; i < vector.length; i++) {
      if (!(list.get(i) instanceof Number)) {
        throw errors.malformed("an embedding value is not a number");
      }
      vector[i] = ((Number) list.get(i)).floatValue();
    }
    return vector;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> objects(Object value, String what, GeminiErrors errors) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List)) {
      throw errors.malformed(what + " is not an array");
    }
    for (Object element : (List<?>) value) {
      if (!(element instanceof Map)) {
        throw errors.malformed(what + " holds something that is not an object");
      }
    }
    return (List<Map<String, Object>>) value;
  }

  private static String string(Object value, String fallback) {
    return value instanceof String && !((String) value).isEmpty() ? (String) value : fallback;
  }

  private static int integer(Object value, int fallback) {
    return value instanceof Number ? ((Number) value).intValue() : fallback;
  }
}

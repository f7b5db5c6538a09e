package dev.switchboard.providers.cohere;

import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.internal.json.JsonFields;
import dev.switchboard.core.internal.json.PlainJson;
import dev.switchboard.core.internal.json.Problems;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.Embedding;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ModelInfo;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Cohere's v2 response bodies to the OpenAI-shaped model, as documented in Cohere's API reference.
 *
 * <ul>
 *   <li>{@code message.content[]} text items become the message text; {@code thinking} items its
 *       {@code reasoning_content} extra; {@code message.tool_calls} its tool calls;
 *       {@code message.tool_plan} (the model's plan before calling tools) its {@code tool_plan} extra,
 *       which {@link CohereRequests} sends back when the conversation continues. Citations are not
 *       kept: OpenAI's chat format has no place for them.
 *   <li>{@code finish_reason}: {@code COMPLETE} and {@code STOP_SEQUENCE} are {@code stop},
 *       {@code MAX_TOKENS} is {@code length}, {@code TOOL_CALL} is {@code tool_calls}; anything else
 *       ({@code ERROR}, {@code TIMEOUT}, future values) is passed on lower-cased.
 *   <li>usage: {@code billed_units}, falling back to {@code tokens} when Cohere reports no billed
 *       units. See {@link #usage}.
 * </ul>
 *
 * <p>Malformed bodies fail with a {@link SwitchboardException} ({@code UpstreamException}). Stateless.
 */
final class CohereResponses {

  private CohereResponses() {}

  /**
   * Reads a {@code POST /v2/chat} body. Cohere reports neither model nor creation time: the request's
   * model and {@code created} are used.
   */
  static ChatResponse chat(byte[] json, String model, long created) {
    Problems problems = Problems.RESPONSE;
    JsonFields f = new JsonFields(PlainJson.parseObject(json, problems, "the response body"), "", problems);
    try {
      JsonFields m = f.object("message");
      Message.Builder message = Message.builder().role(Role.ASSISTANT);
      if (m != null) {
        readContent(m, message);
        readToolCalls(m, message);
        String toolPlan = m.string("tool_plan");
        if (toolPlan != null && !toolPlan.isEmpty()) {
          message.extra(CohereRequests.TOOL_PLAN, toolPlan);
        }
      }
      return ChatResponse.builder()
          .id(f.string("id"))
          .created(created)
          .model(model)
          .addChoice(Choice.builder().index(0).message(message.build())
              .finishReason(finishReason(f.string("finish_reason"))).build())
          .usage(usage(f.object("usage")))
          .build();
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw problems.fail(e.getMessage(), null, Problems.INVALID_VALUE);
    }
  }

  /** Reads a {@code POST /v2/embed} body: the {@code float} embeddings and the billed input tokens. */
  static EmbeddingResponse embed(byte[] json, String model) {
    Problems problems = Problems.RESPONSE;
    JsonFields f = new JsonFields(PlainJson.parseObject(json, problems, "the response body"), "", problems);
    try {
      JsonFields embeddings = f.object("embeddings");
      List<Object> floats = embeddings == null ? null : embeddings.array("float");
      if (floats == null) {
        throw problems.fail("the response has no embeddings.float", "embeddings.float",
            Problems.MISSING_REQUIRED_PARAMETER);
      }
      EmbeddingResponse.Builder b = EmbeddingResponse.builder().model(model);
      for (int i = 0; i < floats.size(); i++) {
        Object vector = floats.get(i);
        if (!(vector instanceof List)) {
          throw problems.invalidType("embeddings.float[" + i + "]", "an array", vector);
        }
        List<?> values = (List<?>) vector;
        float[] v = new float[values.size()];
        for (int j = 0; j < v.length; j++) {
          Object value = values.get(j);
          if (!(value instanceof Number)) {
            throw problems.invalidType("embeddings.float[" + i + "][" + j + "]", "a number", value);
          }
          v[j] = ((Number) value).floatValue();
        }
        b.addData(Embedding.of(i, v));
      }
      JsonFields meta = f.object("meta");
      JsonFields billed = meta == null ? null : meta.object("billed_units");
      int input = billed == null ? 0 : count(billed, "input_tokens");
      return b.usage(Usage.builder().promptTokens(input).totalTokens(input).build()).build();
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw problems.fail(e.getMessage(), null, Problems.INVALID_VALUE);
    }
  }

  /**
   * Reads a {@code GET /v1/models} body: each model's {@code name} as its id, owned by
   * {@code cohere} unless fine-tuned (then by the account, which Cohere does not name). Cohere
   * reports no creation time.
   */
  static List<ModelInfo> models(byte[] json) {
    Problems problems = Problems.RESPONSE;
    JsonFields f = new JsonFields(PlainJson.parseObject(json, problems, "the response body"), "", problems);
    List<Object> models = f.array("models");
    if (models == null) {
      return List.of();
    }
    List<ModelInfo> out = new ArrayList<>(models.size());
    try {
      for (int i = 0; i < models.size(); i++) {
        JsonFields m = f.element("models", models, i);
        out.add(ModelInfo.builder().id(m.string("name"))
            .ownedBy(Boolean.TRUE.equals(m.bool("finetuned")) ? null : "cohere").build());
      }
    } catch (IllegalArgumentException e) {
      throw problems.fail(e.getMessage(), null, Problems.INVALID_VALUE);
    }
    return List.copyOf(out);
  }

  /** Cohere's finish reason in OpenAI's terms; null stays null. */
  static FinishReason finishReason(String cohere) {
    if (cohere == null) {
      return null;
    }
    switch (cohere) {
      case "COMPLETE":
      case "STOP_SEQUENCE":
        return FinishReason.STOP;
      case "MAX_TOKENS":
        return FinishReason.LENGTH;
      case "TOOL_CALL":
        return FinishReason.TOOL_CALLS;
      default:
        return FinishReason.of(cohere.toLowerCase(Locale.ROOT)); // ERROR, TIMEOUT and what comes next
    }
  }

  /**
   * Cohere reports two counts: {@code tokens}, everything the model read and wrote (including the
   * prompt template Cohere adds), and {@code billed_units}, what the account is charged for. Usage
   * drives cost, budgets and token limits, so the billed units are used; {@code tokens} only when no
   * billed units are reported. Cohere's {@code cached_tokens} counts template-inclusive tokens, which
   * need not be a part of the billed input as {@link Usage#cachedTokens()} must be (a cost computed
   * with a cached-token discount would then go wrong), so it is not reported: the billed units already
   * are what is charged. Cohere reports no reasoning-token count.
   */
  static Usage usage(JsonFields usage) {
    if (usage == null) {
      return null;
    }
    JsonFields counts = usage.object("billed_units");
    if (counts == null || !counts.has("input_tokens") && !counts.has("output_tokens")) {
      counts = usage.object("tokens");
    }
    if (counts == null) {
      return null;
    }
    return Usage.of(count(counts, "input_tokens"), count(counts, "output_tokens"));
  }

  // ---- parts

  private static void readContent(JsonFields m, Message.Builder message) {
    List<Object> content = m.array("content");
    if (content == null) {
      return;
    }
    StringBuilder text = null;
    StringBuilder thinking = null;
    for (int i = 0; i < content.size(); i++) {
      JsonFields item = m.element("content", content, i);
      String type = item.string("type");
      if ("text".equals(type)) {
        text = (text == null ? new StringBuilder() : text).append(item.requiredString("text"));
      } else if ("thinking".equals(type)) {
        thinking = (thinking == null ? new StringBuilder() : thinking).append(item.requiredString("thinking"));
      }
      // other item types (none documented) carry nothing OpenAI's message can hold
    }
    if (text != null) {
      message.content(text.toString());
    }
    if (thinking != null) {
      message.extra(CohereRequests.REASONING_CONTENT, thinking.toString());
    }
  }

  private static void readToolCalls(JsonFields m, Message.Builder message) {
    List<Object> calls = m.array("tool_calls");
    if (calls == null) {
      return;
    }
    for (int i = 0; i < calls.size(); i++) {
      JsonFields call = m.element("tool_calls", calls, i);
      JsonFields function = call.object("function");
      message.addToolCall(ToolCall.function(call.string("id"), function == null ? null : function.string("name"),
          function == null ? "{}" : arguments(function)));
    }
  }

  /** Arguments are JSON text; an object is accepted and written as text. */
  static String arguments(JsonFields function) {
    Object arguments = function.get("arguments");
    if (arguments instanceof Map) {
      return PlainJson.toText(arguments);
    }
    String text = function.string("arguments");
    return text == null ? "{}" : text;
  }

  /** A count Cohere writes as a JSON number (its schema says double). */
  static int count(JsonFields f, String key) {
    Double value = f.number(key);
    if (value == null) {
      return 0;
    }
    if (value < 0 || value > Integer.MAX_VALUE || Double.isNaN(value)) {
      throw f.problems().invalidValue(f.path(key), "a token count must be between 0 and " + Integer.MAX_VALUE
          + " but was " + value + ".");
    }
    return (int) Math.round(value);
  }
}

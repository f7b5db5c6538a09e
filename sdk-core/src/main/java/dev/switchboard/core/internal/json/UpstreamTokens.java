package dev.switchboard.core.internal.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Usage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reading of an OpenAI answer or chunk straight from the parser's tokens: the envelope they share
 * ({@code id}, {@code object}, {@code created}, {@code model}, {@code usage},
 * {@code system_fingerprint}, {@code service_tier}, {@code choices}) here, each choice by the
 * subclass. Typed reads follow {@link JsonFields} in {@link Problems#RESPONSE} mode: {@code null}
 * reads as absent, a whole decimal reads as an integer, a value of the wrong type names its path,
 * which is built only when there is an error, from a "where" code ({@link #TOP} and {@link #CHOICE}
 * here, deeper ones in the subclass). Also tracks whether the text can be forwarded
 * as it came ({@link #verbatim}). One instance per body; not thread-safe.
 *
 * @param <C> the choice type
 */
abstract class UpstreamTokens<C> {

  static final Problems PROBLEMS = Problems.RESPONSE;
  /** A field of the root object. */
  static final int TOP = 0;
  /** A field of the choice being read. */
  static final int CHOICE = 1;

  final JsonParser p;
  /** Cleared when reading converted something, or a field a client needs is not in the written form. */
  boolean verbatim = true;
  /** The position of the choice being read. */
  int choice;

  // the envelope, as read by readEnvelope
  String id;
  long created;
  String model;
  Usage usage;
  String systemFingerprint;
  String serviceTier;
  final List<C> choices = new ArrayList<>(1);

  // the choice being read, as readChoiceFields leaves it
  int index;
  FinishReason finishReason;
  Map<String, Object> logprobs;

  UpstreamTokens(JsonParser p) {
    this.p = p;
  }

  /** Reads the choice at position {@link #choice}; the parser stands on its {@code START_OBJECT}. */
  abstract C readChoice() throws IOException;

  /**
   * Reads the choice's body field ({@code delta} or {@code message}) from its value token and keeps
   * it; returns whether it is there in the form written.
   */
  abstract boolean readBody(JsonToken t) throws IOException;

  /**
   * Reads the fields of the choice at position {@link #choice}: {@code index} (the position when
   * absent), {@code finish_reason} and {@code logprobs} into the fields above, the field named
   * {@code body} with {@link #readBody}. Verbatim only with {@code index}, the body and
   * {@code finish_reason} there.
   */
  final void readChoiceFields(String body) throws IOException {
    index = choice;
    finishReason = null;
    logprobs = null;
    boolean hasIndex = false;
    boolean hasBody = false;
    boolean hasFinishReason = false;
    JsonToken t;
    while ((t = fieldValue()) != null) {
      String key = p.currentName();
      switch (key) {
        case "index": {
          Integer v = integer(t, CHOICE, key);
          hasIndex = v != null;
          index = v == null ? choice : v;
          break;
        }
        case "finish_reason": {
          hasFinishReason = true;
          String v = string(t, CHOICE, key);
          finishReason = v == null ? null : FinishReason.of(v);
          break;
        }
        case "logprobs":
          logprobs = rawObject(t, CHOICE, key);
          break;
        default:
          if (key.equals(body)) {
            hasBody = readBody(t);
          } else {
            p.skipChildren();
          }
      }
    }
    verbatim &= hasIndex && hasBody && hasFinishReason;
  }

  /**
   * The path of field {@code key} of the object {@code where} stands for; subclasses resolve their
   * own codes and leave the rest to this.
   */
  String path(int where, String key) {
    switch (where) {
      case CHOICE:
        return "choices[" + choice + "]." + key;
      default:
        return key;
    }
  }

  /**
   * Reads the root object's fields; verbatim only with {@code id}, {@code object} equal to
   * {@code object}, {@code created}, {@code model} and {@code choices}. A value a model builder
   * refuses is reported as an invalid value.
   */
  final void readEnvelope(String object) throws IOException {
    boolean hasId = false;
    boolean hasObject = false;
    boolean hasCreated = false;
    boolean hasModel = false;
    boolean hasChoices = false;
    try {
      JsonToken t;
      while ((t = fieldValue()) != null) {
        String key = p.currentName();
        switch (key) {
          case "id":
            id = string(t, TOP, key);
            hasId = id != null;
            break;
          case "object":
            hasObject = t == JsonToken.VALUE_STRING && object.equals(p.getText());
            p.skipChildren();
            break;
          case "created": {
            Long v = longValue(t, TOP, key);
            hasCreated = v != null;
            created = v == null ? 0 : v;
            break;
          }
          case "model":
            model = string(t, TOP, key);
            hasModel = model != null;
            break;
          case "usage":
            usage = usage(t);
            break;
          case "system_fingerprint":
            systemFingerprint = string(t, TOP, key);
            break;
          case "service_tier":
            serviceTier = string(t, TOP, key);
            break;
          case "choices":
            hasChoices = t != JsonToken.VALUE_NULL;
            readChoices(t);
            break;
          default:
            p.skipChildren();
        }
      }
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw PROBLEMS.fail(e.getMessage(), null, Problems.INVALID_VALUE);
    }
    verbatim &= hasId && hasObject && hasCreated && hasModel && hasChoices;
  }

  private void readChoices(JsonToken t) throws IOException {
    choices.clear(); // a repeated field: the last one counts, as in a map
    if (t == JsonToken.VALUE_NULL) {
      return;
    }
    if (t != JsonToken.START_ARRAY) {
      throw PROBLEMS.invalidType("choices", "an array", t);
    }
    for (choice = 0; (t = p.nextToken()) != JsonToken.END_ARRAY; choice++) {
      if (t != JsonToken.START_OBJECT) {
        throw PROBLEMS.invalidType("choices[" + choice + "]", "an object", t);
      }
      choices.add(readChoice());
    }
  }

  /** The next field's value token, with the field's name as the parser's current name; null at the object's end. */
  final JsonToken fieldValue() throws IOException {
    return p.nextToken() == JsonToken.FIELD_NAME ? p.nextToken() : null;
  }

  final String string(JsonToken t, int where, String key) throws IOException {
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    throw PROBLEMS.invalidType(path(where, key), "a string", t);
  }

  final Long longValue(JsonToken t, int where, String key) throws IOException {
    switch (t) {
      case VALUE_NULL:
        return null;
      case VALUE_NUMBER_INT:
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          throw PROBLEMS.invalidValue(path(where, key), "integer out of range (" + p.getBigIntegerValue() + ").");
        }
        return p.getLongValue();
      case VALUE_NUMBER_FLOAT: {
        double d = p.getDoubleValue();
        if (d == Math.rint(d) && Math.abs(d) < 0x1p53) {
          verbatim = false;
          return (long) d;
        }
        throw PROBLEMS.invalidType(path(where, key), "an integer", t);
      }
      default:
        throw PROBLEMS.invalidType(path(where, key), "an integer", t);
    }
  }

  final Integer integer(JsonToken t, int where, String key) throws IOException {
    Long v = longValue(t, where, key);
    if (v == null) {
      return null;
    }
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw PROBLEMS.invalidValue(path(where, key), "integer out of range (" + v + ").");
    }
    return v.intValue();
  }

  /** An object or null, as a plain map. */
  @SuppressWarnings("unchecked")
  final Map<String, Object> rawObject(JsonToken t, int where, String key) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.START_OBJECT) {
      throw PROBLEMS.invalidType(path(where, key), "an object", t);
    }
    return (Map<String, Object>) PlainJson.readValue(p, t);
  }

  /** OpenAI's {@code usage} object, or null; verbatim only in the form written (see {@link OpenAiUsage}). */
  private Usage usage(JsonToken t) throws IOException {
    Map<String, Object> u = rawObject(t, TOP, "usage");
    if (u == null) {
      return null;
    }
    verbatim &= OpenAiUsage.isWrittenForm(u);
    return OpenAiUsage.read(new JsonFields(u, "usage", PROBLEMS));
  }
}

package dev.switchboard.core.internal.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.switchboard.core.model.Usage;
import java.io.IOException;
import java.util.Map;

/**
 * Typed reading of an upstream body straight from the parser's tokens, with the rules and error
 * messages of {@link JsonFields} in {@link Problems#RESPONSE} mode: {@code null} reads as absent,
 * a whole decimal reads as an integer, a value of the wrong type names its path. The path is built
 * only when there is an error, from a "where" code the subclass resolves ({@link #TOP} and
 * {@link #USAGE} are shared). Also tracks whether the text can be forwarded as it came (see
 * {@link #verbatim}). One instance per body; not thread-safe.
 */
abstract class UpstreamTokens {

  static final Problems PROBLEMS = Problems.RESPONSE;
  /** A field of the root object. */
  static final int TOP = 0;
  /** A field of {@code usage}. */
  static final int USAGE = 1;

  final JsonParser p;
  /** Cleared when reading converted something, or a field a client needs is not in the written form. */
  boolean verbatim = true;

  UpstreamTokens(JsonParser p) {
    this.p = p;
  }

  /** The path of field {@code key} of the object {@code where} stands for. */
  abstract String path(int where, String key);

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

  /**
   * OpenAI's {@code usage} object, or null; verbatim only with {@code total_tokens}. Token details
   * are read through {@link JsonFields}: tiny, rare objects.
   */
  final Usage usage(JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.START_OBJECT) {
      throw PROBLEMS.invalidType(path(TOP, "usage"), "an object", t);
    }
    Usage.Builder b = Usage.builder();
    Integer total = null;
    while ((t = fieldValue()) != null) {
      String key = p.currentName();
      switch (key) {
        case "prompt_tokens":
          b.promptTokens(orZero(integer(t, USAGE, key)));
          break;
        case "completion_tokens":
          b.completionTokens(orZero(integer(t, USAGE, key)));
          break;
        case "total_tokens":
          total = integer(t, USAGE, key);
          break;
        case "cache_creation_input_tokens":
          b.cacheCreationTokens(orZero(integer(t, USAGE, key)));
          break;
        case "prompt_tokens_details": {
          Map<String, Object> details = rawObject(t, USAGE, key);
          if (details != null) {
            b.cachedTokens(new JsonFields(details, path(USAGE, key), PROBLEMS).integer("cached_tokens", 0));
          }
          break;
        }
        case "completion_tokens_details": {
          Map<String, Object> details = rawObject(t, USAGE, key);
          if (details != null) {
            b.reasoningTokens(new JsonFields(details, path(USAGE, key), PROBLEMS).integer("reasoning_tokens", 0));
          }
          break;
        }
        default:
          p.skipChildren();
      }
    }
    verbatim &= total != null;
    if (total != null) {
      b.totalTokens(total);
    }
    return b.build();
  }

  private static int orZero(Integer v) {
    return v == null ? 0 : v;
  }
}

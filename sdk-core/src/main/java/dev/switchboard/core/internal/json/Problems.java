package dev.switchboard.core.internal.json;

import com.fasterxml.jackson.core.JsonToken;
import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.InvalidRequestException;
import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.error.UpstreamException;

/**
 * Who is to blame for bad JSON, and so which error reports it: the caller (a request body, 400) or
 * the upstream (a response body, 502).
 */
public enum Problems {

  /** A body sent by our caller: {@link InvalidRequestException} naming the parameter. */
  REQUEST {
    @Override
    public SwitchboardException fail(String message, String param, String code) {
      return new InvalidRequestException(message, ErrorDetails.builder().param(param).code(code).build());
    }

    @Override
    public SwitchboardException invalidJson(String reason, Throwable cause) {
      return new InvalidRequestException("We could not parse the JSON body of your request: " + reason,
          ErrorDetails.builder().code(INVALID_JSON).build(), cause);
    }
  },

  /** A body sent by an upstream: {@link UpstreamException} (retryable, 502). */
  RESPONSE {
    @Override
    public SwitchboardException fail(String message, String param, String code) {
      return new UpstreamException(MALFORMED + message, ErrorDetails.none());
    }

    @Override
    public SwitchboardException invalidJson(String reason, Throwable cause) {
      return new UpstreamException(MALFORMED + "invalid JSON: " + reason, ErrorDetails.none(), cause);
    }
  };

  /** The error code of a request body that is not JSON. */
  public static final String INVALID_JSON = "invalid_json";
  /** The error code of a parameter of the wrong JSON type. */
  public static final String INVALID_TYPE = "invalid_type";
  /** The error code of a parameter with a value outside what is allowed. */
  public static final String INVALID_VALUE = "invalid_value";
  /** The error code of a required parameter that is missing. */
  public static final String MISSING_REQUIRED_PARAMETER = "missing_required_parameter";

  private static final String MALFORMED = "malformed response from upstream: ";

  /** An error about {@code param} (null for the whole body). */
  public abstract SwitchboardException fail(String message, String param, String code);

  /** An error for a body that is not JSON at all. */
  public abstract SwitchboardException invalidJson(String reason, Throwable cause);

  /** The value of {@code param} has the wrong JSON type. */
  public SwitchboardException invalidType(String param, String expected, Object actual) {
    return wrongType(param, expected, describe(actual));
  }

  /** The value of {@code param}, which starts at token {@code actual}, has the wrong JSON type. */
  public SwitchboardException invalidType(String param, String expected, JsonToken actual) {
    return wrongType(param, expected, describe(actual));
  }

  private SwitchboardException wrongType(String param, String expected, String actual) {
    return fail("Invalid type for '" + param + "': expected " + expected + ", but got " + actual + " instead.",
        param, INVALID_TYPE);
  }

  /** A required {@code param} is absent or null. */
  public SwitchboardException missing(String param) {
    return fail("Missing required parameter: '" + param + "'.", param, MISSING_REQUIRED_PARAMETER);
  }

  /** The value of {@code param} is not allowed; {@code why} completes the sentence. */
  public SwitchboardException invalidValue(String param, String why) {
    return fail("Invalid value for '" + param + "': " + why, param, INVALID_VALUE);
  }

  /** How the value starting at token {@code t} reads in an error message, as {@link #describe(Object)} would say. */
  static String describe(JsonToken t) {
    switch (t) {
      case VALUE_NULL:
        return "null";
      case VALUE_STRING:
        return "a string";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "a boolean";
      case VALUE_NUMBER_INT:
        return "an integer";
      case VALUE_NUMBER_FLOAT:
        return "a decimal number";
      case START_OBJECT:
        return "an object";
      case START_ARRAY:
        return "an array";
      default:
        return t.name();
    }
  }

  /** How a plain JSON value reads in an error message: "a string", "an object", … */
  static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    if (value instanceof Long || value instanceof Integer || value instanceof java.math.BigInteger) {
      return "an integer";
    }
    if (value instanceof Number) {
      return "a decimal number";
    }
    if (value instanceof java.util.Map) {
      return "an object";
    }
    if (value instanceof java.util.List) {
      return "an array";
    }
    return value.getClass().getSimpleName();
  }
}

package dev.switchboard.core.wire;

import java.util.Objects;

/**
 * The fields of an OpenAI-style error body, {@code {"error":{"message","type","param","code"}}}.
 *
 * <p>Immutable and thread-safe; value equality. Every field but {@link #message()} may be null.
 */
public final class ErrorBody {

  private final String message;
  private final String type;
  private final String param;
  private final String code;

  /**
   * @param message the human-readable message; null becomes {@code ""}
   * @param type e.g. {@code invalid_request_error}, or null
   * @param param the parameter at fault, or null
   * @param code a machine-readable code, or null
   */
  public ErrorBody(String message, String type, String param, String code) {
    this.message = message == null ? "" : message;
    this.type = type;
    this.param = param;
    this.code = code;
  }

  /** The message; never null, possibly empty. */
  public String message() {
    return message;
  }

  /** The error type, e.g. {@code invalid_request_error}, or null. */
  public String type() {
    return type;
  }

  /** The parameter at fault, or null. */
  public String param() {
    return param;
  }

  /** The machine-readable code (numbers are given as their decimal text), or null. */
  public String code() {
    return code;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ErrorBody)) {
      return false;
    }
    ErrorBody that = (ErrorBody) o;
    return message.equals(that.message) && Objects.equals(type, that.type) && Objects.equals(param, that.param)
        && Objects.equals(code, that.code);
  }

  @Override
  public int hashCode() {
    return Objects.hash(message, type, param, code);
  }

  @Override
  public String toString() {
    return "ErrorBody{message=" + message + ", type=" + type + ", param=" + param + ", code=" + code + "}";
  }
}

package dev.switchboard.server.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.InvalidRequestException;
import java.io.IOException;

/**
 * The two chat request fields the SDK model leaves to the caller: {@code stream} and
 * {@code stream_options.include_usage}.
 *
 * <p>Read with a streaming parser that looks at top-level fields only and skips everything else
 * unread, so a large {@code messages} array is not turned into a tree a second time.
 */
final class StreamFlags {

  private static final JsonFactory JSON = JsonFactory.builder().build();
  private static final StreamFlags NONE = new StreamFlags(false, false);

  private final boolean stream;
  private final boolean includeUsage;

  private StreamFlags(boolean stream, boolean includeUsage) {
    this.stream = stream;
    this.includeUsage = includeUsage;
  }

  /** Whether the client asked for server-sent events. */
  boolean stream() {
    return stream;
  }

  /** Whether the client asked for the final usage chunk ({@code stream_options.include_usage}). */
  boolean includeUsage() {
    return includeUsage;
  }

  /**
   * Reads the flags of a body that {@code OpenAiJson.readChatRequest} already accepted as a JSON object.
   *
   * @throws InvalidRequestException naming the param when a flag has the wrong type, or when
   *     {@code stream_options} is set without {@code stream} (as OpenAI does)
   */
  static StreamFlags read(byte[] body, String requestId) {
    Boolean stream = null;
    Boolean includeUsage = null;
    boolean hasOptions = false;
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return NONE;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if ("stream".equals(name)) {
          stream = bool(value, "stream", requestId);
        } else if ("stream_options".equals(name) && value == JsonToken.START_OBJECT) {
          hasOptions = true;
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String option = p.currentName();
            JsonToken optionValue = p.nextToken();
            if ("include_usage".equals(option)) {
              includeUsage = bool(optionValue, "stream_options.include_usage", requestId);
            } else {
              p.skipChildren();
            }
          }
        } else if ("stream_options".equals(name) && value != JsonToken.VALUE_NULL) {
          throw invalid("stream_options must be an object", "stream_options", "invalid_type", requestId);
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      // The body already parsed once; failing here means it is not the JSON it was a moment ago.
      throw new InvalidRequestException("the request body is not valid JSON",
          ErrorDetails.builder().code("invalid_json").requestId(requestId).build(), e);
    }
    boolean streaming = Boolean.TRUE.equals(stream);
    if (hasOptions && !streaming) {
      throw invalid("The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options",
          "invalid_value", requestId);
    }
    return new StreamFlags(streaming, Boolean.TRUE.equals(includeUsage));
  }

  private static Boolean bool(JsonToken token, String param, String requestId) {
    switch (token) {
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw invalid(param + " must be a boolean", param, "invalid_type", requestId);
    }
  }

  private static InvalidRequestException invalid(String message, String param, String code, String requestId) {
    return new InvalidRequestException(message,
        ErrorDetails.builder().param(param).code(code).requestId(requestId).build());
  }
}

package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.UpstreamException;
import java.io.IOException;

/**
 * The Jackson tree model as this adapter uses it: one shared mapper that keeps decimals exact (a
 * tool argument {@code 0.1} or {@code 1e400} goes upstream as written) and small readers that turn
 * a malformed upstream body into {@link UpstreamException}. Thread-safe.
 */
final class AnthropicJson {

  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      .build();

  private AnthropicJson() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** A plain Java JSON value (maps, lists, strings, numbers, booleans, null) as a tree. */
  static JsonNode tree(Object plain) {
    return MAPPER.valueToTree(plain);
  }

  /** Compact JSON text of a tree. */
  static String text(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) { // a tree always serialises; keep the compiler honest
      throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Parses caller-supplied JSON text; null when it is not JSON. */
  static JsonNode parseOrNull(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException notJson) {
      return null;
    }
  }

  /**
   * Parses an upstream body that must be a JSON object.
   *
   * @throws UpstreamException "malformed response from upstream: …" when it is not
   */
  static JsonNode parseUpstream(byte[] body, String what) {
    JsonNode root;
    try {
      root = body == null || body.length == 0 ? null : MAPPER.readTree(body);
    } catch (IOException e) {
      throw malformed(what + " is not JSON (" + firstLine(e.getMessage()) + ")");
    }
    if (root == null || !root.isObject()) {
      throw malformed(what + " must be a JSON object");
    }
    return root;
  }

  /** Parses one server-sent event's data, which must be a JSON object. */
  static JsonNode parseUpstream(String data, String what) {
    JsonNode root;
    try {
      root = MAPPER.readTree(data);
    } catch (IOException e) {
      throw malformed(what + " is not JSON (" + firstLine(e.getMessage()) + ")");
    }
    if (root == null || !root.isObject()) {
      throw malformed(what + " must be a JSON object");
    }
    return root;
  }

  static UpstreamException malformed(String reason) {
    return new UpstreamException("malformed response from upstream: " + reason, ErrorDetails.none());
  }

  /** The string at {@code field}, or null when absent, null or not a string. */
  static String string(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.asText() : null;
  }

  /** The non-negative integer at {@code field}, or 0 when absent or null. */
  static int count(JsonNode node, String field, String what) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return 0;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
      throw malformed(what + "." + field + " must be a non-negative integer but was " + value);
    }
    return value.intValue();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}

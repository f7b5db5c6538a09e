package dev.switchboard.core.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Test helpers: JSON text to bytes, and structural comparison of JSON documents. */
final class Json {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  static JsonNode tree(byte[] json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode tree(String json) {
    return tree(bytes(json));
  }

  /** Asserts the two documents are the same JSON, ignoring formatting and key order. */
  static void assertSameJson(byte[] actual, String expected) {
    assertThat(tree(actual)).as(new String(actual, StandardCharsets.UTF_8)).isEqualTo(tree(expected));
  }
}

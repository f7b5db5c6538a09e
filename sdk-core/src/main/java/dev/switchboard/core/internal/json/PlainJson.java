package dev.switchboard.core.internal.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON text to plain Java values and back, with Jackson's streaming API (no data binding, no tree).
 *
 * <p>Plain values: {@link LinkedHashMap} for objects (order kept), {@link ArrayList} for arrays,
 * {@link String}, {@link Boolean}, null, and numbers as {@link Long} ({@link BigInteger} beyond its
 * range) or {@link Double} ({@link BigDecimal} when the value overflows a double or would underflow
 * to zero). Thread-safe.
 */
public final class PlainJson {

  /**
   * The shared factory. Strings may be up to 128 MB: base64 images inside a chat request are legal
   * and large; the gateway bounds request bodies before they get here.
   */
  public static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(128 * 1024 * 1024).build())
      // field names come from callers; do not let them fill the JVM's string intern pool
      .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
      .build();

  private PlainJson() {}

  /** Parses a whole document; anything but exactly one JSON value is reported through {@code problems}. */
  public static Object parse(byte[] json, Problems problems) {
    if (json == null || json.length == 0) {
      throw problems.invalidJson("the body is empty", null);
    }
    return document(() -> FACTORY.createParser(json), problems, PlainJson::readValue);
  }

  /** Parses a whole document held as a string. */
  public static Object parse(String json, Problems problems) {
    if (json == null || json.isEmpty()) {
      throw problems.invalidJson("the body is empty", null);
    }
    return document(() -> FACTORY.createParser(json), problems, PlainJson::readValue);
  }

  /** Parses a whole document that must be a JSON object; {@code what} names it in the error. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parseObject(byte[] json, Problems problems, String what) {
    Object value = parse(json, problems);
    if (!(value instanceof Map)) {
      throw problems.invalidJson(what + " must be a JSON object but was " + Problems.describe(value), null);
    }
    return (Map<String, Object>) value;
  }

  /** Parses a whole document held as a string that must be a JSON object. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parseObject(String json, Problems problems, String what) {
    Object value = parse(json, problems);
    if (!(value instanceof Map)) {
      throw problems.invalidJson(what + " must be a JSON object but was " + Problems.describe(value), null);
    }
    return (Map<String, Object>) value;
  }

  /** Reads a document's root object from the parser, which stands on the object's first token. */
  @FunctionalInterface
  public interface ObjectReader<T> {
    /** Reads up to and including the object's last token. */
    T read(JsonParser p) throws IOException;
  }

  /**
   * Reads a whole document that must be a JSON object with {@code reader}, straight from the
   * tokens; {@code what} names it in the error. Syntax errors, a root that is not an object and
   * content after it are reported through {@code problems} as by {@link #parseObject(byte[], Problems, String)}.
   */
  public static <T> T readObject(byte[] json, Problems problems, String what, ObjectReader<T> reader) {
    if (json == null || json.length == 0) {
      throw problems.invalidJson("the body is empty", null);
    }
    return document(() -> FACTORY.createParser(json), problems, (p, first) -> {
      if (first != JsonToken.START_OBJECT) { // read it whole, so that a syntax error in it is what is reported
        Object value = readValue(p, first);
        throw problems.invalidJson(what + " must be a JSON object but was " + Problems.describe(value), null);
      }
      return reader.read(p);
    });
  }

  private interface ParserSource {
    JsonParser open() throws IOException;
  }

  private interface RootReader<T> {
    T read(JsonParser p, JsonToken first) throws IOException;
  }

  /**
   * Reads one whole document: its root value with {@code root}, then nothing but whitespace. Syntax
   * errors, no value at all and content after it are reported through {@code problems}.
   */
  private static <T> T document(ParserSource source, Problems problems, RootReader<T> root) {
    try (JsonParser p = source.open()) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw problems.invalidJson("the body is empty", null);
      }
      T value = root.read(p, first);
      if (p.nextToken() != null) {
        throw problems.invalidJson("unexpected content after the JSON value" + at(p.currentLocation()), null);
      }
      return value;
    } catch (StreamReadException e) {
      throw problems.invalidJson(describe(e), e);
    } catch (IOException e) {
      throw problems.invalidJson(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /** Reads the value starting at the current token {@code t}, leaving the parser on its last token. */
  public static Object readValue(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT: {
        LinkedHashMap<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          map.put(name, readValue(p, p.nextToken()));
        }
        return map;
      }
      case START_ARRAY: {
        ArrayList<Object> list = new ArrayList<>();
        JsonToken e;
        while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
          list.add(readValue(p, e));
        }
        return list;
      }
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
        return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getBigIntegerValue() : (Object) p.getLongValue();
      case VALUE_NUMBER_FLOAT: {
        double d = p.getDoubleValue();
        if (Double.isInfinite(d) || d == 0.0 && p.getDecimalValue().signum() != 0) {
          return p.getDecimalValue();
        }
        return d;
      }
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw new JsonParseException(p, "unexpected token " + t);
    }
  }

  /** Writes a plain JSON value (see {@link dev.switchboard.core.model.JsonValues} for the types). */
  public static void writeValue(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof String) {
      g.writeString((String) v);
    } else if (v instanceof Boolean) {
      g.writeBoolean((Boolean) v);
    } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      g.writeNumber(((Number) v).longValue());
    } else if (v instanceof Double || v instanceof Float) {
      g.writeNumber(((Number) v).doubleValue());
    } else if (v instanceof BigInteger) {
      g.writeNumber((BigInteger) v);
    } else if (v instanceof BigDecimal) {
      g.writeNumber((BigDecimal) v);
    } else if (v instanceof Map) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        g.writeFieldName((String) e.getKey());
        writeValue(g, e.getValue());
      }
      g.writeEndObject();
    } else if (v instanceof Collection) {
      g.writeStartArray();
      for (Object element : (Collection<?>) v) {
        writeValue(g, element);
      }
      g.writeEndArray();
    } else {
      throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
    }
  }

  /** Something that writes one document. */
  @FunctionalInterface
  public interface Body {
    /** Writes the document to {@code g}. */
    void write(JsonGenerator g) throws IOException;
  }

  /** Runs {@code body} against a fresh generator and returns the UTF-8 bytes. */
  public static byte[] write(Body body) {
    try (ByteArrayBuilder out = new ByteArrayBuilder(512)) {
      try (JsonGenerator g = FACTORY.createGenerator(out)) {
        body.write(g);
      }
      return out.toByteArray();
    } catch (IOException e) {
      // writing to memory does not fail; a generator misuse is a bug in our writers
      throw new UncheckedIOException("could not write JSON", e);
    }
  }

  /** Serialises a plain value to compact JSON text (e.g. tool arguments sent as an object). */
  public static String toText(Object value) {
    return new String(write(g -> writeValue(g, value)), java.nio.charset.StandardCharsets.UTF_8);
  }

  private static String describe(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    return (message == null ? e.getClass().getSimpleName() : message) + at(e.getLocation());
  }

  private static String at(JsonLocation location) {
    if (location == null || location.getLineNr() < 0) {
      return "";
    }
    return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }
}

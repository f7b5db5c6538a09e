package dev.switchboard.providers.internal.aws;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * Test-side encoder of AWS event-stream messages, written from the framing spec (not from the
 * decoder): {@code [total u32][headers length u32][prelude CRC32][headers][payload][message CRC32]}.
 */
public final class EventStreamEncoder {

  private EventStreamEncoder() {}

  /** A message with the given headers (encoded by their Java type) and payload. */
  public static byte[] encode(Map<String, ?> headers, byte[] payload) {
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    headers.forEach((name, value) -> writeHeader(h, name, value));
    byte[] headerBytes = h.toByteArray();
    int total = 12 + headerBytes.length + payload.length + 4;
    ByteBuffer b = ByteBuffer.allocate(total);
    b.putInt(total).putInt(headerBytes.length);
    b.putInt(crc(b.array(), 0, 8));
    b.put(headerBytes).put(payload);
    b.putInt(crc(b.array(), 0, total - 4));
    return b.array();
  }

  /**
   * A Bedrock-style event: {@code :event-type}, {@code :content-type application/json},
   * {@code :message-type event}.
   */
  public static byte[] event(String eventType, String json) {
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put(":event-type", eventType);
    headers.put(":content-type", "application/json");
    headers.put(":message-type", "event");
    return encode(headers, json.getBytes(StandardCharsets.UTF_8));
  }

  /** A Bedrock-style modelled exception: {@code :exception-type}, {@code :message-type exception}. */
  public static byte[] exception(String exceptionType, String json) {
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put(":exception-type", exceptionType);
    headers.put(":content-type", "application/json");
    headers.put(":message-type", "exception");
    return encode(headers, json.getBytes(StandardCharsets.UTF_8));
  }

  /** Concatenates messages into one body. */
  public static byte[] concat(byte[]... messages) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] m : messages) {
      out.writeBytes(m);
    }
    return out.toByteArray();
  }

  private static void writeHeader(ByteArrayOutputStream out, String name, Object value) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    out.write(n.length);
    out.writeBytes(n);
    if (value instanceof Boolean) {
      out.write((Boolean) value ? 0 : 1);
    } else if (value instanceof Byte) {
      out.write(2);
      out.write((Byte) value);
    } else if (value instanceof Short) {
      out.write(3);
      out.writeBytes(ByteBuffer.allocate(2).putShort((Short) value).array());
    } else if (value instanceof Integer) {
      out.write(4);
      out.writeBytes(ByteBuffer.allocate(4).putInt((Integer) value).array());
    } else if (value instanceof Long) {
      out.write(5);
      out.writeBytes(ByteBuffer.allocate(8).putLong((Long) value).array());
    } else if (value instanceof byte[]) {
      byte[] v = (byte[]) value;
      out.write(6);
      out.writeBytes(ByteBuffer.allocate(2).putShort((short) v.length).array());
      out.writeBytes(v);
    } else if (value instanceof String) {
      byte[] v = ((String) value).getBytes(StandardCharsets.UTF_8);
      out.write(7);
      out.writeBytes(ByteBuffer.allocate(2).putShort((short) v.length).array());
      out.writeBytes(v);
    } else if (value instanceof Instant) {
      out.write(8);
      out.writeBytes(ByteBuffer.allocate(8).putLong(((Instant) value).toEpochMilli()).array());
    } else if (value instanceof UUID) {
      UUID u = (UUID) value;
      out.write(9);
      out.writeBytes(ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
          .putLong(u.getLeastSignificantBits()).array());
    } else {
      throw new IllegalArgumentException("no event-stream header type for " + value.getClass());
    }
  }

  private static int crc(byte[] bytes, int from, int length) {
    CRC32 crc = new CRC32();
    crc.update(bytes, from, length);
    return (int) crc.getValue();
  }
}

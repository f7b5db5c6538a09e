package dev.switchboard.providers.internal.aws;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One decoded {@code application/vnd.amazon.eventstream} message: its headers and its payload.
 *
 * <p>Header values are Java values by wire type: {@link Boolean} (types 0 and 1), {@link Byte} (2),
 * {@link Short} (3), {@link Integer} (4), {@link Long} (5), {@code byte[]} (6), {@link String} (7),
 * {@link java.time.Instant} (8, a timestamp in epoch milliseconds) and {@link java.util.UUID} (9).
 *
 * <p>Immutable apart from the arrays it hands out, which are copies.
 */
public final class EventStreamMessage {

  /** The header that tells events ({@code event}), modelled exceptions ({@code exception}) and errors apart. */
  public static final String MESSAGE_TYPE = ":message-type";
  /** The header naming the event of a {@code :message-type event} message. */
  public static final String EVENT_TYPE = ":event-type";
  /** The header naming the exception of a {@code :message-type exception} message. */
  public static final String EXCEPTION_TYPE = ":exception-type";
  /** The error code header of a {@code :message-type error} message. */
  public static final String ERROR_CODE = ":error-code";
  /** The error message header of a {@code :message-type error} message. */
  public static final String ERROR_MESSAGE = ":error-message";

  private final Map<String, Object> headers;
  private final byte[] payload;

  /**
   * A message from its headers (in wire order) and payload, both copied.
   *
   * @throws NullPointerException if an argument is null
   */
  public EventStreamMessage(Map<String, ?> headers, byte[] payload) {
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(headers, "headers")));
    this.payload = Objects.requireNonNull(payload, "payload").clone();
  }

  /** The headers in wire order; unmodifiable, never null. */
  public Map<String, Object> headers() {
    return headers;
  }

  /** The value of the string header {@code name}, or null when absent or not a string. */
  public String stringHeader(String name) {
    Object value = headers.get(name);
    return value instanceof String ? (String) value : null;
  }

  /** A copy of the payload. */
  public byte[] payload() {
    return payload.clone();
  }

  /** The payload as UTF-8 text. */
  public String payloadText() {
    return new String(payload, StandardCharsets.UTF_8);
  }

  /** The payload length in bytes. */
  public int payloadLength() {
    return payload.length;
  }

  /** Headers and payload size; never the payload, which may hold model output. */
  @Override
  public String toString() {
    Map<String, Object> shown = new LinkedHashMap<>();
    headers.forEach((k, v) -> shown.put(k, v instanceof byte[] ? "byte[" + ((byte[]) v).length + "]" : v));
    return "EventStreamMessage{headers=" + shown + ", payload=" + payload.length + " bytes}";
  }
}

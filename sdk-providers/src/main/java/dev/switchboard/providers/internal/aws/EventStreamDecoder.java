package dev.switchboard.providers.internal.aws;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * Incremental decoder of AWS's binary event-stream framing ({@code application/vnd.amazon.eventstream}),
 * the body of Bedrock's {@code converse-stream}.
 *
 * <p>Each message is {@code [total length u32][headers length u32][prelude CRC32 u32][headers][payload]
 * [message CRC32 u32]}, big-endian; the prelude CRC covers the first 8 bytes and the message CRC every
 * byte before it. A header is {@code [name length u8][name][value type u8][value]}, the value by type:
 * 0 true and 1 false (no bytes), 2 byte, 3 int16, 4 int32, 5 int64, 6 bytes and 7 UTF-8 string (each
 * {@code [length u16][bytes]}), 8 timestamp (int64 epoch millis), 9 UUID (16 bytes).
 *
 * <p>Fed byte buffers split anywhere. The prelude CRC is checked as soon as the 12 prelude bytes are
 * there, before waiting for the rest, so that a corrupt length cannot make the decoder wait for (or
 * allocate) gigabytes; messages longer than {@link #MAX_MESSAGE_LENGTH} or with more than
 * {@link #MAX_HEADERS_LENGTH} bytes of headers are refused. Every failure is an
 * {@link EventStreamFormatException}, after which the decoder refuses further input.
 *
 * <p>Not thread-safe: one decoder per stream, fed serially.
 */
public final class EventStreamDecoder {

  /** The largest message accepted: 16 MiB, the limit of AWS's event-stream implementations. */
  public static final int MAX_MESSAGE_LENGTH = 16 * 1024 * 1024;
  /** The largest header block accepted: 128 KiB, the limit of AWS's event-stream implementations. */
  public static final int MAX_HEADERS_LENGTH = 128 * 1024;

  private static final int PRELUDE_LENGTH = 12;
  private static final int CRC_LENGTH = 4;
  private static final int MIN_MESSAGE_LENGTH = PRELUDE_LENGTH + CRC_LENGTH;

  private byte[] buffer = new byte[8 * 1024];
  private int start; // first unconsumed byte
  private int end; // one past the last buffered byte
  private boolean preludeChecked; // the prelude at start has been validated
  private boolean failed;
  private boolean finished;

  /**
   * Consumes every remaining byte of {@code bytes} (advancing its position) and returns the messages
   * completed by them, in order; empty when none.
   *
   * @throws EventStreamFormatException if the bytes are not a valid message sequence
   * @throws IllegalStateException if called after {@link #finish()} or after a failure
   */
  public List<EventStreamMessage> decode(ByteBuffer bytes) {
    if (finished || failed) {
      throw new IllegalStateException(finished ? "decode called after finish" : "decode called after a failure");
    }
    append(bytes);
    List<EventStreamMessage> out = List.of();
    try {
      EventStreamMessage message;
      while ((message = next()) != null) {
        if (out.isEmpty()) {
          out = new ArrayList<>(2);
        }
        out.add(message);
      }
    } catch (EventStreamFormatException e) {
      failed = true;
      throw e;
    }
    compact();
    return out;
  }

  /**
   * Ends the stream: returns no message, and fails if bytes of an incomplete message are left over.
   *
   * @throws EventStreamFormatException if the stream ended inside a message
   */
  public List<EventStreamMessage> finish() {
    finished = true;
    int left = end - start;
    if (left > 0 && !failed) {
      failed = true;
      if (left < PRELUDE_LENGTH) {
        throw new EventStreamFormatException("the stream ended inside a message prelude (" + left + " of "
            + PRELUDE_LENGTH + " bytes)");
      }
      throw new EventStreamFormatException("the stream ended inside a message (" + left + " of "
          + readInt(buffer, start) + " bytes)");
    }
    return List.of();
  }

  private void append(ByteBuffer bytes) {
    int n = bytes.remaining();
    if (n == 0) {
      return;
    }
    if (buffer.length - end < n) {
      compact();
      if (buffer.length - end < n) {
        buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, end + n));
      }
    }
    bytes.get(buffer, end, n);
    end += n;
  }

  private void compact() {
    if (start == 0) {
      return;
    }
    System.arraycopy(buffer, start, buffer, 0, end - start);
    end -= start;
    start = 0;
  }

  /** The next complete message, or null when more bytes are needed. */
  private EventStreamMessage next() {
    int available = end - start;
    if (available < PRELUDE_LENGTH) {
      return null;
    }
    long total = readInt(buffer, start) & 0xffffffffL;
    long headersLength = readInt(buffer, start + 4) & 0xffffffffL;
    if (!preludeChecked) {
      int preludeCrc = readInt(buffer, start + 8);
      int actual = crc(buffer, start, 8);
      if (actual != preludeCrc) {
        throw new EventStreamFormatException("prelude CRC mismatch: the message says "
            + hex(preludeCrc) + " but its prelude hashes to " + hex(actual));
      }
      if (total < MIN_MESSAGE_LENGTH || total > MAX_MESSAGE_LENGTH) {
        throw new EventStreamFormatException("message length " + total + " is outside " + MIN_MESSAGE_LENGTH
            + ".." + MAX_MESSAGE_LENGTH);
      }
      if (headersLength > MAX_HEADERS_LENGTH || headersLength > total - MIN_MESSAGE_LENGTH) {
        throw new EventStreamFormatException("headers length " + headersLength + " does not fit a message of "
            + total + " bytes (at most " + Math.min(MAX_HEADERS_LENGTH, total - MIN_MESSAGE_LENGTH) + ")");
      }
      preludeChecked = true;
    }
    if (available < total) {
      if (buffer.length < total) {
        compact();
        buffer = Arrays.copyOf(buffer, (int) total);
      }
      return null;
    }
    int length = (int) total;
    int messageCrc = readInt(buffer, start + length - CRC_LENGTH);
    int actual = crc(buffer, start, length - CRC_LENGTH);
    if (actual != messageCrc) {
      throw new EventStreamFormatException("message CRC mismatch: the message says " + hex(messageCrc)
          + " but its bytes hash to " + hex(actual));
    }
    int headersStart = start + PRELUDE_LENGTH;
    int headersEnd = headersStart + (int) headersLength;
    Map<String, Object> headers = readHeaders(headersStart, headersEnd);
    byte[] payload = Arrays.copyOfRange(buffer, headersEnd, start + length - CRC_LENGTH);
    start += length;
    preludeChecked = false;
    return new EventStreamMessage(headers, payload);
  }

  private Map<String, Object> readHeaders(int from, int to) {
    Map<String, Object> headers = new LinkedHashMap<>();
    int p = from;
    while (p < to) {
      int nameLength = buffer[p++] & 0xff;
      if (nameLength == 0) {
        throw new EventStreamFormatException("a header has an empty name");
      }
      require(p, nameLength + 1, to, "header name");
      String name = new String(buffer, p, nameLength, StandardCharsets.UTF_8);
      p += nameLength;
      int type = buffer[p++] & 0xff;
      Object value;
      switch (type) {
        case 0:
          value = Boolean.TRUE;
          break;
        case 1:
          value = Boolean.FALSE;
          break;
        case 2:
          require(p, 1, to, name);
          value = buffer[p];
          p += 1;
          break;
        case 3:
          require(p, 2, to, name);
          value = (short) ((buffer[p] & 0xff) << 8 | (buffer[p + 1] & 0xff));
          p += 2;
          break;
        case 4:
          require(p, 4, to, name);
          value = readInt(buffer, p);
          p += 4;
          break;
        case 5:
          require(p, 8, to, name);
          value = readLong(p);
          p += 8;
          break;
        case 6:
        case 7: {
          require(p, 2, to, name);
          int length = (buffer[p] & 0xff) << 8 | (buffer[p + 1] & 0xff);
          p += 2;
          require(p, length, to, name);
          value = type == 6 ? Arrays.copyOfRange(buffer, p, p + length)
              : new String(buffer, p, length, StandardCharsets.UTF_8);
          p += length;
          break;
        }
        case 8:
          require(p, 8, to, name);
          value = Instant.ofEpochMilli(readLong(p));
          p += 8;
          break;
        case 9:
          require(p, 16, to, name);
          value = new UUID(readLong(p), readLong(p + 8));
          p += 16;
          break;
        default:
          throw new EventStreamFormatException("header '" + name + "' has unknown value type " + type);
      }
      headers.put(name, value);
    }
    return headers;
  }

  private static void require(int p, int length, int to, String what) {
    if (p + length > to) {
      throw new EventStreamFormatException("header '" + what + "' runs past the end of the header block");
    }
  }

  private long readLong(int p) {
    return (readInt(buffer, p) & 0xffffffffL) << 32 | (readInt(buffer, p + 4) & 0xffffffffL);
  }

  private static int readInt(byte[] b, int p) {
    return (b[p] & 0xff) << 24 | (b[p + 1] & 0xff) << 16 | (b[p + 2] & 0xff) << 8 | (b[p + 3] & 0xff);
  }

  private static int crc(byte[] b, int from, int length) {
    CRC32 crc = new CRC32();
    crc.update(b, from, length);
    return (int) crc.getValue();
  }

  private static String hex(int value) {
    return String.format("0x%08x", value);
  }
}

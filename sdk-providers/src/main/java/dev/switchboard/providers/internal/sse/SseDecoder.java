package dev.switchboard.providers.internal.sse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Incremental server-sent events decoder following the WHATWG HTML "event stream" parsing rules
 * (section 9.2.6 "Interpreting an event stream").
 *
 * <p>Fed byte buffers split anywhere (inside a multi-byte UTF-8 character, between CR and LF): lines
 * are cut on bytes, which is safe because CR and LF never occur inside a UTF-8 multi-byte sequence,
 * and decoded only once complete (malformed UTF-8 becomes U+FFFD). Lines end in CRLF, LF or CR. One
 * leading byte order mark is dropped. Lines starting with {@code ':'} are comments (keep-alives)
 * and ignored. {@code data} lines are joined with {@code "\n"}; {@code event} sets the type of the
 * event being built; {@code id} (unless it contains NUL) sets the last event id, which persists into
 * later events; {@code retry} with only ASCII digits sets the reconnection time, which persists as
 * well; other fields are ignored. A blank line dispatches the event being built, unless it has no
 * data line, in which case it is dropped (its type is reset).
 *
 * <p><b>Deliberate deviation at end of stream.</b> The spec discards an event that the stream ends
 * in before its final blank line. Some servers omit that blank line after their last event, and
 * dropping it would lose e.g. a final usage chunk, so {@link #finish()} treats an unterminated last
 * line as a line and dispatches a pending event that has data. Pending events without data are still
 * dropped.
 *
 * <p><b>Limits.</b> A line longer than {@value #MAX_LINE_BYTES} bytes, or an event whose data grows
 * past {@value #MAX_EVENT_CHARS} characters, fails the decode with {@link SseTooLargeException}:
 * an upstream that never ends a line must not grow one stream's buffer until the JVM runs out of
 * memory and every other stream fails with it. The largest events real APIs send (a partial image in
 * base64) are a few megabytes.
 *
 * <p>Not thread-safe: one decoder per stream, fed serially.
 */
public final class SseDecoder {

  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final int INITIAL_LINE_CAPACITY = 256;
  private static final int RETAINED_LINE_CAPACITY = 64 * 1024;
  /** The longest line accepted, in bytes: 16 MiB. */
  public static final int MAX_LINE_BYTES = 16 * 1024 * 1024;
  /** The most data one event may carry, in characters: 16 Mi. */
  public static final int MAX_EVENT_CHARS = 16 * 1024 * 1024;

  private byte[] line = new byte[INITIAL_LINE_CAPACITY];
  private int lineLength;
  private boolean lastWasCr;
  private boolean atStreamStart = true;
  private boolean finished;

  // The event's data: its only line so far as a string (the usual case, no copy), or from a second
  // line on the lines joined in the builder.
  private boolean hasData;
  private String singleData;
  private final StringBuilder data = new StringBuilder();
  private String eventType = "";
  private String lastEventId = "";
  private Long retry;

  // Events completed during the current decode/finish call; null until the first one.
  private List<SseEvent> out;

  /**
   * Consumes every remaining byte of {@code bytes} (advancing its position) and returns the events
   * completed by them, in order; empty when none.
   *
   * @throws IllegalStateException if {@link #finish()} was called
   * @throws SseTooLargeException if a line or an event is longer than the limits above
   */
  public List<SseEvent> decode(ByteBuffer bytes) {
    if (finished) {
      throw new IllegalStateException("decode called after finish");
    }
    if (bytes.hasArray()) { // the usual case: scan the array, copy each run of line bytes at once
      int offset = bytes.arrayOffset();
      decode(bytes.array(), offset + bytes.position(), offset + bytes.limit());
      bytes.position(bytes.limit());
    } else {
      byte[] copy = new byte[bytes.remaining()];
      bytes.get(copy);
      decode(copy, 0, copy.length);
    }
    return takeEvents();
  }

  private void decode(byte[] bytes, int from, int to) {
    int i = from;
    while (i < to) {
      if (lastWasCr) {
        lastWasCr = false;
        if (bytes[i] == LF) {
          i++;
          continue; // the LF of a CRLF whose CR already ended the line
        }
      }
      int runStart = i;
      while (i < to && bytes[i] != CR && bytes[i] != LF) {
        i++;
      }
      appendToLine(bytes, runStart, i - runStart);
      if (i < to) {
        lastWasCr = bytes[i] == CR;
        i++;
        endLine();
      }
    }
  }

  private void appendToLine(byte[] bytes, int from, int length) {
    if (length > MAX_LINE_BYTES - lineLength) {
      throw new SseTooLargeException("a server-sent event line is longer than " + MAX_LINE_BYTES
          + " bytes (no line break where one was due)");
    }
    if (lineLength + length > line.length) {
      line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + length));
    }
    System.arraycopy(bytes, from, line, lineLength, length);
    lineLength += length;
  }

  /**
   * Ends the stream: processes an unterminated last line and dispatches a pending event that has
   * data (see the class documentation for why). Later calls return an empty list and
   * {@link #decode} throws.
   */
  public List<SseEvent> finish() {
    if (finished) {
      return List.of();
    }
    finished = true;
    if (lineLength > 0) {
      endLine();
    }
    dispatch();
    return takeEvents();
  }

  private List<SseEvent> takeEvents() {
    List<SseEvent> events = out == null ? List.of() : out;
    out = null;
    return events;
  }

  private void endLine() {
    int start = 0;
    if (atStreamStart) {
      atStreamStart = false;
      if (lineLength >= 3 && line[0] == (byte) 0xEF && line[1] == (byte) 0xBB && line[2] == (byte) 0xBF) {
        start = 3;
      }
    }
    int length = lineLength - start;
    lineLength = 0;
    if (length == 0) {
      dispatch();
    } else if (isData(start, length)) { // the usual line: the value straight from the bytes
      int value = start + 5;
      if (value < start + length && line[value] == ' ') {
        value++;
      }
      addData(new String(line, value, start + length - value, StandardCharsets.UTF_8));
    } else if (line[start] != ':') { // ':' starts a comment, e.g. a keep-alive
      field(new String(line, start, length, StandardCharsets.UTF_8));
    }
    if (line.length > RETAINED_LINE_CAPACITY) {
      line = new byte[INITIAL_LINE_CAPACITY]; // don't keep one huge line's buffer for the stream's life
    }
  }

  private void field(String text) {
    int colon = text.indexOf(':');
    String name;
    String value;
    if (colon < 0) {
      name = text;
      value = "";
    } else {
      name = text.substring(0, colon);
      int valueStart = colon + 1;
      if (valueStart < text.length() && text.charAt(valueStart) == ' ') {
        valueStart++;
      }
      value = text.substring(valueStart);
    }
    switch (name) {
      case "event":
        eventType = value;
        break;
      case "data":
        addData(value);
        break;
      case "id":
        if (value.indexOf('\0') < 0) {
          lastEventId = value;
        }
        break;
      case "retry":
        if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
          try {
            retry = Long.parseLong(value);
          } catch (NumberFormatException tooLarge) {
            // ignored like any other invalid retry value
          }
        }
        break;
      default:
        break; // unknown fields are ignored
    }
  }

  private boolean isData(int start, int length) {
    return length >= 5 && line[start] == 'd' && line[start + 1] == 'a' && line[start + 2] == 't'
        && line[start + 3] == 'a' && line[start + 4] == ':';
  }

  private void addData(String value) {
    if (!hasData) {
      hasData = true;
      singleData = value;
      return;
    }
    if (singleData != null) {
      data.append(singleData);
      singleData = null;
    }
    if (value.length() + 1 > MAX_EVENT_CHARS - data.length()) {
      throw new SseTooLargeException("a server-sent event's data is longer than " + MAX_EVENT_CHARS + " characters");
    }
    data.append('\n').append(value);
  }

  private void dispatch() {
    if (!hasData) {
      eventType = "";
      return;
    }
    String text = singleData != null ? singleData : data.toString();
    SseEvent event = new SseEvent(eventType, text, lastEventId.isEmpty() ? null : lastEventId, retry);
    hasData = false;
    singleData = null;
    data.setLength(0);
    eventType = "";
    if (out == null) {
      out = new ArrayList<>(2);
    }
    out.add(event);
  }
}

package dev.switchboard.core.internal.json;

import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.Delta;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.ToolCallDelta;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the chunks upstreams usually send straight from their bytes, without a JSON parser, and
 * declines (returns null) everything else, which {@link ChatChunkReader}'s token reader then reads:
 * that reader defines the result and reports every error, this one only has to agree with it on
 * what it accepts. A streamed answer is dozens of chunks per request and reading them with Jackson
 * was the largest single cost of a proxied stream (a parser per chunk, a token at a time).
 *
 * <p>Accepted: any field order and JSON whitespace; strings with escapes and well-formed UTF-8;
 * integers without fraction or exponent; {@code null} where the token reader reads null as absent;
 * fields the model does not read, skipped after checking their syntax (e.g. OpenAI's
 * {@code obfuscation}, Azure's filter results); tool call fragments; a delta's extra fields with
 * string, boolean or null values. Declined: a usage object, log probabilities, numbers with a
 * fraction or exponent (the token reader converts whole ones), a field the model reads given twice,
 * escapes in field names, malformed UTF-8, and anything not JSON: whatever is rare, converted, or an
 * error. Not thread-safe; one instance per text.
 */
final class ChunkScanner {

  private static final byte[] ID = ascii("id");
  private static final byte[] OBJECT = ascii("object");
  private static final byte[] CREATED = ascii("created");
  private static final byte[] MODEL = ascii("model");
  private static final byte[] CHOICES = ascii("choices");
  private static final byte[] USAGE = ascii("usage");
  private static final byte[] SERVICE_TIER = ascii("service_tier");
  private static final byte[] SYSTEM_FINGERPRINT = ascii("system_fingerprint");
  private static final byte[] INDEX = ascii("index");
  private static final byte[] DELTA = ascii("delta");
  private static final byte[] LOGPROBS = ascii("logprobs");
  private static final byte[] FINISH_REASON = ascii("finish_reason");
  private static final byte[] ROLE = ascii("role");
  private static final byte[] CONTENT = ascii("content");
  private static final byte[] REFUSAL = ascii("refusal");
  private static final byte[] TOOL_CALLS = ascii("tool_calls");
  private static final byte[] TYPE = ascii("type");
  private static final byte[] FUNCTION = ascii("function");
  private static final byte[] NAME = ascii("name");
  private static final byte[] ARGUMENTS = ascii("arguments");
  private static final byte[] CHUNK_OBJECT = ascii(ChatChunk.OBJECT);
  private static final byte[] NULL = ascii("null");
  private static final byte[] TRUE = ascii("true");
  private static final byte[] FALSE = ascii("false");

  /** Thrown to decline; preallocated and without a stack trace, as declining is a normal outcome. */
  private static final class Decline extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Decline() {
      super(null, null, false, false);
    }
  }

  private static final Decline DECLINE = new Decline();
  /** Deeper structures in skipped fields are declined (the token reader limits nesting too). */
  private static final int MAX_SKIP_DEPTH = 64;
  /** Longer numbers in skipped fields are declined (the token reader limits number length too). */
  private static final int MAX_SKIPPED_NUMBER = 64;
  /** Longer field names are declined (the token reader limits name length too). */
  private static final int MAX_NAME = 256;

  private final byte[] b;
  private final int end;
  private int i;
  /** Start and length of the field name just read by {@link #name()}. */
  private int nameStart;
  private int nameLength;
  private boolean verbatim = true;

  private ChunkScanner(byte[] json) {
    this.b = json;
    this.end = json.length;
  }

  /** The chunk in {@code json}, or null when this reader declines it. */
  static ChatChunk read(byte[] json) {
    try {
      return new ChunkScanner(json).chunk();
    } catch (Decline | IllegalArgumentException e) { // the latter: a value a model builder refuses, an error the token reader reports
      return null;
    }
  }

  private ChatChunk chunk() {
    skipWhitespace();
    ChatChunk.Builder chunk = ChatChunk.builder();
    boolean hasId = false;
    boolean hasObject = false;
    boolean hasCreated = false;
    boolean hasModel = false;
    boolean hasChoices = false;
    int seen = 0;
    if (startObject()) {
      do {
        name();
        if (is(ID)) {
          seen = once(seen, 1);
          String id = stringOrNull();
          hasId = id != null;
          chunk.id(id);
        } else if (is(OBJECT)) {
          seen = once(seen, 2);
          hasObject = isChunkObject();
        } else if (is(CREATED)) {
          seen = once(seen, 4);
          if (!literalNull()) {
            hasCreated = true;
            chunk.created(integer());
          }
        } else if (is(MODEL)) {
          seen = once(seen, 8);
          String model = stringOrNull();
          hasModel = model != null;
          chunk.model(model);
        } else if (is(CHOICES)) {
          seen = once(seen, 16);
          if (!literalNull()) {
            hasChoices = true;
            choices(chunk);
          }
        } else if (is(USAGE)) {
          seen = once(seen, 32);
          if (!literalNull()) {
            throw DECLINE; // the last chunk only; the token reader checks its form
          }
        } else if (is(SERVICE_TIER)) {
          seen = once(seen, 64);
          chunk.serviceTier(stringOrNull());
        } else if (is(SYSTEM_FINGERPRINT)) {
          seen = once(seen, 128);
          chunk.systemFingerprint(stringOrNull());
        } else {
          skipValue(0);
        }
      } while (nextField());
    }
    skipWhitespace();
    if (i != end) {
      throw DECLINE;
    }
    verbatim &= hasId && hasObject && hasCreated && hasModel && hasChoices;
    return verbatim ? SourceText.build(chunk, b) : chunk.build();
  }

  /** Adds the choices to the builder one by one: handing it a list would copy the list twice. */
  private void choices(ChatChunk.Builder chunk) {
    if (!startArray()) {
      return;
    }
    int position = 0;
    do {
      chunk.addChoice(choice(position++));
      skipWhitespace();
    } while (comma(']'));
  }

  private ChunkChoice choice(int position) {
    skipWhitespace();
    ChunkChoice.Builder choice = ChunkChoice.builder().index(position);
    boolean hasIndex = false;
    boolean hasDelta = false;
    boolean hasFinishReason = false;
    Delta delta = null;
    int seen = 0;
    if (startObject()) {
      do {
        name();
        if (is(INDEX)) {
          seen = once(seen, 1);
          if (!literalNull()) {
            hasIndex = true;
            choice.index(intValue());
          }
        } else if (is(DELTA)) {
          seen = once(seen, 2);
          if (!literalNull()) {
            delta = delta();
            hasDelta = true;
          }
        } else if (is(FINISH_REASON)) {
          seen = once(seen, 4);
          hasFinishReason = true;
          String reason = stringOrNull();
          choice.finishReason(reason == null ? null : FinishReason.of(reason));
        } else if (is(LOGPROBS)) {
          seen = once(seen, 8);
          if (!literalNull()) {
            throw DECLINE;
          }
        } else {
          skipValue(0);
        }
      } while (nextField());
    }
    verbatim &= hasIndex && hasDelta && hasFinishReason;
    return choice.delta(delta == null ? Delta.empty() : delta).build();
  }

  private Delta delta() {
    Delta.Builder delta = Delta.builder();
    int seen = 0;
    if (startObject()) {
      do {
        name();
        if (is(ROLE)) {
          seen = once(seen, 1);
          String role = stringOrNull();
          delta.role(role == null ? null : Role.of(role));
        } else if (is(CONTENT)) {
          seen = once(seen, 2);
          delta.content(stringOrNull());
        } else if (is(REFUSAL)) {
          seen = once(seen, 4);
          delta.refusal(stringOrNull());
        } else if (is(TOOL_CALLS)) {
          seen = once(seen, 8);
          delta.toolCalls(literalNull() ? List.of() : toolCalls());
        } else {
          String key = new String(b, nameStart, nameLength, StandardCharsets.UTF_8);
          delta.extra(key, extraValue());
        }
      } while (nextField());
    }
    return delta.build();
  }

  private List<ToolCallDelta> toolCalls() {
    if (!startArray()) {
      return List.of();
    }
    List<ToolCallDelta> calls = new ArrayList<>(1);
    do {
      calls.add(toolCall(calls.size()));
      skipWhitespace();
    } while (comma(']'));
    return calls;
  }

  private ToolCallDelta toolCall(int position) {
    skipWhitespace();
    ToolCallDelta.Builder call = ToolCallDelta.builder().index(position);
    boolean hasIndex = false;
    int seen = 0;
    if (startObject()) {
      do {
        name();
        if (is(INDEX)) {
          seen = once(seen, 1);
          if (!literalNull()) {
            hasIndex = true;
            call.index(intValue());
          }
        } else if (is(ID)) {
          seen = once(seen, 2);
          call.id(stringOrNull());
        } else if (is(TYPE)) {
          seen = once(seen, 4);
          call.type(stringOrNull());
        } else if (is(FUNCTION)) {
          seen = once(seen, 8);
          if (!literalNull()) {
            function(call);
          }
        } else {
          skipValue(0);
        }
      } while (nextField());
    }
    verbatim &= hasIndex;
    return call.build();
  }

  private void function(ToolCallDelta.Builder call) {
    String name = null;
    String arguments = null;
    int seen = 0;
    if (startObject()) {
      do {
        name();
        if (is(NAME)) {
          seen = once(seen, 1);
          name = stringOrNull();
        } else if (is(ARGUMENTS)) {
          seen = once(seen, 2);
          arguments = stringOrNull(); // an object here is converted by the token reader: declined
        } else {
          skipValue(0);
        }
      } while (nextField());
    }
    call.name(name).arguments(arguments);
  }

  /** A delta's extra value as {@link PlainJson#readValue} reads it; other kinds are declined. */
  private Object extraValue() {
    switch (peek()) {
      case '"':
        return string();
      case 't':
        literal(TRUE);
        return Boolean.TRUE;
      case 'f':
        literal(FALSE);
        return Boolean.FALSE;
      case 'n':
        literal(NULL);
        return null;
      default:
        throw DECLINE;
    }
  }

  // ---- structure

  /** Reads a field name and the colon after it; the name is left in {@link #nameStart} and {@link #nameLength}. */
  private void name() {
    skipWhitespace();
    expect('"');
    int start = i;
    int limit = Math.min(end, start + MAX_NAME);
    int j = start;
    boolean ascii = true;
    for (byte c; j < limit && (c = b[j]) != '"'; j++) {
      if (c == '\\' || c >= 0 && c < 0x20) {
        throw DECLINE; // escaped names are rare; control characters are errors
      }
      ascii &= c >= 0;
    }
    if (j == limit || !ascii && !Utf8.isWellFormed(b, start, j)) {
      throw DECLINE; // the end of the text, a name too long, malformed UTF-8
    }
    nameStart = start;
    nameLength = j - start;
    i = j + 1;
    skipWhitespace();
    expect(':');
    skipWhitespace();
  }

  private boolean is(byte[] name) {
    if (nameLength != name.length) {
      return false;
    }
    for (int k = 0, at = nameStart; k < name.length; k++, at++) { // short names: a loop beats a vectorised compare
      if (b[at] != name[k]) {
        return false;
      }
    }
    return true;
  }

  /** After a value: whether another field follows (consuming the comma) or the object ends (consuming the brace). */
  private boolean nextField() {
    skipWhitespace();
    return comma('}');
  }

  private boolean comma(char close) {
    int c = peek();
    i++;
    if (c == ',') {
      return true;
    }
    if (c == close) {
      return false;
    }
    throw DECLINE;
  }

  /** At an array's bracket: consumes it, and the closing bracket of an empty array; whether elements follow. */
  private boolean startArray() {
    expect('[');
    skipWhitespace();
    if (peek() == ']') {
      i++;
      return false;
    }
    return true;
  }

  /** At an object's brace: consumes it, and the closing brace of an empty object; whether fields follow. */
  private boolean startObject() {
    expect('{');
    skipWhitespace();
    if (peek() == '}') {
      i++;
      return false;
    }
    return true;
  }

  private static int once(int seen, int field) {
    if ((seen & field) != 0) {
      throw DECLINE; // a repeated field: the token reader keeps the last one
    }
    return seen | field;
  }

  private void expect(char c) {
    if (peek() != c) {
      throw DECLINE;
    }
    i++;
  }

  /** The byte at the position, or 0 at the end of the text: 0 is valid nowhere, so the end needs no check of its own. */
  private int peek() {
    return i < end ? b[i] : 0;
  }

  private void skipWhitespace() {
    int j = i;
    if (j < end && b[j] > ' ') {
      return; // compact JSON: no whitespace anywhere
    }
    for (byte c; j < end && ((c = b[j]) == ' ' || c == '\n' || c == '\r' || c == '\t'); ) {
      j++;
    }
    i = j;
  }

  // ---- values

  private boolean literalNull() {
    if (peek() == 'n') {
      literal(NULL);
      return true;
    }
    return false;
  }

  private void literal(byte[] word) {
    if (end - i < word.length) {
      throw DECLINE;
    }
    for (byte c : word) {
      if (b[i++] != c) {
        throw DECLINE;
      }
    }
  }

  private String stringOrNull() {
    return literalNull() ? null : string();
  }

  /** The {@code object} field: whether it is the chunk's type; any other value is skipped. */
  private boolean isChunkObject() {
    if (peek() != '"') {
      skipValue(0);
      return false;
    }
    int start = i + 1;
    skipString();
    int to = i - 1;
    if (to - start == CHUNK_OBJECT.length && Arrays.equals(b, start, to, CHUNK_OBJECT, 0, CHUNK_OBJECT.length)) {
      return true;
    }
    for (int k = start; k < to; k++) {
      if (b[k] == '\\') {
        throw DECLINE; // escapes might spell the type: compared as text by the token reader
      }
    }
    return false;
  }

  private String string() {
    expect('"');
    int start = i;
    int j = start;
    boolean ascii = true;
    for (byte c; ; j++) {
      if (j == end) {
        throw DECLINE;
      }
      c = b[j];
      if (c == '"') {
        break;
      }
      if (c == '\\') {
        i = j;
        return escapedString(start);
      }
      if (c >= 0 && c < 0x20) {
        throw DECLINE; // a raw control character
      }
      ascii &= c >= 0;
    }
    int length = j - start;
    i = j + 1;
    if (ascii) {
      return new String(b, start, length, StandardCharsets.ISO_8859_1);
    }
    if (!Utf8.isWellFormed(b, start, start + length)) {
      throw DECLINE; // the token reader decides what malformed UTF-8 is
    }
    return new String(b, start, length, StandardCharsets.UTF_8);
  }

  /** The rest of a string from its first escape on; {@code start} is its first byte. */
  private String escapedString(int start) {
    StringBuilder s = new StringBuilder(i - start + 16);
    int run = start;
    for (int c; (c = peek()) != '"'; ) {
      if (c == '\\') {
        appendRun(s, run, i);
        i++;
        s.append(escape());
        run = i;
      } else if (c >= 0 && c < 0x20) {
        throw DECLINE;
      } else {
        i++;
      }
    }
    appendRun(s, run, i);
    i++;
    return s.toString();
  }

  private void appendRun(StringBuilder s, int from, int to) {
    if (from == to) {
      return;
    }
    if (!Utf8.isWellFormed(b, from, to)) {
      throw DECLINE;
    }
    s.append(new String(b, from, to - from, StandardCharsets.UTF_8));
  }

  private char escape() {
    int c = peek();
    i++;
    switch (c) {
      case '"':
        return '"';
      case '\\':
        return '\\';
      case '/':
        return '/';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u': {
        int v = 0;
        for (int k = 0; k < 4; k++, i++) {
          int d = Character.digit(peek(), 16);
          if (d < 0) {
            throw DECLINE;
          }
          v = v << 4 | d;
        }
        return (char) v; // a lone surrogate stays one, as the token reader leaves it
      }
      default:
        throw DECLINE;
    }
  }

  private void skipString() {
    expect('"');
    int start = i;
    boolean ascii = true;
    for (int c; (c = peek()) != '"'; i++) {
      if (c == '\\') {
        i++;
        if (peek() == 'u') {
          i += 4; // the digits are checked below
          for (int k = i - 3; k <= i; k++) {
            if (k >= end || Character.digit(b[k], 16) < 0) {
              throw DECLINE;
            }
          }
        } else if ("\"\\/bfnrt".indexOf(peek()) < 0) {
          throw DECLINE;
        }
      } else if (c < 0) {
        ascii = false;
      } else if (c < 0x20) {
        throw DECLINE;
      }
    }
    if (!ascii && !Utf8.isWellFormed(b, start, i)) {
      throw DECLINE;
    }
    i++;
  }

  /** A plain integer (no fraction, no exponent, at most 18 digits, so no overflow); otherwise declined. */
  private long integer() {
    boolean negative = peek() == '-';
    if (negative) {
      i++;
    }
    int start = i;
    long v = 0;
    for (int c; (c = peek()) >= '0' && c <= '9'; i++) {
      v = v * 10 + (c - '0');
    }
    int digits = i - start;
    int next = peek();
    if (digits == 0 || digits > 18 || digits > 1 && b[start] == '0' || next == '.' || next == 'e' || next == 'E') {
      throw DECLINE;
    }
    return negative ? -v : v;
  }

  private int intValue() {
    long v = integer();
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw DECLINE;
    }
    return (int) v;
  }

  /** Skips a value the model does not read, checking its syntax as the token reader would. */
  private void skipValue(int depth) {
    if (depth > MAX_SKIP_DEPTH) {
      throw DECLINE;
    }
    int c = peek();
    switch (c) {
      case '"':
        skipString();
        return;
      case '{':
        if (startObject()) {
          do {
            name();
            skipValue(depth + 1);
          } while (nextField());
        }
        return;
      case '[':
        if (!startArray()) {
          return;
        }
        do {
          skipWhitespace();
          skipValue(depth + 1);
          skipWhitespace();
        } while (comma(']'));
        return;
      case 't':
        literal(TRUE);
        return;
      case 'f':
        literal(FALSE);
        return;
      case 'n':
        literal(NULL);
        return;
      default:
        skipNumber();
    }
  }

  /** JSON's number grammar: {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}. */
  private void skipNumber() {
    int start = i;
    if (peek() == '-') {
      i++;
    }
    if (peek() == '0') {
      i++;
    } else if (digits() == 0) {
      throw DECLINE;
    }
    if (peek() == '.') {
      i++;
      if (digits() == 0) {
        throw DECLINE;
      }
    }
    if (peek() == 'e' || peek() == 'E') {
      i++;
      if (peek() == '+' || peek() == '-') {
        i++;
      }
      if (digits() == 0) {
        throw DECLINE;
      }
    }
    if (i - start > MAX_SKIPPED_NUMBER) {
      throw DECLINE;
    }
  }

  private int digits() {
    int start = i;
    for (int c; (c = peek()) >= '0' && c <= '9'; ) {
      i++;
    }
    return i - start;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}

package dev.switchboard.core.internal.cache;

import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ResponseFormat;
import dev.switchboard.core.model.Tool;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolChoice;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cache keys: {@value #PREFIX} and the hex SHA-256 of a canonical form of what determines a chat
 * answer (see the {@code dev.switchboard.core.cache} package documentation for the fields).
 *
 * <p>The canonical form is a tagged, length-prefixed binary encoding written into a per-thread
 * buffer and hashed once: every field has its own tag and is written only when set (so "unset" and
 * "empty" differ), lists keep their order, JSON objects are written with their keys sorted, and
 * numbers in free-form JSON are written as their shortest decimal text (so {@code 1} and
 * {@code 1.0} are one number). Strings are written as their char count and their chars in a
 * self-delimiting UTF-8 form, which keeps the encoding injective. Thread-safe.
 */
public final class CacheKeys {

  /** The namespace and format version of every key; bump the version when the key or value format changes. */
  public static final String PREFIX = "sb:cache:v1:";

  /** Extra parameters that do not change the answer, so they must not split the cache. */
  public static final Set<String> EXCLUDED_PARAMETERS = Set.of("user", "metadata", "stream", "stream_options", "store",
      "service_tier", "safety_identifier", "prompt_cache_key", "prompt_cache_retention");

  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final ThreadLocal<Canonical> LOCAL = ThreadLocal.withInitial(Canonical::new);

  // field tags
  private static final int MODEL = 1;
  private static final int MESSAGES = 2;
  private static final int TEMPERATURE = 3;
  private static final int TOP_P = 4;
  private static final int MAX_TOKENS = 5;
  private static final int MAX_COMPLETION_TOKENS = 6;
  private static final int STOP = 7;
  private static final int SEED = 8;
  private static final int N = 9;
  private static final int PRESENCE_PENALTY = 10;
  private static final int FREQUENCY_PENALTY = 11;
  private static final int TOOLS = 12;
  private static final int TOOL_CHOICE = 13;
  private static final int PARALLEL_TOOL_CALLS = 14;
  private static final int RESPONSE_FORMAT = 15;
  private static final int EXTRA = 16;
  private static final int END = 0x7f;

  private CacheKeys() {}

  /**
   * The key of {@code request}; its {@code model} is the model group it was sent to.
   *
   * @throws NullPointerException if {@code request} is null
   */
  public static String key(ChatRequest request) {
    Canonical c = LOCAL.get();
    c.reset();
    write(c, request);
    byte[] digest = c.digest();
    char[] out = new char[PREFIX.length() + 64];
    PREFIX.getChars(0, PREFIX.length(), out, 0);
    int o = PREFIX.length();
    for (byte b : digest) {
      out[o++] = HEX[(b >> 4) & 0xf];
      out[o++] = HEX[b & 0xf];
    }
    return new String(out);
  }

  private static void write(Canonical c, ChatRequest r) {
    if (r.model() != null) {
      c.tag(MODEL).string(r.model());
    }
    c.tag(MESSAGES).count(r.messages().size());
    for (Message m : r.messages()) {
      writeMessage(c, m);
    }
    c.optionalDouble(TEMPERATURE, r.temperature());
    c.optionalDouble(TOP_P, r.topP());
    c.optionalLong(MAX_TOKENS, r.maxTokens());
    c.optionalLong(MAX_COMPLETION_TOKENS, r.maxCompletionTokens());
    if (!r.stop().isEmpty()) {
      c.tag(STOP).count(r.stop().size());
      for (String s : r.stop()) {
        c.string(s);
      }
    }
    c.optionalLong(SEED, r.seed());
    c.optionalLong(N, r.n());
    c.optionalDouble(PRESENCE_PENALTY, r.presencePenalty());
    c.optionalDouble(FREQUENCY_PENALTY, r.frequencyPenalty());
    if (!r.tools().isEmpty()) {
      c.tag(TOOLS).count(r.tools().size());
      for (Tool t : r.tools()) {
        c.string(t.type()).string(t.name()).string(t.description()).json(t.parameters()).bool(t.strict());
      }
    }
    ToolChoice choice = r.toolChoice();
    if (choice != null) {
      c.tag(TOOL_CHOICE).string(choice.mode()).string(choice.functionName());
    }
    if (r.parallelToolCalls() != null) {
      c.tag(PARALLEL_TOOL_CALLS).bool(r.parallelToolCalls());
    }
    ResponseFormat format = r.responseFormat();
    if (format != null) {
      c.tag(RESPONSE_FORMAT).string(format.type()).string(format.name()).string(format.description())
          .json(format.schema()).bool(format.strict());
    }
    Map<String, Object> extra = r.extraParameters();
    if (!extra.isEmpty()) {
      String[] keys = sortedKeys(extra);
      int included = 0;
      for (String k : keys) {
        if (!EXCLUDED_PARAMETERS.contains(k)) {
          included++;
        }
      }
      if (included > 0) {
        c.tag(EXTRA).count(included);
        for (String k : keys) {
          if (!EXCLUDED_PARAMETERS.contains(k)) {
            c.string(k).json(extra.get(k));
          }
        }
      }
    }
    c.tag(END);
  }

  private static void writeMessage(Canonical c, Message m) {
    c.string(m.role().value());
    List<ContentPart> content = m.content();
    c.count(content.size());
    for (ContentPart p : content) {
      if (p.isRaw()) {
        c.tag('r').json(p.raw());
      } else {
        c.tag('p').string(p.type()).string(p.text()).string(p.imageUrl()).string(p.imageDetail()).json(p.extra());
      }
    }
    c.string(m.name());
    c.count(m.toolCalls().size());
    for (ToolCall t : m.toolCalls()) {
      c.string(t.id()).string(t.type()).string(t.name()).string(t.arguments());
    }
    c.string(m.toolCallId()).string(m.refusal()).json(m.extra());
  }

  static String[] sortedKeys(Map<String, ?> map) {
    String[] keys = map.keySet().toArray(new String[0]);
    if (keys.length > 1) {
      Arrays.sort(keys);
    }
    return keys;
  }

  /** The per-thread encoder: a growable buffer and a digest. */
  private static final class Canonical {
    private static final int KEEP = 64 * 1024; // larger buffers (huge prompts) are not kept per thread

    private byte[] buf = new byte[8 * 1024];
    private int len;
    private final MessageDigest sha256;

    Canonical() {
      try {
        sha256 = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every Java runtime has SHA-256", e);
      }
    }

    void reset() {
      len = 0;
      if (buf.length > KEEP) {
        buf = new byte[8 * 1024];
      }
    }

    byte[] digest() {
      sha256.reset();
      sha256.update(buf, 0, len);
      return sha256.digest();
    }

    private void ensure(int extra) {
      if (len + extra > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
      }
    }

    Canonical tag(int tag) {
      ensure(1);
      buf[len++] = (byte) tag;
      return this;
    }

    Canonical count(int n) {
      ensure(4);
      buf[len++] = (byte) (n >>> 24);
      buf[len++] = (byte) (n >>> 16);
      buf[len++] = (byte) (n >>> 8);
      buf[len++] = (byte) n;
      return this;
    }

    Canonical int64(long v) {
      ensure(8);
      for (int shift = 56; shift >= 0; shift -= 8) {
        buf[len++] = (byte) (v >>> shift);
      }
      return this;
    }

    Canonical bool(Boolean b) {
      return tag(b == null ? 'n' : b ? 't' : 'f');
    }

    Canonical string(String s) {
      if (s == null) {
        return tag('n');
      }
      int n = s.length();
      tag('s').count(n);
      ensure(n * 3);
      byte[] b = buf;
      int o = len;
      for (int i = 0; i < n; i++) {
        char ch = s.charAt(i);
        if (ch < 0x80) {
          b[o++] = (byte) ch;
        } else if (ch < 0x800) {
          b[o++] = (byte) (0xc0 | (ch >> 6));
          b[o++] = (byte) (0x80 | (ch & 0x3f));
        } else { // surrogates are written one by one: still injective, and no validation needed
          b[o++] = (byte) (0xe0 | (ch >> 12));
          b[o++] = (byte) (0x80 | ((ch >> 6) & 0x3f));
          b[o++] = (byte) (0x80 | (ch & 0x3f));
        }
      }
      len = o;
      return this;
    }

    void optionalDouble(int field, Double v) {
      if (v != null) {
        tag(field);
        double d = v;
        int64(Double.doubleToLongBits(d == 0.0 ? 0.0 : d)); // -0.0 and 0.0 sample alike
      }
    }

    void optionalLong(int field, Number v) {
      if (v != null) {
        tag(field).int64(v.longValue());
      }
    }

    Canonical json(Object v) {
      if (v == null) {
        return tag('n');
      }
      if (v instanceof String) {
        return string((String) v);
      }
      if (v instanceof Boolean) {
        return bool((Boolean) v);
      }
      if (v instanceof Number) {
        return tag('#').string(number((Number) v));
      }
      if (v instanceof Map) {
        @SuppressWarnings("unchecked")
        Map<String, ?> map = (Map<String, ?>) v;
        int size = map.size();
        tag('{').count(size);
        if (size == 1) { // most objects on the hot path are empty (message extras) or tiny: no key array
          Map.Entry<String, ?> only = map.entrySet().iterator().next();
          string(only.getKey()).json(only.getValue());
        } else if (size > 1) {
          for (String k : sortedKeys(map)) {
            string(k).json(map.get(k));
          }
        }
        return this;
      }
      if (v instanceof Collection) {
        Collection<?> list = (Collection<?>) v;
        tag('[').count(list.size());
        for (Object e : list) {
          json(e);
        }
        return this;
      }
      // JsonValues admits nothing else; a foreign type still gets a stable, distinct form
      return tag('?').string(v.getClass().getName()).string(v.toString());
    }

    /** One text per numeric value: the same for 1, 1.0, 1E0 and 100 as Long or BigDecimal. */
    private static String number(Number n) {
      if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
        return Long.toString(n.longValue());
      }
      BigDecimal b;
      if (n instanceof Double || n instanceof Float) {
        double d = n.doubleValue();
        if (d == Math.rint(d) && Math.abs(d) < 0x1p53) {
          return Long.toString((long) d);
        }
        b = new BigDecimal(Double.toString(d));
      } else if (n instanceof BigInteger) {
        b = new BigDecimal((BigInteger) n);
      } else if (n instanceof BigDecimal) {
        b = (BigDecimal) n;
      } else {
        return n.toString();
      }
      b = b.stripTrailingZeros(); // now (unscaled value, scale) is unique per value
      if (b.signum() == 0) {
        return "0";
      }
      if (b.scale() <= 0 && b.scale() > -100) { // an integer: plain digits, as a Long would print
        return b.toBigIntegerExact().toString();
      }
      return b.toString();
    }
  }
}

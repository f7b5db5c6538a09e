package dev.switchboard.core.internal.cache;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The stored form of a cached answer, shared by every store:
 *
 * <pre>
 *   byte 0      format tag: 1 = JSON, 2 = raw-deflated JSON
 *   bytes 1-8   expiry time, epoch milliseconds, big-endian (so an L2 hit fills L1 for the time left)
 *   tag 2 only: bytes 9-12 the JSON's length, big-endian
 *   the rest    the JSON of the chat completion (OpenAI's shape), or its deflated form
 * </pre>
 *
 * Answers of at least {@link #COMPRESS_THRESHOLD} bytes are deflated when that makes them smaller.
 * A new format gets a new tag; a tag this version does not know decodes as a miss. Thread-safe.
 */
public final class CacheCodec {

  /** JSON below this size is stored as it is: deflating it saves little and costs a few microseconds. */
  public static final int COMPRESS_THRESHOLD = 512;
  /** A stored answer larger than this when inflated is refused as corrupt rather than allocated. */
  static final int MAX_JSON = 64 * 1024 * 1024;

  static final byte TAG_JSON = 1;
  static final byte TAG_DEFLATE = 2;

  private CacheCodec() {}

  /** An answer read back: its JSON and when it expires. */
  public static final class Decoded {
    public final byte[] json;
    public final long expiresAtMillis;

    Decoded(byte[] json, long expiresAtMillis) {
      this.json = json;
      this.expiresAtMillis = expiresAtMillis;
    }
  }

  /** Encodes {@code json} that expires at {@code expiresAtMillis}. */
  public static byte[] encode(byte[] json, long expiresAtMillis) {
    if (json.length >= COMPRESS_THRESHOLD) {
      byte[] deflated = deflate(json);
      if (deflated.length + 4 < json.length) {
        byte[] out = new byte[13 + deflated.length];
        out[0] = TAG_DEFLATE;
        putLong(out, 1, expiresAtMillis);
        putInt(out, 9, json.length);
        System.arraycopy(deflated, 0, out, 13, deflated.length);
        return out;
      }
    }
    byte[] out = new byte[9 + json.length];
    out[0] = TAG_JSON;
    putLong(out, 1, expiresAtMillis);
    System.arraycopy(json, 0, out, 9, json.length);
    return out;
  }

  /**
   * Decodes a stored value.
   *
   * @throws IllegalArgumentException if the value is truncated, corrupt or of an unknown format
   */
  public static Decoded decode(byte[] value) {
    if (value.length < 9) {
      throw new IllegalArgumentException("cached value too short: " + value.length + " bytes");
    }
    long expiresAt = getLong(value, 1);
    switch (value[0]) {
      case TAG_JSON:
        return new Decoded(Arrays.copyOfRange(value, 9, value.length), expiresAt);
      case TAG_DEFLATE: {
        if (value.length < 13) {
          throw new IllegalArgumentException("cached value too short: " + value.length + " bytes");
        }
        int size = getInt(value, 9);
        if (size < 0 || size > MAX_JSON) {
          throw new IllegalArgumentException("cached value claims " + size + " bytes of JSON");
        }
        return new Decoded(inflate(value, 13, size), expiresAt);
      }
      default:
        throw new IllegalArgumentException("cached value has unknown format tag " + value[0]);
    }
  }

  private static byte[] deflate(byte[] json) {
    Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
    try {
      deflater.setInput(json);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, json.length / 3));
      byte[] chunk = new byte[Math.min(json.length + 64, 16 * 1024)];
      while (!deflater.finished()) {
        int n = deflater.deflate(chunk);
        out.write(chunk, 0, n);
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  private static byte[] inflate(byte[] value, int offset, int size) {
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(value, offset, value.length - offset);
      byte[] out = new byte[size];
      int n = 0;
      while (n < size) {
        int read = inflater.inflate(out, n, size - n);
        if (read == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
          break;
        }
        n += read;
      }
      if (n != size) {
        throw new IllegalArgumentException("cached value inflates to " + n + " bytes, not " + size);
      }
      return out;
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("cached value is not valid deflate data: " + e.getMessage(), e);
    } finally {
      inflater.end();
    }
  }

  private static void putLong(byte[] b, int at, long v) {
    for (int i = 0; i < 8; i++) {
      b[at + i] = (byte) (v >>> (56 - 8 * i));
    }
  }

  private static long getLong(byte[] b, int at) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[at + i] & 0xff);
    }
    return v;
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  private static int getInt(byte[] b, int at) {
    return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
  }
}

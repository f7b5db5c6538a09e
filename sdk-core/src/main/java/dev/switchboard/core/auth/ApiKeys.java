package dev.switchboard.core.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Generates virtual API keys and derives what may be stored about them: the SHA-256 hash and a
 * display prefix. A key is {@value #PREFIX} followed by {@value #RANDOM_CHARS} URL-safe base64
 * characters of {@value #RANDOM_BYTES} bytes from a {@link SecureRandom} (256 bits).
 *
 * <p>Thread-safe; stateless apart from the shared {@link SecureRandom}.
 */
public final class ApiKeys {

  /** What every virtual key starts with. */
  public static final String PREFIX = "sk-sb-";
  /** Random bytes in a key. */
  public static final int RANDOM_BYTES = 32;
  /** URL-safe base64 characters those bytes make, without padding. */
  public static final int RANDOM_CHARS = 43;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();
  private static final HexFormat HEX = HexFormat.of();

  private ApiKeys() {}

  /** A new key from the shared {@link SecureRandom}. */
  public static String generate() {
    return generate(RANDOM);
  }

  /** A new key drawn from {@code random}. */
  public static String generate(SecureRandom random) {
    Objects.requireNonNull(random, "random");
    byte[] bytes = new byte[RANDOM_BYTES];
    random.nextBytes(bytes);
    return PREFIX + URL_SAFE.encodeToString(bytes);
  }

  /**
   * A new key id: {@code key_} and 16 URL-safe characters. An id is not a secret; it names a key in
   * the admin API, in usage records and in budgets.
   */
  public static String newId() {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return "key_" + URL_SAFE.encodeToString(bytes);
  }

  /** The SHA-256 of the key's UTF-8 bytes as 64 lower-case hex digits: what a store keeps. */
  public static String hash(String key) {
    return HEX.formatHex(sha256(Objects.requireNonNull(key, "key")));
  }

  /**
   * Whether {@code key} hashes to {@code hash}, compared in constant time
   * ({@link MessageDigest#isEqual}), so that the time taken says nothing about how much matched.
   *
   * @return false also when {@code hash} is not 64 hex digits
   */
  public static boolean matches(String key, String hash) {
    Objects.requireNonNull(key, "key");
    byte[] expected = parseHash(Objects.requireNonNull(hash, "hash"));
    return expected != null && MessageDigest.isEqual(sha256(key), expected);
  }

  /**
   * Whether two hashes as {@link #hash} writes them are the same (hex digits in either case),
   * compared in constant time: for a caller that already hashed the presented key, e.g. to look it up.
   *
   * @return false also when either is not 64 hex digits
   */
  public static boolean hashesEqual(String hash, String otherHash) {
    byte[] a = parseHash(Objects.requireNonNull(hash, "hash"));
    byte[] b = parseHash(Objects.requireNonNull(otherHash, "otherHash"));
    return a != null && b != null && MessageDigest.isEqual(a, b);
  }

  private static byte[] parseHash(String hash) {
    try {
      byte[] bytes = HEX.parseHex(hash);
      return bytes.length == 32 ? bytes : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Whether two secrets are equal, compared in constant time over their SHA-256 hashes (so that
   * neither their contents nor their lengths leak through timing).
   */
  public static boolean secretsEqual(String a, String b) {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(b, "b");
    return MessageDigest.isEqual(sha256(a), sha256(b));
  }

  /**
   * What may be shown of a key: {@value #PREFIX}, an ellipsis and its last four characters, e.g.
   * {@code sk-sb-…abcd}. Any other string gives {@code …} and its last four characters (or just
   * {@code …} when it is shorter than twelve characters), so that no caller-supplied secret is
   * ever shown in full.
   */
  public static String displayPrefix(String key) {
    Objects.requireNonNull(key, "key");
    if (key.length() < 12) {
      return "…";
    }
    String tail = key.substring(key.length() - 4);
    return key.startsWith(PREFIX) ? PREFIX + "…" + tail : "…" + tail;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256, which every Java platform must provide", e);
    }
  }
}

package dev.switchboard.redis.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The Lua script that applies one usage record, atomically and at most once.
 *
 * <pre>
 * KEYS[1]            the record's dedup marker
 * KEYS[2 + 4d .. 5 + 4d]  for each dimension d the record has a value for: its day, month and
 *                    total aggregate and the day's index
 * ARGV[1]            dedup TTL, seconds
 * ARGV[2], ARGV[3]   day and month aggregate TTL, seconds (the total never expires)
 * ARGV[4]            n, the number of counters to add
 * ARGV[5 .. 4 + 2n]  counter name, amount; for every counter that is not zero
 * ARGV[5 + 2n + d]   dimension d's value (the day index member)
 * </pre>
 *
 * Returns 1 when applied, 0 when the marker existed (the record was applied before). Redis 6.2 has
 * no {@code EXPIRE NX}: a key without a TTL ({@code TTL} -1) right after the increment is one this
 * record created, so it gets its TTL then, once.
 */
public final class RecordScript {

  public static final String SOURCE = String.join("\n",
      "if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then",
      "  return 0",
      "end",
      "local function expireIfNew(key, seconds)",
      "  if redis.call('TTL', key) == -1 then",
      "    redis.call('EXPIRE', key, seconds)",
      "  end",
      "end",
      "local n = tonumber(ARGV[4])",
      "local dims = (#KEYS - 1) / 4",
      "for d = 0, dims - 1 do",
      "  local k = 1 + 4 * d",
      "  for b = 1, 3 do",
      "    for i = 0, n - 1 do",
      "      redis.call('HINCRBY', KEYS[k + b], ARGV[5 + 2 * i], ARGV[6 + 2 * i])",
      "    end",
      "  end",
      "  expireIfNew(KEYS[k + 1], ARGV[2])",
      "  expireIfNew(KEYS[k + 2], ARGV[3])",
      "  redis.call('SADD', KEYS[k + 4], ARGV[5 + 2 * n + d])",
      "  expireIfNew(KEYS[k + 4], ARGV[2])",
      "end",
      "return 1",
      "");

  public static final byte[] BYTES = SOURCE.getBytes(StandardCharsets.UTF_8);

  /** The SHA-1 digest {@code EVALSHA} names the script by. */
  public static final String SHA1 = sha1(BYTES);

  private RecordScript() {}

  private static String sha1(byte[] source) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(source);
      StringBuilder hex = new StringBuilder(40);
      for (byte b : digest) {
        hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
      }
      return hex.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JVM has SHA-1", e);
    }
  }
}

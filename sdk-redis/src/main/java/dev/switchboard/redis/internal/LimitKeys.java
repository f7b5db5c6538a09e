package dev.switchboard.redis.internal;

import dev.switchboard.core.ratelimit.Limit;
import dev.switchboard.core.ratelimit.LimitSubject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Redis keys of limits: {@code prefix{dimension:subjectHash}:limitName:specHash}, plus
 * {@code :period} for quotas ({@code 2026-03-10} or {@code 2026-03}).
 *
 * <ul>
 *   <li>The braces are a Redis Cluster hash tag: all limits of one subject live in one slot.
 *   <li>The subject's value (a key id, a user, an IP) is hashed (SHA-256, 128 bits, base64url): keys
 *       stay short whatever the value, no value can inject a brace or a separator, and no personal
 *       value is stored in a key name.
 *   <li>The spec hash covers what the limit counts (kind, amount, windows, burst): a reconfigured
 *       limit starts in a fresh key instead of inheriting a state made for other parameters, as the
 *       local limiter gives it a fresh bucket.
 * </ul>
 *
 * Thread-safe.
 */
public final class LimitKeys {

  private static final int MAX_CACHED_SPECS = 4096;
  private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  });

  private final String prefix;
  private final ConcurrentHashMap<Limit, String> specs = new ConcurrentHashMap<>();

  /** @param prefix without braces (they would move the Cluster hash tag) */
  public LimitKeys(String prefix) {
    this.prefix = prefix;
  }

  /** The key of {@code limit} for {@code subject}. */
  public byte[] key(LimitSubject subject, Limit limit) {
    return name(subject, limit).getBytes(StandardCharsets.UTF_8);
  }

  /** {@link #key} as a string (the key is ASCII). */
  public String name(LimitSubject subject, Limit limit) {
    return prefix + "{" + subject.dimension().label() + ":" + hash(subject.value(), 16) + "}:" + limit.name() + ":"
        + spec(limit);
  }

  /** The key of quota {@code limit} for {@code subject} in the period that contains {@code at}. */
  public byte[] quotaKey(LimitSubject subject, Limit limit, Instant at) {
    return (name(subject, limit) + ":" + QuotaPeriod.of(limit).label(at)).getBytes(StandardCharsets.UTF_8);
  }

  private String spec(Limit limit) {
    String s = specs.get(limit);
    if (s == null) {
      s = hash(limit.kind() + "|" + limit.amount() + "|" + millis(limit.window()) + "|" + limit.burstCapacity() + "|"
          + millis(limit.burstWindow()), 6);
      if (specs.size() < MAX_CACHED_SPECS) { // configured limits are few; anything beyond is computed each time
        specs.putIfAbsent(limit, s);
      }
    }
    return s;
  }

  private static long millis(Duration d) {
    return d == null ? 0 : d.toMillis();
  }

  static String hash(String value, int bytes) {
    MessageDigest sha = SHA256.get();
    byte[] digest = sha.digest(value.getBytes(StandardCharsets.UTF_8));
    byte[] head = new byte[bytes];
    System.arraycopy(digest, 0, head, 0, bytes);
    return BASE64.encodeToString(head);
  }
}

package dev.switchboard.redis.internal;

import java.nio.charset.StandardCharsets;

/**
 * The Redis keys of the key store. Every key carries the hash tag {@value #HASH_TAG}, so that all of
 * them live in one Cluster slot and one script can create a key and its index atomically:
 * <ul>
 *   <li>{@code {sb:keys}:key:<id>}: a hash with the key's fields as JSON ({@code v}) and, once
 *       revoked, its revocation time ({@code revoked});
 *   <li>{@code {sb:keys}:hash:<sha256>}: the id of the key with that hash;
 *   <li>{@code {sb:keys}:ids}: a sorted set of every id, scored by creation time (epoch ms).
 * </ul>
 * and the pub/sub channel {@code {sb:keys}:changes}.
 * Any prefix comes before the hash tag. Immutable.
 */
public final class KeyStoreKeys {

  /** The hash tag every key store key contains. */
  public static final String HASH_TAG = "{sb:keys}";

  private final String base;

  /**
   * @throws IllegalArgumentException if {@code prefix} has a brace: it would change the hash tag
   */
  public KeyStoreKeys(String prefix) {
    if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
      throw new IllegalArgumentException("keyPrefix must not contain '{' or '}' (it would change the Cluster hash tag "
          + HASH_TAG + ") but was '" + prefix + "'");
    }
    this.base = prefix + HASH_TAG + ":";
  }

  public byte[] key(String id) {
    return bytes(base + "key:" + id);
  }

  public byte[] hash(String sha256) {
    return bytes(base + "hash:" + sha256);
  }

  public byte[] ids() {
    return bytes(base + "ids");
  }

  /**
   * The pub/sub channel on which every change of a key is published: the key's SHA-256 hash, once the
   * change is made. A channel, not a key: it lives on every node of a Cluster.
   */
  public byte[] changes() {
    return bytes(base + "changes");
  }

  /** A key of the store's slot, to route a command there. */
  public byte[] routing() {
    return bytes(base + "route");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

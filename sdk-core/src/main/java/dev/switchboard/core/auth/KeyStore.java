package dev.switchboard.core.auth;

import dev.switchboard.core.Health;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where virtual keys are kept: {@link InMemoryKeyStore} in this module, a file in the gateway, Redis
 * for several instances. A store holds {@link VirtualKey}s, which carry the key's SHA-256 hash and
 * never the key.
 *
 * <p>Contract for implementations:
 * <ul>
 *   <li><b>Asynchronous and non-blocking.</b> Every method returns at once; I/O completes the
 *       future. {@link #findByHash} runs on every authenticated request, on an event loop: a store
 *       that reads from memory should return an already completed future.
 *   <li><b>Failures</b> complete the future exceptionally; nothing is thrown except for null
 *       arguments ({@link NullPointerException}).
 *   <li><b>Revocation is immediate:</b> once the future of {@link #revoke} completes, every
 *       {@link #findByHash} issued afterwards (on any instance sharing the store) sees the key
 *       revoked. A {@link CachingKeyStore} in front relaxes this for other instances, within its TTL.
 *   <li><b>Unique ids and hashes.</b> {@link #create} refuses a key whose id or hash is already
 *       stored, also a revoked one's.
 * </ul>
 * Implementations must be thread-safe. The caller owns the store and closes it if it is closeable.
 */
public interface KeyStore {

  /**
   * Stores a new key.
   *
   * @return a future completed when the key is stored (durably, for a durable store), or completed
   *     exceptionally with {@link IllegalArgumentException} when a key with the same id or hash is
   *     stored already
   */
  CompletableFuture<Void> create(VirtualKey key);

  /**
   * The key with this SHA-256 hash ({@link ApiKeys#hash}), revoked and expired ones included: the
   * caller decides what to answer.
   */
  CompletableFuture<Optional<VirtualKey>> findByHash(String hash);

  /** The key with this id, revoked and expired ones included. */
  CompletableFuture<Optional<VirtualKey>> findById(String id);

  /** Every stored key, revoked and expired ones included, oldest first. */
  CompletableFuture<List<VirtualKey>> list();

  /**
   * Revokes a key from {@code at} on. Revoking a revoked key changes nothing and returns it with its
   * first revocation time.
   *
   * @return the key as now stored, or empty when no key has this id
   */
  CompletableFuture<Optional<VirtualKey>> revoke(String id, Instant at);

  /** {@link Health.Status#UP} while the store answers; never null, never blocks. */
  Health health();
}

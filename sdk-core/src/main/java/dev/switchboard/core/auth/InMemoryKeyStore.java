package dev.switchboard.core.auth;

import dev.switchboard.core.Health;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link KeyStore} in this process's memory: the default when nothing is configured. Keys are lost
 * when the process ends, and instances do not share them. Every future it returns is already
 * completed. Thread-safe.
 */
public final class InMemoryKeyStore implements KeyStore {

  private final Map<String, VirtualKey> byId = new ConcurrentHashMap<>();
  private final Map<String, String> idByHash = new ConcurrentHashMap<>();
  private final Object writeLock = new Object();

  private InMemoryKeyStore() {}

  /** An empty store. */
  public static InMemoryKeyStore create() {
    return new InMemoryKeyStore();
  }

  /**
   * A store holding {@code keys}, e.g. as read from a file.
   *
   * @throws IllegalArgumentException when two keys share an id or a hash
   */
  public static InMemoryKeyStore of(List<VirtualKey> keys) {
    InMemoryKeyStore store = new InMemoryKeyStore();
    for (VirtualKey k : keys) {
      store.add(Objects.requireNonNull(k, "key"));
    }
    return store;
  }

  @Override
  public CompletableFuture<Void> create(VirtualKey key) {
    Objects.requireNonNull(key, "key");
    try {
      add(key);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return CompletableFuture.completedFuture(null);
  }

  private void add(VirtualKey key) {
    synchronized (writeLock) {
      if (byId.containsKey(key.id())) {
        throw new IllegalArgumentException("a key with id '" + key.id() + "' is already stored");
      }
      if (idByHash.containsKey(key.hash())) {
        throw new IllegalArgumentException("a key with the same hash is already stored");
      }
      byId.put(key.id(), key);
      idByHash.put(key.hash(), key.id());
    }
  }

  @Override
  public CompletableFuture<Optional<VirtualKey>> findByHash(String hash) {
    String id = idByHash.get(Objects.requireNonNull(hash, "hash"));
    return CompletableFuture.completedFuture(id == null ? Optional.empty() : Optional.ofNullable(byId.get(id)));
  }

  @Override
  public CompletableFuture<Optional<VirtualKey>> findById(String id) {
    return CompletableFuture.completedFuture(Optional.ofNullable(byId.get(Objects.requireNonNull(id, "id"))));
  }

  @Override
  public CompletableFuture<List<VirtualKey>> list() {
    List<VirtualKey> all = new ArrayList<>(byId.values());
    all.sort(Comparator.comparing(VirtualKey::createdAt).thenComparing(VirtualKey::id));
    return CompletableFuture.completedFuture(List.copyOf(all));
  }

  @Override
  public CompletableFuture<Optional<VirtualKey>> revoke(String id, Instant at) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(at, "at");
    synchronized (writeLock) {
      VirtualKey key = byId.get(id);
      if (key == null) {
        return CompletableFuture.completedFuture(Optional.empty());
      }
      if (!key.isRevoked()) {
        key = key.toBuilder().revokedAt(at).build();
        byId.put(id, key);
      }
      return CompletableFuture.completedFuture(Optional.of(key));
    }
  }

  @Override
  public Health health() {
    return Health.up();
  }

  @Override
  public String toString() {
    return "InMemoryKeyStore{" + byId.size() + " keys}";
  }
}

package dev.switchboard.core.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.switchboard.core.Health;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link KeyStore} in front of another that remembers, for a few seconds, what {@link #findByHash}
 * found: for a store that is costly to ask on every authenticated request, such as Redis (two round
 * trips per lookup).
 *
 * <pre>{@code
 * KeyStore keys = CachingKeyStore.builder(RedisKeyStore.builder(redis).build()).build();
 * }</pre>
 *
 * <p><b>What is cached.</b> A key that was found, revoked and expired ones included, for
 * {@link Builder#ttl}; that no key has a hash, for {@link Builder#negativeTtl}, shorter, so that a
 * flood of unknown keys does not become a flood of store lookups while a key just created elsewhere
 * works soon. The key is cached, never a verdict: whether it is revoked or expired is still decided on
 * every request, against the caller's clock, from the key returned. Entries are keyed by the key's
 * SHA-256 hash, as {@link #findByHash} is; at most {@link Builder#maximumSize} of them. A failed lookup
 * is never cached. Lookups of one hash that arrive while the store is being asked for it share that
 * one lookup. {@link #findById}, {@link #list} and {@link #health} go to the store every time.
 *
 * <p><b>Changes.</b> A key created or revoked through this store is dropped from the cache before the
 * returned future completes, so every lookup issued afterwards sees the change. Changes made by other
 * processes reach this cache only if the store tells about them: over a {@link SharedKeyStore} (Redis)
 * this store listens and drops a changed key when told, usually within milliseconds. A notification can
 * be lost (while the connection is down; after a reconnect the whole cache is dropped), so
 * <b>{@link Builder#ttl} is how long a key revoked on another instance may at most still be accepted
 * here</b>: this relaxes {@link KeyStore}'s "revocation is immediate" for other instances from "at
 * once" to "when told, and within the TTL in any case". Over a store that is not shared, the cache is
 * exact.
 *
 * <p>A hit reads Caffeine and returns an already completed future, on the caller's thread. Thread-safe.
 * It does not own the store: {@link #close()} stops listening for changes; the caller closes the store
 * afterwards.
 */
public final class CachingKeyStore implements KeyStore, AutoCloseable {

  /** Five seconds: how long a found key is remembered, and so, at most, a revocation elsewhere goes unseen. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(5);
  /** One second: how long "no key has this hash" is remembered. */
  public static final Duration DEFAULT_NEGATIVE_TTL = Duration.ofSeconds(1);
  /** Ten thousand hashes, found or not. */
  public static final long DEFAULT_MAXIMUM_SIZE = 10_000;

  private final KeyStore store;
  private final Duration ttl;
  private final Duration negativeTtl;
  private final long maximumSize;
  private final Cache<String, Optional<VirtualKey>> entries;
  private final ConcurrentHashMap<String, CompletableFuture<Optional<VirtualKey>>> lookups = new ConcurrentHashMap<>();
  // Bumped by every invalidation before it drops anything: a lookup that began before it may have read what
  // changed, so it stores nothing (see remember).
  private final AtomicLong generation = new AtomicLong();
  private final SharedKeyStore.Listener listener; // null unless the store is shared
  private volatile boolean closed;

  private CachingKeyStore(Builder b) {
    this.store = b.store;
    this.ttl = b.ttl;
    this.negativeTtl = b.negativeTtl;
    this.maximumSize = b.maximumSize;
    Clock clock = b.clock;
    // The system clock's wall time can jump; Caffeine wants a monotonic ticker then.
    Ticker ticker = clock.equals(Clock.systemUTC()) ? Ticker.systemTicker() : () -> {
      Instant now = clock.instant();
      return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    };
    this.entries = Caffeine.newBuilder()
        .maximumSize(maximumSize)
        .expireAfter(Expiry.writing((String hash, Optional<VirtualKey> key) -> key.isPresent() ? ttl : negativeTtl))
        .ticker(ticker)
        .executor(Runnable::run) // maintenance on the calling thread: no pool hop on the request path
        .build();
    if (store instanceof SharedKeyStore) {
      this.listener = new SharedKeyStore.Listener() {
        @Override
        public void keyChanged(String hash) {
          invalidate(hash);
        }

        @Override
        public void changesMissed() {
          invalidateAll();
        }
      };
      ((SharedKeyStore) store).addChangeListener(listener);
    } else {
      this.listener = null;
    }
  }

  /**
   * A builder for a cache in front of {@code store}, with the default TTLs and size.
   *
   * @throws NullPointerException if {@code store} is null
   */
  public static Builder builder(KeyStore store) {
    return new Builder(Objects.requireNonNull(store, "store"));
  }

  /** Creates the key in the store, then drops what this cache remembers of its hash (that none had it). */
  @Override
  public CompletableFuture<Void> create(VirtualKey key) {
    Objects.requireNonNull(key, "key");
    // also after a failure: a create that timed out may have been applied all the same
    return store.create(key).whenComplete((v, error) -> invalidate(key.hash()));
  }

  /**
   * The remembered key, or what the store finds (then remembered). Revoked and expired keys are
   * returned as the store returns them: the caller judges them against its clock.
   */
  @Override
  public CompletableFuture<Optional<VirtualKey>> findByHash(String hash) {
    Objects.requireNonNull(hash, "hash");
    if (closed) {
      return store.findByHash(hash);
    }
    Optional<VirtualKey> cached = entries.getIfPresent(hash);
    if (cached != null) {
      return CompletableFuture.completedFuture(cached);
    }
    CompletableFuture<Optional<VirtualKey>> lookup = lookups.get(hash);
    if (lookup == null) {
      CompletableFuture<Optional<VirtualKey>> mine = new CompletableFuture<>();
      lookup = lookups.putIfAbsent(hash, mine);
      if (lookup == null) {
        lookup = mine;
        load(hash, mine);
      }
    }
    // a copy per caller: one that cancels or completes its future cannot change what the others get
    return lookup.copy();
  }

  private void load(String hash, CompletableFuture<Optional<VirtualKey>> lookup) {
    long started = generation.get();
    CompletableFuture<Optional<VirtualKey>> found;
    try {
      found = store.findByHash(hash);
    } catch (RuntimeException e) {
      found = CompletableFuture.failedFuture(e);
    }
    found.whenComplete((key, error) -> {
      if (error == null && key != null) {
        remember(hash, key, started);
      }
      lookups.remove(hash, lookup);
      if (error != null) {
        lookup.completeExceptionally(error);
      } else {
        lookup.complete(key);
      }
    });
  }

  /**
   * Stores what a lookup that began at {@code started} found, unless an invalidation came since. An
   * invalidation bumps the generation first and drops the entry after: either it drops what was put
   * here, or the second check sees it and takes the entry back out (at worst costing a newer entry a
   * lookup).
   */
  private void remember(String hash, Optional<VirtualKey> key, long started) {
    if ((key.isPresent() ? ttl : negativeTtl).isZero() || generation.get() != started) {
      return;
    }
    entries.asMap().putIfAbsent(hash, key);
    if (generation.get() != started) {
      entries.invalidate(hash);
    }
  }

  private void invalidate(String hash) {
    generation.incrementAndGet();
    lookups.remove(hash); // later lookups must not join one that may have read the key before it changed
    entries.invalidate(hash);
  }

  private void invalidateAll() {
    generation.incrementAndGet();
    lookups.clear();
    entries.invalidateAll();
  }

  @Override
  public CompletableFuture<Optional<VirtualKey>> findById(String id) {
    return store.findById(id);
  }

  @Override
  public CompletableFuture<List<VirtualKey>> list() {
    return store.list();
  }

  /** Revokes the key in the store, then drops what this cache remembers of it. */
  @Override
  public CompletableFuture<Optional<VirtualKey>> revoke(String id, Instant at) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(at, "at");
    return store.revoke(id, at).whenComplete((key, error) -> {
      if (error != null) {
        // It may have been applied all the same (a timeout), and only the id is known here, not the hash.
        invalidateAll();
      } else if (key.isPresent()) {
        invalidate(key.get().hash());
      }
    });
  }

  /** The store's health. */
  @Override
  public Health health() {
    return store.health();
  }

  /**
   * Stops listening for changes and forgets every entry; lookups go straight to the store from then
   * on. Does not close the store. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (listener != null) {
      ((SharedKeyStore) store).removeChangeListener(listener);
    }
    invalidateAll();
  }

  /** Entries held now, after pending expiry and eviction ran; for tests. */
  long size() {
    entries.cleanUp();
    return entries.estimatedSize();
  }

  @Override
  public String toString() {
    return "CachingKeyStore{ttl=" + ttl + ", negativeTtl=" + negativeTtl + ", maximumSize=" + maximumSize
        + ", store=" + store + "}";
  }

  /** Builds a {@link CachingKeyStore}. Not thread-safe; setters validate at once. */
  public static final class Builder {
    private final KeyStore store;
    private Duration ttl = DEFAULT_TTL;
    private Duration negativeTtl = DEFAULT_NEGATIVE_TTL;
    private long maximumSize = DEFAULT_MAXIMUM_SIZE;
    private Clock clock = Clock.systemUTC();

    private Builder(KeyStore store) {
      this.store = store;
    }

    /**
     * How long a found key is remembered, and so the longest a change made on another instance may go
     * unseen here when its notification is lost. Zero remembers no found key. Default
     * {@link #DEFAULT_TTL}.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder ttl(Duration ttl) {
      this.ttl = notNegative(ttl, "ttl");
      return this;
    }

    /**
     * How long "no key has this hash" is remembered, and so the longest a key created on another
     * instance may be refused here when its notification is lost. Zero remembers no unknown hash.
     * Default {@link #DEFAULT_NEGATIVE_TTL}.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder negativeTtl(Duration negativeTtl) {
      this.negativeTtl = notNegative(negativeTtl, "negativeTtl");
      return this;
    }

    /**
     * The most hashes remembered, found or not; beyond it the least useful are dropped. Default
     * {@link #DEFAULT_MAXIMUM_SIZE}.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder maximumSize(long maximumSize) {
      if (maximumSize <= 0) {
        throw new IllegalArgumentException("maximumSize must be positive but was " + maximumSize);
      }
      this.maximumSize = maximumSize;
      return this;
    }

    /** The time the TTLs are measured in. Default: the system UTC clock (measured with {@code System.nanoTime}). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Builds the cache and, over a {@link SharedKeyStore}, starts listening for its changes. */
    public CachingKeyStore build() {
      return new CachingKeyStore(this);
    }

    private static Duration notNegative(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative but was " + d);
      }
      return d;
    }
  }
}

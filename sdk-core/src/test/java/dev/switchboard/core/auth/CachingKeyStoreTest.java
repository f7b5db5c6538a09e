package dev.switchboard.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.Health;
import dev.switchboard.core.testing.KeyStoreContract;
import dev.switchboard.core.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The cache in front of a key store: the key store contract through it, then what it remembers, for
 * how long, what it shares and what it drops, on a manual clock over a store that counts its lookups.
 */
class CachingKeyStoreTest extends KeyStoreContract {

  private final ManualClock clock = new ManualClock(T0);
  private final ScriptedStore store = new ScriptedStore();

  @Override
  protected KeyStore store() {
    return CachingKeyStore.builder(InMemoryKeyStore.create()).build();
  }

  private CachingKeyStore cache() {
    return CachingKeyStore.builder(store).clock(clock).build();
  }

  private String stored(String id) throws Exception {
    String secret = ApiKeys.generate();
    await(store.create(key(id, secret)));
    return ApiKeys.hash(secret);
  }

  @Test
  void findByHash_againWithinTheTtl_isAnsweredWithoutTheStore() throws Exception {
    CachingKeyStore cache = cache();
    String hash = stored("key_a");

    assertThat(await(cache.findByHash(hash))).hasValueSatisfying(k -> assertThat(k.id()).isEqualTo("key_a"));
    clock.advance(CachingKeyStore.DEFAULT_TTL.minusMillis(1));
    CompletableFuture<Optional<VirtualKey>> hit = cache.findByHash(hash);

    assertThat(hit).isCompleted();
    assertThat(await(hit)).hasValueSatisfying(k -> assertThat(k.id()).isEqualTo("key_a"));
    assertThat(store.lookups.get()).isEqualTo(1);
  }

  @Test
  void findByHash_afterTheTtl_asksTheStoreAgain() throws Exception {
    CachingKeyStore cache = CachingKeyStore.builder(store).ttl(Duration.ofSeconds(30)).clock(clock).build();
    String hash = stored("key_a");
    await(cache.findByHash(hash));

    clock.advance(Duration.ofSeconds(30));
    await(cache.findByHash(hash));

    assertThat(store.lookups.get()).isEqualTo(2);
  }

  @Test
  void findByHash_unknownHash_isRememberedForTheShorterNegativeTtl() throws Exception {
    CachingKeyStore cache = cache(); // 5 s for keys, 1 s for unknown hashes
    String known = stored("key_a");
    String unknown = ApiKeys.hash("sk-sb-never-issued-by-anyone");

    assertThat(await(cache.findByHash(unknown))).isEmpty();
    await(cache.findByHash(known));
    assertThat(await(cache.findByHash(unknown))).isEmpty();
    assertThat(store.lookups.get()).isEqualTo(2);

    clock.advance(CachingKeyStore.DEFAULT_NEGATIVE_TTL);
    assertThat(await(cache.findByHash(unknown))).isEmpty();
    await(cache.findByHash(known));

    assertThat(store.lookups.get()).as("the unknown hash asked again, the known key not").isEqualTo(3);
  }

  @Test
  void findByHash_storeFails_theFailureReachesTheCallerAndIsNotRemembered() throws Exception {
    CachingKeyStore cache = cache();
    String hash = stored("key_a");
    IllegalStateException down = new IllegalStateException("Redis key store: key not looked up");
    store.failNext = down;

    assertThatThrownBy(() -> await(cache.findByHash(hash))).isInstanceOf(ExecutionException.class).hasCause(down);
    assertThat(await(cache.findByHash(hash))).isPresent();
    assertThat(await(cache.findByHash(hash))).isPresent();

    assertThat(store.lookups.get()).isEqualTo(2);
  }

  @Test
  void findByHash_concurrentLookupsOfOneHash_shareOneStoreLookup() throws Exception {
    CachingKeyStore cache = cache();
    String hash = stored("key_a");
    store.hold = true;
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<CompletableFuture<Optional<VirtualKey>>>> calls = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        calls.add(pool.submit(() -> {
          start.await();
          return cache.findByHash(hash);
        }));
      }
      start.countDown();
      List<CompletableFuture<Optional<VirtualKey>>> results = new ArrayList<>();
      for (Future<CompletableFuture<Optional<VirtualKey>>> c : calls) {
        results.add(c.get(5, TimeUnit.SECONDS));
      }

      assertThat(store.lookups.get()).isEqualTo(1);
      assertThat(results).noneMatch(CompletableFuture::isDone);
      store.release();
      for (CompletableFuture<Optional<VirtualKey>> r : results) {
        assertThat(await(r)).hasValueSatisfying(k -> assertThat(k.id()).isEqualTo("key_a"));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void findByHash_oneCallerCancels_theOthersStillGetTheKey() throws Exception {
    CachingKeyStore cache = cache();
    String hash = stored("key_a");
    store.hold = true;
    CompletableFuture<Optional<VirtualKey>> cancelled = cache.findByHash(hash);
    CompletableFuture<Optional<VirtualKey>> other = cache.findByHash(hash);

    cancelled.cancel(false);
    store.release();

    assertThat(await(other)).isPresent();
    assertThat(await(cache.findByHash(hash))).isPresent();
    assertThat(store.lookups.get()).isEqualTo(1);
  }

  @Test
  void revoke_throughTheCache_theNextLookupSeesTheKeyRevoked() throws Exception {
    CachingKeyStore cache = cache();
    String hash = stored("key_a");
    assertThat(await(cache.findByHash(hash))).hasValueSatisfying(k -> assertThat(k.isRevoked()).isFalse());

    await(cache.revoke("key_a", T0.plusSeconds(1)));

    assertThat(await(cache.findByHash(hash))).hasValueSatisfying(k ->
        assertThat(k.revokedAt()).isEqualTo(T0.plusSeconds(1)));
  }

  @Test
  void revoke_whileALookupIsInFlight_whatThatLookupReadIsNotRemembered() throws Exception {
    CachingKeyStore cache = cache();
    String hash = stored("key_a");
    store.hold = true;
    CompletableFuture<Optional<VirtualKey>> before = cache.findByHash(hash); // reads the key before the revocation
    store.hold = false;

    await(cache.revoke("key_a", T0.plusSeconds(1)));
    CompletableFuture<Optional<VirtualKey>> after = cache.findByHash(hash);
    store.release();

    assertThat(await(before)).hasValueSatisfying(k -> assertThat(k.isRevoked()).isFalse());
    assertThat(await(after)).as("a lookup issued after the revoke does not join the older one")
        .hasValueSatisfying(k -> assertThat(k.isRevoked()).isTrue());
    assertThat(await(cache.findByHash(hash))).hasValueSatisfying(k -> assertThat(k.isRevoked()).isTrue());
  }

  @Test
  void revoke_fails_everythingRememberedIsDropped() throws Exception {
    CachingKeyStore cache = cache();
    String hash = stored("key_a");
    await(cache.findByHash(hash));
    store.failRevoke = true;

    assertThatThrownBy(() -> await(cache.revoke("key_a", T0))).isInstanceOf(ExecutionException.class);
    await(cache.findByHash(hash));

    assertThat(store.lookups.get()).isEqualTo(2);
  }

  @Test
  void create_throughTheCache_dropsTheRememberedUnknownHash() throws Exception {
    CachingKeyStore cache = cache();
    String secret = ApiKeys.generate();
    assertThat(await(cache.findByHash(ApiKeys.hash(secret)))).isEmpty();

    await(cache.create(key("key_a", secret)));

    assertThat(await(cache.findByHash(ApiKeys.hash(secret)))).isPresent();
  }

  @Test
  void cachedKey_isReturnedAsStored_soExpiryIsJudgedAgainstTheClockOnEveryRequest() throws Exception {
    CachingKeyStore cache = CachingKeyStore.builder(store).ttl(Duration.ofMinutes(10)).clock(clock).build();
    String secret = ApiKeys.generate();
    await(store.create(key("key_a", secret).toBuilder().expiresAt(T0.plusSeconds(10)).build()));
    assertThat(await(cache.findByHash(ApiKeys.hash(secret)))).hasValueSatisfying(k ->
        assertThat(k.isActive(clock.instant())).isTrue());

    clock.advance(Duration.ofSeconds(11));
    Optional<VirtualKey> cached = await(cache.findByHash(ApiKeys.hash(secret)));

    assertThat(store.lookups.get()).isEqualTo(1);
    assertThat(cached).hasValueSatisfying(k -> {
      assertThat(k.isExpired(clock.instant())).isTrue();
      assertThat(k.isActive(clock.instant())).isFalse();
    });
  }

  @Test
  void sharedStore_keyChanged_dropsThatKeyOnly() throws Exception {
    CachingKeyStore cache = cache();
    String a = stored("key_a");
    String b = stored("key_b");
    await(cache.findByHash(a));
    await(cache.findByHash(b));
    await(store.revokeElsewhere("key_a", T0.plusSeconds(1))); // as another instance does: the store only

    assertThat(await(cache.findByHash(a))).hasValueSatisfying(k -> assertThat(k.isRevoked()).isTrue());
    await(cache.findByHash(b));
    assertThat(store.lookups.get()).isEqualTo(3);
  }

  @Test
  void sharedStore_keyChangedDuringALookup_whatThatLookupReadIsNotRemembered() throws Exception {
    CachingKeyStore cache = cache();
    String hash = stored("key_a");
    store.hold = true;
    CompletableFuture<Optional<VirtualKey>> before = cache.findByHash(hash);
    store.hold = false;

    await(store.revokeElsewhere("key_a", T0.plusSeconds(1)));
    store.release();

    assertThat(await(before)).hasValueSatisfying(k -> assertThat(k.isRevoked()).isFalse());
    assertThat(await(cache.findByHash(hash))).hasValueSatisfying(k -> assertThat(k.isRevoked()).isTrue());
  }

  @Test
  void sharedStore_changesMissed_dropsEverything() throws Exception {
    CachingKeyStore cache = cache();
    String a = stored("key_a");
    String b = stored("key_b");
    await(cache.findByHash(a));
    await(cache.findByHash(b));

    store.listeners.forEach(SharedKeyStore.Listener::changesMissed);
    await(cache.findByHash(a));
    await(cache.findByHash(b));

    assertThat(store.lookups.get()).isEqualTo(4);
  }

  @Test
  void close_stopsListening_andLooksUpInTheStoreFromThenOn() throws Exception {
    CachingKeyStore cache = cache();
    String hash = stored("key_a");
    assertThat(store.listeners).hasSize(1);
    await(cache.findByHash(hash));

    cache.close();
    cache.close();
    await(cache.findByHash(hash));
    await(cache.findByHash(hash));

    assertThat(store.listeners).isEmpty();
    assertThat(store.lookups.get()).isEqualTo(3);
  }

  @Test
  void storeNotShared_noListenerNeeded_andTheCacheStillWorks() throws Exception {
    InMemoryKeyStore plain = InMemoryKeyStore.create();
    String secret = ApiKeys.generate();
    await(plain.create(key("key_a", secret)));
    CachingKeyStore cache = CachingKeyStore.builder(plain).clock(clock).build();

    assertThat(await(cache.findByHash(ApiKeys.hash(secret)))).isPresent();
    assertThat(cache.size()).isEqualTo(1);
    cache.close();
  }

  @Test
  void ttlsZero_nothingIsRemembered_butConcurrentLookupsStillShareOne() throws Exception {
    CachingKeyStore cache = CachingKeyStore.builder(store).ttl(Duration.ZERO).negativeTtl(Duration.ZERO)
        .clock(clock).build();
    String hash = stored("key_a");
    String unknown = ApiKeys.hash("sk-sb-never-issued-by-anyone");
    store.hold = true;
    CompletableFuture<Optional<VirtualKey>> first = cache.findByHash(hash);
    CompletableFuture<Optional<VirtualKey>> second = cache.findByHash(hash);
    store.release();
    store.hold = false;
    assertThat(await(first)).isPresent();
    assertThat(await(second)).isPresent();
    assertThat(store.lookups.get()).isEqualTo(1);

    await(cache.findByHash(hash));
    await(cache.findByHash(unknown));
    await(cache.findByHash(unknown));

    assertThat(store.lookups.get()).isEqualTo(4);
    assertThat(cache.size()).isZero();
  }

  @Test
  void maximumSize_boundsTheEntries() throws Exception {
    CachingKeyStore cache = CachingKeyStore.builder(store).maximumSize(3).clock(clock).build();
    for (int i = 0; i < 20; i++) {
      await(cache.findByHash(ApiKeys.hash("sk-sb-unknown-" + i)));
    }

    assertThat(cache.size()).isLessThanOrEqualTo(3);
  }

  @Test
  void builder_invalidValues_failNamingTheOptionAndTheValue() {
    CachingKeyStore.Builder b = CachingKeyStore.builder(store);

    assertThatThrownBy(() -> b.ttl(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl must not be negative but was PT-1S");
    assertThatThrownBy(() -> b.negativeTtl(Duration.ofMillis(-5))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("negativeTtl must not be negative but was PT-0.005S");
    assertThatThrownBy(() -> b.maximumSize(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maximumSize must be positive but was 0");
    assertThatThrownBy(() -> b.ttl(null)).isInstanceOf(NullPointerException.class).hasMessage("ttl");
    assertThatThrownBy(() -> CachingKeyStore.builder(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("store");
  }

  @Test
  void toString_namesTheSettingsAndTheStore_neverAKey() {
    assertThat(CachingKeyStore.builder(InMemoryKeyStore.create()).build())
        .hasToString("CachingKeyStore{ttl=PT5S, negativeTtl=PT1S, maximumSize=10000, store=InMemoryKeyStore{0 keys}}");
  }

  /**
   * A shared store in memory: counts lookups, can hold them (each held lookup completes, on
   * {@link #release}, with what the store held when it was issued), fail the next one or a revoke, and
   * tells its listeners about a revocation made "elsewhere".
   */
  private static final class ScriptedStore implements SharedKeyStore {
    final InMemoryKeyStore keys = InMemoryKeyStore.create();
    final AtomicInteger lookups = new AtomicInteger();
    final Set<Listener> listeners = new CopyOnWriteArraySet<>();
    final List<Runnable> held = new CopyOnWriteArrayList<>();
    volatile boolean hold;
    volatile RuntimeException failNext;
    volatile boolean failRevoke;

    @Override
    public CompletableFuture<Void> create(VirtualKey key) {
      return keys.create(key);
    }

    @Override
    public CompletableFuture<Optional<VirtualKey>> findByHash(String hash) {
      lookups.incrementAndGet();
      RuntimeException fail = failNext;
      if (fail != null) {
        failNext = null;
        return CompletableFuture.failedFuture(fail);
      }
      Optional<VirtualKey> now = keys.findByHash(hash).join();
      if (!hold) {
        return CompletableFuture.completedFuture(now);
      }
      CompletableFuture<Optional<VirtualKey>> later = new CompletableFuture<>();
      held.add(() -> later.complete(now));
      return later;
    }

    void release() {
      List<Runnable> all = new ArrayList<>(held);
      held.clear();
      all.forEach(Runnable::run);
    }

    CompletableFuture<Optional<VirtualKey>> revokeElsewhere(String id, Instant at) {
      return keys.revoke(id, at).thenApply(k -> {
        k.ifPresent(key -> listeners.forEach(l -> l.keyChanged(key.hash())));
        return k;
      });
    }

    @Override
    public CompletableFuture<Optional<VirtualKey>> findById(String id) {
      return keys.findById(id);
    }

    @Override
    public CompletableFuture<List<VirtualKey>> list() {
      return keys.list();
    }

    @Override
    public CompletableFuture<Optional<VirtualKey>> revoke(String id, Instant at) {
      if (failRevoke) {
        return CompletableFuture.failedFuture(new IllegalStateException("Redis key store: key " + id
            + " not revoked"));
      }
      return keys.revoke(id, at);
    }

    @Override
    public Health health() {
      return Health.up();
    }

    @Override
    public void addChangeListener(Listener listener) {
      listeners.add(listener);
    }

    @Override
    public void removeChangeListener(Listener listener) {
      listeners.remove(listener);
    }
  }
}

package dev.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.core.auth.CachingKeyStore;
import dev.switchboard.core.auth.VirtualKey;
import dev.switchboard.core.testing.ManualClock;
import dev.switchboard.redis.testing.Await;
import dev.switchboard.redis.testing.RedisServerExtension;
import dev.switchboard.redis.testing.RedisServerProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two "instances" (a connection each) on one real Redis, each with a {@link CachingKeyStore} over its
 * {@link RedisKeyStore}: a change through one reaches the other's cache over pub/sub, long before the
 * TTL (an hour here, on a clock that does not move); a cached lookup sends Redis nothing; the
 * subscription comes back after Redis restarts, and goes away with the last listener or the
 * connection.
 */
class RedisKeyStoreChangesTest {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final String CHANNEL = "test:{sb:keys}:changes";
  private static final Duration PROMPTLY = Duration.ofSeconds(5);

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private final ManualClock clock = new ManualClock(T0);
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private RedisKeyStore storeA;
  private RedisKeyStore storeB;

  @BeforeEach
  void connect() {
    storeA = RedisKeyStore.builder(connection()).keyPrefix("test:").build();
    storeB = RedisKeyStore.builder(connection()).keyPrefix("test:").build();
  }

  @AfterEach
  void close() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private RedisConnection connection() {
    RedisConnection c = RedisConnection.builder().uri(redis.uri()).maxReconnectDelay(Duration.ofMillis(200)).build();
    closeables.add(c);
    return c;
  }

  private CachingKeyStore cache(RedisKeyStore store) {
    CachingKeyStore cache = CachingKeyStore.builder(store).ttl(Duration.ofHours(1)).negativeTtl(Duration.ofHours(1))
        .clock(clock).build();
    closeables.add(cache);
    return cache;
  }

  private static VirtualKey key(String id, String secret) {
    return VirtualKey.builder(id, ApiKeys.hash(secret), ApiKeys.displayPrefix(secret), T0).build();
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(5, TimeUnit.SECONDS);
  }

  private static long subscribers() {
    return redis.server().subscribers(CHANNEL);
  }

  /**
   * The commands of key lookups (GET of the id, HGETALL of the key) Redis executed so far. Only those:
   * a connection opening meanwhile sends commands of its own (HELLO, CLIENT SETINFO).
   */
  private static long lookupCommandsExecuted() {
    return redis.server().commandCalls("get", "hgetall");
  }

  @Test
  void revokeThroughOneInstance_isSeenByTheOthersCache_longBeforeTheTtl() throws Exception {
    CachingKeyStore a = cache(storeA);
    CachingKeyStore b = cache(storeB);
    Await.until(PROMPTLY, "both caches subscribed", () -> subscribers() == 2);
    String secret = ApiKeys.generate();
    await(a.create(key("key_a", secret)));
    assertThat(await(b.findByHash(ApiKeys.hash(secret)))).hasValueSatisfying(k ->
        assertThat(k.isRevoked()).isFalse());

    await(a.revoke("key_a", T0.plusSeconds(1)));

    Await.until(PROMPTLY, "B's cache sees the revocation made through A", () ->
        b.findByHash(ApiKeys.hash(secret)).join().map(VirtualKey::isRevoked).orElse(false));
  }

  @Test
  void keyCreatedOnOneInstance_isFoundByTheOther_althoughItRememberedTheHashAsUnknown() throws Exception {
    CachingKeyStore a = cache(storeA);
    CachingKeyStore b = cache(storeB);
    Await.until(PROMPTLY, "both caches subscribed", () -> subscribers() == 2);
    String secret = ApiKeys.generate();
    assertThat(await(b.findByHash(ApiKeys.hash(secret)))).isEmpty();

    await(a.create(key("key_a", secret)));

    Await.until(PROMPTLY, "B finds the key created through A", () ->
        b.findByHash(ApiKeys.hash(secret)).join().isPresent());
  }

  @Test
  void cachedLookup_sendsNoCommandToRedis() throws Exception {
    // subscribed first: the first subscription drops what the cache held
    KeyChangeRecorder subscribed = new KeyChangeRecorder();
    storeB.addChangeListener(subscribed);
    closeables.add(() -> storeB.removeChangeListener(subscribed));
    Await.until(PROMPTLY, "subscribed", () -> subscribed.missed.get() == 1);
    CachingKeyStore b = cache(storeB);
    // told after the cache: once it has heard a change, so has the cache
    KeyChangeRecorder afterTheCache = new KeyChangeRecorder();
    storeB.addChangeListener(afterTheCache);
    closeables.add(() -> storeB.removeChangeListener(afterTheCache));
    String secret = ApiKeys.generate();
    await(storeA.create(key("key_a", secret)));
    String hash = ApiKeys.hash(secret);
    // the create's own message drops the hash from B's cache when it arrives: let it pass first
    Await.until(PROMPTLY, "the create heard", () -> afterTheCache.hashes.contains(hash));

    long before = lookupCommandsExecuted();
    assertThat(await(b.findByHash(hash))).isPresent();
    long afterMiss = lookupCommandsExecuted();
    for (int i = 0; i < 100; i++) {
      assertThat(await(b.findByHash(hash))).isPresent();
    }
    long afterHits = lookupCommandsExecuted();

    assertThat(afterMiss - before).as("a lookup that misses: GET of the id, HGETALL of the key").isEqualTo(2);
    assertThat(afterHits - afterMiss).as("100 cached lookups").isZero();
  }

  @Test
  void listener_hearsTheHashOfEveryCreateAndRevoke_throughAnotherConnection() throws Exception {
    KeyChangeRecorder heard = new KeyChangeRecorder();
    storeB.addChangeListener(heard);
    closeables.add(() -> storeB.removeChangeListener(heard));
    Await.until(PROMPTLY, "subscribed", () -> heard.missed.get() == 1);
    String secret = ApiKeys.generate();

    await(storeA.create(key("key_a", secret)));
    await(storeA.revoke("key_a", T0.plusSeconds(1)));
    await(storeA.revoke("key_none", T0.plusSeconds(1)));

    Await.until(PROMPTLY, "two changes heard", () -> heard.hashes.size() == 2);
    assertThat(heard.hashes).containsExactly(ApiKeys.hash(secret), ApiKeys.hash(secret));
    assertThat(String.join("", heard.hashes)).doesNotContain(secret);
  }

  @Test
  void otherPrefix_hearsNothing() throws Exception {
    RedisKeyStore other = RedisKeyStore.builder(connection()).keyPrefix("other:").build();
    KeyChangeRecorder heard = new KeyChangeRecorder();
    other.addChangeListener(heard);
    closeables.add(() -> other.removeChangeListener(heard));
    KeyChangeRecorder same = new KeyChangeRecorder();
    storeB.addChangeListener(same);
    closeables.add(() -> storeB.removeChangeListener(same));
    Await.until(PROMPTLY, "subscribed", () -> heard.missed.get() == 1 && same.missed.get() == 1);

    await(storeA.create(key("key_a", ApiKeys.generate())));

    Await.until(PROMPTLY, "the same prefix hears it", () -> same.hashes.size() == 1);
    assertThat(heard.hashes).isEmpty();
  }

  @Test
  void lastListenerRemoved_closesThePubSubConnection_andTheConnectionClosesItToo() throws Exception {
    KeyChangeRecorder first = new KeyChangeRecorder();
    KeyChangeRecorder second = new KeyChangeRecorder();
    storeB.addChangeListener(first);
    storeB.addChangeListener(second);
    Await.until(PROMPTLY, "one subscription for both listeners", () -> subscribers() == 1 && first.missed.get() == 1);
    assertThat(second.missed.get()).isEqualTo(1);

    storeB.removeChangeListener(first);
    assertThat(subscribers()).isEqualTo(1);
    storeB.removeChangeListener(second);
    Await.until(PROMPTLY, "unsubscribed", () -> subscribers() == 0);

    RedisConnection connection = connection();
    RedisKeyStore store = RedisKeyStore.builder(connection).keyPrefix("test:").build();
    store.addChangeListener(first);
    Await.until(PROMPTLY, "subscribed again", () -> subscribers() == 1);
    connection.close();
    Await.until(PROMPTLY, "closed with the connection", () -> subscribers() == 0);
  }

  @Test
  void redisRestarts_theSubscriptionComesBack_andTheCacheForgetsWhatItHeld() throws Exception {
    CachingKeyStore b = cache(storeB);
    KeyChangeRecorder heard = new KeyChangeRecorder();
    storeB.addChangeListener(heard);
    closeables.add(() -> storeB.removeChangeListener(heard));
    Await.until(PROMPTLY, "subscribed", () -> subscribers() == 1 && heard.missed.get() == 1);
    String secret = ApiKeys.generate();
    await(storeA.create(key("key_a", secret)));
    assertThat(await(b.findByHash(ApiKeys.hash(secret)))).isPresent();

    redis.server().restart(); // empty: the key is gone, and nobody was told
    Await.until(Duration.ofSeconds(10), "subscribed again after the restart", () -> heard.missed.get() == 2);

    assertThat(subscribers()).isEqualTo(1);
    Await.until(PROMPTLY, "B's cache forgot the key", () -> {
      try {
        return b.findByHash(ApiKeys.hash(secret)).join().isEmpty();
      } catch (RuntimeException e) {
        return false; // A's connection may still be reconnecting
      }
    });
    String again = ApiKeys.generate();
    Await.until(Duration.ofSeconds(10), "A reconnected", () -> storeA.create(key("key_b", again)).handle(
        (ok, e) -> e == null).join());
    Await.until(PROMPTLY, "a change after the restart is heard", () -> heard.hashes.contains(ApiKeys.hash(again)));
  }

  @Test
  void redisDownAtFirst_theSubscriptionIsMadeOnceItAnswers() throws Exception {
    redis.server().stop();
    RedisKeyStore store = RedisKeyStore.builder(connection()).keyPrefix("test:").build();
    KeyChangeRecorder heard = new KeyChangeRecorder();
    store.addChangeListener(heard);
    closeables.add(() -> store.removeChangeListener(heard));

    redis.server().restart();
    Await.until(Duration.ofSeconds(10), "subscribed once Redis answers", () -> heard.missed.get() == 1);
    String secret = ApiKeys.generate();
    Await.until(Duration.ofSeconds(10), "A reconnected", () -> storeA.create(key("key_a", secret)).handle(
        (ok, e) -> e == null).join());

    Await.until(PROMPTLY, "the change is heard", () -> heard.hashes.contains(ApiKeys.hash(secret)));
  }

  @Test
  void sentinelUri_subscribesOnTheMasterTheSentinelNames() throws Exception {
    try (RedisServerProcess sentinel = RedisServerProcess.startSentinel("mymaster", redis.server().port());
        RedisConnection c = RedisConnection.create("redis-sentinel://127.0.0.1:" + sentinel.port() + "/0#mymaster")) {
      RedisKeyStore store = RedisKeyStore.builder(c).keyPrefix("test:").build();
      KeyChangeRecorder heard = new KeyChangeRecorder();
      store.addChangeListener(heard);
      Await.until(PROMPTLY, "subscribed", () -> heard.missed.get() == 1);
      String secret = ApiKeys.generate();

      await(storeA.create(key("key_a", secret)));

      Await.until(PROMPTLY, "the change is heard", () -> heard.hashes.contains(ApiKeys.hash(secret)));
      store.removeChangeListener(heard);
    }
  }

  @Test
  void userWithoutPermissionOnTheChannel_stillCreatesAndRevokesKeys() throws Exception {
    redis.server().command("ACL", "SETUSER", "nochannels", "on", ">s3cret", "~*", "+@all", "resetchannels");
    RedisConnection c = RedisConnection.builder().uri("redis://nochannels:s3cret@127.0.0.1:" + redis.server().port())
        .maxReconnectDelay(Duration.ofMillis(200)).build();
    closeables.add(c);
    RedisKeyStore store = RedisKeyStore.builder(c).keyPrefix("test:").build();
    KeyChangeRecorder heard = new KeyChangeRecorder();
    storeB.addChangeListener(heard);
    closeables.add(() -> storeB.removeChangeListener(heard));
    Await.until(PROMPTLY, "subscribed", () -> heard.missed.get() == 1);
    String secret = ApiKeys.generate();

    await(store.create(key("key_a", secret)));
    assertThat(await(store.revoke("key_a", T0.plusSeconds(1)))).hasValueSatisfying(k ->
        assertThat(k.isRevoked()).isTrue());

    assertThat(store.errorCount()).isZero();
    await(storeA.revoke("key_a", T0.plusSeconds(2))); // a user with the channel: heard, the others not
    Await.until(PROMPTLY, "the change by the permitted user is heard", () -> heard.hashes.size() == 1);
  }
}

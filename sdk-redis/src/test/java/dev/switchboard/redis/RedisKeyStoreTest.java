package dev.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.Health;
import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.core.auth.KeyStore;
import dev.switchboard.core.auth.VirtualKey;
import dev.switchboard.core.metrics.SwitchboardMetrics;
import dev.switchboard.core.testing.KeyStoreContract;
import dev.switchboard.redis.testing.Await;
import dev.switchboard.redis.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Redis key store against the key store contract on a real Redis, and what only it does. */
class RedisKeyStoreTest extends KeyStoreContract {

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private static RedisConnection connection;
  private final List<RedisKeyStore> created = new ArrayList<>();

  @BeforeAll
  static void connect() {
    connection = RedisConnection.builder().uri(redis.uri()).maxReconnectDelay(Duration.ofMillis(200)).build();
  }

  @AfterAll
  static void disconnect() {
    connection.close();
  }

  @Override
  protected KeyStore store() {
    // FLUSHALL runs before each test, so a new store on the same prefix is empty
    RedisKeyStore store = RedisKeyStore.builder(connection).keyPrefix("test:").build();
    created.add(store);
    return store;
  }

  @AfterEach
  void noOperationFailed() {
    for (RedisKeyStore s : created) {
      assertThat(s.errorCount()).as("errors of %s", s).isZero();
    }
  }

  @Test
  void twoStoresOnOneRedis_shareKeysAndRevocations() throws Exception {
    KeyStore a = store();
    KeyStore b = store();
    String secret = ApiKeys.generate();
    await(a.create(key("key_a", secret)));

    assertThat(await(b.findByHash(ApiKeys.hash(secret)))).hasValueSatisfying(k ->
        assertThat(k.id()).isEqualTo("key_a"));
    await(b.revoke("key_a", T0.plusSeconds(5)));
    assertThat(await(a.findByHash(ApiKeys.hash(secret)))).hasValueSatisfying(k ->
        assertThat(k.revokedAt()).isEqualTo(T0.plusSeconds(5)));
  }

  @Test
  void concurrentCreates_ofOneHash_exactlyOneSucceeds() throws Exception {
    KeyStore a = store();
    KeyStore b = store();
    String secret = ApiKeys.generate();
    List<CompletableFuture<Void>> creates = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      creates.add((i % 2 == 0 ? a : b).create(key("key_" + i, secret)));
    }

    int succeeded = 0;
    for (CompletableFuture<Void> f : creates) {
      try {
        await(f);
        succeeded++;
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(IllegalArgumentException.class);
      }
    }
    assertThat(succeeded).isEqualTo(1);
    assertThat(await(a.list())).hasSize(1);
  }

  @Test
  void create_storesOnlyTheHash_neverTheKey() throws Exception {
    String secret = ApiKeys.generate();
    await(store().create(key("key_a", secret)));

    Object dump = redis.server().command("HGET", "test:{sb:keys}:key:key_a", "v");
    String stored = dump instanceof byte[] ? new String((byte[]) dump, StandardCharsets.UTF_8) : String.valueOf(dump);
    assertThat(stored).contains(ApiKeys.hash(secret)).doesNotContain(secret);
    assertThat(redis.server().command("GET", "test:{sb:keys}:hash:" + ApiKeys.hash(secret)).toString())
        .contains("key_a");
  }

  @Test
  void keyPrefixes_separateStores() throws Exception {
    String secret = ApiKeys.generate();
    await(store().create(key("key_a", secret)));

    RedisKeyStore other = RedisKeyStore.builder(connection).keyPrefix("other:").build();
    assertThat(await(other.findByHash(ApiKeys.hash(secret)))).isEmpty();
    assertThat(await(other.list())).isEmpty();
  }

  @Test
  void keyPrefix_withBrace_isRefusedNamingTheOption() {
    assertThatThrownBy(() -> RedisKeyStore.builder(connection).keyPrefix("a{b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("keyPrefix must not contain '{' or '}'");
  }

  @Test
  void redisDown_everyOperationFailsPromptly_countedAndDegraded_thenRecovers() throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RedisConnection own = RedisConnection.builder().uri(redis.uri()).maxReconnectDelay(Duration.ofMillis(200)).build();
    try {
      RedisKeyStore store = RedisKeyStore.builder(own).meterRegistry(meters).build();
      String secret = ApiKeys.generate();
      await(store.create(key("key_a", secret)));
      assertThat(store.health()).isEqualTo(Health.up());

      redis.server().stop();
      Await.until(Duration.ofSeconds(5), "client saw the disconnect", () -> !own.isConnected());
      long start = System.nanoTime();
      List<CompletableFuture<?>> ops = List.of(store.create(key("key_b", ApiKeys.generate())),
          store.findByHash(ApiKeys.hash(secret)), store.findById("key_a"), store.list(), store.revoke("key_a", T0));
      for (CompletableFuture<?> f : ops) {
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
      }
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(500);
      assertThat(store.errorCount()).isEqualTo(5);
      assertThat(meters.get(SwitchboardMetrics.KEY_STORE_ERRORS).tags("store", "redis", "operation", "find")
          .counter().count()).isEqualTo(2);
      assertThat(store.health().status()).isEqualTo(Health.Status.DEGRADED);

      redis.server().restart();
      Await.until(Duration.ofSeconds(10), "client reconnected", own::isConnected);
      Await.until(Duration.ofSeconds(10), "shared client reconnected", connection::isConnected);
      Optional<VirtualKey> found = await(store.findById("key_a"));
      assertThat(store.health()).isEqualTo(Health.up());
      assertThat(found).isEmpty(); // the test Redis keeps nothing across a restart
    } finally {
      own.close();
    }
  }
}

package dev.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.core.auth.CachingKeyStore;
import dev.switchboard.core.auth.VirtualKey;
import dev.switchboard.core.testing.ManualClock;
import dev.switchboard.redis.testing.Await;
import dev.switchboard.redis.testing.RedisServerProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Key changes over pub/sub on a one-node Redis Cluster: the cluster client's pub/sub connection. */
class RedisKeyStoreClusterChangesTest {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  @Test
  void revokeThroughOneConnection_isHeardByAnotherAndDropsItsCachedKey() throws Exception {
    try (RedisServerProcess node = RedisServerProcess.startClusterNode();
        RedisConnection a = RedisConnection.builder().uri(node.uri()).cluster(true).build();
        RedisConnection b = RedisConnection.builder().uri(node.uri()).cluster(true).build()) {
      RedisKeyStore storeA = RedisKeyStore.builder(a).build();
      RedisKeyStore storeB = RedisKeyStore.builder(b).build();
      KeyChangeRecorder listener = new KeyChangeRecorder();
      storeB.addChangeListener(listener);
      Await.until(Duration.ofSeconds(10), "subscribed", () -> listener.missed.get() == 1);
      try (CachingKeyStore cacheB = CachingKeyStore.builder(storeB).ttl(Duration.ofHours(1))
          .clock(new ManualClock(T0)).build()) {
        String secret = ApiKeys.generate();
        VirtualKey key = VirtualKey.builder("key_a", ApiKeys.hash(secret), ApiKeys.displayPrefix(secret), T0).build();
        storeA.create(key).get(5, TimeUnit.SECONDS);
        assertThat(cacheB.findByHash(key.hash()).get(5, TimeUnit.SECONDS)).isPresent();

        storeA.revoke("key_a", T0.plusSeconds(1)).get(5, TimeUnit.SECONDS);

        Await.until(Duration.ofSeconds(5), "B's cache sees the revocation", () ->
            cacheB.findByHash(key.hash()).join().map(VirtualKey::isRevoked).orElse(false));
        assertThat(listener.hashes).containsExactly(key.hash(), key.hash());
      }
      storeB.removeChangeListener(listener);
    }
  }
}

package dev.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.Health;
import dev.switchboard.redis.testing.Await;
import dev.switchboard.redis.testing.RedisServerExtension;
import dev.switchboard.redis.testing.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisConnectionTest {

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private static void roundTrip(RedisConnection connection) throws Exception {
    RedisCacheStore store = RedisCacheStore.builder(connection).readTimeout(Duration.ofSeconds(2)).build();
    store.put("sb:cache:v1:k", new byte[] {4, 2}, Duration.ofMinutes(1)).get(5, TimeUnit.SECONDS);
    assertThat(store.get("sb:cache:v1:k").get(5, TimeUnit.SECONDS)).as("%s", store.health()).containsExactly(4, 2);
    assertThat(store.errorCount()).isZero();
  }

  @Test
  void create_standaloneUri_connectsAndIsHealthy() throws Exception {
    try (RedisConnection c = RedisConnection.create(redis.uri() + "/0")) {
      roundTrip(c);

      assertThat(c.isConnected()).isTrue();
      assertThat(c.isCluster()).isFalse();
      assertThat(c.health().status()).isEqualTo(Health.Status.UP);
      assertThat(c.toString()).isEqualTo("RedisConnection{redis://127.0.0.1:" + redis.server().port() + "/0}");
    }
  }

  @Test
  void create_aclUserAndPassword_authenticates_andNeverShowsThePassword() throws Exception {
    redis.server().command("ACL", "SETUSER", "switchboard", "on", ">s3cret", "~sb:*", "+@all");
    try (RedisConnection c = RedisConnection.create("redis://switchboard:s3cret@127.0.0.1:" + redis.server().port())) {
      roundTrip(c);

      assertThat(c.toString()).doesNotContain("s3cret").doesNotContain("switchboard:");
      assertThat(c.health().detail()).doesNotContain("s3cret");
    }
  }

  @Test
  void create_wrongPassword_neverConnectsAndStoreMisses() throws Exception {
    redis.server().command("ACL", "SETUSER", "switchboard", "on", ">s3cret", "~*", "+@all");
    try (RedisConnection c = RedisConnection.builder()
        .uri("redis://switchboard:wrong@127.0.0.1:" + redis.server().port()).build()) {
      RedisCacheStore store = RedisCacheStore.builder(c).build();

      assertThat(store.get("k").get(5, TimeUnit.SECONDS)).isNull();
      assertThat(c.health().status()).isEqualTo(Health.Status.DEGRADED);
    }
  }

  @Test
  void create_sentinelUri_findsTheMasterThroughTheSentinel() throws Exception {
    try (RedisServerProcess sentinel = RedisServerProcess.startSentinel("mymaster", redis.server().port());
        RedisConnection c = RedisConnection.create("redis-sentinel://127.0.0.1:" + sentinel.port() + "/0#mymaster")) {
      roundTrip(c);

      assertThat(redis.server().command("EXISTS", "sb:cache:v1:k")).isEqualTo(1L); // written to the master
      assertThat(c.toString()).contains("redis-sentinel://127.0.0.1:" + sentinel.port() + "/0#mymaster");
    }
  }

  @Test
  void create_clusterFlag_talksToARedisCluster_andAReadStaysWithinItsBudgetWhenTheNodeDies() throws Exception {
    try (RedisServerProcess node = RedisServerProcess.start(RedisServerProcess.freePort(), List.of(
        "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-announce-ip", "127.0.0.1"))) {
      List<String> addSlots = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
      for (int slot = 0; slot < 16384; slot++) {
        addSlots.add(Integer.toString(slot));
      }
      node.command(addSlots.toArray(new String[0]));
      Await.until(Duration.ofSeconds(10), "cluster state ok",
          () -> String.valueOf(node.command("CLUSTER", "INFO")).contains("cluster_state:ok"));

      try (RedisConnection c = RedisConnection.builder().uri(node.uri()).cluster(true).build()) {
        roundTrip(c);
        assertThat(c.isCluster()).isTrue();
        assertThat(node.command("EXISTS", "sb:cache:v1:k")).isEqualTo(1L);

        node.stop();
        RedisCacheStore store = RedisCacheStore.builder(c).build();
        long start = System.nanoTime();
        byte[] value = store.get("sb:cache:v1:k").get(5, TimeUnit.SECONDS);

        assertThat(value).isNull();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1000);
        assertThat(store.health().status()).isEqualTo(Health.Status.DEGRADED);
      }
    }
  }

  @Test
  void create_tlsUriWithPrivateCa_connectsOverTls(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    dev.switchboard.redis.testing.TestCertificates certs = dev.switchboard.redis.testing.TestCertificates.create(dir);
    int tlsPort = RedisServerProcess.freePort();
    try (RedisServerProcess tls = RedisServerProcess.start(RedisServerProcess.freePort(), List.of(
        "--tls-port", Integer.toString(tlsPort), "--tls-cert-file", certs.certificate.toString(),
        "--tls-key-file", certs.privateKey.toString(), "--tls-ca-cert-file", certs.certificate.toString(),
        "--tls-auth-clients", "no"))) {
      try (RedisConnection c = RedisConnection.builder().uri("rediss://127.0.0.1:" + tlsPort)
          .tlsCaCertificates(certs.certificate).build()) {
        roundTrip(c);

        assertThat(tls.command("EXISTS", "sb:cache:v1:k")).isEqualTo(1L);
        assertThat(c.toString()).startsWith("RedisConnection{rediss://127.0.0.1:" + tlsPort);
      }
      // Without the CA the server's certificate is not trusted: no connection, the store only misses.
      try (RedisConnection untrusted = RedisConnection.builder().uri("rediss://127.0.0.1:" + tlsPort)
          .connectTimeout(Duration.ofSeconds(1)).build()) {
        RedisCacheStore store = RedisCacheStore.builder(untrusted).build();
        assertThat(store.get("sb:cache:v1:k").get(5, TimeUnit.SECONDS)).isNull();
        assertThat(untrusted.isConnected()).isFalse();
      }
    }
  }

  @Test
  void builder_severalUris_isACluster_andTlsUriParses() {
    RedisConnection.Builder b = RedisConnection.builder().uri("redis://127.0.0.1:1").uri("redis://127.0.0.1:2")
        .connectTimeout(Duration.ofMillis(100));
    try (RedisConnection c = b.build()) {
      assertThat(c.isCluster()).isTrue();
      assertThat(c.toString()).isEqualTo("RedisConnection{redis://127.0.0.1:1/0,redis://127.0.0.1:2/0, cluster}");
    }
    try (RedisConnection tls = RedisConnection.builder().uri("rediss://:pw@127.0.0.1:" + RedisServerProcess.freePort())
        .connectTimeout(Duration.ofMillis(100)).build()) {
      assertThat(tls.toString()).startsWith("RedisConnection{rediss://127.0.0.1:").doesNotContain("pw");
      assertThat(tls.isConnected()).isFalse();
    }
  }

  @Test
  void builder_invalidInput_isRejectedAtOnceWithoutEchoingThePassword() {
    assertThatThrownBy(() -> RedisConnection.builder().uri("http://user:topsecret@host"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a Redis URI (expected redis://, rediss:// or redis-sentinel://)")
        .hasMessageNotContaining("topsecret");
    assertThatThrownBy(() -> RedisConnection.builder().build()).isInstanceOf(IllegalStateException.class)
        .hasMessage("no Redis URI configured: add one with uri(...)");
    assertThatThrownBy(() -> RedisConnection.builder().commandTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("commandTimeout must be positive but was PT0S");
    assertThatThrownBy(() -> RedisCacheStore.builder(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("connection");
    assertThatThrownBy(() -> RedisConnection.builder().tlsCaCertificates(java.nio.file.Path.of("/no/such/ca.pem")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("tlsCaCertificates file /no/such/ca.pem does not exist");
  }
}

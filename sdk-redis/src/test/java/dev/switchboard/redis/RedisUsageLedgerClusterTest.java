package dev.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.Health;
import dev.switchboard.core.cost.Money;
import dev.switchboard.core.cost.SpendKey;
import dev.switchboard.core.cost.SpendPeriod;
import dev.switchboard.core.cost.UsageDimension;
import dev.switchboard.core.cost.UsageLedger;
import dev.switchboard.core.cost.UsageTotals;
import dev.switchboard.core.testing.UsageLedgerContract;
import dev.switchboard.redis.testing.Await;
import dev.switchboard.redis.testing.RedisServerProcess;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shared ledger contract on a one-node Redis Cluster: every key of a record in one slot, so that
 * its script runs there (a cross-slot script would fail with CROSSSLOT). Each test connects afresh,
 * so each also checks that operations issued while the node connection opens keep their order.
 */
class RedisUsageLedgerClusterTest extends UsageLedgerContract {

  private static RedisServerProcess node;
  private final List<RedisConnection> connections = new ArrayList<>();

  @BeforeAll
  static void startCluster() {
    node = RedisServerProcess.start(RedisServerProcess.freePort(), List.of("--cluster-enabled", "yes",
        "--cluster-config-file", "nodes.conf", "--cluster-announce-ip", "127.0.0.1"));
    List<String> addSlots = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
    for (int slot = 0; slot < 16384; slot++) {
      addSlots.add(Integer.toString(slot));
    }
    node.command(addSlots.toArray(new String[0]));
    Await.until(Duration.ofSeconds(10), "cluster state ok",
        () -> String.valueOf(node.command("CLUSTER", "INFO")).contains("cluster_state:ok"));
  }

  @AfterAll
  static void stopCluster() {
    if (node != null) {
      node.close();
    }
  }

  @BeforeEach
  void empty() {
    node.command("FLUSHALL");
  }

  @AfterEach
  void closeConnections() {
    connections.forEach(RedisConnection::close);
  }

  @Override
  protected UsageLedger newLedger() {
    RedisConnection c = RedisConnection.builder().uri(node.uri()).cluster(true).build();
    connections.add(c);
    return RedisUsageLedger.builder(c).build();
  }

  @Test
  void record_allKeysOfARecordInTheLedgersSlot() {
    UsageLedger ledger = newLedger();
    ledger.record(List.of(record("a", "2026-01-31T09:00:00Z", "alice", "1"))).join();

    long slot = (Long) node.command("CLUSTER", "KEYSLOT", "{sb:usage}");
    List<?> keys = (List<?>) node.command("KEYS", "*");
    assertThat(keys).hasSize(1 + 6 * 4); // the marker; per dimension three aggregates and a day index
    for (Object k : keys) {
      assertThat(node.command("CLUSTER", "KEYSLOT", (String) k)).as("%s", k).isEqualTo(slot);
    }
    assertThat(total(ledger, UsageDimension.TEAM, "t1", SpendPeriod.MONTH, LocalDate.parse("2026-01-01")).cost())
        .isEqualTo(Money.of("1"));
  }

  @Test
  void readIssuedAfterAWrite_whileTheNodeConnectionOpens_reflectsIt() {
    for (int i = 0; i < 20; i++) { // a fresh connection each time: the write and the read both wait for the node
      UsageLedger ledger = newLedger();
      SpendKey k = SpendKey.of(UsageDimension.USER, "u" + i, SpendPeriod.TOTAL, LocalDate.MIN);

      CompletableFuture<Void> written = ledger.record(List.of(record("w" + i, "2026-01-31T09:00:00Z", "u" + i, "1")));
      CompletableFuture<Map<SpendKey, UsageTotals>> read = ledger.totals(List.of(k));

      written.join();
      assertThat(read.join().get(k).requests()).as("attempt %d", i).isEqualTo(1);
    }
  }

  @Test
  void totalsByValue_wholeMonth_readThroughTheMonthAggregateInTheSameSlot() {
    UsageLedger ledger = newLedger();
    ledger.record(List.of(record("a", "2026-02-01T00:00:00Z", "alice", "1"),
        record("b", "2026-02-28T23:59:59Z", "bob", "2"),
        record("c", "2026-03-01T00:00:00Z", "alice", "4"))).join();

    Map<String, UsageTotals> february = ledger.totalsByValue(UsageDimension.USER, LocalDate.parse("2026-02-01"),
        LocalDate.parse("2026-02-28")).join();

    assertThat(february).containsOnlyKeys("alice", "bob");
    assertThat(february.get("alice").cost()).isEqualTo(Money.of("1"));
    assertThat(february.get("bob").cost()).isEqualTo(Money.of("2"));
  }

  @Test
  void nodeDown_operationsFailWithinTheCommandTimeout_andTheLedgerIsDegraded_thenRecovers() throws Exception {
    RedisConnection c = RedisConnection.builder().uri(node.uri()).cluster(true)
        .commandTimeout(Duration.ofMillis(500)).maxReconnectDelay(Duration.ofMillis(100)).build();
    connections.add(c);
    RedisUsageLedger ledger = RedisUsageLedger.builder(c).build();
    ledger.record(List.of(record("a", "2026-01-31T09:00:00Z", "alice", "1"))).join();

    node.stop();
    try {
      long start = System.nanoTime();
      CompletableFuture<Void> write = ledger.record(List.of(record("b", "2026-01-31T09:00:00Z", "alice", "2")));

      assertThatThrownBy(() -> write.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1500);
      assertThat(ledger.health().status()).isEqualTo(Health.Status.DEGRADED);
      assertThat(ledger.errorCount()).isEqualTo(1);
    } finally {
      node.restart(); // keeps its nodes.conf: the same node, owning every slot
      Await.until(Duration.ofSeconds(10), "cluster state ok",
          () -> String.valueOf(node.command("CLUSTER", "INFO")).contains("cluster_state:ok"));
    }
    Await.until(Duration.ofSeconds(10), "ledger writes again", () -> ledger.record(
        List.of(record("b", "2026-01-31T09:00:00Z", "alice", "2"))).handle((ok, e) -> e == null).join());

    assertThat(ledger.health().status()).isEqualTo(Health.Status.UP);
    assertThat(total(ledger, UsageDimension.USER, "alice", SpendPeriod.TOTAL, LocalDate.MIN).cost())
        .isEqualTo(Money.of("2")); // the restarted node is empty: only the write made after it came back
  }
}

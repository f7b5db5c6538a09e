package dev.switchboard.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.Health;
import dev.switchboard.core.spi.CacheStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The test double passes the contract every real store must pass. */
class InMemoryCacheStoreTest extends CacheStoreContract {

  private final ManualClock clock = new ManualClock();

  @Override
  protected CacheStore store() {
    return new InMemoryCacheStore(clock);
  }

  @Test
  void get_afterTtl_completesWithNull() {
    InMemoryCacheStore store = new InMemoryCacheStore(clock);
    store.put("k", new byte[] {1}, Duration.ofSeconds(10)).join();

    clock.advance(Duration.ofSeconds(10));

    assertThat(store.get("k").join()).isNull();
  }

  @Test
  void health_failingStore_isDegraded() {
    InMemoryCacheStore store = new InMemoryCacheStore(clock).mode(InMemoryCacheStore.Mode.FAILING_FUTURES);

    assertThat(store.health().status()).isEqualTo(Health.Status.DEGRADED);
  }
}

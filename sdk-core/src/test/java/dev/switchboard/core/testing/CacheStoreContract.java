package dev.switchboard.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.Health;
import dev.switchboard.core.spi.CacheStore;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link CacheStore} must do; a store's test extends this and supplies a working store.
 * Expiry is tested by each store's own test, since each has its own notion of time.
 */
public abstract class CacheStoreContract {

  /** A working store, empty of the keys the tests use (they use fresh random keys). */
  protected abstract CacheStore store();

  private static String key() {
    return "sb:cache:test:" + UUID.randomUUID();
  }

  private static byte[] get(CacheStore store, String key) throws Exception {
    return store.get(key).get(5, TimeUnit.SECONDS);
  }

  @Test
  void get_unknownKey_completesWithNull() throws Exception {
    assertThat(get(store(), key())).isNull();
  }

  @Test
  void put_thenGet_returnsTheSameBytes() throws Exception {
    CacheStore store = store();
    String key = key();
    byte[] value = {0, 1, 2, (byte) 0xff, (byte) 0x80, 10, 13, 0};

    store.put(key, value, Duration.ofMinutes(1)).get(5, TimeUnit.SECONDS);

    assertThat(get(store, key)).containsExactly(value);
  }

  @Test
  void put_twice_keepsTheLastValue() throws Exception {
    CacheStore store = store();
    String key = key();

    store.put(key, new byte[] {1}, Duration.ofMinutes(1)).get(5, TimeUnit.SECONDS);
    store.put(key, new byte[] {2, 2}, Duration.ofMinutes(1)).get(5, TimeUnit.SECONDS);

    assertThat(get(store, key)).containsExactly(2, 2);
  }

  @Test
  void put_largeValue_roundTrips() throws Exception {
    CacheStore store = store();
    String key = key();
    byte[] value = new byte[256 * 1024];
    new java.util.Random(42).nextBytes(value);

    store.put(key, value, Duration.ofMinutes(1)).get(5, TimeUnit.SECONDS);

    assertThat(get(store, key)).isEqualTo(value);
  }

  @Test
  void health_workingStore_isUp() {
    assertThat(store().health().status()).isEqualTo(Health.Status.UP);
  }
}

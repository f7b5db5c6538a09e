package dev.switchboard.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.Health;
import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.core.auth.KeyStore;
import dev.switchboard.core.auth.VirtualKey;
import dev.switchboard.core.cost.Budget;
import dev.switchboard.core.cost.Money;
import dev.switchboard.core.cost.SpendPeriod;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What every {@link KeyStore} must do; a store's test extends this and supplies an empty store. */
public abstract class KeyStoreContract {

  protected static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  /** A working, empty store. */
  protected abstract KeyStore store();

  protected static VirtualKey key(String id, String secret) {
    return VirtualKey.builder(id, ApiKeys.hash(secret), ApiKeys.displayPrefix(secret), T0).build();
  }

  protected static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(5, TimeUnit.SECONDS);
  }

  @Test
  void create_thenFindByHash_returnsTheKeyWithEveryField() throws Exception {
    KeyStore store = store();
    String secret = ApiKeys.generate();
    VirtualKey key = key("key_a", secret).toBuilder()
        .models(List.of("gpt-4o-mini", "demo")).tier("gold").limit("requests-per-minute", 10)
        .budget(Budget.builder(Budget.Scope.KEY, SpendPeriod.MONTH, Money.of("5")).subject("key_a")
            .downgradeTo("demo").build())
        .user("alice").team("research").expiresAt(T0.plusSeconds(3600)).build();

    await(store.create(key));

    assertThat(await(store.findByHash(ApiKeys.hash(secret)))).contains(key);
    assertThat(await(store.findById("key_a"))).contains(key);
  }

  @Test
  void findByHash_unknownHash_isEmpty() throws Exception {
    assertThat(await(store().findByHash(ApiKeys.hash("sk-sb-nothing-stored-under-this")))).isEmpty();
    assertThat(await(store().findById("key_none"))).isEmpty();
  }

  @Test
  void create_sameIdTwice_failsWithIllegalArgument() throws Exception {
    KeyStore store = store();
    await(store.create(key("key_a", ApiKeys.generate())));

    assertThatThrownBy(() -> await(store.create(key("key_a", ApiKeys.generate()))))
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void create_sameHashTwice_failsWithIllegalArgument() throws Exception {
    KeyStore store = store();
    String secret = ApiKeys.generate();
    await(store.create(key("key_a", secret)));

    assertThatThrownBy(() -> await(store.create(key("key_b", secret))))
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalArgumentException.class);
    assertThat(await(store.list())).extracting(VirtualKey::id).containsExactly("key_a");
  }

  @Test
  void list_severalKeys_oldestFirst() throws Exception {
    KeyStore store = store();
    await(store.create(key("key_b", ApiKeys.generate()).toBuilder().build()));
    await(store.create(VirtualKey.builder("key_a", ApiKeys.hash("sk-sb-later-key-0000"), "sk-sb-…0000",
        T0.plusSeconds(1)).build()));
    await(store.create(VirtualKey.builder("key_c", ApiKeys.hash("sk-sb-earlier-key-000"), "sk-sb-…0000",
        T0.minusSeconds(1)).build()));

    assertThat(await(store.list())).extracting(VirtualKey::id).containsExactly("key_c", "key_b", "key_a");
  }

  @Test
  void revoke_knownKey_isSeenRevokedByTheNextLookup() throws Exception {
    KeyStore store = store();
    String secret = ApiKeys.generate();
    await(store.create(key("key_a", secret)));

    Optional<VirtualKey> revoked = await(store.revoke("key_a", T0.plusSeconds(60)));

    assertThat(revoked).hasValueSatisfying(k -> assertThat(k.revokedAt()).isEqualTo(T0.plusSeconds(60)));
    assertThat(await(store.findByHash(ApiKeys.hash(secret)))).hasValueSatisfying(k ->
        assertThat(k.isRevoked()).isTrue());
  }

  @Test
  void revoke_twice_keepsTheFirstTime() throws Exception {
    KeyStore store = store();
    await(store.create(key("key_a", ApiKeys.generate())));
    await(store.revoke("key_a", T0.plusSeconds(60)));

    assertThat(await(store.revoke("key_a", T0.plusSeconds(120))))
        .hasValueSatisfying(k -> assertThat(k.revokedAt()).isEqualTo(T0.plusSeconds(60)));
  }

  @Test
  void revoke_unknownKey_isEmpty() throws Exception {
    assertThat(await(store().revoke("key_none", T0))).isEmpty();
  }

  @Test
  void health_workingStore_isUp() {
    assertThat(store().health().status()).isEqualTo(Health.Status.UP);
  }
}

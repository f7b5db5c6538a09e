package dev.switchboard.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.testing.KeyStoreContract;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryKeyStoreTest extends KeyStoreContract {

  @Override
  protected KeyStore store() {
    return InMemoryKeyStore.create();
  }

  @Test
  void of_keys_findsEachByHash() throws Exception {
    InMemoryKeyStore store = InMemoryKeyStore.of(List.of(key("key_a", "sk-sb-aaaaaaaaaaaa"),
        key("key_b", "sk-sb-bbbbbbbbbbbb")));

    assertThat(await(store.findByHash(ApiKeys.hash("sk-sb-bbbbbbbbbbbb")))).hasValueSatisfying(k ->
        assertThat(k.id()).isEqualTo("key_b"));
    assertThat(store.findByHash(ApiKeys.hash("sk-sb-aaaaaaaaaaaa"))).isCompleted();
  }

  @Test
  void of_duplicateIds_throwsNamingTheId() {
    assertThatThrownBy(() -> InMemoryKeyStore.of(List.of(key("key_a", "sk-sb-aaaaaaaaaaaa"),
        key("key_a", "sk-sb-bbbbbbbbbbbb"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a key with id 'key_a' is already stored");
  }
}

package dev.switchboard.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

  @Test
  void generate_looksLikeAVirtualKeyOfUrlSafeCharacters() {
    String key = ApiKeys.generate();

    assertThat(key).startsWith("sk-sb-").hasSize(6 + 43).matches("sk-sb-[A-Za-z0-9_-]{43}");
  }

  @Test
  void generate_manyTimes_neverRepeats() {
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      keys.add(ApiKeys.generate());
    }
    assertThat(keys).hasSize(1000);
  }

  @Test
  void newId_startsWithKeyAndIsUrlSafe() {
    assertThat(ApiKeys.newId()).matches("key_[A-Za-z0-9_-]{16}");
  }

  @Test
  void hash_knownInput_isItsSha256InLowerCaseHex() {
    assertThat(ApiKeys.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void matches_rightAndWrongKeys() {
    String hash = ApiKeys.hash("sk-sb-right");

    assertThat(ApiKeys.matches("sk-sb-right", hash)).isTrue();
    assertThat(ApiKeys.matches("sk-sb-wrong", hash)).isFalse();
    assertThat(ApiKeys.matches("sk-sb-right", "not-hex")).isFalse();
    assertThat(ApiKeys.matches("sk-sb-right", "abcd")).isFalse();
  }

  @Test
  void secretsEqual_comparesContentOnly() {
    assertThat(ApiKeys.secretsEqual("master-key-1", "master-key-1")).isTrue();
    assertThat(ApiKeys.secretsEqual("master-key-1", "master-key-2")).isFalse();
    assertThat(ApiKeys.secretsEqual("short", "a-much-longer-secret")).isFalse();
  }

  @Test
  void displayPrefix_showsThePrefixAndLastFourOnly() {
    assertThat(ApiKeys.displayPrefix("sk-sb-AAAAAAAAAAAAAAAAabcd")).isEqualTo("sk-sb-…abcd");
    assertThat(ApiKeys.displayPrefix("some-other-secret-wxyz")).isEqualTo("…wxyz");
    assertThat(ApiKeys.displayPrefix("short")).isEqualTo("…");
  }

  @Test
  void hashesEqual_comparesHexDigitsInEitherCase() {
    String hash = ApiKeys.hash("sk-sb-some-key");

    assertThat(ApiKeys.hashesEqual(hash, hash.toUpperCase(java.util.Locale.ROOT))).isTrue();
    assertThat(ApiKeys.hashesEqual(hash, ApiKeys.hash("sk-sb-other-key"))).isFalse();
    assertThat(ApiKeys.hashesEqual(hash, hash.substring(1))).isFalse();
  }
}

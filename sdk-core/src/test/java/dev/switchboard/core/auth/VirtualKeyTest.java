package dev.switchboard.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.cost.Budget;
import dev.switchboard.core.cost.Money;
import dev.switchboard.core.cost.SpendPeriod;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualKeyTest {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final String HASH = ApiKeys.hash("sk-sb-secret");

  private static VirtualKey.Builder key() {
    return VirtualKey.builder("key_a", HASH, "sk-sb-…cret", T0);
  }

  @Test
  void allowsModel_emptyList_allowsEveryGroup() {
    assertThat(key().build().allowsModel("anything")).isTrue();
  }

  @Test
  void allowsModel_list_allowsOnlyThose() {
    VirtualKey k = key().models(List.of("demo")).build();

    assertThat(k.allowsModel("demo")).isTrue();
    assertThat(k.allowsModel("gpt-4o")).isFalse();
  }

  @Test
  void isActive_expiryAndRevocation() {
    VirtualKey expiring = key().expiresAt(T0.plusSeconds(60)).build();

    assertThat(expiring.isActive(T0.plusSeconds(59))).isTrue();
    assertThat(expiring.isActive(T0.plusSeconds(60))).isFalse();
    assertThat(key().revokedAt(T0).build().isActive(T0.minusSeconds(1))).isFalse();
  }

  @Test
  void build_budgetForAnotherSubject_throws() {
    Budget other = Budget.builder(Budget.Scope.KEY, SpendPeriod.DAY, Money.of("1")).subject("key_b").build();

    assertThatThrownBy(() -> key().budget(other).build()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("budget must be a KEY budget for subject 'key_a' but was Budget{key:key_b:day");
  }

  @Test
  void build_hashNotSha256Hex_throws() {
    assertThatThrownBy(() -> VirtualKey.builder("key_a", "sk-sb-secret", "sk-sb-…cret", T0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("hash must be 64 lower-case hex digits (SHA-256), see ApiKeys.hash");
  }

  @Test
  void limit_notPositive_throwsNamingIt() {
    assertThatThrownBy(() -> key().limit("requests-per-minute", 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit requests-per-minute must be positive but was 0");
  }

  @Test
  void toString_showsNeitherHashNorPrefix() {
    assertThat(key().build().toString()).doesNotContain(HASH).doesNotContain("cret");
  }

  @Test
  void toBuilder_roundTrips() {
    VirtualKey k = key().models(List.of("demo")).tier("gold").limit("tokens-per-minute", 1000).user("u").team("t")
        .expiresAt(T0.plusSeconds(5)).build();

    assertThat(k.toBuilder().build()).isEqualTo(k).hasSameHashCodeAs(k);
  }
}

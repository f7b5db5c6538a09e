package dev.switchboard.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.core.auth.VirtualKey;
import dev.switchboard.core.ratelimit.Limit;
import dev.switchboard.core.ratelimit.Limits;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyLimitsTest {

  private final KeyLimits keyLimits = new KeyLimits();

  private static VirtualKey key(String id, Map<String, Long> limits) {
    String secret = "sk-sb-" + id + "-secret-for-tests";
    return VirtualKey.builder(id, ApiKeys.hash(secret), ApiKeys.displayPrefix(secret), Instant.EPOCH).tier("gold")
        .limits(limits).build();
  }

  @Test
  void keyWithoutLimits_hasNone_andNothingIsKept() {
    assertThat(keyLimits.of(key("key_a", Map.of()))).isEmpty();
    assertThat(keyLimits.size()).isZero();
  }

  @Test
  void everyConfigurableLimit_becomesTheLimitATiersLimitOfThatNameIs() {
    Map<String, Long> all = new LinkedHashMap<>();
    all.put("requests-per-minute", 10L);
    all.put("tokens-per-minute", 20_000L);
    all.put("concurrent-requests", 3L);
    all.put("tokens-per-day", 1_000_000L);
    all.put("tokens-per-month", 9_000_000L);
    assertThat(all.keySet()).containsExactlyElementsOf(Limit.SETTING_NAMES);
    List<Limit> tier = RateLimitsHook.limits(Map.of("gold", all)).tiers().get("gold");

    List<Limit> own = keyLimits.of(key("key_a", all));

    assertThat(own).containsExactlyElementsOf(tier);
    assertThat(own.get(0)).isEqualTo(Limit.requestsPerMinute(10)
        .withBurst(Limits.DEFAULT_BURST_MULTIPLIER, Limits.DEFAULT_BURST_WINDOW));
  }

  @Test
  void keysWithEqualLimits_shareOneConversion_otherLimitsGetTheirOwn() {
    List<Limit> a = keyLimits.of(key("key_a", Map.of("requests-per-minute", 2L)));
    List<Limit> sameKeyReadAgain = keyLimits.of(key("key_a", Map.of("requests-per-minute", 2L)));
    List<Limit> b = keyLimits.of(key("key_b", Map.of("requests-per-minute", 2L)));
    List<Limit> changed = keyLimits.of(key("key_a", Map.of("requests-per-minute", 3L)));

    assertThat(sameKeyReadAgain).isSameAs(a);
    assertThat(b).isSameAs(a);
    assertThat(changed).containsExactly(Limit.requestsPerMinute(3)
        .withBurst(Limits.DEFAULT_BURST_MULTIPLIER, Limits.DEFAULT_BURST_WINDOW));
    assertThat(keyLimits.size()).isEqualTo(2);
  }

  @Test
  void limitThatCannotBeApplied_isLeftOutSoTheTiersApplies_theOthersStay() {
    Map<String, Long> stored = new LinkedHashMap<>(); // as a hand-edited keys file may hold them
    stored.put("requests-per-hour", 5L);
    stored.put("concurrent-requests", 4_294_967_297L); // would wrap to 1 as an int
    stored.put("tokens-per-minute", 500L);

    assertThat(keyLimits.of(key("key_a", stored))).containsExactly(Limit.tokensPerMinute(500));
  }

  @Test
  void distinctSets_beyondTheBound_startOver() {
    for (int i = 1; i <= KeyLimits.MAX_ENTRIES + 10; i++) {
      keyLimits.of(key("key_" + i, Map.of("requests-per-minute", (long) i)));
    }

    assertThat(keyLimits.size()).isBetween(1, KeyLimits.MAX_ENTRIES);
  }
}

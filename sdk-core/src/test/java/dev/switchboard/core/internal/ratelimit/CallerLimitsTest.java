package dev.switchboard.core.internal.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.switchboard.core.Caller;
import dev.switchboard.core.ratelimit.Limit;
import dev.switchboard.core.ratelimit.LimitCheck;
import dev.switchboard.core.ratelimit.LimitDimension;
import dev.switchboard.core.ratelimit.LimitSubject;
import dev.switchboard.core.ratelimit.Limits;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** Which limits a call is checked against when the caller brings limits of its own ({@code Caller.limits()}). */
class CallerLimitsTest {

  private static final Limit TIER_RPM = Limit.requestsPerMinute(100)
      .withBurst(Limits.DEFAULT_BURST_MULTIPLIER, Limits.DEFAULT_BURST_WINDOW);
  private static final Limit TIER_TPM = Limit.tokensPerMinute(50_000);
  private static final Limit TIER_DAILY = Limit.dailyTokens(1_000_000);
  private static final Limits GOLD = Limits.builder().tier("gold", TIER_RPM, TIER_TPM, TIER_DAILY)
      .tier(Limits.TIER_API_KEY, Limit.requestsPerMinute(10))
      .each(LimitDimension.TEAM, Limit.requestsPerMinute(500))
      .build();
  private static final LongSupplier TOKENS = () -> 42;
  private static final LimitSubject KEY = LimitSubject.of(LimitDimension.KEY, "key_a");

  private static Caller goldKey(Limit... own) {
    return Caller.builder().keyId("key_a").tier("gold").limits(List.of(own)).build();
  }

  private static List<LimitCheck> checks(Limits limits, Caller caller) {
    return new CallerLimits(limits).checks(caller, null, "g", TOKENS);
  }

  @Test
  void keyWithoutOwnLimits_isCheckedAgainstItsTierUnchanged() {
    assertThat(checks(GOLD, goldKey())).extracting(LimitCheck::subject, LimitCheck::limit)
        .containsExactly(tuple(KEY, TIER_RPM), tuple(KEY, TIER_TPM), tuple(KEY, TIER_DAILY));
  }

  @Test
  void ownLimitStricterThanTheTier_replacesTheTiersLimitOfThatName_theOthersStay() {
    Limit own = Limit.requestsPerMinute(2).withBurst(Limits.DEFAULT_BURST_MULTIPLIER, Limits.DEFAULT_BURST_WINDOW);

    List<LimitCheck> checks = checks(GOLD, goldKey(own));

    assertThat(checks).extracting(LimitCheck::subject, LimitCheck::limit)
        .containsExactlyInAnyOrder(tuple(KEY, own), tuple(KEY, TIER_TPM), tuple(KEY, TIER_DAILY));
    assertThat(checks).extracting(LimitCheck::name).doesNotHaveDuplicates();
  }

  @Test
  void ownLimitLooserThanTheTier_replacesItToo() {
    Limit own = Limit.tokensPerMinute(2_000_000);

    assertThat(checks(GOLD, goldKey(own))).extracting(LimitCheck::subject, LimitCheck::limit)
        .containsExactlyInAnyOrder(tuple(KEY, TIER_RPM), tuple(KEY, own), tuple(KEY, TIER_DAILY));
  }

  @Test
  void ownLimitsOfEveryNameTheTierHas_replaceTheWholeTier() {
    Limit rpm = Limit.requestsPerMinute(5);
    Limit tpm = Limit.tokensPerMinute(100);
    Limit daily = Limit.dailyTokens(1000);

    assertThat(checks(GOLD, goldKey(daily, rpm, tpm))).extracting(LimitCheck::limit)
        .containsExactlyInAnyOrder(rpm, tpm, daily);
  }

  @Test
  void ownLimitOfANameTheTierLacks_isAddedToTheTiers() {
    Limit concurrency = Limit.concurrentRequests(3);

    assertThat(checks(GOLD, goldKey(concurrency))).extracting(LimitCheck::limit)
        .containsExactlyInAnyOrder(TIER_RPM, TIER_TPM, TIER_DAILY, concurrency);
  }

  @Test
  void ownLimit_replacesByName_aRequestsLimitOfAnotherWindowIsAnotherLimit() {
    Limit perSecond = Limit.requests(1, java.time.Duration.ofSeconds(1)); // requests-per-second

    assertThat(checks(GOLD, goldKey(perSecond))).extracting(LimitCheck::limit)
        .containsExactlyInAnyOrder(TIER_RPM, TIER_TPM, TIER_DAILY, perSecond);
  }

  @Test
  void ownLimit_ofAKeyInTheImplicitTier_replacesThatTiersLimit() {
    Caller key = Caller.builder().keyId("key_a").limits(List.of(Limit.requestsPerMinute(3))).build();

    assertThat(checks(GOLD, key)).extracting(LimitCheck::subject, LimitCheck::limit)
        .containsExactly(tuple(KEY, Limit.requestsPerMinute(3)));
  }

  @Test
  void ownLimit_replacesTheLimitsOfAnOverrideForTheKey() {
    Limits limits = GOLD.toBuilder().override(LimitDimension.KEY, "key_a", Limit.requestsPerMinute(300),
        Limit.concurrentRequests(8)).build();

    assertThat(checks(limits, goldKey(Limit.concurrentRequests(1)))).extracting(LimitCheck::limit)
        .containsExactlyInAnyOrder(Limit.requestsPerMinute(300), Limit.concurrentRequests(1));
  }

  @Test
  void ownLimit_replacesAnEachLimitOfThePrincipalsDimensionOfThatName() {
    Limits limits = Limits.builder().each(LimitDimension.KEY, Limit.requestsPerMinute(60).named("key-rpm"),
        Limit.concurrentRequests(4)).build();
    Limit own = Limit.requestsPerMinute(6).named("key-rpm");

    assertThat(checks(limits, Caller.builder().keyId("key_a").limits(List.of(own)).build()))
        .extracting(LimitCheck::limit).containsExactlyInAnyOrder(own, Limit.concurrentRequests(4));
  }

  @Test
  void ownLimits_countAgainstThePrincipalOnly_otherDimensionsKeepTheirs() {
    Caller caller = goldKey(Limit.requestsPerMinute(500)).toBuilder().team("research").build();

    assertThat(checks(GOLD, caller)).extracting(LimitCheck::name, c -> c.limit().amount())
        .containsExactlyInAnyOrder(tuple("key:requests-per-minute", 500L), tuple("key:tokens-per-minute", 50_000L),
            tuple("key:daily-tokens", 1_000_000L), tuple("team:requests-per-minute", 500L));
  }

  @Test
  void ownLimits_ofACallerWithoutAKey_countAgainstItsUser() {
    Caller user = Caller.builder().user("alice").limits(List.of(Limit.requestsPerMinute(4))).build();

    assertThat(checks(Limits.ofDefaults(), user)).extracting(LimitCheck::subject, LimitCheck::limit)
        .containsExactly(tuple(LimitSubject.of(LimitDimension.USER, "alice"), Limit.requestsPerMinute(4)));
  }

  @Test
  void ownLimits_applyWithoutAnyConfiguredLimit() {
    CallerLimits none = new CallerLimits(Limits.none());
    Caller plain = Caller.builder().keyId("key_a").build();
    Caller limited = Caller.builder().keyId("key_a").limits(List.of(Limit.requestsPerMinute(2))).build();

    assertThat(none.mayLimit(plain)).isFalse();
    assertThat(none.mayLimit(limited)).isTrue();
    assertThat(none.checks(limited, null, "g", TOKENS)).extracting(LimitCheck::subject, LimitCheck::limit)
        .containsExactly(tuple(KEY, Limit.requestsPerMinute(2)));
    assertThat(new CallerLimits(GOLD).mayLimit(plain)).isTrue();
  }

  @Test
  void ownTokenLimit_reservesTheEstimate_ownRequestLimitsNeverRunTheEstimator() {
    AtomicInteger estimated = new AtomicInteger();
    LongSupplier tokens = () -> {
      estimated.incrementAndGet();
      return 42;
    };
    CallerLimits none = new CallerLimits(Limits.none());

    List<LimitCheck> requests = none.checks(goldKey(Limit.requestsPerMinute(2)), null, "g", tokens);
    assertThat(estimated).hasValue(0);
    assertThat(requests).extracting(LimitCheck::amount).containsExactly(1L);

    List<LimitCheck> withTokens = none.checks(goldKey(Limit.requestsPerMinute(2), Limit.tokensPerMinute(1000)), null,
        "g", tokens);
    assertThat(estimated).hasValue(1);
    assertThat(withTokens).extracting(LimitCheck::amount).containsExactly(1L, 42L);
  }
}

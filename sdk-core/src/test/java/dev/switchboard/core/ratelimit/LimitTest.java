package dev.switchboard.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LimitTest {

  @Test
  void names_followKindAndWindow() {
    assertThat(Limit.requestsPerMinute(5).name()).isEqualTo("requests-per-minute");
    assertThat(Limit.requests(5, Duration.ofSeconds(1)).name()).isEqualTo("requests-per-second");
    assertThat(Limit.requests(5, Duration.ofHours(1)).name()).isEqualTo("requests-per-hour");
    assertThat(Limit.requests(5, Duration.ofDays(1)).name()).isEqualTo("requests-per-day");
    assertThat(Limit.requests(5, Duration.ofSeconds(30)).name()).isEqualTo("requests-per-30s");
    assertThat(Limit.requests(5, Duration.ofMinutes(5)).name()).isEqualTo("requests-per-5m");
    assertThat(Limit.requests(5, Duration.ofMillis(1500)).name()).isEqualTo("requests-per-1500ms");
    assertThat(Limit.tokensPerMinute(5).name()).isEqualTo("tokens-per-minute");
    assertThat(Limit.concurrentRequests(5).name()).isEqualTo("concurrent-requests");
    assertThat(Limit.dailyTokens(5).name()).isEqualTo("daily-tokens");
    assertThat(Limit.monthlyTokens(5).name()).isEqualTo("monthly-tokens");
    assertThat(Limit.requestsPerMinute(5).named("chat-rpm").name()).isEqualTo("chat-rpm");
  }

  @Test
  void withBurst_theIssueDefaults_capTheTenSecondsAtTwiceTheRate() {
    assertThat(Limit.requestsPerMinute(5).withBurst(2, Duration.ofSeconds(10)).burstCapacity()).isEqualTo(2);
    assertThat(Limit.requestsPerMinute(20).withBurst(2, Duration.ofSeconds(10)).burstCapacity()).isEqualTo(7);
    assertThat(Limit.requestsPerMinute(100).withBurst(2, Duration.ofSeconds(10)).burstCapacity()).isEqualTo(34);
    assertThat(Limit.requestsPerMinute(60).withBurst(2, Duration.ofSeconds(10)).burstCapacity()).isEqualTo(20);
    assertThat(Limit.requestsPerMinute(1).withBurst(2, Duration.ofSeconds(10)).burstCapacity()).isEqualTo(1);
  }

  @Test
  void withBurst_onLimitsWithoutRate_orBadArguments_failsNamingTheProblem() {
    assertThatThrownBy(() -> Limit.concurrentRequests(2).withBurst(2, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("withBurst applies to requests and tokens limits, not to CONCURRENT_REQUESTS");
    assertThatThrownBy(() -> Limit.requestsPerMinute(2).withBurst(0.5, Duration.ofSeconds(1)))
        .hasMessage("burst multiplier must be a finite number >= 1 but was 0.5");
    assertThatThrownBy(() -> Limit.requestsPerMinute(2).withBurst(2, Duration.ofMinutes(1)))
        .hasMessage("burst window must be shorter than the limit's window PT1M but was PT1M");
  }

  @Test
  void validation_namesTheOptionAndValue() {
    assertThatThrownBy(() -> Limit.requestsPerMinute(0)).hasMessage("requests must be >= 1 but was 0");
    assertThatThrownBy(() -> Limit.tokens(10, Duration.ofNanos(10)))
        .hasMessage("window must be a whole number of milliseconds >= 1 ms but was PT0.00000001S");
    assertThatThrownBy(() -> Limit.tokensPerMinute(60_000_000_001L))
        .hasMessage("tokens must refill at most one per nanosecond, so at most 60000000000 per PT1M, but was 60000000001");
    assertThatThrownBy(() -> Limit.requestsPerMinute(1).named("Bad Name"))
        .hasMessage("limit name must be 1 to 64 lower-case letters, digits and dashes but was 'Bad Name'");
  }

  @Test
  void scaled_keepsNameAndRoundsDownToAtLeastOne() {
    Limit limit = Limit.requestsPerMinute(100).withBurst(2, Duration.ofSeconds(10));

    Limit half = limit.scaled(0.5);

    assertThat(half.amount()).isEqualTo(50);
    assertThat(half.burstCapacity()).isEqualTo(17);
    assertThat(half.name()).isEqualTo("requests-per-minute");
    assertThat(Limit.requestsPerMinute(3).scaled(0.1).amount()).isEqualTo(1);
  }

  @Test
  void valueEquality() {
    assertThat(Limit.requestsPerMinute(5)).isEqualTo(Limit.requests(5, Duration.ofSeconds(60)))
        .hasSameHashCodeAs(Limit.requests(5, Duration.ofSeconds(60)));
    assertThat(Limit.requestsPerMinute(5)).isNotEqualTo(Limit.tokensPerMinute(5));
    assertThat(Limit.requestsPerMinute(100).withBurst(2, Duration.ofSeconds(10)))
        .hasToString("requests-per-minute=100/PT1M burst 34/PT10S");
  }

  @Test
  void dimensions_haveStableLabels() {
    assertThat(LimitDimension.values()).extracting(LimitDimension::label)
        .containsExactly("key", "user", "team", "ip", "model", "deployment");
    assertThat(LimitDimension.ofLabel("ip")).isEqualTo(LimitDimension.CLIENT_IP);
    assertThatThrownBy(() -> LimitDimension.ofLabel("org"))
        .hasMessage("unknown limit dimension 'org'; expected one of key, user, team, ip, model, deployment");
  }

  @Test
  void failurePolicy_validatesTheShare() {
    assertThat(LimiterFailurePolicy.failOpen(0.25).localShare()).isEqualTo(0.25);
    assertThat(LimiterFailurePolicy.failClosed().isFailOpen()).isFalse();
    assertThatThrownBy(() -> LimiterFailurePolicy.failOpen(0)).hasMessage("localShare must be in (0, 1] but was 0.0");
  }

  @Test
  void limits_defaults_areTheIssuesTiers() {
    Map<String, java.util.List<Limit>> tiers = Limits.ofDefaults().tiers();

    assertThat(tiers.keySet()).containsExactly("anonymous", "authenticated", "api-key");
    assertThat(tiers.get("anonymous")).containsExactly(Limit.requestsPerMinute(5).withBurstCapacity(2, Duration.ofSeconds(10)));
    assertThat(tiers.get("authenticated")).containsExactly(Limit.requestsPerMinute(20).withBurstCapacity(7, Duration.ofSeconds(10)));
    assertThat(tiers.get("api-key")).containsExactly(Limit.requestsPerMinute(100).withBurstCapacity(34, Duration.ofSeconds(10)));
    assertThat(Limits.none().isEmpty()).isTrue();
  }

  @Test
  void limits_builderRefusesConflictsAtOnce() {
    assertThatThrownBy(() -> Limits.builder().each(LimitDimension.DEPLOYMENT, Limit.requestsPerMinute(1)))
        .hasMessage("deployment limits are configured on the deployment (Deployment.Builder.limit)");
    assertThatThrownBy(() -> Limits.builder().tier("gold", Limit.requestsPerMinute(1), Limit.requestsPerMinute(2)))
        .hasMessage("tier 'gold' has two limits named 'requests-per-minute'");
    assertThatThrownBy(() -> Limits.builder().tier("gold", Limit.requestsPerMinute(1))
        .each(LimitDimension.USER, Limit.requestsPerMinute(5)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("limit 'requests-per-minute' is configured for tier 'gold' and for each user; "
            + "name one of them differently (Limit.named)");
  }

  @Test
  void limits_toStringCountsOverridesWithoutNamingThem() {
    Limits limits = Limits.builder().override(LimitDimension.KEY, "key_secretish", Limit.requestsPerMinute(1)).build();

    assertThat(limits.toString()).doesNotContain("key_secretish").contains("key overrides=1");
    assertThat(limits.toBuilder().build()).isEqualTo(limits);
  }

  @Test
  void ofSetting_eachName_isTheLimitOfThatName_requestRatesWithTheShippedBurstRule() {
    assertThat(Limit.SETTING_NAMES).containsExactly("requests-per-minute", "tokens-per-minute",
        "concurrent-requests", "tokens-per-day", "tokens-per-month");
    assertThat(Limit.ofSetting("requests-per-minute", 10))
        .isEqualTo(Limit.requestsPerMinute(10).withBurst(Limits.DEFAULT_BURST_MULTIPLIER, Limits.DEFAULT_BURST_WINDOW));
    assertThat(Limit.ofSetting("tokens-per-minute", 1000)).isEqualTo(Limit.tokensPerMinute(1000));
    assertThat(Limit.ofSetting("concurrent-requests", 4)).isEqualTo(Limit.concurrentRequests(4));
    assertThat(Limit.ofSetting("tokens-per-day", 5)).isEqualTo(Limit.dailyTokens(5));
    assertThat(Limit.ofSetting("tokens-per-month", 6)).isEqualTo(Limit.monthlyTokens(6));
  }

  @Test
  void ofSetting_unknownNameOrUncountableAmount_isRefusedNamingIt() {
    assertThatThrownBy(() -> Limit.ofSetting("requests-per-hour", 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown limit 'requests-per-hour'; expected one of requests-per-minute, tokens-per-minute, "
            + "concurrent-requests, tokens-per-day, tokens-per-month");
    assertThatThrownBy(() -> Limit.ofSetting("concurrent-requests", Integer.MAX_VALUE + 1L))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("concurrent-requests must be from 1 to");
    assertThatThrownBy(() -> Limit.ofSetting("tokens-per-day", 0)).isInstanceOf(IllegalArgumentException.class);
  }
}

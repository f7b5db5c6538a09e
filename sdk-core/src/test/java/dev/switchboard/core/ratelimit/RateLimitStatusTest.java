package dev.switchboard.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimitStatusTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private static LimitState state(LimitSubject subject, Limit limit, long remaining, Duration reset) {
    return LimitState.builder(new LimitCheck(subject, limit, 1), NOW).remaining(remaining).reset(reset).build();
  }

  @Test
  void openAiHeaders_reportTheTightestRequestsAndTokensLimits() {
    LimitSubject key = LimitSubject.of(LimitDimension.KEY, "k");
    LimitSubject ip = LimitSubject.of(LimitDimension.CLIENT_IP, "1.2.3.4");
    RateLimitStatus status = RateLimitStatus.of(LimitDecision.admitted(List.of(
        state(key, Limit.requestsPerMinute(100), 99, Duration.ofMillis(600)),
        state(ip, Limit.requestsPerMinute(60), 12, Duration.ofSeconds(48)),
        state(key, Limit.tokensPerMinute(150_000), 149_000, Duration.ofMillis(400)),
        state(key, Limit.dailyTokens(1_000_000), 5, Duration.ofHours(3)),
        state(key, Limit.concurrentRequests(4), 3, Duration.ZERO))));

    assertThat(status.requests().name()).isEqualTo("ip:requests-per-minute");
    assertThat(status.tokens().name()).isEqualTo("key:tokens-per-minute");
    assertThat(status.openAiHeaders()).containsExactly(
        java.util.Map.entry("x-ratelimit-limit-requests", "60"),
        java.util.Map.entry("x-ratelimit-remaining-requests", "12"),
        java.util.Map.entry("x-ratelimit-reset-requests", "48s"),
        java.util.Map.entry("x-ratelimit-limit-tokens", "150000"),
        java.util.Map.entry("x-ratelimit-remaining-tokens", "149000"),
        java.util.Map.entry("x-ratelimit-reset-tokens", "400ms"));
  }

  @Test
  void openAiHeaders_withoutTokenLimits_leaveTokenHeadersOut() {
    RateLimitStatus status = RateLimitStatus.of(LimitDecision.admitted(List.of(
        state(LimitSubject.of(LimitDimension.USER, "u"), Limit.requestsPerMinute(20), 19, Duration.ofSeconds(3)))));

    assertThat(status.tokens()).isNull();
    assertThat(status.openAiHeaders()).containsOnlyKeys("x-ratelimit-limit-requests",
        "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests");
  }

  @Test
  void goDuration_matchesOpenAisFormat() {
    assertThat(RateLimitStatus.goDuration(Duration.ZERO)).isEqualTo("0s");
    assertThat(RateLimitStatus.goDuration(Duration.ofMillis(20))).isEqualTo("20ms");
    assertThat(RateLimitStatus.goDuration(Duration.ofSeconds(1))).isEqualTo("1s");
    assertThat(RateLimitStatus.goDuration(Duration.ofMillis(1500))).isEqualTo("1.5s");
    assertThat(RateLimitStatus.goDuration(Duration.ofMillis(1250))).isEqualTo("1.25s");
    assertThat(RateLimitStatus.goDuration(Duration.ofMinutes(6))).isEqualTo("6m0s");
    assertThat(RateLimitStatus.goDuration(Duration.ofSeconds(3723).plusMillis(500))).isEqualTo("1h2m3.5s");
    assertThat(RateLimitStatus.goDuration(Duration.ofHours(2))).isEqualTo("2h0m0s");
    assertThat(RateLimitStatus.goDuration(Duration.ofMillis(59_007))).isEqualTo("59.007s");
    assertThat(RateLimitStatus.goDuration(Duration.ofMillis(1_070))).isEqualTo("1.07s");
    assertThat(RateLimitStatus.goDuration(Duration.ofMillis(61_999))).isEqualTo("1m1.999s");
  }
}

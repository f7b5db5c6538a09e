package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.ratelimit.Limit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallerTest {

  @Test
  void limits_areKeptInOrder_copied_andPartOfTheValue() {
    List<Limit> given = new ArrayList<>(List.of(Limit.requestsPerMinute(2), Limit.tokensPerMinute(1000)));
    Caller caller = Caller.builder().keyId("key_a").limits(given).build();
    given.clear();

    assertThat(caller.limits()).containsExactly(Limit.requestsPerMinute(2), Limit.tokensPerMinute(1000));
    assertThat(caller.toBuilder().build()).isEqualTo(caller).hasSameHashCodeAs(caller);
    assertThat(caller).isNotEqualTo(Caller.builder().keyId("key_a").build());
    assertThat(caller.toString()).contains("limits=[requests-per-minute=2/PT1M, tokens-per-minute=1000/PT1M]");
    assertThat(caller.isAnonymous()).isFalse();
    assertThat(Caller.builder().limits(List.of(Limit.concurrentRequests(1))).build().isAnonymous()).isFalse();
  }

  @Test
  void limits_default_isEmpty() {
    assertThat(Caller.anonymous().limits()).isEmpty();
    assertThat(Caller.anonymous().isAnonymous()).isTrue();
    assertThat(Caller.builder().keyId("k").build().toString()).doesNotContain("limits");
  }

  @Test
  void limits_twoOfOneName_isRefusedNamingIt() {
    assertThatThrownBy(() -> Caller.builder().limits(List.of(Limit.requestsPerMinute(2), Limit.concurrentRequests(1),
        Limit.requestsPerMinute(5))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("caller limits name 'requests-per-minute' twice");
  }

  @Test
  void limits_nullListOrElement_isRefused() {
    assertThatThrownBy(() -> Caller.builder().limits(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("limits");
    assertThatThrownBy(() -> Caller.builder().limits(Arrays.asList(Limit.requestsPerMinute(2), null)))
        .isInstanceOf(NullPointerException.class);
  }
}

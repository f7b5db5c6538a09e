package dev.switchboard.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.cache.CacheControl;
import dev.switchboard.core.error.InvalidRequestException;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.Message;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheControlsTest {

  private static ChatRequest withCache(Object cache) {
    ChatRequest.Builder b = ChatRequest.builder().model("demo").addMessage(Message.user("hi"));
    return cache == null ? b.build() : b.extraParameter("cache", cache).build();
  }

  @Test
  void read_nothingAsked_defaults() {
    assertThat(CacheControls.read(withCache(null), null, null, "r")).isEqualTo(CacheControl.defaults());
  }

  @Test
  void read_bodyFieldWithAllOptions_mapsThem() {
    CacheControl c = CacheControls.read(withCache(Map.of("no-cache", true, "no-store", true, "ttl", 600)), null, null, "r");

    assertThat(c.noCache()).isTrue();
    assertThat(c.noStore()).isTrue();
    assertThat(c.ttl()).isEqualTo(Duration.ofSeconds(600));
  }

  @Test
  void read_headerDirectives_mapThemAndAgreeingTtlIsAccepted() {
    CacheControl c = CacheControls.read(withCache(Map.of("ttl", 60)), "no-store, TTL=60", "max-age=0, no-cache", "r");

    assertThat(c.noCache()).isTrue();
    assertThat(c.noStore()).isTrue();
    assertThat(c.ttl()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void read_disagreeingOrInvalidTtl_failsNamingTheSource() {
    assertThatThrownBy(() -> CacheControls.read(withCache(Map.of("ttl", 60)), "ttl=30", null, "r"))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo("x-switchboard-cache"));
    assertThatThrownBy(() -> CacheControls.read(withCache(Map.of("ttl", 0)), null, null, "r"))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo("cache.ttl"));
    assertThatThrownBy(() -> CacheControls.read(withCache(Map.of("no-cache", "yes")), null, null, "r"))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo("cache.no-cache"));
    assertThatThrownBy(() -> CacheControls.read(withCache("off"), null, null, "r"))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo("cache"));
  }

  @Test
  void stripped_removesSwitchboardsFieldSoItNeverGoesUpstream() {
    ChatRequest request = withCache(Map.of("no-cache", true)).toBuilder().extraParameter("logit_bias", Map.of()).build();

    ChatRequest upstream = CacheControls.stripped(request);

    assertThat(upstream.extraParameters()).containsOnlyKeys("logit_bias");
  }
}

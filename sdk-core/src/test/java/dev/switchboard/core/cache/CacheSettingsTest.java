package dev.switchboard.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.RequestOptions;
import dev.switchboard.core.routing.ModelGroup;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CacheSettingsTest {

  @Test
  void ofDefaults_hasTheDocumentedDefaults() {
    CacheSettings s = CacheSettings.ofDefaults();

    assertThat(s.mode()).isEqualTo(CacheMode.DETERMINISTIC_ONLY).isEqualTo(CacheSettings.DEFAULT_MODE);
    assertThat(s.ttl()).isEqualTo(Duration.ofHours(1));
    assertThat(s.l1MaxEntries()).isEqualTo(10_000);
    assertThat(s.l1MaxBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(s.l2ReadTimeout()).isEqualTo(Duration.ofMillis(200));
    assertThat(CacheSettings.off().mode()).isEqualTo(CacheMode.OFF);
  }

  @Test
  void builder_invalidValues_areRejectedNamingTheOption() {
    assertThatThrownBy(() -> CacheSettings.builder().ttl(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl must be positive but was PT0S");
    assertThatThrownBy(() -> CacheSettings.builder().l1MaxEntries(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("l1MaxEntries must be >= 0 but was -1");
    assertThatThrownBy(() -> CacheSettings.builder().l1MaxBytes(-5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("l1MaxBytes must be >= 0 but was -5");
    assertThatThrownBy(() -> CacheSettings.builder().l2ReadTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("l2ReadTimeout must be positive but was PT-0.001S");
    assertThatThrownBy(() -> CacheSettings.builder().mode(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("mode");
    assertThatThrownBy(() -> CacheControl.builder().ttl(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("ttl must be positive but was PT-1S");
  }

  @Test
  void toBuilder_copiesEverySetting_andValuesCompareByValue() {
    CacheSettings s = CacheSettings.builder().mode(CacheMode.ALL).ttl(Duration.ofMinutes(5)).l1MaxEntries(7)
        .l1MaxBytes(1000).l2ReadTimeout(Duration.ofMillis(20)).build();

    assertThat(s.toBuilder().build()).isEqualTo(s).hasSameHashCodeAs(s);
    assertThat(s.toBuilder().ttl(Duration.ofMinutes(6)).build()).isNotEqualTo(s);
    CacheControl c = CacheControl.builder().noCache(true).noStore(true).ttl(Duration.ofSeconds(9)).build();
    assertThat(c.toBuilder().build()).isEqualTo(c);
    assertThat(CacheControl.defaults().noCache()).isFalse();
    assertThat(CacheControl.defaults().noStore()).isFalse();
    assertThat(CacheControl.defaults().ttl()).isNull();
  }

  @Test
  void requestOptionsAndModelGroup_carryTheirCacheValues() {
    CacheControl control = CacheControl.builder().noStore(true).build();
    RequestOptions options = RequestOptions.builder().cacheControl(control).build();
    ModelGroup group = ModelGroup.builder("g").deployment("a", "m").cache(CacheSettings.off()).build();

    assertThat(RequestOptions.defaults().cacheControl()).isEqualTo(CacheControl.defaults());
    assertThat(options.cacheControl()).isEqualTo(control);
    assertThat(options.toBuilder().build()).isEqualTo(options);
    assertThat(options).isNotEqualTo(RequestOptions.defaults());
    assertThat(group.cache()).isEqualTo(CacheSettings.off());
    assertThat(group.toBuilder().build()).isEqualTo(group);
    assertThat(group).isNotEqualTo(group.toBuilder().cache(null).build());
  }
}

package dev.switchboard.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonValuesTest {

  @Test
  void copyOf_nestedMutableValues_isDeepAndUnaffectedByLaterChanges() {
    List<Object> list = new ArrayList<>(List.of("a"));
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("list", list);
    Map<String, Object> outer = new LinkedHashMap<>();
    outer.put("inner", inner);

    Map<String, Object> copy = JsonValues.copyOf(outer);
    list.add("b");
    inner.put("x", 1);

    assertThat(copy).isEqualTo(Map.of("inner", Map.of("list", List.of("a"))));
  }

  @Test
  void copyOf_result_isDeeplyUnmodifiable() {
    Map<String, Object> copy = JsonValues.copyOf(Map.of("a", List.of(1), "m", Map.of("k", "v")));

    assertThatThrownBy(() -> copy.put("b", 1)).isInstanceOf(UnsupportedOperationException.class);
    @SuppressWarnings("unchecked")
    List<Object> list = (List<Object>) copy.get("a");
    assertThatThrownBy(() -> list.add(2)).isInstanceOf(UnsupportedOperationException.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) copy.get("m");
    assertThatThrownBy(() -> m.remove("k")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> copy.entrySet().iterator().next().setValue("x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void copyOf_keepsInsertionOrderAndNullValues() {
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("z", 1);
    source.put("a", null);
    source.put("m", Arrays.asList(null, "x"));

    Map<String, Object> copy = JsonValues.copyOf(source);

    assertThat(copy.keySet()).containsExactly("z", "a", "m");
    assertThat(copy).containsEntry("a", null);
    assertThat((List<Object>) copy.get("m")).containsExactly(null, "x");
  }

  @Test
  void copyOf_numbers_areNormalisedToLongAndDouble() {
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("int", 5);
    source.put("short", (short) 2);
    source.put("float", 0.1f);
    source.put("big", new BigInteger("123456789012345678901234567890"));
    source.put("dec", new BigDecimal("1e400"));

    Map<String, Object> copy = JsonValues.copyOf(source);

    assertThat(copy.get("int")).isEqualTo(5L);
    assertThat(copy.get("short")).isEqualTo(2L);
    assertThat(copy.get("float")).isEqualTo(0.1d);
    assertThat(copy.get("big")).isEqualTo(new BigInteger("123456789012345678901234567890"));
    assertThat(copy.get("dec")).isEqualTo(new BigDecimal("1e400"));
    assertThat(JsonValues.copyOf(Map.of("n", 5))).isEqualTo(JsonValues.copyOf(Map.of("n", 5L)));
  }

  @Test
  void copyOf_unsupportedType_throwsNamingTypeAndPath() {
    Map<String, Object> source = Map.of("a", List.of(Map.of("when", Instant.EPOCH)));

    assertThatThrownBy(() -> JsonValues.copyOf(source))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.time.Instant")
        .hasMessageContaining("$.a[0].when");
  }

  @Test
  void copyOf_nonFiniteDouble_throws() {
    assertThatThrownBy(() -> JsonValues.copyOf(Map.of("t", Double.NaN)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("$.t");
  }

  @Test
  void copyOf_nullKeyOrMap_throwsNpe() {
    Map<String, Object> source = new HashMap<>();
    source.put(null, 1);
    assertThatThrownBy(() -> JsonValues.copyOf(source)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> JsonValues.copyOf(null)).isInstanceOf(NullPointerException.class).hasMessage("map");
  }

  @Test
  void copyOf_alreadyCopied_returnsSameInstance() {
    Map<String, Object> copy = JsonValues.copyOf(Map.of("a", 1));

    assertThat(JsonValues.copyOf(copy)).isSameAs(copy);
  }

  @Test
  void copyValue_scalarsAndNull_areReturned() {
    assertThat(JsonValues.copyValue(null)).isNull();
    assertThat(JsonValues.copyValue("s")).isEqualTo("s");
    assertThat(JsonValues.copyValue(true)).isEqualTo(true);
    assertThat(JsonValues.copyValue(3)).isEqualTo(3L);
  }
}

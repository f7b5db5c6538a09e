package dev.switchboard.core.internal.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CacheCodecTest {

  private static byte[] json(int size) {
    StringBuilder sb = new StringBuilder("{\"text\":\"");
    while (sb.length() < size - 2) {
      sb.append("the quick brown fox ");
    }
    sb.setLength(size - 2);
    return sb.append("\"}").toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void encode_smallJson_storesItPlainWithTagAndExpiry() {
    byte[] json = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);

    byte[] value = CacheCodec.encode(json, 1_234_567L);

    assertThat(value[0]).isEqualTo(CacheCodec.TAG_JSON);
    assertThat(value).hasSize(9 + json.length);
    CacheCodec.Decoded decoded = CacheCodec.decode(value);
    assertThat(decoded.json).isEqualTo(json);
    assertThat(decoded.expiresAtMillis).isEqualTo(1_234_567L);
  }

  @Test
  void encode_largeJson_deflatesAndRoundTrips() {
    byte[] json = json(20_000);

    byte[] value = CacheCodec.encode(json, Long.MAX_VALUE - 1);

    assertThat(value[0]).isEqualTo(CacheCodec.TAG_DEFLATE);
    assertThat(value.length).isLessThan(json.length / 4);
    CacheCodec.Decoded decoded = CacheCodec.decode(value);
    assertThat(decoded.json).isEqualTo(json);
    assertThat(decoded.expiresAtMillis).isEqualTo(Long.MAX_VALUE - 1);
  }

  @Test
  void decode_unknownFormatTag_isRejected() {
    byte[] value = CacheCodec.encode("{}".getBytes(StandardCharsets.UTF_8), 1);
    value[0] = 9;

    assertThatThrownBy(() -> CacheCodec.decode(value)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cached value has unknown format tag 9");
  }

  @Test
  void decode_truncatedOrCorruptValue_isRejected() {
    byte[] value = CacheCodec.encode(json(5_000), 1);
    byte[] truncated = java.util.Arrays.copyOf(value, value.length / 2);
    byte[] corrupt = value.clone();
    for (int i = 13; i < corrupt.length; i++) {
      corrupt[i] = (byte) 0xff;
    }

    assertThatThrownBy(() -> CacheCodec.decode(new byte[3])).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cached value too short: 3 bytes");
    assertThatThrownBy(() -> CacheCodec.decode(truncated)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CacheCodec.decode(corrupt)).isInstanceOf(IllegalArgumentException.class);
  }
}

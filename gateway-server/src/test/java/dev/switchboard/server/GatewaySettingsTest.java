package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewaySettingsTest {

  @Test
  void fromEnvironment_noPort_usesTheDefaults() {
    GatewaySettings settings = GatewaySettings.fromEnvironment(Map.of("OPENAI_API_KEY", "sk-secret"));

    assertThat(settings.port()).isEqualTo(GatewaySettings.DEFAULT_PORT);
    assertThat(settings.maxBodyBytes()).isEqualTo(1024 * 1024);
    assertThat(settings.shutdownTimeout()).isEqualTo(GatewaySettings.DEFAULT_SHUTDOWN_TIMEOUT);
    assertThat(settings.environment()).containsEntry("OPENAI_API_KEY", "sk-secret");
    assertThat(settings.toString()).doesNotContain("sk-secret");
  }

  @Test
  void fromEnvironment_configVariable_namesTheFile_portStaysUnset() {
    GatewaySettings settings = GatewaySettings.fromEnvironment(Map.of("SWITCHBOARD_CONFIG", " /etc/sb/gateway.yaml "));

    assertThat(settings.configFile()).isEqualTo(java.nio.file.Path.of("/etc/sb/gateway.yaml"));
    assertThat(settings.isPortSet()).isFalse();
    assertThat(GatewaySettings.fromEnvironment(Map.of("PORT", "9090")).isPortSet()).isTrue();
  }

  @Test
  void fromEnvironment_port_isUsed() {
    assertThat(GatewaySettings.fromEnvironment(Map.of("PORT", " 9090 ")).port()).isEqualTo(9090);
  }

  @Test
  void fromEnvironment_portNotANumber_failsNamingPort() {
    assertThatThrownBy(() -> GatewaySettings.fromEnvironment(Map.of("PORT", "http")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("PORT must be a number from 0 to 65535 but was 'http'");
  }

  @Test
  void fromEnvironment_portOutOfRange_failsNamingPort() {
    assertThatThrownBy(() -> GatewaySettings.fromEnvironment(Map.of("PORT", "70000")))
        .hasMessage("PORT must be a number from 0 to 65535 but was '70000'");
  }

  @Test
  void builder_invalidValues_failNamingTheOption() {
    assertThatThrownBy(() -> GatewaySettings.builder().port(-1))
        .hasMessage("port must be from 0 to 65535 but was -1");
    assertThatThrownBy(() -> GatewaySettings.builder().maxBodyBytes(0))
        .hasMessage("maxBodyBytes must be positive but was 0");
    assertThatThrownBy(() -> GatewaySettings.builder().shutdownTimeout(Duration.ofSeconds(-1)))
        .hasMessage("shutdownTimeout must not be negative but was PT-1S");
  }

  @Test
  void toBuilder_build_equalsTheOriginal() {
    GatewaySettings settings = GatewaySettings.builder().port(0).maxBodyBytes(10)
        .shutdownTimeout(Duration.ZERO).environment(Map.of("A", "b")).build();

    assertThat(settings.toBuilder().build()).isEqualTo(settings).hasSameHashCodeAs(settings);
  }
}

package dev.switchboard.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.switchboard.server.VertxHttpTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The configuration files shipped for compose and Kubernetes load with the gateway's own, strict loader. */
class ShippedConfigsTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Map<String, String> ENV = Map.of(
      "SWITCHBOARD_MASTER_KEY", "master-key-for-tests-0123456789",
      "OPENAI_API_KEY", "sk-test", "ANTHROPIC_API_KEY", "sk-ant-test", "GEMINI_API_KEY", "g-test",
      "REDIS_URL", "redis://127.0.0.1:6379", "REDIS_URI", "redis://127.0.0.1:6379");

  @Test
  void composeConfig_loadsWithTheGatewaysLoader() {
    Path file = ROOT.resolve("examples/config/redis-multi-instance.yaml");

    assertThatCode(() -> ConfigFile.load(file, ENV)).doesNotThrowAnyException();
    assertThat(ConfigFile.load(file, ENV).keyCache()).as("the defaults, spelt out").isEqualTo(
        GatewayConfig.KeyCache.DEFAULT);
  }

  @Test
  void composeConfig_upstreamSection_showsTheTransportsDefaultsAsItSays() {
    GatewayConfig config = ConfigFile.load(ROOT.resolve("examples/config/redis-multi-instance.yaml"), ENV);

    assertThat(config.upstreamMaxResponseBodyBytes()).isEqualTo(VertxHttpTransport.DEFAULT_MAX_RESPONSE_BODY_BYTES);
    assertThat(config.upstreamMaxConnectionsPerHost()).isEqualTo(VertxHttpTransport.DEFAULT_MAX_CONNECTIONS_PER_HOST);
  }

  @Test
  void composeConfig_trustedProxies_showTheDefaultsAsTheySay() {
    GatewayConfig config = ConfigFile.load(ROOT.resolve("examples/config/redis-multi-instance.yaml"), ENV);

    assertThat(config.trustedProxies().isEmpty()).isTrue();
    assertThat(config.trustedProxies().header()).isEqualTo(TrustedProxies.Header.X_FORWARDED_FOR);
  }

  @Test
  @SuppressWarnings("unchecked")
  void kubernetesConfigMap_loadsWithTheGatewaysLoader() throws Exception {
    Map<String, Object> configMap = new Yaml().load(Files.readString(ROOT.resolve("deploy/k8s/configmap.yaml")));
    String config = (String) ((Map<String, Object>) configMap.get("data")).get("switchboard.yaml");
    assertThat(config).isNotBlank();

    assertThatCode(() -> ConfigFile.parse(config, "configmap.yaml", ENV, ConfigFile.knownProviderTypes(getClass().getClassLoader())))
        .doesNotThrowAnyException();
  }
}

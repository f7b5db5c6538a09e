package dev.switchboard.server;

import static dev.switchboard.server.TestGateway.MASTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which interface the gateway binds to and whether it asks for keys, from the file and environment. */
class GatewayStartTest {

  private static final String DEMO = "providers: { demo: { type: demo } }\n"
      + "models: { demo: { deployments: [ { provider: demo, model: demo } ] } }\n";

  @TempDir
  Path dir;

  @Test
  void noConfigNoKey_bindsToLoopbackAndServesWithoutKeys() throws Exception {
    try (Gateway g = Gateway.start(GatewaySettings.builder().port(0).build())) {
      assertThat(g.host()).isEqualTo("127.0.0.1");
    }
  }

  @Test
  void noConfig_masterKeyInTheEnvironment_asksForKeysOnEveryInterface() throws Exception {
    try (Gateway g = Gateway.start(GatewaySettings.builder().port(0)
        .environment(Map.of("SWITCHBOARD_MASTER_KEY", MASTER)).build())) {
      assertThat(g.host()).isEqualTo("0.0.0.0");
    }
  }

  @Test
  void masterKeyTooShort_refusesToStart() {
    assertThatThrownBy(() -> Gateway.start(GatewaySettings.builder().port(0)
        .environment(Map.of("SWITCHBOARD_MASTER_KEY", "hunter2")).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("SWITCHBOARD_MASTER_KEY must be at least 16 characters long but has 7");
  }

  @Test
  void publicHostWithoutAnyKey_refusesToStart() throws Exception {
    Path file = write("server: { host: 0.0.0.0, port: 0 }\n" + DEMO);

    assertThatThrownBy(() -> Gateway.start(GatewaySettings.builder().configFile(file).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("server.host: '0.0.0.0' is not a loopback address, and no key is configured, so the gateway "
            + "would serve without authentication to other machines; set SWITCHBOARD_MASTER_KEY or "
            + "auth.master-key, or auth.mode: none when something in front authenticates");
  }

  @Test
  void authModeNone_servesWithoutKeysOnEveryInterface() throws Exception {
    Path file = write("auth: { mode: none }\n" + DEMO);

    try (TestGateway g = TestGateway.start(dir, Files.readString(file), Map.of())) {
      assertThat(g.gateway.host()).isEqualTo("0.0.0.0");
      assertThat(g.chat("demo", "hi", null).statusCode()).isEqualTo(200);
      assertThat(g.get("/admin/keys", null).statusCode()).isEqualTo(403);
    }
  }

  @Test
  void authModeNoneWithAMasterKeyInTheEnvironment_refusesToStart() throws Exception {
    Path file = write("auth: { mode: none }\n" + DEMO);

    assertThatThrownBy(() -> Gateway.start(GatewaySettings.builder().port(0).configFile(file)
        .environment(Map.of("SWITCHBOARD_MASTER_KEY", MASTER)).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("auth.mode is 'none' but SWITCHBOARD_MASTER_KEY is set: remove one");
  }

  @Test
  void keysFileWithKeysButNoMasterKey_stillAsksForKeys_adminApiIsOff() throws Exception {
    String key;
    try (TestGateway first = TestGateway.start(dir, TestGateway.config(dir))) {
      key = first.createKey("{}").get("key").asText();
    }
    String withoutMaster = TestGateway.config(dir).replace("master-key: '${MASTER}', ", "");

    try (TestGateway second = TestGateway.start(dir, withoutMaster, Map.of())) {
      assertThat(second.gateway.host()).isEqualTo("0.0.0.0");
      assertThat(second.chat("demo", "hi", null).statusCode()).isEqualTo(401);
      assertThat(second.chat("demo", "hi", key).statusCode()).isEqualTo(200); // read back from the file
      assertThat(second.get("/admin/keys", key).body()).contains("\"code\":\"admin_disabled\"");
    }
  }

  @Test
  void portInTheFile_appliesWhenTheSettingsSetNone() throws Exception {
    Path file = write("server: { port: 0 }\n" + DEMO);

    try (Gateway g = Gateway.start(GatewaySettings.builder().configFile(file).build())) {
      assertThat(g.port()).isNotEqualTo(GatewaySettings.DEFAULT_PORT).isPositive();
    }
  }

  @Test
  void invalidFile_refusesToStartListingTheProblems() throws Exception {
    Path file = write("models: { demo: { deployments: [ { provider: nope, model: demo } ] } }\n");

    assertThatThrownBy(() -> Gateway.start(GatewaySettings.builder().port(0).configFile(file).build()))
        .isInstanceOf(GatewayConfigException.class)
        .hasMessage("invalid configuration in " + file + ":\n  - models.demo.deployments[0].provider: unknown "
            + "provider 'nope'; configured: none (add a providers section)");
  }

  @Test
  void main_settings_configFromArgumentsOrEnvironment() {
    Map<String, String> env = Map.of("SWITCHBOARD_CONFIG", "/etc/switchboard/from-env.yaml");

    assertThat(GatewayMain.settings(new String[0], env).configFile()).isEqualTo(Path.of("/etc/switchboard/from-env.yaml"));
    assertThat(GatewayMain.settings(new String[] {"--config", "a.yaml"}, env).configFile()).isEqualTo(Path.of("a.yaml"));
    assertThat(GatewayMain.settings(new String[] {"--config=b.yaml"}, Map.of()).configFile()).isEqualTo(Path.of("b.yaml"));
    assertThat(GatewayMain.settings(new String[0], Map.of()).configFile()).isNull();
    assertThatThrownBy(() -> GatewayMain.settings(new String[] {"--config"}, Map.of()))
        .hasMessage("--config needs a file name; usage: switchboard-gateway [--config FILE]");
    assertThatThrownBy(() -> GatewayMain.settings(new String[] {"--port", "1"}, Map.of()))
        .hasMessage("unknown argument '--port'; usage: switchboard-gateway [--config FILE]");
  }

  private Path write(String yaml) throws Exception {
    Path file = dir.resolve("gateway-" + System.nanoTime() + ".yaml");
    Files.writeString(file, yaml);
    return file;
  }
}

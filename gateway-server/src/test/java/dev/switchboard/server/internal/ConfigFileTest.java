package dev.switchboard.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.cache.CacheMode;
import dev.switchboard.core.cost.Price;
import dev.switchboard.core.routing.Deployment;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.spi.ProviderConfig;
import dev.switchboard.server.GatewayConfigException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {

  private static final Set<String> TYPES = Set.of("openai", "anthropic", "gemini", "demo");

  /** The issue's example, verbatim apart from the keys' values. */
  private static final String ISSUE_EXAMPLE = String.join("\n",
      "server: { port: 8080 }",
      "auth: { master-key: ${SWITCHBOARD_MASTER_KEY} }",
      "providers:                      # named upstream accounts",
      "  openai-main: { type: openai, api-key: ${OPENAI_API_KEY}, base-url: https://api.openai.com/v1 }",
      "  claude:      { type: anthropic, api-key: ${ANTHROPIC_API_KEY} }",
      "  gemini:      { type: gemini, api-key: ${GEMINI_API_KEY} }",
      "models:                         # public model groups",
      "  gpt-4o-mini:",
      "    strategy: fallback          # fallback | weighted | least-latency | least-busy | cheapest",
      "    deployments:",
      "      - { provider: openai-main, model: gpt-4o-mini }",
      "      - { provider: claude, model: claude-haiku-4-5 }",
      "cache: { mode: deterministic-only, ttl: 1h }      # off | deterministic-only | all; per model group too",
      "limits:                                            # tiers; a virtual key names its tier or overrides",
      "  default: { requests-per-minute: 100, tokens-per-minute: 200000 }",
      "budgets: { alert-at: [0.8, 1.0] }",
      "redis: { uri: redis://127.0.0.1:6379 }            # optional",
      "");

  private static final Map<String, String> ENV = Map.of(
      "SWITCHBOARD_MASTER_KEY", "master-key-0123456789",
      "OPENAI_API_KEY", "sk-openai#with:odd}chars",
      "ANTHROPIC_API_KEY", "sk-ant",
      "GEMINI_API_KEY", "gem-key");

  private static GatewayConfig parse(String yaml, Map<String, String> env) {
    return ConfigFile.parse(yaml, "gateway.yaml", env, TYPES);
  }

  private static List<String> problems(String yaml) {
    return problems(yaml, Map.of());
  }

  private static List<String> problems(String yaml, Map<String, String> env) {
    try {
      parse(yaml, env);
    } catch (GatewayConfigException e) {
      assertThat(e.getMessage()).startsWith("invalid configuration in gateway.yaml:\n  - ");
      return e.problems();
    }
    throw new AssertionError("expected the configuration to be refused");
  }

  private static final String MINIMAL = "providers: { demo: { type: demo } }\n"
      + "models: { demo: { deployments: [ { provider: demo, model: demo } ] } }\n";

  @Test
  void parse_issueExample_givesEverySection() {
    GatewayConfig c = parse(ISSUE_EXAMPLE, ENV);

    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.masterKey()).isEqualTo("master-key-0123456789");
    assertThat(c.authMode()).isEqualTo(GatewayConfig.AuthMode.KEYS);
    assertThat(c.providers()).extracting(ProviderConfig::name).containsExactly("openai-main", "claude", "gemini");
    ProviderConfig openai = c.providers().get(0);
    assertThat(openai.type()).isEqualTo("openai");
    assertThat(openai.apiKey()).isEqualTo("sk-openai#with:odd}chars"); // taken verbatim, not re-read as YAML
    assertThat(openai.baseUrl()).isEqualTo("https://api.openai.com/v1");
    ModelGroup group = c.groups().get(0);
    assertThat(group.name()).isEqualTo("gpt-4o-mini");
    assertThat(group.deployments()).extracting(Deployment::id)
        .containsExactly("openai-main/gpt-4o-mini", "claude/claude-haiku-4-5");
    assertThat(c.cache().mode()).isEqualTo(CacheMode.DETERMINISTIC_ONLY);
    assertThat(c.cache().ttl()).isEqualTo(Duration.ofHours(1));
    assertThat(c.limits()).containsEntry("default", Map.of("requests-per-minute", 100L, "tokens-per-minute", 200000L));
    assertThat(c.alertAt()).containsExactly(new BigDecimal("0.8"), new BigDecimal("1.0"));
    assertThat(c.redisUri()).isEqualTo("redis://127.0.0.1:6379");
    assertThat(c.toString()).doesNotContain("master-key-0123456789").doesNotContain("sk-ant");
  }

  @Test
  void parse_deploymentOptions_mirrorTheSdkBuilders() {
    GatewayConfig c = parse(String.join("\n",
        "providers:",
        "  a: { type: openai, api-key: k, options: { organization: org-1, retries: 2 } }",
        "  d: { type: demo }",
        "models:",
        "  fast:",
        "    strategy: weighted",
        "    cache: { mode: all, ttl: 10m }",
        "    context-window-fallback: big",
        "    deployments:",
        "      - provider: a",
        "        model: m1",
        "        id: first",
        "        weight: 3",
        "        priority: 1",
        "        price: { input-per-million: 0.15, output-per-million: 0.6, cached-input-per-million: 0.075 }",
        "  big: { deployments: [ { provider: d, model: demo } ] }",
        "cache: { mode: off }",
        ""), Map.of());

    ModelGroup fast = c.groups().get(0);
    Deployment d = fast.deployments().get(0);
    assertThat(d.id()).isEqualTo("first");
    assertThat(d.weight()).isEqualTo(3);
    assertThat(d.priority()).isEqualTo(1);
    assertThat(d.price()).isEqualTo(Price.perMillion(new BigDecimal("0.15"), new BigDecimal("0.6"),
        new BigDecimal("0.075")));
    assertThat(fast.cache().mode()).isEqualTo(CacheMode.ALL);
    assertThat(fast.cache().ttl()).isEqualTo(Duration.ofMinutes(10));
    assertThat(fast.contextWindowFallback()).isEqualTo("big");
    assertThat(c.providers().get(0).options()).containsEntry("organization", "org-1").containsEntry("retries", "2");
    assertThat(c.demoProviders()).containsExactly("d");
    assertThat(c.cache().mode()).isEqualTo(CacheMode.OFF); // a bare off is YAML 1.1's false
  }

  @Test
  void interpolation_defaultsEscapesAndEmptyValues() {
    GatewayConfig c = parse(String.join("\n",
        "server: { port: '${PORT:-9090}', host: \"${HOST:-127.0.0.1}\" }",
        "auth: { master-key: '${MASTER:-}', keys-file: '$${HOME}/keys.json' }",
        MINIMAL), Map.of("HOST", "::1"));

    assertThat(c.port()).isEqualTo(9090);
    assertThat(c.host()).isEqualTo("::1");
    assertThat(c.masterKey()).isNull(); // empty means unset
    assertThat(c.keysFile()).isEqualTo(Path.of("${HOME}/keys.json"));
  }

  @Test
  void interpolation_emptyVariable_takesTheDefault() {
    assertThat(parse("server: { port: ${PORT:-7000} }\n" + MINIMAL, Map.of("PORT", "")).port()).isEqualTo(7000);
  }

  @Test
  void unsetVariable_isAnErrorNamingFieldAndVariable() {
    assertThat(problems("auth: { master-key: ${SWITCHBOARD_MASTER_KEY} }\n" + MINIMAL)).containsExactly(
        "auth.master-key: environment variable SWITCHBOARD_MASTER_KEY is not set (write "
            + "${SWITCHBOARD_MASTER_KEY:-default} to give a default)");
  }

  @Test
  void malformedReference_isAnErrorNamingTheLine() {
    assertThat(problems("# comment\nserver: { host: '${not valid}' }\n" + MINIMAL)).containsExactly(
        "line 2: '${not valid}' is not a reference; write ${NAME} or ${NAME:-default}");
  }

  @Test
  void unknownProviderInADeployment_namesTheFieldPath() {
    assertThat(problems(String.join("\n",
        "providers: { openai-main: { type: openai }, claude: { type: anthropic } }",
        "models:",
        "  gpt-4o-mini:",
        "    deployments:",
        "      - { provider: openai-main, model: gpt-4o-mini }",
        "      - { provider: claud, model: claude-haiku-4-5 }",
        ""))).containsExactly(
        "models.gpt-4o-mini.deployments[1].provider: unknown provider 'claud'; configured: openai-main, claude");
  }

  @Test
  void unknownFields_areRejectedNamingThem() {
    assertThat(problems("server: { prot: 8080 }\nsevrer: {}\n" + MINIMAL)).containsExactly(
        "sevrer: unknown field; expected one of server, upstream, auth, providers, models, cache, limits, budgets, "
            + "redis",
        "server.prot: unknown field; expected one of host, port, max-body-bytes, shutdown-timeout, "
            + "trusted-proxies, client-ip-header");
  }

  @Test
  void trustedProxies_unset_isEmptySoThePeerIsTheClient() {
    GatewayConfig c = parse("server: { port: 8080 }\n" + MINIMAL, Map.of());

    assertThat(c.trustedProxies()).isSameAs(TrustedProxies.NONE);
    assertThat(parse(MINIMAL, Map.of()).trustedProxies().isEmpty()).isTrue();
    TrustedProxies headerOnly = parse("server: { trusted-proxies: [], client-ip-header: forwarded }\n" + MINIMAL,
        Map.of()).trustedProxies();
    assertThat(headerOnly.isEmpty()).isTrue();
    assertThat(headerOnly.clientIp("127.0.0.1", java.util.List.of("for=198.51.100.1"))).isEqualTo("127.0.0.1");
  }

  @Test
  void trustedProxies_ipv4Ipv6AndRanges_loadWithTheDefaultHeader() {
    GatewayConfig c = parse("server:\n  trusted-proxies: [10.0.0.0/8, \"fd00::/8\", 127.0.0.1, '::1']\n" + MINIMAL,
        Map.of());

    assertThat(c.trustedProxies().entries()).containsExactly("10.0.0.0/8", "fd00::/8", "127.0.0.1", "::1");
    assertThat(c.trustedProxies().header()).isEqualTo(TrustedProxies.Header.X_FORWARDED_FOR);
    assertThat(c.trustedProxies().trusts("10.20.30.40")).isTrue();
    assertThat(c.trustedProxies().trusts("fd00::9")).isTrue();
    assertThat(c.trustedProxies().trusts("192.0.2.1")).isFalse();
    assertThat(c.toString()).contains("trustedProxies=[10.0.0.0/8, fd00::/8, 127.0.0.1, ::1]");
  }

  @Test
  void trustedProxies_fromAnEnvironmentVariableAndWithForwarded_load() {
    GatewayConfig c = parse("server: { trusted-proxies: ['${LB}'], client-ip-header: Forwarded }\n" + MINIMAL,
        Map.of("LB", "192.168.0.0/16"));

    assertThat(c.trustedProxies().entries()).containsExactly("192.168.0.0/16");
    assertThat(c.trustedProxies().header()).isEqualTo(TrustedProxies.Header.FORWARDED);
  }

  @Test
  void trustedProxies_invalidEntries_areRefusedNamingThePath() {
    assertThat(problems(String.join("\n",
        "server:",
        "  trusted-proxies: [10.0.0.0/8, lb.internal, 10.0.0.0/33, 10.1.0.0/8, { a: b }, 7]",
        "  client-ip-header: x-real-ip",
        "") + MINIMAL)).containsExactly(
        "server.client-ip-header: unknown header 'x-real-ip'; expected x-forwarded-for or forwarded",
        "server.trusted-proxies[1]: 'lb.internal': not an IP address or CIDR range such as 10.0.0.0/8 or fd00::/8 "
            + "(host names are not resolved)",
        "server.trusted-proxies[2]: '10.0.0.0/33': the prefix length must be 0 to 32 but was '33'",
        "server.trusted-proxies[3]: '10.1.0.0/8': has address bits set past the /8 prefix; the range is 10.0.0.0/8",
        "server.trusted-proxies[4]: must be an IP address or CIDR range but was a mapping",
        "server.trusted-proxies[5]: must be an IP address or CIDR range but was '7'");
    assertThat(problems("server: { trusted-proxies: 10.0.0.0/8 }\n" + MINIMAL)).containsExactly(
        "server.trusted-proxies: must be a list of IP addresses and CIDR ranges such as [10.0.0.0/8, \"fd00::/8\"] "
            + "but was '10.0.0.0/8'");
  }

  @Test
  void everyFieldError_hasItsOwnMessage() {
    List<String> problems = problems(String.join("\n",
        "server: { port: 70000, max-body-bytes: 0, shutdown-timeout: soon }",
        "auth: { master-key: short, mode: maybe }",
        "providers:",
        "  p: { type: opneai, api-key: x }",
        "  q: { api-key: x }",
        "  r: { type: openai, base-url: 'ftp://x' }",
        "models:",
        "  g1: { strategy: random, deployments: [ { provider: r, model: m, weight: 0 } ] }",
        "  g2: { deployments: [] }",
        "  g3: { deployments: [ { model: m, price: { input-per-million: -1 } } ], content-policy-fallback: nope }",
        "cache: { mode: sometimes, ttl: 0s }",
        "limits: { gold: { requests-per-hour: 5, tokens-per-minute: -1 } }",
        "budgets: { alert-at: [1.0, 0.8] }",
        "redis: { uri: 'localhost:6379' }",
        ""));

    assertThat(problems).containsExactly(
        "server.port: must be a whole number from 0 to 65535 but was '70000'",
        "server.max-body-bytes: must be a whole number >= 1 but was '0'",
        "server.shutdown-timeout: must be a duration such as 500ms, 30s, 5m, 1h or 1d but was 'soon'",
        "auth.master-key: must be at least 16 characters long but has 5",
        "auth.mode: unknown mode 'maybe'; expected keys or none",
        "providers.p.type: unknown provider type 'opneai'; known types: " + String.join(", ",
            new java.util.TreeSet<>(TYPES)),
        "providers.q.type: is required; known types: " + String.join(", ", new java.util.TreeSet<>(TYPES)),
        "providers.r.base-url: must be an http or https URL but was 'ftp://x'",
        "cache.mode: unknown cache mode 'sometimes'; expected off, deterministic-only or all",
        "cache.ttl: must be a duration such as 500ms, 30s, 5m, 1h or 1d (above 0) but was '0s'",
        "models.g1.strategy: unknown routing strategy 'random'; expected one of fallback, weighted, least-latency, "
            + "least-busy, cheapest",
        "models.g1.deployments[0].weight: must be a whole number >= 1 but was '0'",
        "models.g2.deployments: at least one deployment is required",
        "models.g3.deployments[0].provider: is required",
        "models.g3.deployments[0].price.input-per-million: must be a number >= 0 (US dollars per million tokens) "
            + "but was '-1'",
        "models.g3.deployments[0].price.output-per-million: is required (US dollars per million tokens)",
        "models.g3.content-policy-fallback: unknown model group 'nope'; configured: g1, g2, g3",
        "limits.gold.requests-per-hour: unknown limit; expected one of requests-per-minute, tokens-per-minute, "
            + "concurrent-requests, tokens-per-day, tokens-per-month",
        "limits.gold.tokens-per-minute: must be a whole number >= 1 but was '-1'",
        "budgets.alert-at[1]: thresholds must be ascending but 0.8 follows 1.0",
        "redis.uri: must start with redis://, rediss:// or redis-sentinel:// but was 'localhost:6379'");
  }

  @Test
  void upstreamSection_setsTheTransportsLimits_andTakesEnvironmentValues() {
    GatewayConfig c = parse("upstream: { max-response-body-bytes: 16777216, max-connections-per-host: '${CONNS}' }\n"
        + MINIMAL, Map.of("CONNS", "512"));

    assertThat(c.upstreamMaxResponseBodyBytes()).isEqualTo(16_777_216L);
    assertThat(c.upstreamMaxConnectionsPerHost()).isEqualTo(512);
  }

  @Test
  void upstreamSection_absentOrEmpty_leavesTheTransportsDefaults() {
    for (String yaml : new String[] {MINIMAL, "upstream: {}\n" + MINIMAL, "upstream:\n" + MINIMAL}) {
      GatewayConfig c = parse(yaml, Map.of());

      assertThat(c.upstreamMaxResponseBodyBytes()).as(yaml).isNull();
      assertThat(c.upstreamMaxConnectionsPerHost()).as(yaml).isNull();
    }
  }

  @Test
  void upstreamSection_invalidValues_areErrorsNamingTheField() {
    assertThat(problems("upstream: { max-response-body-bytes: 0, max-connections-per-host: 3000000000 }\n" + MINIMAL))
        .containsExactly(
            "upstream.max-response-body-bytes: must be a whole number >= 1 but was '0'",
            "upstream.max-connections-per-host: must be a whole number >= 1 but was '3000000000'");
    assertThat(problems("upstream: { max-response-body-bytes: 256MiB, max-connections-per-host: -1 }\n" + MINIMAL))
        .containsExactly(
            "upstream.max-response-body-bytes: must be a whole number >= 1 but was '256MiB'",
            "upstream.max-connections-per-host: must be a whole number >= 1 but was '-1'");
    assertThat(problems("upstream: { max-body-bytes: 1024 }\n" + MINIMAL)).containsExactly(
        "upstream.max-body-bytes: unknown field; expected one of max-response-body-bytes, max-connections-per-host");
    assertThat(problems("upstream: 1024\n" + MINIMAL)).containsExactly(
        "upstream: must be a mapping of fields but was '1024'");
  }

  @Test
  void noModels_isAnError() {
    assertThat(problems("server: { port: 1 }\n")).containsExactly("models: at least one model group must be configured");
  }

  @Test
  void authModeNoneWithAMasterKey_isAnError() {
    assertThat(problems("auth: { mode: none, master-key: master-key-0123456789 }\n" + MINIMAL)).containsExactly(
        "auth.mode: 'none' serves without keys, so auth.master-key must not be set as well");
  }

  @Test
  void sectionOfTheWrongShape_saysWhatItIs() {
    assertThat(problems("server: 8080\n" + MINIMAL)).containsExactly(
        "server: must be a mapping of fields but was '8080'");
  }

  @Test
  void authKeyCache_absent_isTheSdksDefault() {
    GatewayConfig c = parse("redis: { uri: redis://127.0.0.1:6379 }\n" + MINIMAL, Map.of());

    assertThat(c.keyCache()).isEqualTo(new GatewayConfig.KeyCache(Duration.ofSeconds(5), Duration.ofSeconds(1), 10_000));
    assertThat(c.keyCache().enabled()).isTrue();
  }

  @Test
  void authKeyCache_set_givesEachValue_andZeroTtlsTurnItOff() {
    GatewayConfig c = parse("auth: { key-cache: { ttl: 30s, negative-ttl: 250ms, max-size: 500 } }\n"
        + "redis: { uri: redis://127.0.0.1:6379 }\n" + MINIMAL, Map.of());
    GatewayConfig partial = parse("auth: { key-cache: { negative-ttl: 0 } }\n"
        + "redis: { uri: redis://127.0.0.1:6379 }\n" + MINIMAL, Map.of());
    GatewayConfig off = parse("auth: { key-cache: { ttl: 0s, negative-ttl: 0s } }\n"
        + "redis: { uri: redis://127.0.0.1:6379 }\n" + MINIMAL, Map.of());

    assertThat(c.keyCache()).isEqualTo(new GatewayConfig.KeyCache(Duration.ofSeconds(30), Duration.ofMillis(250), 500));
    assertThat(partial.keyCache()).isEqualTo(new GatewayConfig.KeyCache(Duration.ofSeconds(5), Duration.ZERO, 10_000));
    assertThat(off.keyCache().enabled()).isFalse();
  }

  @Test
  void authKeyCache_invalidValues_areEachNamed() {
    assertThat(problems("auth: { key-cache: { ttl: -1s, negative-ttl: soon, max-size: 0, size: 5 } }\n"
        + "redis: { uri: redis://127.0.0.1:6379 }\n" + MINIMAL)).containsExactly(
        "auth.key-cache.size: unknown field; expected one of ttl, negative-ttl, max-size",
        "auth.key-cache.ttl: must be a duration such as 500ms, 30s, 5m, 1h or 1d but was '-1s'",
        "auth.key-cache.negative-ttl: must be a duration such as 500ms, 30s, 5m, 1h or 1d but was 'soon'",
        "auth.key-cache.max-size: must be a whole number >= 1 but was '0'");
  }

  @Test
  void authKeyCache_withoutKeysInRedis_isAnError() {
    assertThat(problems("auth: { key-cache: { ttl: 5s } }\n" + MINIMAL)).containsExactly(
        "auth.key-cache: caches keys kept in Redis only, but no redis section is configured (keys are kept in "
            + "memory); remove it or configure redis.uri");
    assertThat(problems("auth: { keys-file: keys.json, key-cache: { ttl: 5s } }\n"
        + "redis: { uri: redis://127.0.0.1:6379 }\n" + MINIMAL)).containsExactly(
        "auth.key-cache: caches keys kept in Redis only, but auth.keys-file keeps them in a file (read from "
            + "memory); remove one of them");
  }

  @Test
  void redisUriWithPassword_isNotEchoed() {
    assertThat(problems("redis: { uri: 'http://user:hunter2@host' }\n" + MINIMAL)).containsExactly(
        "redis.uri: must start with redis://, rediss:// or redis-sentinel:// but was 'http://***@host'");
  }

  @Test
  void notYaml_isReportedWithLineAndColumn() {
    assertThatThrownBy(() -> parse("models: [\n  - {", Map.of()))
        .isInstanceOfSatisfying(GatewayConfigException.class, e -> assertThat(e.problems()).singleElement()
            .isEqualTo("line 2, column 3: not valid YAML: while parsing a flow node: expected the node content, "
                + "but found '-'"));
  }

  @Test
  void duplicateKeys_areRefused() {
    assertThatThrownBy(() -> parse("server: { port: 1 }\nserver: { port: 2 }\n" + MINIMAL, Map.of()))
        .isInstanceOfSatisfying(GatewayConfigException.class, e -> assertThat(e.problems()).singleElement()
            .asString().contains("Duplicate field 'server'"));
  }

  @Test
  void emptyFile_isAnError() {
    assertThat(problems("# nothing\n")).containsExactly("the file is empty; at least 'models' must be configured");
  }

  @Test
  void load_missingFile_namesIt(@TempDir Path dir) {
    Path file = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> ConfigFile.load(file, Map.of()))
        .isInstanceOf(GatewayConfigException.class)
        .hasMessage("invalid configuration in " + file + ":\n  - the file does not exist");
  }

  @Test
  void load_realFile_findsTheProviderTypesOnTheClassPath(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, "providers: { o: { type: openai, api-key: k }, d: { type: demo } }\n"
        + "models: { m: { deployments: [ { provider: o, model: gpt-4o-mini } ] } }\n");

    assertThat(ConfigFile.load(file, Map.of()).providers()).extracting(ProviderConfig::type).containsExactly("openai");
    assertThat(ConfigFile.knownProviderTypes(getClass().getClassLoader())).contains("openai", "anthropic", "demo");
  }

  @Test
  void readmeExample_isAValidConfiguration() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int start = readme.indexOf("```yaml\n") + "```yaml\n".length();
    String yaml = readme.substring(start, readme.indexOf("```", start));

    GatewayConfig c = ConfigFile.parse(yaml, "README.md", ENV, ConfigFile.knownProviderTypes(
        getClass().getClassLoader()));

    assertThat(c.groups()).extracting(ModelGroup::name).containsExactly("fast");
    assertThat(c.keysFile()).isEqualTo(Path.of("/var/lib/switchboard/keys.json"));
    assertThat(c.trustedProxies().entries()).containsExactly("10.0.0.0/8");
  }

  @Test
  void parseDuration_units() {
    com.fasterxml.jackson.databind.node.JsonNodeFactory f = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
    assertThat(ConfigFile.parseDuration(f.textNode("250ms"))).isEqualTo(Duration.ofMillis(250));
    assertThat(ConfigFile.parseDuration(f.textNode("2d"))).isEqualTo(Duration.ofDays(2));
    assertThat(ConfigFile.parseDuration(f.textNode("PT90S"))).isEqualTo(Duration.ofSeconds(90));
    assertThat(ConfigFile.parseDuration(f.numberNode(30))).isEqualTo(Duration.ofSeconds(30));
    assertThat(ConfigFile.parseDuration(f.textNode("1 fortnight"))).isNull();
  }
}

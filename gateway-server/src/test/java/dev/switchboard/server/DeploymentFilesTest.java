package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The container and deployment files at the repository root: no Docker engine or cluster runs in
 * the build, so this checks what can be checked without one. Every YAML file parses; the
 * Dockerfile copies only paths that exist and builds the jar the shade plugin writes; the compose
 * file, nginx and the Kubernetes objects point at each other consistently; and the configuration
 * files they mount have the shape issue 7 fixes (server, auth, providers, models, cache, limits,
 * budgets, redis), with every deployment naming a configured provider.
 */
class DeploymentFilesTest {

  private static final Path ROOT = repositoryRoot();
  private static final Set<String> CONFIG_SECTIONS =
      Set.of("server", "upstream", "auth", "providers", "models", "cache", "limits", "budgets", "redis");
  private static final Set<String> STRATEGIES = Set.of("fallback", "weighted", "least-latency", "least-busy", "cheapest");
  private static final Set<String> CACHE_MODES = Set.of("off", "deterministic-only", "all");
  private static final Pattern COPY = Pattern.compile("(?m)^COPY\\s+(?!--from)(.+)$");

  // ---- Dockerfile ----

  @Test
  void dockerfile_buildsOnAJdkAndRunsOnAJreAsNonRoot() throws IOException {
    String dockerfile = read("Dockerfile");
    List<String> froms = lines(dockerfile, "FROM ");

    assertThat(froms).hasSize(2);
    assertThat(froms.get(0)).matches("FROM eclipse-temurin:17-jdk AS build");
    assertThat(froms.get(1)).matches("FROM eclipse-temurin:17-jre");
    assertThat(lines(dockerfile, "USER ")).containsExactly("USER 10001:10001");
    assertThat(dockerfile).contains("HEALTHCHECK").contains("/health/live");
    assertThat(dockerfile).contains("ENTRYPOINT [\"sh\", \"-c\", \"exec java $JAVA_OPTS -jar /app/switchboard-gateway.jar");
    assertThat(dockerfile).contains("./mvnw -B -ntp -pl gateway-server -am package");
  }

  @Test
  void dockerfile_copiesOnlyPathsThatExistAndThatTheBuildContextKeeps() throws IOException {
    String dockerfile = read("Dockerfile");
    List<String> ignored = lines(read(".dockerignore"), "").stream()
        .filter(line -> !line.isBlank() && !line.startsWith("#")).collect(Collectors.toList());
    List<String> sources = new ArrayList<>();
    Matcher copy = COPY.matcher(dockerfile);
    while (copy.find()) {
      String[] words = copy.group(1).trim().split("\\s+");
      for (int i = 0; i < words.length - 1; i++) { // the last word is the destination
        sources.add(words[i].replaceAll("/$", ""));
      }
    }

    assertThat(sources).contains("mvnw", ".mvn", "pom.xml", "gateway-server/pom.xml", "gateway-server/src");
    for (String source : sources) {
      assertThat(ROOT.resolve(source)).as("COPY source %s", source).exists();
      assertThat(ignored).as("COPY source %s is not in .dockerignore", source)
          .doesNotContain(source, source + "/", "/" + source);
    }
    // Every module the reactor lists must be in the build context, or Maven refuses to start.
    for (String module : reactorModules()) {
      assertThat(sources).as("the POM of module %s", module).contains(module + "/pom.xml");
    }
  }

  @Test
  void dockerfile_copiesTheJarTheShadePluginWrites() throws IOException {
    assertThat(read("gateway-server/pom.xml"))
        .contains("<outputFile>${project.build.directory}/switchboard-gateway.jar</outputFile>");
    assertThat(read("Dockerfile")).contains("cp gateway-server/target/switchboard-gateway.jar /switchboard-gateway.jar");
  }

  // ---- docker compose and nginx ----

  @Test
  void compose_runsRedisTwoGatewaysAndNginxWithFilesThatExist() throws IOException {
    Map<String, Object> compose = yaml("docker-compose.yml");
    Map<String, Object> services = map(compose, "services");

    assertThat(services).containsOnlyKeys("redis", "gateway-1", "gateway-2", "nginx");
    for (String name : List.of("gateway-1", "gateway-2")) {
      Map<String, Object> gateway = map(services, name);
      assertThat(gateway.get("build")).isEqualTo(".");
      Map<String, Object> environment = map(gateway, "environment");
      assertThat(environment.get("SWITCHBOARD_CONFIG")).isEqualTo("/etc/switchboard/switchboard.yaml");
      assertThat(environment.get("REDIS_URI")).isEqualTo("redis://redis:6379");
      assertThat(environment).containsKey("SWITCHBOARD_MASTER_KEY");
      assertThat(list(gateway, "volumes"))
          .containsExactly("./examples/config/redis-multi-instance.yaml:/etc/switchboard/switchboard.yaml:ro");
      assertThat(map(map(gateway, "depends_on"), "redis")).containsEntry("condition", "service_healthy");
    }
    assertThat(ROOT.resolve("examples/config/redis-multi-instance.yaml")).exists();
    Map<String, Object> nginx = map(services, "nginx");
    assertThat(list(nginx, "volumes")).containsExactly("./deploy/nginx/nginx.conf:/etc/nginx/nginx.conf:ro");
    assertThat(ROOT.resolve("deploy/nginx/nginx.conf")).exists();
    assertThat(map(services, "redis")).containsKey("healthcheck");
  }

  @Test
  void nginx_proxiesBothGatewaysWithSseFriendlySettings() throws IOException {
    String conf = read("deploy/nginx/nginx.conf");

    assertThat(conf.chars().filter(c -> c == '{').count()).as("braces balance")
        .isEqualTo(conf.chars().filter(c -> c == '}').count());
    assertThat(conf).contains("server gateway-1:8080", "server gateway-2:8080", "keepalive 128;",
        "proxy_http_version 1.1;", "proxy_set_header Connection \"\";", "proxy_buffering off;", "gzip off;");
    Matcher read = Pattern.compile("proxy_read_timeout (\\d+)s;").matcher(conf);
    assertThat(read.find()).isTrue();
    assertThat(Integer.parseInt(read.group(1))).as("longer than the engine's 10-minute total timeout")
        .isGreaterThan(600);
  }

  // ---- Kubernetes ----

  @Test
  void kubernetes_kustomizationListsEveryManifest() throws IOException {
    List<String> resources = list(yaml("deploy/k8s/kustomization.yaml"), "resources").stream()
        .map(String::valueOf).collect(Collectors.toList());
    try (Stream<Path> files = Files.list(ROOT.resolve("deploy/k8s"))) {
      List<String> manifests = files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).sorted().collect(Collectors.toList());
      assertThat(resources).containsExactlyInAnyOrderElementsOf(manifests);
    }
  }

  @Test
  void kubernetes_deploymentHasProbesLimitsSecretsAndTheConfigMap() throws IOException {
    Map<String, Object> deployment = manifest("deployment.yaml", "apps/v1", "Deployment");
    Map<String, Object> pod = map(map(deployment, "spec"), "template");
    Map<String, Object> podSpec = map(pod, "spec");
    Map<String, Object> container = firstMap(list(podSpec, "containers"));

    assertThat(map(map(container, "livenessProbe"), "httpGet")).containsEntry("path", "/health/live");
    assertThat(map(map(container, "readinessProbe"), "httpGet")).containsEntry("path", "/health/ready");
    assertThat(map(map(container, "resources"), "limits")).containsKeys("cpu", "memory");
    assertThat(map(map(container, "resources"), "requests")).containsKeys("cpu", "memory");
    assertThat(map(podSpec, "securityContext")).containsEntry("runAsNonRoot", true).containsEntry("runAsUser", 10001);

    Map<String, String> secretRefs = new LinkedHashMap<>();
    String configPath = null;
    for (Object e : list(container, "env")) {
      Map<String, Object> env = asMap(e);
      if (env.containsKey("valueFrom")) {
        Map<String, Object> ref = map(map(env, "valueFrom"), "secretKeyRef");
        secretRefs.put(String.valueOf(env.get("name")), String.valueOf(ref.get("name")));
      } else if ("SWITCHBOARD_CONFIG".equals(env.get("name"))) {
        configPath = String.valueOf(env.get("value"));
      }
    }
    assertThat(secretRefs).containsKeys("SWITCHBOARD_MASTER_KEY", "REDIS_URI", "OPENAI_API_KEY");
    assertThat(Set.copyOf(secretRefs.values())).containsExactly("switchboard-gateway-secrets");

    Map<String, Object> configMap = manifest("configmap.yaml", "v1", "ConfigMap");
    String configMapName = String.valueOf(map(configMap, "metadata").get("name"));
    Map<String, Object> configVolume = list(podSpec, "volumes").stream().map(DeploymentFilesTest::asMap)
        .filter(v -> v.containsKey("configMap")).findFirst().orElseThrow();
    assertThat(map(configVolume, "configMap")).containsEntry("name", configMapName);
    String mountPath = list(container, "volumeMounts").stream().map(DeploymentFilesTest::asMap)
        .filter(m -> m.get("name").equals(configVolume.get("name"))).map(m -> String.valueOf(m.get("mountPath")))
        .findFirst().orElseThrow();
    String fileName = configPath.substring(configPath.lastIndexOf('/') + 1);
    assertThat(configPath).isEqualTo(mountPath + "/" + fileName);
    assertThat(map(configMap, "data")).containsKey(fileName);
  }

  @Test
  void kubernetes_serviceHpaAndPdbSelectTheDeployment() throws IOException {
    Map<String, Object> deployment = manifest("deployment.yaml", "apps/v1", "Deployment");
    String name = String.valueOf(map(deployment, "metadata").get("name"));
    Map<String, Object> podLabels = map(map(map(map(deployment, "spec"), "template"), "metadata"), "labels");

    Map<String, Object> service = manifest("service.yaml", "v1", "Service");
    assertThat(podLabels).containsAllEntriesOf(map(map(service, "spec"), "selector"));
    assertThat(firstMap(list(map(service, "spec"), "ports"))).containsEntry("targetPort", "http");

    Map<String, Object> hpa = manifest("hpa.yaml", "autoscaling/v2", "HorizontalPodAutoscaler");
    Map<String, Object> hpaSpec = map(hpa, "spec");
    assertThat(map(hpaSpec, "scaleTargetRef")).containsEntry("kind", "Deployment").containsEntry("name", name);
    assertThat(map(firstMap(list(hpaSpec, "metrics")), "resource")).containsEntry("name", "cpu");
    assertThat((Integer) hpaSpec.get("minReplicas")).isGreaterThanOrEqualTo(2);

    Map<String, Object> pdb = manifest("pdb.yaml", "policy/v1", "PodDisruptionBudget");
    assertThat(podLabels).containsAllEntriesOf(map(map(map(pdb, "spec"), "selector"), "matchLabels"));
  }

  // ---- the configuration files they mount ----

  @Test
  void configs_composeAndConfigMapFiles_haveTheIssueShape() throws IOException {
    checkConfigShape("examples/config/redis-multi-instance.yaml", yaml("examples/config/redis-multi-instance.yaml"));
    Map<String, Object> configMap = manifest("configmap.yaml", "v1", "ConfigMap");
    String embedded = String.valueOf(map(configMap, "data").get("switchboard.yaml"));
    checkConfigShape("the ConfigMap's switchboard.yaml", newYaml().load(embedded));
  }

  private static void checkConfigShape(String what, Map<String, Object> config) {
    assertThat(CONFIG_SECTIONS).as("%s: top-level sections", what).containsAll(config.keySet());
    assertThat(config).as(what).containsKeys("server", "auth", "providers", "models", "cache", "redis");
    assertThat(map(config, "auth")).as(what).containsEntry("master-key", "${SWITCHBOARD_MASTER_KEY}");
    assertThat(String.valueOf(map(config, "redis").get("uri"))).as("%s: redis.uri", what).startsWith("${REDIS_URI");
    assertThat(CACHE_MODES).as("%s: cache.mode", what).contains(String.valueOf(map(config, "cache").get("mode")));
    Map<String, Object> providers = map(config, "providers");
    providers.forEach((name, p) -> {
      assertThat(asMap(p)).as("%s: provider %s", what, name).containsKey("type");
      assertThat(String.valueOf(asMap(p).get("api-key"))).as("%s: provider %s key from the environment", what, name)
          .startsWith("${");
    });
    map(config, "models").forEach((group, g) -> {
      Map<String, Object> model = asMap(g);
      assertThat(STRATEGIES).as("%s: strategy of %s", what, group).contains(String.valueOf(model.get("strategy")));
      if (model.containsKey("cache")) {
        assertThat(CACHE_MODES).as("%s: cache.mode of %s", what, group)
            .contains(String.valueOf(map(model, "cache").get("mode")));
      }
      for (Object d : list(model, "deployments")) {
        assertThat(providers).as("%s: a deployment of %s names a configured provider", what, group)
            .containsKey(String.valueOf(asMap(d).get("provider")));
        assertThat(asMap(d)).as("%s: a deployment of %s", what, group).containsKey("model");
      }
    });
    if (config.containsKey("limits")) {
      map(config, "limits").forEach((tier, t) -> assertThat(asMap(t)).as("%s: tier %s", what, tier)
          .containsKeys("requests-per-minute", "tokens-per-minute"));
    }
  }

  // ---- helpers ----

  private static Path repositoryRoot() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      if (Files.exists(p.resolve("Dockerfile")) && Files.exists(p.resolve("gateway-server/pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException("no repository root with a Dockerfile above " + here);
  }

  private static List<String> reactorModules() throws IOException {
    Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(read("pom.xml"));
    List<String> modules = new ArrayList<>();
    while (m.find()) {
      modules.add(m.group(1));
    }
    return modules;
  }

  private static String read(String path) throws IOException {
    return Files.readString(ROOT.resolve(path), StandardCharsets.UTF_8);
  }

  private static List<String> lines(String text, String prefix) {
    return text.lines().map(String::strip).filter(l -> l.startsWith(prefix)).collect(Collectors.toList());
  }

  private static Yaml newYaml() {
    return new Yaml(new SafeConstructor(new LoaderOptions()));
  }

  private static Map<String, Object> yaml(String path) throws IOException {
    return asMap(newYaml().load(read(path)));
  }

  private static Map<String, Object> manifest(String file, String apiVersion, String kind) throws IOException {
    Map<String, Object> manifest = yaml("deploy/k8s/" + file);
    assertThat(manifest).as(file).containsEntry("apiVersion", apiVersion).containsEntry("kind", kind);
    assertThat(map(manifest, "metadata")).as(file).containsKey("name");
    return manifest;
  }

  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    assertThat(parent).containsKey(key);
    return asMap(parent.get(key));
  }

  private static List<Object> list(Map<String, Object> parent, String key) {
    assertThat(parent).containsKey(key);
    assertThat(parent.get(key)).as(key).isInstanceOf(List.class);
    @SuppressWarnings("unchecked")
    List<Object> list = (List<Object>) parent.get(key);
    return list;
  }

  private static Map<String, Object> firstMap(List<Object> list) {
    assertThat(list).isNotEmpty();
    return asMap(list.get(0));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object value) {
    assertThat(value).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }
}

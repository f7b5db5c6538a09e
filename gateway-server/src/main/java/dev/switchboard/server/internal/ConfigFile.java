package dev.switchboard.server.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.switchboard.core.cache.CacheMode;
import dev.switchboard.core.cache.CacheSettings;
import dev.switchboard.core.cost.Price;
import dev.switchboard.core.ratelimit.Limit;
import dev.switchboard.core.routing.Deployment;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.routing.RoutingStrategy;
import dev.switchboard.core.spi.ProviderConfig;
import dev.switchboard.core.spi.ProviderFactory;
import dev.switchboard.server.GatewayConfigException;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads the gateway's YAML configuration file into a {@link GatewayConfig}.
 *
 * <p><b>Interpolation.</b> {@code ${VAR}} is replaced by the environment variable {@code VAR} (an
 * unset variable is an error naming the field), {@code ${VAR:-default}} by {@code default} when
 * {@code VAR} is unset or empty, and {@code $${} by a literal {@code ${}. References are replaced in
 * values only, after the YAML is parsed, so a value is taken verbatim (a {@code #} or {@code :} in a
 * password stays in it) and {@code { api-key: ${KEY} }} works inside flow mappings.
 *
 * <p><b>Validation.</b> Every problem is collected and reported at once, each as
 * {@code <path>: <message>} with the path in the file's own names, e.g.
 * {@code models.fast.deployments[1].provider: unknown provider 'claud'; configured: openai-main}.
 * Unknown fields are errors, so that a misspelt option is never silently ignored.
 *
 * <p>Not thread-safe: one instance reads one file.
 */
public final class ConfigFile {

  /** The shortest master key accepted: it guards the admin API. */
  public static final int MIN_MASTER_KEY_LENGTH = 16;
  /** The provider type of the built-in offline provider. */
  public static final String DEMO_TYPE = "demo";
  /** Limit names a tier or a key may set. */

  private static final Pattern REFERENCE = Pattern.compile("\\$\\$\\{|\\$\\{([^}\\n]*)}");
  private static final Pattern VARIABLE = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?", Pattern.DOTALL);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:-]*");
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
  private static final YAMLMapper YAML = YAMLMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES) // 1.0 stays 1.0 in messages
      .build();

  private final String source;
  private final Map<String, String> environment;
  private final Set<String> providerTypes;
  private final List<String> problems = new ArrayList<>();
  private final List<String[]> references = new ArrayList<>(); // index -> {variable or null for "${", default or null}
  private String placeholder;

  private ConfigFile(String source, Map<String, String> environment, Set<String> providerTypes) {
    this.source = source;
    this.environment = environment;
    this.providerTypes = new TreeSet<>(providerTypes);
  }

  /**
   * Reads and validates {@code file}.
   *
   * @param environment what {@code ${VAR}} references resolve against, usually {@code System.getenv()}
   * @throws GatewayConfigException listing every problem, or saying why the file cannot be read
   */
  public static GatewayConfig load(Path file, Map<String, String> environment) {
    Objects.requireNonNull(file, "file");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new GatewayConfigException(file.toString(), List.of("the file does not exist"));
    } catch (MalformedInputException e) {
      throw new GatewayConfigException(file.toString(), List.of("the file is not UTF-8 text"));
    } catch (IOException e) {
      throw new GatewayConfigException(file.toString(), List.of("cannot read the file: " + e));
    }
    return parse(text, file.toString(), environment, knownProviderTypes(ConfigFile.class.getClassLoader()));
  }

  /**
   * Reads and validates configuration text.
   *
   * @param source what to call the text in messages, e.g. the file name
   * @param providerTypes the provider types that exist ({@link #knownProviderTypes})
   * @throws GatewayConfigException listing every problem
   */
  public static GatewayConfig parse(String text, String source, Map<String, String> environment,
      Set<String> providerTypes) {
    Objects.requireNonNull(text, "text");
    ConfigFile reader = new ConfigFile(Objects.requireNonNull(source, "source"),
        Objects.requireNonNull(environment, "environment"), Objects.requireNonNull(providerTypes, "providerTypes"));
    return reader.read(text);
  }

  /** Every provider type a {@link ProviderFactory} on the class path handles, and {@value #DEMO_TYPE}. */
  public static Set<String> knownProviderTypes(ClassLoader loader) {
    Set<String> types = new TreeSet<>();
    for (ProviderFactory f : ServiceLoader.load(ProviderFactory.class, loader)) {
      types.addAll(f.types());
    }
    types.add(DEMO_TYPE);
    return types;
  }

  // ---- reading

  private GatewayConfig read(String text) {
    String masked = maskReferences(text);
    JsonNode root;
    try {
      root = masked.isBlank() ? null : YAML.readTree(masked);
    } catch (JsonProcessingException e) {
      throw new GatewayConfigException(source, List.of(yamlProblem(e)));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new GatewayConfigException(source, List.of("the file is empty; at least 'models' must be configured"));
    }
    if (!root.isObject()) {
      throw new GatewayConfigException(source, List.of("the file must be a mapping with sections such as server, "
          + "auth, providers and models"));
    }
    root = interpolate(root, "");
    GatewayConfig config = toConfig((ObjectNode) root);
    if (!problems.isEmpty()) {
      throw new GatewayConfigException(source, problems);
    }
    return config;
  }

  /** One line: where SnakeYAML found the problem and what it is, e.g. {@code line 2, column 3: …}. */
  private String yamlProblem(JsonProcessingException e) {
    String where;
    String what;
    if (e.getCause() instanceof MarkedYAMLException && ((MarkedYAMLException) e.getCause()).getProblemMark() != null) {
      MarkedYAMLException y = (MarkedYAMLException) e.getCause();
      where = "line " + (y.getProblemMark().getLine() + 1) + ", column " + (y.getProblemMark().getColumn() + 1);
      what = (y.getContext() == null ? "" : y.getContext() + ": ") + y.getProblem();
    } else {
      where = e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr();
      what = e.getOriginalMessage();
    }
    what = what.replace(placeholder, "${…}").replaceAll("\\s+", " ").strip();
    return (where.isEmpty() ? "" : where + ": ") + "not valid YAML: " + what;
  }

  /** Replaces each {@code ${…}} with a token that YAML reads as plain text anywhere, and remembers it. */
  private String maskReferences(String text) {
    String nonce;
    do {
      nonce = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    } while (text.contains("sbref" + nonce));
    placeholder = "sbref" + nonce;
    Matcher m = REFERENCE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      if (m.group().equals("$${")) {
        references.add(new String[] {null, null});
      } else {
        Matcher v = VARIABLE.matcher(m.group(1));
        if (!v.matches()) {
          int line = (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
          problems.add("line " + line + ": '" + m.group() + "' is not a reference; write ${NAME} or ${NAME:-default}");
          references.add(new String[] {null, m.group()});
        } else {
          references.add(new String[] {v.group(1), v.group(2)});
        }
      }
      m.appendReplacement(out, placeholder + "x" + (references.size() - 1) + "x");
    }
    m.appendTail(out);
    return out.toString();
  }

  private JsonNode interpolate(JsonNode node, String path) {
    if (node.isTextual() && node.textValue().contains(placeholder)) {
      return TextNode.valueOf(resolve(node.textValue(), path));
    }
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        if (name.contains(placeholder)) {
          problems.add(join(path, name.replace(placeholder, "${…}")) + ": field names cannot contain ${…}");
          continue;
        }
        object.set(name, interpolate(object.get(name), join(path, name)));
      }
    } else if (node.isArray()) {
      ArrayNode array = (ArrayNode) node;
      for (int i = 0; i < array.size(); i++) {
        array.set(i, interpolate(array.get(i), path + "[" + i + "]"));
      }
    }
    return node;
  }

  private String resolve(String text, String path) {
    Matcher m = Pattern.compile(Pattern.quote(placeholder) + "x(\\d+)x").matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String[] ref = references.get(Integer.parseInt(m.group(1)));
      String value;
      if (ref[0] == null) {
        value = ref[1] == null ? "${" : ref[1]; // an escaped "${", or a malformed reference already reported
      } else {
        String fromEnv = environment.get(ref[0]);
        if (fromEnv != null && !fromEnv.isEmpty()) {
          value = fromEnv;
        } else if (ref[1] != null) {
          value = ref[1];
        } else {
          problems.add(path + ": environment variable " + ref[0] + " is not set (write ${" + ref[0]
              + ":-default} to give a default)");
          value = "";
        }
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private GatewayConfig toConfig(ObjectNode root) {
    known(root, "", "server", "upstream", "auth", "providers", "models", "cache", "limits", "budgets", "redis");

    String host = null;
    Integer port = null;
    Long maxBody = null;
    Duration shutdown = null;
    TrustedProxies trustedProxies = TrustedProxies.NONE;
    ObjectNode server = object(root, "server", "");
    if (server != null) {
      known(server, "server", "host", "port", "max-body-bytes", "shutdown-timeout", "trusted-proxies",
          "client-ip-header");
      host = string(server, "host", "server");
      Long p = integer(server, "port", "server", 0, 65535);
      port = p == null ? null : p.intValue();
      maxBody = integer(server, "max-body-bytes", "server", 1, Long.MAX_VALUE);
      shutdown = duration(server, "shutdown-timeout", "server", true);
      trustedProxies = trustedProxies(server);
    }

    Long maxResponseBody = null;
    Integer maxConnections = null;
    ObjectNode upstream = object(root, "upstream", "");
    if (upstream != null) {
      known(upstream, "upstream", "max-response-body-bytes", "max-connections-per-host");
      maxResponseBody = integer(upstream, "max-response-body-bytes", "upstream", 1, Long.MAX_VALUE);
      Long c = integer(upstream, "max-connections-per-host", "upstream", 1, Integer.MAX_VALUE);
      maxConnections = c == null ? null : c.intValue();
    }

    String masterKey = null;
    GatewayConfig.AuthMode mode = GatewayConfig.AuthMode.KEYS;
    boolean modeSet = false;
    Path keysFile = null;
    GatewayConfig.KeyCache keyCache = GatewayConfig.KeyCache.DEFAULT;
    ObjectNode auth = object(root, "auth", "");
    if (auth != null) {
      known(auth, "auth", "master-key", "mode", "keys-file", "key-cache");
      masterKey = optionalString(auth, "master-key", "auth");
      if (masterKey != null && masterKey.length() < MIN_MASTER_KEY_LENGTH) {
        problems.add("auth.master-key: must be at least " + MIN_MASTER_KEY_LENGTH + " characters long but has "
            + masterKey.length());
      }
      String m = string(auth, "mode", "auth");
      if (m != null) {
        modeSet = true;
        switch (m) {
          case "keys":
            break;
          case "none":
            mode = GatewayConfig.AuthMode.NONE;
            break;
          default:
            problems.add("auth.mode: unknown mode '" + m + "'; expected keys or none");
        }
      }
      String file = string(auth, "keys-file", "auth");
      if (file != null) {
        try {
          keysFile = Path.of(file);
        } catch (InvalidPathException e) {
          problems.add("auth.keys-file: not a valid path: " + e.getReason());
        }
      }
      if (mode == GatewayConfig.AuthMode.NONE && masterKey != null) {
        problems.add("auth.mode: 'none' serves without keys, so auth.master-key must not be set as well");
      }
      ObjectNode cacheNode = object(auth, "key-cache", "auth");
      if (cacheNode != null) {
        keyCache = keyCache(cacheNode, "auth.key-cache");
        // Keys in a file or in memory are read from memory already: a setting that does nothing is an error.
        if (keysFile != null) {
          problems.add("auth.key-cache: caches keys kept in Redis only, but auth.keys-file keeps them in a file "
              + "(read from memory); remove one of them");
        } else if (root.get("redis") == null || root.get("redis").isNull()) {
          problems.add("auth.key-cache: caches keys kept in Redis only, but no redis section is configured "
              + "(keys are kept in memory); remove it or configure redis.uri");
        }
      }
    }

    List<ProviderConfig> providers = new ArrayList<>();
    Set<String> demoProviders = new LinkedHashSet<>();
    Set<String> providerNames = new LinkedHashSet<>();
    ObjectNode providerSection = object(root, "providers", "");
    if (providerSection != null) {
      for (Map.Entry<String, JsonNode> e : providerSection.properties()) {
        String path = "providers." + e.getKey();
        providerNames.add(e.getKey());
        if (!NAME.matcher(e.getKey()).matches()) {
          problems.add(path + ": a provider name may contain letters, digits and . _ / : - only");
          continue;
        }
        ObjectNode p = asObject(e.getValue(), path);
        if (p == null) {
          continue;
        }
        ProviderConfig provider = provider(e.getKey(), p, path);
        if (provider == null) {
          continue;
        }
        if (provider.type().equals(DEMO_TYPE)) {
          demoProviders.add(provider.name());
        } else {
          providers.add(provider);
        }
      }
    }

    CacheSettings cache = CacheSettings.ofDefaults();
    boolean cacheSet = false;
    ObjectNode cacheNode = object(root, "cache", "");
    if (cacheNode != null) {
      CacheSettings c = cache(cacheNode, "cache", CacheSettings.ofDefaults());
      if (c != null) {
        cache = c;
        cacheSet = true;
      }
    }

    List<ModelGroup> groups = new ArrayList<>();
    ObjectNode models = object(root, "models", "");
    if (models == null) {
      if (!root.has("models")) {
        problems.add("models: at least one model group must be configured");
      }
    } else if (models.isEmpty()) {
      problems.add("models: at least one model group must be configured");
    } else {
      Set<String> groupNames = new LinkedHashSet<>();
      models.fieldNames().forEachRemaining(groupNames::add);
      for (Map.Entry<String, JsonNode> e : models.properties()) {
        String path = "models." + e.getKey();
        ObjectNode g = asObject(e.getValue(), path);
        if (g != null) {
          ModelGroup group = group(e.getKey(), g, path, providerNames, groupNames, cache);
          if (group != null) {
            groups.add(group);
          }
        }
      }
    }

    Map<String, Map<String, Long>> limits = new LinkedHashMap<>();
    ObjectNode limitsNode = object(root, "limits", "");
    if (limitsNode != null) {
      for (Map.Entry<String, JsonNode> e : limitsNode.properties()) {
        Map<String, Long> tier = limits(e.getValue(), "limits." + e.getKey());
        if (tier != null) {
          limits.put(e.getKey(), tier);
        }
      }
    }

    List<BigDecimal> alertAt = null;
    ObjectNode budgets = object(root, "budgets", "");
    if (budgets != null) {
      known(budgets, "budgets", "alert-at");
      alertAt = alertAt(budgets.get("alert-at"), "budgets.alert-at");
    }

    String redisUri = null;
    ObjectNode redis = object(root, "redis", "");
    if (redis != null) {
      known(redis, "redis", "uri");
      redisUri = optionalString(redis, "uri", "redis");
      if (redisUri == null) {
        problems.add("redis.uri: is required in the redis section (remove the section to run without Redis)");
      } else if (!redisUri.matches("(?i)(redis|rediss|redis-sentinel)://.+")) {
        problems.add("redis.uri: must start with redis://, rediss:// or redis-sentinel:// but was '"
            + withoutCredentials(redisUri) + "'");
      }
    }

    return new GatewayConfig(host, port, maxBody, shutdown, trustedProxies, maxResponseBody, maxConnections,
        masterKey, mode, modeSet, keysFile, keyCache, providers, demoProviders, groups, cache, cacheSet, limits, alertAt,
        redisUri);
  }

  private ProviderConfig provider(String name, ObjectNode p, String path) {
    known(p, path, "type", "api-key", "base-url", "options");
    String type = string(p, "type", path);
    if (type == null) {
      if (!p.has("type")) {
        problems.add(path + ".type: is required; known types: " + String.join(", ", providerTypes));
      }
      return null;
    }
    if (!providerTypes.contains(type)) {
      problems.add(path + ".type: unknown provider type '" + type + "'; known types: "
          + String.join(", ", providerTypes));
      return null;
    }
    ProviderConfig.Builder b = ProviderConfig.builder().name(name).type(type);
    String apiKey = optionalString(p, "api-key", path);
    if (apiKey != null) {
      b.apiKey(apiKey);
    }
    String baseUrl = optionalString(p, "base-url", path);
    if (baseUrl != null) {
      try {
        URI uri = new URI(baseUrl);
        if (uri.getScheme() == null || !(uri.getScheme().equalsIgnoreCase("http")
            || uri.getScheme().equalsIgnoreCase("https")) || uri.getHost() == null) {
          problems.add(path + ".base-url: must be an http or https URL but was '" + baseUrl + "'");
        } else {
          b.baseUrl(baseUrl);
        }
      } catch (URISyntaxException e) {
        problems.add(path + ".base-url: must be an http or https URL but was '" + baseUrl + "'");
      }
    }
    ObjectNode options = object(p, "options", path);
    if (options != null) {
      for (Map.Entry<String, JsonNode> e : options.properties()) {
        JsonNode v = e.getValue();
        if (v.isNull()) {
          continue;
        }
        if (!v.isValueNode()) {
          problems.add(path + ".options." + e.getKey() + ": must be a single value (text, number or true/false)");
        } else {
          b.option(e.getKey(), v.asText());
        }
      }
    }
    return b.build();
  }

  private ModelGroup group(String name, ObjectNode g, String path, Set<String> providerNames, Set<String> groupNames,
      CacheSettings globalCache) {
    known(g, path, "strategy", "deployments", "cache", "context-window-fallback", "content-policy-fallback");
    ModelGroup.Builder b = ModelGroup.builder(name);
    String strategy = string(g, "strategy", path);
    if (strategy != null) {
      try {
        b.strategy(RoutingStrategy.named(strategy));
      } catch (IllegalArgumentException e) {
        problems.add(path + ".strategy: " + e.getMessage());
      }
    }
    JsonNode deployments = g.get("deployments");
    int added = 0;
    if (deployments == null || deployments.isNull()) {
      problems.add(path + ".deployments: at least one deployment is required");
    } else if (!deployments.isArray()) {
      problems.add(path + ".deployments: must be a list of deployments such as - { provider: openai, model: gpt-4o }");
    } else if (deployments.isEmpty()) {
      problems.add(path + ".deployments: at least one deployment is required");
    } else {
      for (int i = 0; i < deployments.size(); i++) {
        String dp = path + ".deployments[" + i + "]";
        ObjectNode d = asObject(deployments.get(i), dp);
        if (d == null) {
          continue;
        }
        Deployment deployment = deployment(d, dp, providerNames);
        if (deployment != null) {
          b.deployment(deployment);
          added++;
        }
      }
    }
    ObjectNode cache = object(g, "cache", path);
    if (cache != null) {
      CacheSettings c = cache(cache, path + ".cache", globalCache);
      if (c != null) {
        b.cache(c);
      }
    }
    for (String field : new String[] {"context-window-fallback", "content-policy-fallback"}) {
      String target = string(g, field, path);
      if (target == null) {
        continue;
      }
      if (!groupNames.contains(target)) {
        problems.add(path + "." + field + ": unknown model group '" + target + "'; configured: "
            + String.join(", ", groupNames));
      } else if (target.equals(name)) {
        problems.add(path + "." + field + ": a model group cannot fall back to itself");
      } else if (field.equals("context-window-fallback")) {
        b.contextWindowFallback(target);
      } else {
        b.contentPolicyFallback(target);
      }
    }
    return added == 0 ? null : b.build();
  }

  private Deployment deployment(ObjectNode d, String path, Set<String> providerNames) {
    known(d, path, "provider", "model", "id", "weight", "priority", "price");
    String provider = string(d, "provider", path);
    String model = string(d, "model", path);
    if (provider == null && !d.has("provider")) {
      problems.add(path + ".provider: is required");
    }
    if (model == null && !d.has("model")) {
      problems.add(path + ".model: is required");
    }
    if (provider != null && !providerNames.contains(provider)) {
      problems.add(path + ".provider: unknown provider '" + provider + "'; configured: "
          + (providerNames.isEmpty() ? "none (add a providers section)" : String.join(", ", providerNames)));
      provider = null;
    }
    Deployment.Builder b = Deployment.builder();
    String id = string(d, "id", path);
    if (id != null) {
      b.id(id);
    }
    Long weight = integer(d, "weight", path, 1, Integer.MAX_VALUE);
    if (weight != null) {
      b.weight(weight.intValue());
    }
    Long priority = integer(d, "priority", path, Integer.MIN_VALUE, Integer.MAX_VALUE);
    if (priority != null) {
      b.priority(priority.intValue());
    }
    ObjectNode price = object(d, "price", path);
    if (price != null) {
      String pp = path + ".price";
      known(price, pp, "input-per-million", "output-per-million", "cached-input-per-million");
      BigDecimal in = decimal(price, "input-per-million", pp, true);
      BigDecimal out = decimal(price, "output-per-million", pp, true);
      BigDecimal cached = decimal(price, "cached-input-per-million", pp, false);
      if (in != null && out != null) {
        b.price(Price.perMillion(in, out, cached));
      }
    }
    if (provider == null || model == null) {
      return null;
    }
    return b.provider(provider).model(model).build();
  }

  private CacheSettings cache(ObjectNode c, String path, CacheSettings base) {
    known(c, path, "mode", "ttl");
    CacheSettings.Builder b = base.toBuilder();
    boolean ok = true;
    JsonNode modeNode = c.get("mode");
    if (modeNode != null && !modeNode.isNull()) {
      // YAML 1.1 reads a bare off as false
      String mode = modeNode.isBoolean() ? (modeNode.booleanValue() ? "on" : "off") : modeNode.asText();
      switch (mode) {
        case "off":
          b.mode(CacheMode.OFF);
          break;
        case "deterministic-only":
          b.mode(CacheMode.DETERMINISTIC_ONLY);
          break;
        case "all":
          b.mode(CacheMode.ALL);
          break;
        default:
          problems.add(path + ".mode: unknown cache mode '" + mode + "'; expected off, deterministic-only or all");
          ok = false;
      }
    }
    Duration ttl = duration(c, "ttl", path, false);
    if (ttl != null) {
      b.ttl(ttl);
    }
    return ok ? b.build() : null;
  }

  private GatewayConfig.KeyCache keyCache(ObjectNode c, String path) {
    known(c, path, "ttl", "negative-ttl", "max-size");
    GatewayConfig.KeyCache d = GatewayConfig.KeyCache.DEFAULT;
    Duration ttl = duration(c, "ttl", path, true);
    Duration negativeTtl = duration(c, "negative-ttl", path, true);
    Long maxSize = integer(c, "max-size", path, 1, Integer.MAX_VALUE);
    return new GatewayConfig.KeyCache(ttl == null ? d.ttl() : ttl, negativeTtl == null ? d.negativeTtl() : negativeTtl,
        maxSize == null ? d.maxSize() : maxSize);
  }

  private Map<String, Long> limits(JsonNode node, String path) {
    ObjectNode o = asObject(node, path);
    if (o == null) {
      return null;
    }
    Map<String, Long> out = new LinkedHashMap<>();
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!Limit.SETTING_NAMES.contains(name)) {
        problems.add(path + "." + name + ": unknown limit; expected one of " + String.join(", ", Limit.SETTING_NAMES));
        continue;
      }
      Long v = integer(o, name, path, 1, Long.MAX_VALUE);
      if (v != null) {
        out.put(name, v);
      }
    }
    return out;
  }

  /** {@code server.trusted-proxies} and {@code server.client-ip-header}. */
  private TrustedProxies trustedProxies(ObjectNode server) {
    TrustedProxies.Header header = TrustedProxies.Header.X_FORWARDED_FOR;
    String h = string(server, "client-ip-header", "server");
    if (h != null) {
      header = TrustedProxies.Header.of(h);
      if (header == null) {
        problems.add("server.client-ip-header: unknown header '" + h + "'; expected x-forwarded-for or forwarded");
        header = TrustedProxies.Header.X_FORWARDED_FOR;
      }
    }
    JsonNode node = server.get("trusted-proxies");
    List<String> entries = new ArrayList<>();
    if (node != null && !node.isNull()) {
      if (!node.isArray()) {
        problems.add("server.trusted-proxies: must be a list of IP addresses and CIDR ranges such as "
            + "[10.0.0.0/8, \"fd00::/8\"] but was " + describe(node));
        return TrustedProxies.NONE;
      }
      for (int i = 0; i < node.size(); i++) {
        JsonNode n = node.get(i);
        String path = "server.trusted-proxies[" + i + "]";
        String entry = n.isTextual() ? n.textValue().strip() : null;
        String problem = entry == null ? "must be an IP address or CIDR range but was " + describe(n)
            : TrustedProxies.problem(entry);
        if (problem != null) {
          problems.add(path + ": " + (entry == null ? "" : "'" + entry + "': ") + problem);
        } else {
          entries.add(entry);
        }
      }
    }
    return TrustedProxies.of(entries, header);
  }

  private List<BigDecimal> alertAt(JsonNode node, String path) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isArray() || node.isEmpty()) {
      problems.add(path + ": must be a list of fractions of the limit such as [0.8, 1.0]");
      return null;
    }
    List<BigDecimal> out = new ArrayList<>();
    BigDecimal previous = BigDecimal.ZERO;
    for (int i = 0; i < node.size(); i++) {
      BigDecimal v = number(node.get(i));
      if (v == null || v.signum() <= 0) {
        problems.add(path + "[" + i + "]: must be a number above 0 such as 0.8 but was '" + node.get(i).asText()
            + "'");
        return null;
      }
      if (v.compareTo(previous) <= 0) {
        problems.add(path + "[" + i + "]: thresholds must be ascending but " + v.toPlainString() + " follows "
            + previous.toPlainString());
        return null;
      }
      out.add(v);
      previous = v;
    }
    return out;
  }

  // ---- field readers; each reports a problem and returns null when the value is unusable

  private void known(ObjectNode node, String path, String... fields) {
    Set<String> allowed = orderedSet(fields);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        problems.add(join(path, name) + ": unknown field; expected one of " + String.join(", ", allowed));
      }
    }
  }

  private ObjectNode object(ObjectNode parent, String field, String path) {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    return asObject(n, join(path, field));
  }

  private ObjectNode asObject(JsonNode n, String path) {
    if (n == null || n.isNull()) {
      problems.add(path + ": must be a mapping of fields, not empty");
      return null;
    }
    if (!n.isObject()) {
      problems.add(path + ": must be a mapping of fields but was " + describe(n));
      return null;
    }
    return (ObjectNode) n;
  }

  /** A required-if-present text value: null when absent or null; a problem when empty or not text. */
  private String string(ObjectNode parent, String field, String path) {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isValueNode() || n.isBinary()) {
      problems.add(join(path, field) + ": must be text but was " + describe(n));
      return null;
    }
    String s = n.asText().strip();
    if (s.isEmpty()) {
      problems.add(join(path, field) + ": must not be empty");
      return null;
    }
    return s;
  }

  /** Text that may be empty, meaning unset (e.g. {@code api-key: ${KEY:-}}). */
  private String optionalString(ObjectNode parent, String field, String path) {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isValueNode() || n.isBinary()) {
      problems.add(join(path, field) + ": must be text but was " + describe(n));
      return null;
    }
    String s = n.asText().strip();
    return s.isEmpty() ? null : s;
  }

  private Long integer(ObjectNode parent, String field, String path, long min, long max) {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    Long v = null;
    if (n.isIntegralNumber() && n.canConvertToLong()) {
      v = n.longValue();
    } else if (n.isTextual()) {
      try {
        v = Long.parseLong(n.textValue().strip());
      } catch (NumberFormatException e) {
        v = null;
      }
    }
    String range = max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? "a whole number >= " + min
        : "a whole number from " + min + " to " + max;
    if (min == Integer.MIN_VALUE) {
      range = "a whole number";
    }
    if (v == null || v < min || v > max) {
      problems.add(join(path, field) + ": must be " + range + " but was '" + n.asText() + "'");
      return null;
    }
    return v;
  }

  private BigDecimal decimal(ObjectNode parent, String field, String path, boolean required) {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull()) {
      if (required) {
        problems.add(join(path, field) + ": is required (US dollars per million tokens)");
      }
      return null;
    }
    BigDecimal v = number(n);
    if (v == null || v.signum() < 0) {
      problems.add(join(path, field) + ": must be a number >= 0 (US dollars per million tokens) but was '"
          + n.asText() + "'");
      return null;
    }
    return v;
  }

  private static BigDecimal number(JsonNode n) {
    if (n.isNumber()) {
      return n.decimalValue();
    }
    if (n.isTextual()) {
      try {
        return new BigDecimal(n.textValue().strip());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private Duration duration(ObjectNode parent, String field, String path, boolean zeroAllowed) {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    Duration d = parseDuration(n);
    if (d == null || d.isNegative() || (!zeroAllowed && d.isZero())) {
      problems.add(join(path, field) + ": must be a duration such as 500ms, 30s, 5m, 1h or 1d"
          + (zeroAllowed ? "" : " (above 0)") + " but was '" + n.asText() + "'");
      return null;
    }
    return d;
  }

  /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d}, ISO-8601 ({@code PT1H}), or whole seconds. */
  static Duration parseDuration(JsonNode n) {
    if (n.isIntegralNumber()) {
      return Duration.ofSeconds(n.longValue());
    }
    if (!n.isTextual()) {
      return null;
    }
    String s = n.textValue().strip().toLowerCase(Locale.ROOT);
    Matcher m = DURATION.matcher(s);
    try {
      if (m.matches()) {
        long v = Long.parseLong(m.group(1));
        switch (m.group(2)) {
          case "ms":
            return Duration.ofMillis(v);
          case "s":
            return Duration.ofSeconds(v);
          case "m":
            return Duration.ofMinutes(v);
          case "h":
            return Duration.ofHours(v);
          default:
            return Duration.ofDays(v);
        }
      }
      if (s.matches("\\d+")) {
        return Duration.ofSeconds(Long.parseLong(s));
      }
      return Duration.parse(s.toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      return null;
    }
  }

  private static String describe(JsonNode n) {
    if (n.isObject()) {
      return "a mapping";
    }
    if (n.isArray()) {
      return "a list";
    }
    return "'" + n.asText() + "'";
  }

  private static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  private static Set<String> orderedSet(String... values) {
    return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(List.of(values)));
  }

  private static String withoutCredentials(String uri) {
    return uri.replaceAll("//[^@/]*@", "//***@");
  }
}

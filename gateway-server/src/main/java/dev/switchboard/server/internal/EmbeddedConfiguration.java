package dev.switchboard.server.internal;

import dev.switchboard.core.Switchboard;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.spi.Provider;
import dev.switchboard.core.spi.ProviderConfig;
import dev.switchboard.providers.openai.OpenAiCompatiblePreset;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What the gateway serves when it starts without a configuration file: one provider account per
 * provider type whose API key variable is set (every OpenAI-compatible preset that needs a key, and
 * {@code anthropic}, {@code gemini}, {@code cohere}), with the model groups the resource table
 * {@value #TABLE} lists for it, plus the offline {@link DemoProvider} as group {@value DemoProvider#GROUP}.
 * Azure OpenAI, Vertex AI and Bedrock need more than a key (an endpoint, a project, a region) and
 * are enabled only through configuration.
 *
 * <p>Presets that work without a key (local servers such as Ollama, vLLM, LM Studio) are not
 * enabled this way: nothing in the environment says that such a server is running.
 *
 * <p>An enabled type's base URL is its provider's default unless
 * {@code SWITCHBOARD_<TYPE>_BASE_URL} is set (the type in upper case, e.g.
 * {@code SWITCHBOARD_OPENAI_BASE_URL=http://127.0.0.1:9000/v1}): for an OpenAI-compatible proxy in
 * between, or a mock upstream in tests and benchmarks. The variable is Switchboard's own rather
 * than OpenAI's {@code OPENAI_BASE_URL}, which applications set to point their clients at the
 * gateway itself: honouring it would make the gateway call itself.
 *
 * <p>Immutable and thread-safe. Never holds on to more of the environment than the keys it uses,
 * and never shows them.
 */
public final class EmbeddedConfiguration {

  /** The resource, beside this class, listing preset, model group and upstream model per line. */
  public static final String TABLE = "embedded-models.tsv";

  /** Provider types with their own API (not OpenAI-compatible presets) and the variable their key is read from. */
  static final Map<String, String> NATIVE_KEY_VARIABLES = Map.of(
      "anthropic", "ANTHROPIC_API_KEY",
      "gemini", "GEMINI_API_KEY",
      "cohere", "COHERE_API_KEY");

  private static final String BASE_URL_PREFIX = "SWITCHBOARD_";
  private static final String BASE_URL_SUFFIX = "_BASE_URL";

  private final List<Enabled> enabled;

  private EmbeddedConfiguration(List<Enabled> enabled) {
    this.enabled = List.copyOf(enabled);
  }

  /**
   * Reads {@code environment} for the presets' API key variables and base URL overrides.
   *
   * @throws IllegalStateException when the table names a preset that does not exist or is malformed
   * @throws IllegalArgumentException when a base URL variable of an enabled type is not an http(s)
   *     URL, naming the variable
   */
  public static EmbeddedConfiguration fromEnvironment(Map<String, String> environment) {
    Objects.requireNonNull(environment, "environment");
    Map<String, List<TableRow>> table = readTable();
    List<Enabled> enabled = new ArrayList<>();
    for (Map.Entry<String, List<TableRow>> entry : table.entrySet()) {
      String type = entry.getKey();
      String variable = keyVariable(type);
      String key = variable == null ? null : environment.get(variable);
      if (key == null || key.isBlank()) {
        continue;
      }
      ProviderConfig.Builder config = ProviderConfig.builder().name(type).type(type).apiKey(key.strip());
      String urlVariable = baseUrlVariable(type);
      String baseUrl = environment.get(urlVariable);
      if (baseUrl != null && !baseUrl.isBlank()) {
        if (!baseUrl.strip().startsWith("http://") && !baseUrl.strip().startsWith("https://")) {
          throw new IllegalArgumentException(urlVariable + " must start with http:// or https:// but was '"
              + baseUrl + "'");
        }
        config.baseUrl(baseUrl.strip());
      } else {
        urlVariable = null;
      }
      List<ModelGroup> groups = new ArrayList<>();
      for (TableRow row : entry.getValue()) {
        groups.add(ModelGroup.builder(row.group).deployment(type, row.upstreamModel).build());
      }
      enabled.add(new Enabled(config.build(), variable, urlVariable, groups));
    }
    return new EmbeddedConfiguration(enabled);
  }

  /**
   * The variable a type's key is read from, or null when the type is not enabled by a key alone
   * (local servers that need no key, or types that need more configuration).
   */
  static String keyVariable(String type) {
    String native_ = NATIVE_KEY_VARIABLES.get(type);
    if (native_ != null) {
      return native_;
    }
    return OpenAiCompatiblePreset.named(type)
        .filter(p -> p.keyRequired() && p.apiKeyVariable() != null)
        .map(OpenAiCompatiblePreset::apiKeyVariable)
        .orElse(null);
  }

  /** The variable that overrides the base URL of {@code type}, e.g. {@code SWITCHBOARD_OPENAI_BASE_URL}. */
  static String baseUrlVariable(String type) {
    return BASE_URL_PREFIX + type.toUpperCase(Locale.ROOT).replace('-', '_') + BASE_URL_SUFFIX;
  }

  /** The provider accounts enabled from the environment, without the demo; never null. */
  public List<ProviderConfig> providers() {
    return enabled.stream().map(e -> e.config).collect(Collectors.toUnmodifiableList());
  }

  /** The model groups of those accounts, without the demo group; never null. */
  public List<ModelGroup> modelGroups() {
    return enabled.stream().flatMap(e -> e.groups.stream()).collect(Collectors.toUnmodifiableList());
  }

  /** Adds the enabled accounts and groups, and {@code demo} as provider and group {@value DemoProvider#GROUP}. */
  public void applyTo(Switchboard.Builder builder, Provider demo) {
    for (Enabled e : enabled) {
      builder.provider(e.config);
      e.groups.forEach(builder::modelGroup);
    }
    builder.provider(DemoProvider.GROUP, demo);
    builder.modelGroup(ModelGroup.builder(DemoProvider.GROUP).deployment(DemoProvider.GROUP, DemoProvider.GROUP)
        .build());
  }

  /** For the start-up log: which providers (and the variable each key came from) and which model groups. */
  public String summary() {
    List<String> providers = new ArrayList<>();
    List<String> groups = new ArrayList<>();
    for (Enabled e : enabled) {
      providers.add(e.config.name() + " (key from " + e.keyVariable
          + (e.baseUrlVariable == null ? "" : ", base URL from " + e.baseUrlVariable) + ")");
      e.groups.forEach(g -> groups.add(g.name()));
    }
    providers.add(DemoProvider.GROUP + " (built-in, offline)");
    groups.add(DemoProvider.GROUP);
    return "providers: " + String.join(", ", providers) + "; model groups: " + String.join(", ", groups);
  }

  @Override
  public String toString() {
    return "EmbeddedConfiguration{" + summary() + "}";
  }

  static Map<String, List<TableRow>> readTable() {
    InputStream in = EmbeddedConfiguration.class.getResourceAsStream(TABLE);
    if (in == null) {
      throw new IllegalStateException("resource " + TABLE + " is missing beside " + EmbeddedConfiguration.class.getName());
    }
    Map<String, List<TableRow>> table = new LinkedHashMap<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        String text = line.strip();
        if (text.isEmpty() || text.startsWith("#")) {
          continue;
        }
        String[] columns = text.split("\\s+");
        if (columns.length != 3) {
          throw new IllegalStateException(TABLE + " line " + number + " must have 3 columns (provider type, model "
              + "group, upstream model) but has " + columns.length);
        }
        if (keyVariable(columns[0]) == null) {
          throw new IllegalStateException(TABLE + " line " + number + " names provider type '" + columns[0]
              + "', which is neither a keyed OpenAI-compatible preset nor one of " + NATIVE_KEY_VARIABLES.keySet());
        }
        table.computeIfAbsent(columns[0], k -> new ArrayList<>()).add(new TableRow(columns[1], columns[2]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + TABLE, e);
    }
    return table;
  }

  static final class TableRow {
    final String group;
    final String upstreamModel;

    TableRow(String group, String upstreamModel) {
      this.group = group;
      this.upstreamModel = upstreamModel;
    }
  }

  private static final class Enabled {
    final ProviderConfig config;
    final String keyVariable;
    final String baseUrlVariable; // null when the provider's default base URL is used
    final List<ModelGroup> groups;

    Enabled(ProviderConfig config, String keyVariable, String baseUrlVariable, List<ModelGroup> groups) {
      this.config = config;
      this.keyVariable = keyVariable;
      this.baseUrlVariable = baseUrlVariable;
      this.groups = List.copyOf(groups);
    }
  }
}

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
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What the gateway serves when it starts without a configuration file: one provider account per
 * OpenAI-compatible preset whose API key variable is set, with the model groups the resource table
 * {@value #TABLE} lists for it, plus the offline {@link DemoProvider} as group {@value DemoProvider#GROUP}.
 *
 * <p>Presets that work without a key (local servers such as Ollama, vLLM, LM Studio) are not
 * enabled this way: nothing in the environment says that such a server is running.
 *
 * <p>Immutable and thread-safe. Never holds on to more of the environment than the keys it uses,
 * and never shows them.
 */
public final class EmbeddedConfiguration {

  /** The resource, beside this class, listing preset, model group and upstream model per line. */
  public static final String TABLE = "embedded-models.tsv";

  private final List<Enabled> enabled;

  private EmbeddedConfiguration(List<Enabled> enabled) {
    this.enabled = List.copyOf(enabled);
  }

  /**
   * Reads {@code environment} for the presets' API key variables.
   *
   * @throws IllegalStateException when the table names a preset that does not exist or is malformed
   */
  public static EmbeddedConfiguration fromEnvironment(Map<String, String> environment) {
    Objects.requireNonNull(environment, "environment");
    Map<String, List<TableRow>> table = readTable();
    List<Enabled> enabled = new ArrayList<>();
    for (OpenAiCompatiblePreset preset : OpenAiCompatiblePreset.all()) {
      String variable = preset.apiKeyVariable();
      if (!preset.keyRequired() || variable == null) {
        continue;
      }
      String key = environment.get(variable);
      List<TableRow> rows = table.getOrDefault(preset.name(), List.of());
      if (key == null || key.isBlank() || rows.isEmpty()) {
        continue;
      }
      ProviderConfig config = ProviderConfig.builder().name(preset.name()).type(preset.name()).apiKey(key.strip())
          .build();
      List<ModelGroup> groups = new ArrayList<>();
      for (TableRow row : rows) {
        groups.add(ModelGroup.builder(row.group).deployment(preset.name(), row.upstreamModel).build());
      }
      enabled.add(new Enabled(config, variable, groups));
    }
    return new EmbeddedConfiguration(enabled);
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
      providers.add(e.config.name() + " (key from " + e.keyVariable + ")");
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
          throw new IllegalStateException(TABLE + " line " + number + " must have 3 columns (preset, model group, "
              + "upstream model) but has " + columns.length);
        }
        if (OpenAiCompatiblePreset.named(columns[0]).isEmpty()) {
          throw new IllegalStateException(TABLE + " line " + number + " names preset '" + columns[0]
              + "', which is not one of OpenAiCompatiblePreset.all()");
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
    final List<ModelGroup> groups;

    Enabled(ProviderConfig config, String keyVariable, List<ModelGroup> groups) {
      this.config = config;
      this.keyVariable = keyVariable;
      this.groups = List.copyOf(groups);
    }
  }
}

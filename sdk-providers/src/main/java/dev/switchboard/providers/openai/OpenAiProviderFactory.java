package dev.switchboard.providers.openai;

import dev.switchboard.core.spi.Provider;
import dev.switchboard.core.spi.ProviderConfig;
import dev.switchboard.core.spi.ProviderFactory;
import dev.switchboard.providers.http.HttpTransport;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Creates {@link OpenAiProvider}s for the type {@code openai} and every
 * {@link OpenAiCompatiblePreset} ({@code groq}, {@code mistral}, {@code ollama}, …).
 *
 * <p>From a {@link ProviderConfig}: the base URL is the config's, else the preset's default; the API
 * key is the config's, else the value of the preset's environment variable (e.g.
 * {@code GROQ_API_KEY}); the options {@code organization} and {@code project} become the
 * {@code OpenAI-Organization} and {@code OpenAI-Project} headers and the config's headers are sent
 * on every call. An {@link HttpTransport} handed in as {@link ProviderConfig#component(Class)
 * component} is shared and not closed by the provider; otherwise the provider creates its own
 * transport with the config's connect timeout.
 *
 * <p>Found through {@link java.util.ServiceLoader}. Thread-safe.
 */
public final class OpenAiProviderFactory implements ProviderFactory {

  /** The options this factory understands. */
  public static final Set<String> OPTIONS = Set.of("organization", "project");

  private static final Set<String> TYPES;

  static {
    Set<String> types = new LinkedHashSet<>();
    for (OpenAiCompatiblePreset preset : OpenAiCompatiblePreset.all()) {
      types.add(preset.name());
    }
    TYPES = Set.copyOf(types);
  }

  private final Function<String, String> environment;

  /** A factory that reads API keys from the process environment ({@link System#getenv(String)}). */
  public OpenAiProviderFactory() {
    this(System::getenv);
  }

  /**
   * A factory that reads API keys through {@code environment} (a variable name to its value, or null
   * when unset), e.g. for tests or a secrets store.
   *
   * @throws NullPointerException if {@code environment} is null
   */
  public OpenAiProviderFactory(Function<String, String> environment) {
    this.environment = Objects.requireNonNull(environment, "environment");
  }

  /** {@code openai} and the name of every {@link OpenAiCompatiblePreset}. */
  @Override
  public Set<String> types() {
    return TYPES;
  }

  /**
   * {@inheritDoc}
   *
   * @throws NullPointerException if {@code config} is null
   * @throws IllegalArgumentException if the type is not one of {@link #types()}, an option is unknown,
   *     or the preset needs an API key and neither the config nor its environment variable has one
   */
  @Override
  public Provider create(ProviderConfig config) {
    Objects.requireNonNull(config, "config");
    OpenAiCompatiblePreset preset = OpenAiCompatiblePreset.named(config.type()).orElseThrow(() ->
        new IllegalArgumentException("provider '" + config.name() + "' has type '" + config.type()
            + "', which OpenAiProviderFactory does not handle; it handles " + new TreeSet<>(TYPES)));
    for (String option : config.options().keySet()) {
      if (!OPTIONS.contains(option)) {
        throw new IllegalArgumentException("provider '" + config.name() + "' has unknown option '" + option
            + "'; type '" + config.type() + "' understands " + new TreeSet<>(OPTIONS));
      }
    }
    String apiKey = apiKey(config, preset);
    if (apiKey == null && preset.keyRequired()) {
      throw new IllegalArgumentException("provider '" + config.name() + "' of type '" + preset.name()
          + "' needs an API key: set apiKey in its configuration or the environment variable "
          + preset.apiKeyVariable());
    }
    OpenAiProvider.Builder builder = OpenAiProvider.builder()
        .providerName(config.name())
        .baseUrl(config.baseUrl() != null ? config.baseUrl() : preset.defaultBaseUrl())
        .apiKey(apiKey)
        .organization(config.option("organization", null))
        .project(config.option("project", null))
        .headers(config.headers());
    Optional<HttpTransport> shared = config.component(HttpTransport.class);
    if (shared.isPresent()) {
      builder.transport(shared.get());
    } else {
      builder.connectTimeout(config.connectTimeout());
    }
    return builder.build();
  }

  private String apiKey(ProviderConfig config, OpenAiCompatiblePreset preset) {
    if (config.apiKey() != null) {
      return config.apiKey();
    }
    if (preset.apiKeyVariable() == null) {
      return null;
    }
    String value = environment.apply(preset.apiKeyVariable());
    return value == null || value.isBlank() ? null : value.strip();
  }

  @Override
  public String toString() {
    return "OpenAiProviderFactory" + new TreeSet<>(TYPES);
  }
}

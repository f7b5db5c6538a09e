package dev.switchboard.providers.cohere;

import dev.switchboard.core.spi.Provider;
import dev.switchboard.core.spi.ProviderConfig;
import dev.switchboard.core.spi.ProviderFactory;
import dev.switchboard.providers.http.HttpTransport;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Creates {@link CohereProvider}s for the type {@value #TYPE}.
 *
 * <p>From a {@link ProviderConfig}: the base URL is the config's, else
 * {@link CohereProvider#DEFAULT_BASE_URL}; the API key is the config's, else the environment variable
 * {@value #API_KEY_VARIABLE}, else {@value #SDK_API_KEY_VARIABLE} (the one Cohere's own SDKs read);
 * the config's headers are sent on every call. Options:
 * <ul>
 *   <li>{@code drop_unsupported_params} ({@code true}/{@code false}, default {@code false}): leave out
 *       request parameters Cohere cannot honour instead of failing the call;
 *   <li>{@code input_type}: the embeddings' {@code input_type} when a request sets none (default
 *       {@link CohereProvider#DEFAULT_EMBEDDING_INPUT_TYPE}).
 * </ul>
 * Unknown options are rejected. An {@link HttpTransport} handed in as
 * {@link ProviderConfig#component(Class) component} is shared and not closed by the provider;
 * otherwise the provider creates its own with the config's connect timeout.
 *
 * <p>Found through {@link java.util.ServiceLoader}. Thread-safe.
 */
public final class CohereProviderFactory implements ProviderFactory {

  /** The provider type this factory handles. */
  public static final String TYPE = "cohere";
  /** The options this factory understands. */
  public static final Set<String> OPTIONS = Set.of("drop_unsupported_params", "input_type");
  /** The environment variable read first for the API key when the config sets none. */
  public static final String API_KEY_VARIABLE = "COHERE_API_KEY";
  /** The environment variable read next: the one Cohere's SDKs use. */
  public static final String SDK_API_KEY_VARIABLE = "CO_API_KEY";

  private final Function<String, String> environment;

  /** A factory that reads API keys from the process environment ({@link System#getenv(String)}). */
  public CohereProviderFactory() {
    this(System::getenv);
  }

  /**
   * A factory that reads API keys through {@code environment} (a variable name to its value, or null
   * when unset), e.g. for tests or a secrets store.
   *
   * @throws NullPointerException if {@code environment} is null
   */
  public CohereProviderFactory(Function<String, String> environment) {
    this.environment = Objects.requireNonNull(environment, "environment");
  }

  /** {@code cohere}. */
  @Override
  public Set<String> types() {
    return Set.of(TYPE);
  }

  /**
   * {@inheritDoc}
   *
   * @throws NullPointerException if {@code config} is null
   * @throws IllegalArgumentException if the type is not {@value #TYPE}, an option is unknown or has an
   *     invalid value, or neither the config nor the environment has an API key
   */
  @Override
  public Provider create(ProviderConfig config) {
    Objects.requireNonNull(config, "config");
    if (!TYPE.equals(config.type())) {
      throw new IllegalArgumentException("provider '" + config.name() + "' has type '" + config.type()
          + "', which CohereProviderFactory does not handle; it handles [" + TYPE + "]");
    }
    for (String option : config.options().keySet()) {
      if (!OPTIONS.contains(option)) {
        throw new IllegalArgumentException("provider '" + config.name() + "' has unknown option '" + option
            + "'; type '" + TYPE + "' understands " + new TreeSet<>(OPTIONS));
      }
    }
    String apiKey = config.apiKey() != null ? config.apiKey() : env(API_KEY_VARIABLE);
    if (apiKey == null) {
      apiKey = env(SDK_API_KEY_VARIABLE);
    }
    if (apiKey == null) {
      throw new IllegalArgumentException("provider '" + config.name() + "' of type '" + TYPE + "' needs an API key: "
          + "set apiKey in its configuration or the environment variable " + API_KEY_VARIABLE + " (or "
          + SDK_API_KEY_VARIABLE + ")");
    }
    CohereProvider.Builder builder = CohereProvider.builder()
        .providerName(config.name())
        .apiKey(apiKey)
        .dropUnsupportedParams(bool(config, "drop_unsupported_params"))
        .headers(config.headers());
    if (config.baseUrl() != null) {
      builder.baseUrl(config.baseUrl());
    }
    String inputType = config.option("input_type", null);
    if (inputType != null) {
      if (inputType.isBlank()) {
        throw new IllegalArgumentException("provider '" + config.name() + "' has a blank option 'input_type'");
      }
      builder.embeddingInputType(inputType);
    }
    Optional<HttpTransport> shared = config.component(HttpTransport.class);
    if (shared.isPresent()) {
      builder.transport(shared.get());
    } else {
      builder.connectTimeout(config.connectTimeout());
    }
    return builder.build();
  }

  private static boolean bool(ProviderConfig config, String option) {
    String value = config.option(option, "false").strip().toLowerCase(Locale.ROOT);
    if (value.equals("true") || value.equals("false")) {
      return value.equals("true");
    }
    throw new IllegalArgumentException("provider '" + config.name() + "' has option '" + option + "' = '"
        + config.option(option, null) + "'; it must be true or false");
  }

  private String env(String name) {
    String value = environment.apply(name);
    return value == null || value.isBlank() ? null : value.strip();
  }

  @Override
  public String toString() {
    return "CohereProviderFactory[" + TYPE + "]";
  }
}

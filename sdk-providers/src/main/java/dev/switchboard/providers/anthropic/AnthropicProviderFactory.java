package dev.switchboard.providers.anthropic;

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
 * Creates {@link AnthropicProvider}s for the type {@value #TYPE}.
 *
 * <p>From a {@link ProviderConfig}: the base URL is the config's, else
 * {@link AnthropicProvider#DEFAULT_BASE_URL}; the API key is the config's, else the value of
 * {@value #API_KEY_VARIABLE} (a key is required); the config's headers (e.g. {@code anthropic-beta})
 * are sent on every call. Options:
 * <ul>
 *   <li>{@code anthropic_version}: the {@code anthropic-version} header (default
 *       {@value AnthropicProvider#DEFAULT_ANTHROPIC_VERSION});
 *   <li>{@code default_max_tokens}: the {@code max_tokens} sent when a request sets none, an integer
 *       {@code >= 1} (default {@value AnthropicProvider#DEFAULT_MAX_TOKENS});
 *   <li>{@code drop_unsupported_params}: {@code true} to drop OpenAI parameters Anthropic cannot
 *       honour instead of failing the call, {@code false} (default) to fail.
 * </ul>
 * Any other option is rejected, naming it. An {@link HttpTransport} handed in as
 * {@link ProviderConfig#component(Class) component} is shared and not closed by the provider;
 * otherwise the provider creates its own transport with the config's connect timeout.
 *
 * <p>Found through {@link java.util.ServiceLoader}. Thread-safe.
 */
public final class AnthropicProviderFactory implements ProviderFactory {

  /** The provider type this factory creates. */
  public static final String TYPE = "anthropic";
  /** The environment variable read for the API key when the config has none. */
  public static final String API_KEY_VARIABLE = "ANTHROPIC_API_KEY";
  /** Option: the {@code anthropic-version} header. */
  public static final String OPTION_ANTHROPIC_VERSION = "anthropic_version";
  /** Option: the {@code max_tokens} sent when a request sets none. */
  public static final String OPTION_DEFAULT_MAX_TOKENS = "default_max_tokens";
  /** Option: whether unsupported parameters are dropped instead of failing the call. */
  public static final String OPTION_DROP_UNSUPPORTED_PARAMS = "drop_unsupported_params";
  /** The options this factory understands. */
  public static final Set<String> OPTIONS =
      Set.of(OPTION_ANTHROPIC_VERSION, OPTION_DEFAULT_MAX_TOKENS, OPTION_DROP_UNSUPPORTED_PARAMS);

  private final Function<String, String> environment;

  /** A factory that reads the API key from the process environment ({@link System#getenv(String)}). */
  public AnthropicProviderFactory() {
    this(System::getenv);
  }

  /**
   * A factory that reads the API key through {@code environment} (a variable name to its value, or
   * null when unset), e.g. for tests or a secrets store.
   *
   * @throws NullPointerException if {@code environment} is null
   */
  public AnthropicProviderFactory(Function<String, String> environment) {
    this.environment = Objects.requireNonNull(environment, "environment");
  }

  /** {@code anthropic}. */
  @Override
  public Set<String> types() {
    return Set.of(TYPE);
  }

  /**
   * {@inheritDoc}
   *
   * @throws NullPointerException if {@code config} is null
   * @throws IllegalArgumentException if the type is not {@code anthropic}, an option is unknown or has
   *     an invalid value, or neither the config nor {@value #API_KEY_VARIABLE} has an API key
   */
  @Override
  public Provider create(ProviderConfig config) {
    Objects.requireNonNull(config, "config");
    if (!TYPE.equals(config.type())) {
      throw new IllegalArgumentException("provider '" + config.name() + "' has type '" + config.type()
          + "', which AnthropicProviderFactory does not handle; it handles [" + TYPE + "]");
    }
    for (String option : config.options().keySet()) {
      if (!OPTIONS.contains(option)) {
        throw new IllegalArgumentException("provider '" + config.name() + "' has unknown option '" + option
            + "'; type '" + TYPE + "' understands " + new TreeSet<>(OPTIONS));
      }
    }
    String apiKey = apiKey(config);
    if (apiKey == null) {
      throw new IllegalArgumentException("provider '" + config.name() + "' of type '" + TYPE + "' needs an API key: "
          + "set apiKey in its configuration or the environment variable " + API_KEY_VARIABLE);
    }
    AnthropicProvider.Builder builder = AnthropicProvider.builder()
        .providerName(config.name())
        .baseUrl(config.baseUrl() != null ? config.baseUrl() : AnthropicProvider.DEFAULT_BASE_URL)
        .apiKey(apiKey)
        .headers(config.headers());
    String version = config.option(OPTION_ANTHROPIC_VERSION, null);
    if (version != null) {
      if (version.isBlank()) {
        throw invalidOption(config, OPTION_ANTHROPIC_VERSION, version, "a non-blank version such as "
            + AnthropicProvider.DEFAULT_ANTHROPIC_VERSION);
      }
      builder.anthropicVersion(version);
    }
    String maxTokens = config.option(OPTION_DEFAULT_MAX_TOKENS, null);
    if (maxTokens != null) {
      builder.defaultMaxTokens(positiveInt(config, maxTokens));
    }
    String drop = config.option(OPTION_DROP_UNSUPPORTED_PARAMS, null);
    if (drop != null) {
      String d = drop.strip().toLowerCase(Locale.ROOT);
      if (!d.equals("true") && !d.equals("false")) {
        throw invalidOption(config, OPTION_DROP_UNSUPPORTED_PARAMS, drop, "true or false");
      }
      builder.dropUnsupportedParams(d.equals("true"));
    }
    Optional<HttpTransport> shared = config.component(HttpTransport.class);
    if (shared.isPresent()) {
      builder.transport(shared.get());
    } else {
      builder.connectTimeout(config.connectTimeout());
    }
    return builder.build();
  }

  private static int positiveInt(ProviderConfig config, String value) {
    try {
      int n = Integer.parseInt(value.strip());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException notAnInt) {
      // reported below
    }
    throw invalidOption(config, OPTION_DEFAULT_MAX_TOKENS, value, "an integer >= 1");
  }

  private static IllegalArgumentException invalidOption(ProviderConfig config, String option, String value,
      String expected) {
    return new IllegalArgumentException("provider '" + config.name() + "' has option " + option + " = '" + value
        + "', but it must be " + expected);
  }

  private String apiKey(ProviderConfig config) {
    if (config.apiKey() != null) {
      return config.apiKey();
    }
    String value = environment.apply(API_KEY_VARIABLE);
    return value == null || value.isBlank() ? null : value.strip();
  }

  @Override
  public String toString() {
    return "AnthropicProviderFactory[" + TYPE + "]";
  }
}

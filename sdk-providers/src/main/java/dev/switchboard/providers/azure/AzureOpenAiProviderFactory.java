package dev.switchboard.providers.azure;

import dev.switchboard.core.spi.Provider;
import dev.switchboard.core.spi.ProviderConfig;
import dev.switchboard.core.spi.ProviderFactory;
import dev.switchboard.providers.http.HttpTransport;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Creates {@link AzureOpenAiProvider}s for the type {@value #TYPE}.
 *
 * <p>From a {@link ProviderConfig}:
 * <ul>
 *   <li>the endpoint is the config's base URL, else the environment variable
 *       {@value #ENDPOINT_VARIABLE};
 *   <li>option {@code api-version}: the {@code api-version} query parameter (default
 *       {@link AzureOpenAiProvider#DEFAULT_API_VERSION});
 *   <li>option {@code auth}: {@code api-key} sends the config's API key, else
 *       {@value #API_KEY_VARIABLE}, as the {@code api-key} header; {@code entra} sends the config's API
 *       key, else {@value #AD_TOKEN_VARIABLE}, as an Entra ID bearer token. Without the option, a key
 *       (config or {@value #API_KEY_VARIABLE}) is used as an API key, and only when there is none
 *       {@value #AD_TOKEN_VARIABLE} as a bearer token;
 *   <li>the config's headers are sent on every call; an {@link HttpTransport} handed in as
 *       {@link ProviderConfig#component(Class) component} is shared and not closed by the provider,
 *       otherwise the provider creates its own with the config's connect timeout.
 * </ul>
 * The variable names are those of OpenAI's official SDKs for Azure. Unknown options are rejected.
 *
 * <p>Found through {@link java.util.ServiceLoader}. Thread-safe.
 */
public final class AzureOpenAiProviderFactory implements ProviderFactory {

  /** The provider type this factory handles. */
  public static final String TYPE = "azure";
  /** The options this factory understands. */
  public static final Set<String> OPTIONS = Set.of("api-version", "auth");
  /** The environment variable read for the endpoint when the config sets no base URL. */
  public static final String ENDPOINT_VARIABLE = "AZURE_OPENAI_ENDPOINT";
  /** The environment variable read for the API key when the config sets none. */
  public static final String API_KEY_VARIABLE = "AZURE_OPENAI_API_KEY";
  /** The environment variable read for an Entra ID token when the config sets no key. */
  public static final String AD_TOKEN_VARIABLE = "AZURE_OPENAI_AD_TOKEN";

  private final Function<String, String> environment;

  /** A factory that reads the environment through {@link System#getenv(String)}. */
  public AzureOpenAiProviderFactory() {
    this(System::getenv);
  }

  /**
   * A factory that reads environment variables through {@code environment} (a name to its value, or
   * null when unset), e.g. for tests or a secrets store.
   *
   * @throws NullPointerException if {@code environment} is null
   */
  public AzureOpenAiProviderFactory(Function<String, String> environment) {
    this.environment = Objects.requireNonNull(environment, "environment");
  }

  /** {@code azure}. */
  @Override
  public Set<String> types() {
    return Set.of(TYPE);
  }

  /**
   * {@inheritDoc}
   *
   * @throws NullPointerException if {@code config} is null
   * @throws IllegalArgumentException if the type is not {@value #TYPE}, an option is unknown or has
   *     an unknown value, or the endpoint or credential is missing from both the config and the
   *     environment
   */
  @Override
  public Provider create(ProviderConfig config) {
    Objects.requireNonNull(config, "config");
    if (!TYPE.equals(config.type())) {
      throw new IllegalArgumentException("provider '" + config.name() + "' has type '" + config.type()
          + "', which AzureOpenAiProviderFactory does not handle; it handles [" + TYPE + "]");
    }
    for (String option : config.options().keySet()) {
      if (!OPTIONS.contains(option)) {
        throw new IllegalArgumentException("provider '" + config.name() + "' has unknown option '" + option
            + "'; type '" + TYPE + "' understands " + new TreeSet<>(OPTIONS));
      }
    }
    String endpoint = config.baseUrl() != null ? config.baseUrl() : env(ENDPOINT_VARIABLE);
    if (endpoint == null) {
      throw new IllegalArgumentException("provider '" + config.name() + "' of type '" + TYPE + "' needs an endpoint: "
          + "set baseUrl (e.g. https://my-resource.openai.azure.com) or the environment variable " + ENDPOINT_VARIABLE);
    }
    AzureOpenAiProvider.Builder builder = AzureOpenAiProvider.builder()
        .providerName(config.name())
        .endpoint(endpoint)
        .headers(config.headers());
    String apiVersion = config.option("api-version", null);
    if (apiVersion != null) {
      if (apiVersion.isBlank()) {
        throw new IllegalArgumentException("provider '" + config.name() + "' has a blank option 'api-version'");
      }
      builder.apiVersion(apiVersion);
    }
    credential(config, builder);
    Optional<HttpTransport> shared = config.component(HttpTransport.class);
    if (shared.isPresent()) {
      builder.transport(shared.get());
    } else {
      builder.connectTimeout(config.connectTimeout());
    }
    return builder.build();
  }

  private void credential(ProviderConfig config, AzureOpenAiProvider.Builder builder) {
    String auth = config.option("auth", null);
    if (auth == null) {
      String key = config.apiKey() != null ? config.apiKey() : env(API_KEY_VARIABLE);
      if (key != null) {
        builder.apiKey(key);
        return;
      }
      String token = env(AD_TOKEN_VARIABLE);
      if (token != null) {
        builder.entraToken(token);
        return;
      }
      throw new IllegalArgumentException("provider '" + config.name() + "' of type '" + TYPE + "' needs a credential: "
          + "set apiKey in its configuration, or the environment variable " + API_KEY_VARIABLE + " (an API key) or "
          + AD_TOKEN_VARIABLE + " (an Entra ID token)");
    }
    if (AzureDialect.Auth.API_KEY.optionValue().equals(auth)) {
      String key = config.apiKey() != null ? config.apiKey() : env(API_KEY_VARIABLE);
      if (key == null) {
        throw new IllegalArgumentException("provider '" + config.name() + "' has auth 'api-key' but no key: set apiKey "
            + "in its configuration or the environment variable " + API_KEY_VARIABLE);
      }
      builder.apiKey(key);
    } else if (AzureDialect.Auth.ENTRA.optionValue().equals(auth)) {
      String token = config.apiKey() != null ? config.apiKey() : env(AD_TOKEN_VARIABLE);
      if (token == null) {
        throw new IllegalArgumentException("provider '" + config.name() + "' has auth 'entra' but no token: set apiKey "
            + "in its configuration to the token or the environment variable " + AD_TOKEN_VARIABLE);
      }
      builder.entraToken(token);
    } else {
      throw new IllegalArgumentException("provider '" + config.name() + "' has option 'auth' = '" + auth
          + "'; it must be 'api-key' or 'entra'");
    }
  }

  private String env(String name) {
    String value = environment.apply(name);
    return value == null || value.isBlank() ? null : value.strip();
  }

  @Override
  public String toString() {
    return "AzureOpenAiProviderFactory[" + TYPE + "]";
  }
}

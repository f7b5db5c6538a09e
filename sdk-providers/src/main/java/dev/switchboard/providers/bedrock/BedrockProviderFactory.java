package dev.switchboard.providers.bedrock;

import dev.switchboard.core.spi.Provider;
import dev.switchboard.core.spi.ProviderConfig;
import dev.switchboard.core.spi.ProviderFactory;
import dev.switchboard.providers.http.HttpTransport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Creates {@link BedrockProvider}s for the type {@code bedrock}.
 *
 * <p>From a {@link ProviderConfig}:
 * <ul>
 *   <li><b>Credentials</b>, the first that applies: the config's API key (a Bedrock API key, sent as a
 *       bearer token); the options {@code access_key_id} and {@code secret_access_key} (with
 *       {@code session_token} for temporary credentials), signed with SigV4; the environment variable
 *       {@code AWS_BEARER_TOKEN_BEDROCK} (an API key); the environment variables
 *       {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY} (with {@code AWS_SESSION_TOKEN}). An
 *       API key and an access key pair in the same config are refused as ambiguous.
 *   <li><b>Region</b>: the option {@code region}, else {@code AWS_REGION}, else
 *       {@code AWS_DEFAULT_REGION}; required.
 *   <li><b>Endpoint</b>: the config's base URL, else {@code https://bedrock-runtime.{region}.amazonaws.com}.
 *   <li>Option {@code drop_unsupported_params} ({@code true} or {@code false}, default false): leave out
 *       request parameters Converse cannot honour instead of refusing the call.
 *   <li>Option {@code models}: comma-separated model ids that {@link BedrockProvider#models} reports.
 *   <li>The config's headers are sent on every call; an {@link HttpTransport} handed in as
 *       {@link ProviderConfig#component(Class) component} is shared and not closed by the provider;
 *       otherwise the provider creates its own transport with the config's connect timeout.
 * </ul>
 * Unknown options are refused, naming the option.
 *
 * <p>Found through {@link java.util.ServiceLoader}. Thread-safe.
 */
public final class BedrockProviderFactory implements ProviderFactory {

  /** The type name. */
  public static final String TYPE = "bedrock";
  /** The options this factory understands. */
  public static final Set<String> OPTIONS = Set.of("region", "access_key_id", "secret_access_key", "session_token",
      "drop_unsupported_params", "models");
  /** The environment variable holding a Bedrock API key. */
  public static final String API_KEY_VARIABLE = "AWS_BEARER_TOKEN_BEDROCK";

  private final Function<String, String> environment;

  /** A factory that reads credentials and region from the process environment ({@link System#getenv(String)}). */
  public BedrockProviderFactory() {
    this(System::getenv);
  }

  /**
   * A factory that reads environment variables through {@code environment} (a variable name to its
   * value, or null when unset), e.g. for tests or a secrets store.
   *
   * @throws NullPointerException if {@code environment} is null
   */
  public BedrockProviderFactory(Function<String, String> environment) {
    this.environment = Objects.requireNonNull(environment, "environment");
  }

  /** {@code bedrock}. */
  @Override
  public Set<String> types() {
    return Set.of(TYPE);
  }

  /**
   * {@inheritDoc}
   *
   * @throws NullPointerException if {@code config} is null
   * @throws IllegalArgumentException if the type is not {@code bedrock}, an option is unknown or invalid, no
   *     region or no credentials can be found, or credentials are given twice
   */
  @Override
  public Provider create(ProviderConfig config) {
    Objects.requireNonNull(config, "config");
    String name = config.name();
    if (!TYPE.equals(config.type())) {
      throw new IllegalArgumentException("provider '" + name + "' has type '" + config.type()
          + "', which BedrockProviderFactory does not handle; it handles [" + TYPE + "]");
    }
    for (String option : config.options().keySet()) {
      if (!OPTIONS.contains(option)) {
        throw new IllegalArgumentException("provider '" + name + "' has unknown option '" + option
            + "'; type 'bedrock' understands " + new TreeSet<>(OPTIONS));
      }
    }
    String region = firstOf(config.option("region", null), env("AWS_REGION"), env("AWS_DEFAULT_REGION"));
    if (region == null) {
      throw new IllegalArgumentException("provider '" + name + "' of type 'bedrock' needs a region: set option "
          + "'region' or the environment variable AWS_REGION");
    }
    BedrockProvider.Builder builder = BedrockProvider.builder().providerName(name);
    try {
      builder.region(region.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("provider '" + name + "' has an invalid region: " + e.getMessage(), e);
    }
    credentials(config, builder);
    builder.baseUrl(config.baseUrl()).headers(config.headers());
    String drop = config.option("drop_unsupported_params", "false").strip().toLowerCase(Locale.ROOT);
    if (!drop.equals("true") && !drop.equals("false")) {
      throw new IllegalArgumentException("provider '" + name + "' has option 'drop_unsupported_params' = '"
          + config.option("drop_unsupported_params", "") + "'; it must be true or false");
    }
    builder.dropUnsupportedParams(Boolean.parseBoolean(drop));
    String models = config.option("models", null);
    if (models != null) {
      List<String> ids = new ArrayList<>();
      for (String id : models.split(",")) {
        if (!id.isBlank()) {
          ids.add(id.strip());
        }
      }
      builder.models(ids);
    }
    Optional<HttpTransport> shared = config.component(HttpTransport.class);
    if (shared.isPresent()) {
      builder.transport(shared.get());
    } else {
      builder.connectTimeout(config.connectTimeout());
    }
    return builder.build();
  }

  private void credentials(ProviderConfig config, BedrockProvider.Builder builder) {
    String name = config.name();
    String accessKeyId = blankToNull(config.option("access_key_id", null));
    String secret = blankToNull(config.option("secret_access_key", null));
    String token = blankToNull(config.option("session_token", null));
    if ((accessKeyId == null) != (secret == null)) {
      throw new IllegalArgumentException("provider '" + name + "' sets option '"
          + (accessKeyId == null ? "secret_access_key" : "access_key_id") + "' without '"
          + (accessKeyId == null ? "access_key_id" : "secret_access_key") + "'; SigV4 needs both");
    }
    if (token != null && accessKeyId == null) {
      throw new IllegalArgumentException("provider '" + name + "' sets option 'session_token' without "
          + "'access_key_id' and 'secret_access_key'");
    }
    if (config.apiKey() != null && accessKeyId != null) {
      throw new IllegalArgumentException("provider '" + name + "' sets both an API key and options "
          + "'access_key_id'/'secret_access_key'; choose one way to authenticate");
    }
    if (config.apiKey() != null) {
      builder.apiKey(config.apiKey());
      return;
    }
    if (accessKeyId != null) {
      builder.credentials(accessKeyId, secret, token);
      return;
    }
    String bearer = env(API_KEY_VARIABLE);
    if (bearer != null) {
      builder.apiKey(bearer);
      return;
    }
    String envKeyId = env("AWS_ACCESS_KEY_ID");
    String envSecret = env("AWS_SECRET_ACCESS_KEY");
    if (envKeyId != null && envSecret != null) {
      builder.credentials(envKeyId, envSecret, env("AWS_SESSION_TOKEN"));
      return;
    }
    throw new IllegalArgumentException("provider '" + name + "' of type 'bedrock' needs credentials: set apiKey "
        + "(a Bedrock API key) or options 'access_key_id' and 'secret_access_key' in its configuration, or the "
        + "environment variable " + API_KEY_VARIABLE + ", or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
  }

  private String env(String variable) {
    return blankToNull(environment.apply(variable));
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  private static String firstOf(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "BedrockProviderFactory[" + TYPE + "]";
  }
}

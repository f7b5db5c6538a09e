package dev.switchboard.providers.gemini;

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
 * Creates {@link GeminiProvider}s for the types {@code gemini} (the Gemini API of Google AI Studio)
 * and {@code vertex-ai} (Gemini on Google Cloud Vertex AI).
 *
 * <p>From a {@link ProviderConfig}:
 * <ul>
 *   <li>{@code gemini}: the API key is the config's, else the environment variable
 *       {@value #GEMINI_API_KEY}, else {@value #GOOGLE_API_KEY}; one is required. The base URL is the
 *       config's, else {@link GeminiProvider#DEFAULT_BASE_URL}.
 *   <li>{@code vertex-ai}: the OAuth access token is the config's {@code apiKey}, else the
 *       environment variable {@value #VERTEX_ACCESS_TOKEN} (e.g. the output of
 *       {@code gcloud auth print-access-token}); one is required, and since such tokens expire,
 *       long-running embedders should build the provider with
 *       {@link GeminiProvider.Builder#accessToken(java.util.function.Supplier)} instead. Option
 *       {@code project} (else {@value #GOOGLE_CLOUD_PROJECT}) is required; option {@code location}
 *       (else {@value #GOOGLE_CLOUD_LOCATION}, else {@value #DEFAULT_LOCATION}) picks the region. The
 *       base URL is the config's, else {@code https://{location}-aiplatform.googleapis.com/v1}.
 * </ul>
 * Options for both types: {@code drop_unsupported_params} ({@code true}/{@code false}, default
 * false: refuse OpenAI parameters Gemini cannot honour instead of dropping them) and
 * {@code schema_mode} ({@code openapi}, the default, or {@code json_schema}; see
 * {@link GeminiProvider.SchemaMode}). Any other option is refused, naming it. The config's headers
 * are sent on every call. An {@link HttpTransport} handed in as
 * {@link ProviderConfig#component(Class) component} is shared and not closed by the provider;
 * otherwise the provider creates its own transport with the config's connect timeout.
 *
 * <p>Found through {@link java.util.ServiceLoader}. Thread-safe.
 */
public final class GeminiProviderFactory implements ProviderFactory {

  /** The type of the Gemini API (Google AI Studio). */
  public static final String TYPE_GEMINI = "gemini";
  /** The type of Gemini on Vertex AI. */
  public static final String TYPE_VERTEX_AI = "vertex-ai";
  /** The first environment variable read for a Gemini API key. */
  public static final String GEMINI_API_KEY = "GEMINI_API_KEY";
  /** The environment variable read for a Gemini API key when {@value #GEMINI_API_KEY} is unset. */
  public static final String GOOGLE_API_KEY = "GOOGLE_API_KEY";
  /** The environment variable read for a Vertex AI access token. */
  public static final String VERTEX_ACCESS_TOKEN = "VERTEX_ACCESS_TOKEN";
  /** The environment variable read for the Vertex AI project when the option is unset. */
  public static final String GOOGLE_CLOUD_PROJECT = "GOOGLE_CLOUD_PROJECT";
  /** The environment variable read for the Vertex AI location when the option is unset. */
  public static final String GOOGLE_CLOUD_LOCATION = "GOOGLE_CLOUD_LOCATION";
  /** The Vertex AI location when neither the option nor the environment names one. */
  public static final String DEFAULT_LOCATION = "us-central1";

  /** The options of type {@code gemini}. */
  public static final Set<String> GEMINI_OPTIONS = Set.of("drop_unsupported_params", "schema_mode");
  /** The options of type {@code vertex-ai}. */
  public static final Set<String> VERTEX_AI_OPTIONS =
      Set.of("drop_unsupported_params", "schema_mode", "project", "location");

  private static final Set<String> TYPES = Set.of(TYPE_GEMINI, TYPE_VERTEX_AI);

  private final Function<String, String> environment;

  /** A factory that reads credentials from the process environment ({@link System#getenv(String)}). */
  public GeminiProviderFactory() {
    this(System::getenv);
  }

  /**
   * A factory that reads environment variables through {@code environment} (a name to its value, or
   * null when unset), e.g. for tests or a secrets store.
   *
   * @throws NullPointerException if {@code environment} is null
   */
  public GeminiProviderFactory(Function<String, String> environment) {
    this.environment = Objects.requireNonNull(environment, "environment");
  }

  /** {@code gemini} and {@code vertex-ai}. */
  @Override
  public Set<String> types() {
    return TYPES;
  }

  /**
   * {@inheritDoc}
   *
   * @throws NullPointerException if {@code config} is null
   * @throws IllegalArgumentException if the type is not one of {@link #types()}, an option is unknown
   *     or has a bad value, or a required credential or project is missing
   */
  @Override
  public Provider create(ProviderConfig config) {
    Objects.requireNonNull(config, "config");
    boolean vertex;
    if (TYPE_GEMINI.equals(config.type())) {
      vertex = false;
    } else if (TYPE_VERTEX_AI.equals(config.type())) {
      vertex = true;
    } else {
      throw new IllegalArgumentException("provider '" + config.name() + "' has type '" + config.type()
          + "', which GeminiProviderFactory does not handle; it handles " + new TreeSet<>(TYPES));
    }
    Set<String> known = vertex ? VERTEX_AI_OPTIONS : GEMINI_OPTIONS;
    for (String option : config.options().keySet()) {
      if (!known.contains(option)) {
        throw new IllegalArgumentException("provider '" + config.name() + "' has unknown option '" + option
            + "'; type '" + config.type() + "' understands " + new TreeSet<>(known));
      }
    }
    GeminiProvider.Builder builder;
    if (vertex) {
      String project = firstOf(config.option("project", null), env(GOOGLE_CLOUD_PROJECT));
      if (project == null) {
        throw new IllegalArgumentException("provider '" + config.name() + "' of type 'vertex-ai' needs a project: "
            + "set the option project or the environment variable " + GOOGLE_CLOUD_PROJECT);
      }
      String location = firstOf(config.option("location", null), env(GOOGLE_CLOUD_LOCATION));
      builder = GeminiProvider.vertexAiBuilder(project, location == null ? DEFAULT_LOCATION : location);
      String token = firstOf(config.apiKey(), env(VERTEX_ACCESS_TOKEN));
      if (token == null) {
        throw new IllegalArgumentException("provider '" + config.name() + "' of type 'vertex-ai' needs an access "
            + "token: set apiKey in its configuration or the environment variable " + VERTEX_ACCESS_TOKEN);
      }
      builder.accessToken(token);
    } else {
      String key = firstOf(config.apiKey(), env(GEMINI_API_KEY), env(GOOGLE_API_KEY));
      if (key == null) {
        throw new IllegalArgumentException("provider '" + config.name() + "' of type 'gemini' needs an API key: "
            + "set apiKey in its configuration or the environment variable " + GEMINI_API_KEY + " or "
            + GOOGLE_API_KEY);
      }
      builder = GeminiProvider.builder().apiKey(key);
    }
    builder.providerName(config.name())
        .headers(config.headers())
        .dropUnsupportedParams(booleanOption(config, "drop_unsupported_params"))
        .schemaMode(schemaMode(config));
    if (config.baseUrl() != null) {
      builder.baseUrl(config.baseUrl());
    }
    Optional<HttpTransport> shared = config.component(HttpTransport.class);
    if (shared.isPresent()) {
      builder.transport(shared.get());
    } else {
      builder.connectTimeout(config.connectTimeout());
    }
    return builder.build();
  }

  private String env(String name) {
    String value = environment.apply(name);
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

  private static boolean booleanOption(ProviderConfig config, String name) {
    String value = config.option(name, "false").strip().toLowerCase(Locale.ROOT);
    if (!value.equals("true") && !value.equals("false")) {
      throw new IllegalArgumentException("provider '" + config.name() + "' option " + name
          + " must be true or false but was '" + config.option(name, null) + "'");
    }
    return value.equals("true");
  }

  private static GeminiProvider.SchemaMode schemaMode(ProviderConfig config) {
    String value = config.option("schema_mode", "openapi").strip().toLowerCase(Locale.ROOT);
    switch (value) {
      case "openapi":
        return GeminiProvider.SchemaMode.OPENAPI;
      case "json_schema":
        return GeminiProvider.SchemaMode.JSON_SCHEMA;
      default:
        throw new IllegalArgumentException("provider '" + config.name() + "' option schema_mode must be openapi or "
            + "json_schema but was '" + config.option("schema_mode", null) + "'");
    }
  }

  @Override
  public String toString() {
    return "GeminiProviderFactory" + new TreeSet<>(TYPES);
  }
}

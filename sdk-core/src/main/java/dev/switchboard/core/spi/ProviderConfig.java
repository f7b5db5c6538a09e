package dev.switchboard.core.spi;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The configuration of one upstream account: a name, a provider type, credentials, an optional base
 * URL, and provider-specific options.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the API key, nor the value of an option
 * whose name contains {@code secret}, {@code token}, {@code password} or {@code key} (e.g. an AWS
 * {@code secret_access_key} or {@code session_token}).
 *
 * <p>{@link #component(Class)} hands shared infrastructure to a provider without a compile-time
 * dependency of the core on it, e.g. the HTTP transport a gateway wants every provider to use.
 */
public final class ProviderConfig {

  /** Connect timeout when none is configured. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final String name;
  private final String type;
  private final String apiKey;
  private final String baseUrl;
  private final Duration connectTimeout;
  private final Map<String, String> headers;
  private final Map<String, String> options;
  private final Map<Class<?>, Object> components;

  private ProviderConfig(Builder b) {
    this.name = requireNonBlank(b.name, "name");
    this.type = requireNonBlank(b.type, "type");
    this.apiKey = b.apiKey;
    this.baseUrl = b.baseUrl;
    this.connectTimeout = b.connectTimeout;
    this.headers = Map.copyOf(b.headers);
    this.options = Map.copyOf(b.options);
    this.components = Map.copyOf(b.components);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.type = type;
    b.apiKey = apiKey;
    b.baseUrl = baseUrl;
    b.connectTimeout = connectTimeout;
    b.headers.putAll(headers);
    b.options.putAll(options);
    b.components.putAll(components);
    return b;
  }

  /** The account name that deployments refer to, e.g. {@code openai-main}; never null. */
  public String name() {
    return name;
  }

  /** The provider type, e.g. {@code openai} or {@code groq}; lower case, never null. */
  public String type() {
    return type;
  }

  /** The API key, or null for providers that need none (e.g. a local Ollama). */
  public String apiKey() {
    return apiKey;
  }

  /** The base URL, or null for the provider type's default. */
  public String baseUrl() {
    return baseUrl;
  }

  /** The connect timeout; never null. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** Headers sent on every upstream call of this account; never null. */
  public Map<String, String> headers() {
    return headers;
  }

  /** Provider-specific options (e.g. {@code organization}, {@code api-version}); never null. */
  public Map<String, String> options() {
    return options;
  }

  /** The option's value, or {@code defaultValue} when unset. */
  public String option(String name, String defaultValue) {
    return options.getOrDefault(name, defaultValue);
  }

  /** A shared component of the given type handed in by the embedder, if any. */
  public <T> Optional<T> component(Class<T> type) {
    return Optional.ofNullable(type.cast(components.get(type)));
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ProviderConfig)) {
      return false;
    }
    ProviderConfig that = (ProviderConfig) o;
    return name.equals(that.name) && type.equals(that.type) && Objects.equals(apiKey, that.apiKey)
        && Objects.equals(baseUrl, that.baseUrl) && connectTimeout.equals(that.connectTimeout)
        && headers.equals(that.headers) && options.equals(that.options) && components.equals(that.components);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, type, apiKey, baseUrl, connectTimeout, headers, options, components);
  }

  @Override
  public String toString() {
    return "ProviderConfig{name=" + name + ", type=" + type + ", apiKey=" + (apiKey == null ? "none" : "****")
        + ", baseUrl=" + baseUrl + ", options=" + maskedOptions() + "}";
  }

  // Some providers take credentials as options (e.g. Bedrock's secret_access_key): never print those.
  private Map<String, String> maskedOptions() {
    Map<String, String> shown = new java.util.TreeMap<>();
    options.forEach((name, value) -> {
      String n = name.toLowerCase(java.util.Locale.ROOT);
      boolean secret = n.contains("secret") || n.contains("token") || n.contains("password") || n.contains("key");
      shown.put(name, secret ? "****" : value);
    });
    return shown;
  }

  private static String requireNonBlank(String value, String field) {
    Objects.requireNonNull(value, field);
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
    return value;
  }

  /** Builds a {@link ProviderConfig}. Not thread-safe. */
  public static final class Builder {
    private String name;
    private String type;
    private String apiKey;
    private String baseUrl;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final Map<String, String> options = new LinkedHashMap<>();
    private final Map<Class<?>, Object> components = new LinkedHashMap<>();

    private Builder() {}

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder type(String type) {
      this.type = type == null ? null : type.toLowerCase(java.util.Locale.ROOT);
      return this;
    }

    public Builder apiKey(String apiKey) {
      this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
      return this;
    }

    /** @throws IllegalArgumentException if {@code baseUrl} is not an http(s) URL */
    public Builder baseUrl(String baseUrl) {
      if (baseUrl != null && !(baseUrl.startsWith("http://") || baseUrl.startsWith("https://"))) {
        throw new IllegalArgumentException("baseUrl must start with http:// or https:// but was " + baseUrl);
      }
      this.baseUrl = baseUrl == null ? null : stripTrailingSlash(baseUrl);
      return this;
    }

    /** @throws IllegalArgumentException if {@code timeout} is not positive */
    public Builder connectTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "connectTimeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("connectTimeout must be positive but was " + timeout);
      }
      this.connectTimeout = timeout;
      return this;
    }

    public Builder header(String name, String value) {
      headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    public Builder option(String name, String value) {
      options.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    public <T> Builder component(Class<T> type, T component) {
      components.put(Objects.requireNonNull(type, "type"), type.cast(Objects.requireNonNull(component, "component")));
      return this;
    }

    /**
     * @throws NullPointerException if name or type is unset
     * @throws IllegalArgumentException if name or type is blank
     */
    public ProviderConfig build() {
      return new ProviderConfig(this);
    }

    private static String stripTrailingSlash(String url) {
      return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
  }
}

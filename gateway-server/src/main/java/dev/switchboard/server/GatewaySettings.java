package dev.switchboard.server;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link Gateway} runs: the port, the request body limit, the shutdown grace period, and the
 * environment its embedded default configuration reads provider API keys from.
 *
 * <p>This first version has no configuration file and no authentication, so the gateway always
 * binds to the loopback interface {@value #HOST}.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows environment values.
 */
public final class GatewaySettings {

  /** The port when neither the settings nor {@code PORT} name one. */
  public static final int DEFAULT_PORT = 8080;
  /** The largest request body accepted when none is configured: 1 MiB. */
  public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
  /** How long {@link Gateway#close()} lets in-flight requests finish when none is configured. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
  /** The interface the gateway binds to: loopback only, because this version has no authentication. */
  public static final String HOST = "127.0.0.1";

  private final int port;
  private final long maxBodyBytes;
  private final Duration shutdownTimeout;
  private final Map<String, String> environment;

  private GatewaySettings(Builder b) {
    this.port = b.port;
    this.maxBodyBytes = b.maxBodyBytes;
    this.shutdownTimeout = b.shutdownTimeout;
    this.environment = Map.copyOf(b.environment);
  }

  /** A builder with every default and an empty environment (so only the offline demo provider is enabled). */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Settings read from process environment variables: {@code PORT} (default {@value #DEFAULT_PORT}),
   * the provider API key variables ({@code OPENAI_API_KEY}, {@code GROQ_API_KEY}, …) and their base
   * URL overrides ({@code SWITCHBOARD_OPENAI_BASE_URL}, …).
   *
   * @param environment the variables, usually {@code System.getenv()}; null values are not allowed
   * @throws IllegalArgumentException when {@code PORT} is not a number from 0 to 65535, naming it
   */
  public static GatewaySettings fromEnvironment(Map<String, String> environment) {
    Objects.requireNonNull(environment, "environment");
    Builder b = builder().environment(environment);
    String port = environment.get("PORT");
    if (port != null && !port.isBlank()) {
      int value;
      try {
        value = Integer.parseInt(port.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("PORT must be a number from 0 to 65535 but was '" + port + "'");
      }
      if (value < 0 || value > 65535) {
        throw new IllegalArgumentException("PORT must be a number from 0 to 65535 but was '" + port + "'");
      }
      b.port(value);
    }
    return b.build();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.port = port;
    b.maxBodyBytes = maxBodyBytes;
    b.shutdownTimeout = shutdownTimeout;
    b.environment.putAll(environment);
    return b;
  }

  /** The TCP port; 0 means any free port (see {@link Gateway#port()}). */
  public int port() {
    return port;
  }

  /** The largest request body accepted, in bytes; larger bodies get 413. */
  public long maxBodyBytes() {
    return maxBodyBytes;
  }

  /** How long closing waits for in-flight requests before it cuts them. */
  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  /** The environment variables the embedded configuration reads; never null, unmodifiable. */
  public Map<String, String> environment() {
    return environment;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof GatewaySettings)) {
      return false;
    }
    GatewaySettings that = (GatewaySettings) o;
    return port == that.port && maxBodyBytes == that.maxBodyBytes && shutdownTimeout.equals(that.shutdownTimeout)
        && environment.equals(that.environment);
  }

  @Override
  public int hashCode() {
    return Objects.hash(port, maxBodyBytes, shutdownTimeout, environment);
  }

  @Override
  public String toString() {
    return "GatewaySettings{port=" + port + ", maxBodyBytes=" + maxBodyBytes + ", shutdownTimeout=" + shutdownTimeout
        + ", environment=" + environment.size() + " variables}";
  }

  /** Builds {@link GatewaySettings}. Not thread-safe; every setter validates its argument at once. */
  public static final class Builder {
    private int port = DEFAULT_PORT;
    private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    private final Map<String, String> environment = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Default {@value GatewaySettings#DEFAULT_PORT}; 0 picks a free port.
     *
     * @throws IllegalArgumentException if not from 0 to 65535
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be from 0 to 65535 but was " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Default {@link GatewaySettings#DEFAULT_MAX_BODY_BYTES}.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxBodyBytes(long maxBodyBytes) {
      if (maxBodyBytes <= 0) {
        throw new IllegalArgumentException("maxBodyBytes must be positive but was " + maxBodyBytes);
      }
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /**
     * Default {@link GatewaySettings#DEFAULT_SHUTDOWN_TIMEOUT}.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder shutdownTimeout(Duration shutdownTimeout) {
      Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
      if (shutdownTimeout.isNegative()) {
        throw new IllegalArgumentException("shutdownTimeout must not be negative but was " + shutdownTimeout);
      }
      this.shutdownTimeout = shutdownTimeout;
      return this;
    }

    /**
     * Replaces the environment the embedded configuration reads API keys from. Default: empty.
     *
     * @throws NullPointerException if the map, a key or a value is null
     */
    public Builder environment(Map<String, String> environment) {
      Objects.requireNonNull(environment, "environment");
      Map<String, String> copy = new LinkedHashMap<>();
      environment.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "environment key"),
          Objects.requireNonNull(v, "environment value of " + k)));
      this.environment.clear();
      this.environment.putAll(copy);
      return this;
    }

    public GatewaySettings build() {
      return new GatewaySettings(this);
    }
  }
}

package dev.switchboard.server;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a {@link Gateway} runs: the configuration file, the port, the request body limit, the shutdown
 * grace period, and the environment that {@code ${VAR}} references in the file, the master key
 * ({@code SWITCHBOARD_MASTER_KEY}) and the embedded default's provider API keys are read from.
 *
 * <p>Without a configuration file the gateway runs on the embedded default (providers whose keys are
 * in the environment, plus the offline {@code demo} group). Without any key (no master key, no
 * virtual keys) it binds to the loopback interface {@value #HOST} only.
 *
 * <p>Precedence: a port set here (or by {@code PORT}) wins over {@code server.port} in the file; the
 * file's {@code server.max-body-bytes} and {@code server.shutdown-timeout} win over the values here.
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
  /** The interface the gateway binds to while no key is configured: loopback only. */
  public static final String HOST = "127.0.0.1";
  /** The environment variable naming the configuration file when none is set here. */
  public static final String CONFIG_VARIABLE = "SWITCHBOARD_CONFIG";

  private final Path configFile;
  private final boolean portSet;
  private final int port;
  private final long maxBodyBytes;
  private final Duration shutdownTimeout;
  private final Map<String, String> environment;

  // for tests in this package: where access log lines go (null: the logger), and the clock keys use
  private final Consumer<String> accessLogSink;
  private final Clock clock;

  private GatewaySettings(Builder b) {
    this.configFile = b.configFile;
    this.portSet = b.portSet;
    this.port = b.port;
    this.accessLogSink = b.accessLogSink;
    this.clock = b.clock;
    this.maxBodyBytes = b.maxBodyBytes;
    this.shutdownTimeout = b.shutdownTimeout;
    this.environment = Map.copyOf(b.environment);
  }

  /** A builder with every default and an empty environment (so only the offline demo provider is enabled). */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Settings read from process environment variables: {@value #CONFIG_VARIABLE} (the configuration
   * file), {@code PORT} (default {@value #DEFAULT_PORT}), and, kept for the gateway to read, the
   * master key, the provider API key variables ({@code OPENAI_API_KEY}, {@code GROQ_API_KEY}, …) and
   * their base URL overrides ({@code SWITCHBOARD_OPENAI_BASE_URL}, …).
   *
   * @param environment the variables, usually {@code System.getenv()}; null values are not allowed
   * @throws IllegalArgumentException when {@code PORT} is not a number from 0 to 65535, naming it
   */
  public static GatewaySettings fromEnvironment(Map<String, String> environment) {
    Objects.requireNonNull(environment, "environment");
    Builder b = builder().environment(environment);
    String config = environment.get(CONFIG_VARIABLE);
    if (config != null && !config.isBlank()) {
      try {
        b.configFile(Path.of(config.strip()));
      } catch (InvalidPathException e) {
        throw new IllegalArgumentException(CONFIG_VARIABLE + " is not a valid path: '" + config + "'");
      }
    }
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
    b.configFile = configFile;
    b.portSet = portSet;
    b.port = port;
    b.accessLogSink = accessLogSink;
    b.clock = clock;
    b.maxBodyBytes = maxBodyBytes;
    b.shutdownTimeout = shutdownTimeout;
    b.environment.putAll(environment);
    return b;
  }

  /** The YAML configuration file, or null for the embedded default. */
  public Path configFile() {
    return configFile;
  }

  /**
   * The TCP port; 0 means any free port (see {@link Gateway#port()}). When not {@link #isPortSet() set},
   * the configuration file's {@code server.port} is used if it has one.
   */
  public int port() {
    return port;
  }

  /** Whether the port was set here (or by {@code PORT}), rather than left at the default. */
  public boolean isPortSet() {
    return portSet;
  }

  Consumer<String> accessLogSink() {
    return accessLogSink;
  }

  Clock clock() {
    return clock;
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
    return Objects.equals(configFile, that.configFile) && portSet == that.portSet && port == that.port
        && maxBodyBytes == that.maxBodyBytes && shutdownTimeout.equals(that.shutdownTimeout)
        && environment.equals(that.environment);
  }

  @Override
  public int hashCode() {
    return Objects.hash(configFile, portSet, port, maxBodyBytes, shutdownTimeout, environment);
  }

  @Override
  public String toString() {
    return "GatewaySettings{configFile=" + configFile + ", port=" + port + (portSet ? "" : " (default)")
        + ", maxBodyBytes=" + maxBodyBytes + ", shutdownTimeout=" + shutdownTimeout
        + ", environment=" + environment.size() + " variables}";
  }

  /** Builds {@link GatewaySettings}. Not thread-safe; every setter validates its argument at once. */
  public static final class Builder {
    private Path configFile;
    private boolean portSet;
    private int port = DEFAULT_PORT;
    private Consumer<String> accessLogSink;
    private Clock clock = Clock.systemUTC();
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
      this.portSet = true;
      return this;
    }

    /**
     * The YAML configuration file; null (the default) runs on the embedded default. The file is read
     * when the gateway starts.
     */
    public Builder configFile(Path configFile) {
      this.configFile = configFile;
      return this;
    }

    /** Where access log lines go instead of the {@code switchboard.access} logger: for tests. */
    Builder accessLogSink(Consumer<String> sink) {
      this.accessLogSink = sink;
      return this;
    }

    /** The time keys are created, expire and are revoked at: for tests. */
    Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
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

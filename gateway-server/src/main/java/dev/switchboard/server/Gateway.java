package dev.switchboard.server;

import dev.switchboard.core.Switchboard;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.server.internal.GatewayRuntime;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Switchboard gateway: an OpenAI-compatible HTTP API ({@code /v1/chat/completions},
 * {@code /v1/embeddings}, {@code /v1/models}, {@code /v1/providers/status}), an admin API for virtual
 * keys and spend ({@code /admin/keys}, {@code /admin/spend}), {@code /health/live},
 * {@code /health/ready} and Prometheus {@code /metrics}, in front of one {@link Switchboard} client.
 *
 * <pre>{@code
 * try (Gateway gateway = Gateway.start(GatewaySettings.builder().port(0).build())) {
 *   String baseUrl = "http://127.0.0.1:" + gateway.port() + "/v1";
 *   // point any OpenAI client at baseUrl and ask for model "demo"
 * }
 * }</pre>
 *
 * <p>With a {@link GatewaySettings#configFile() configuration file} it serves the providers and model
 * groups the file names; without one, the embedded default: the providers whose API keys are in
 * {@link GatewaySettings#environment()} plus the offline {@code demo} model group. With a master key
 * or virtual keys, callers need {@code Authorization: Bearer <key>}; with none, the gateway serves
 * without keys and is bound to loopback ({@value GatewaySettings#HOST}) only.
 *
 * <p>Upstream calls go through a {@link VertxHttpTransport} on the same Vert.x instance as the
 * server: a call in flight holds a connection, never a thread.
 *
 * <p>Thread-safe. {@link #start} and {@link #close} block until the server listens or has stopped.
 */
public final class Gateway implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Gateway.class);

  private final GatewayRuntime runtime;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Gateway(GatewayRuntime runtime) {
    this.runtime = runtime;
  }

  /**
   * Reads the configuration file (if any), builds the client and its stores, and starts listening.
   *
   * @throws GatewayConfigException listing every problem of the configuration file
   * @throws IllegalArgumentException when the settings contradict each other, e.g. a non-loopback
   *     {@code server.host} without any key, or a master key shorter than 16 characters
   * @throws IllegalStateException when the client or a store cannot be built (e.g. no provider
   *     factory for a provider type) or the server cannot listen (e.g. the port is taken); the message
   *     says which
   */
  public static Gateway start(GatewaySettings settings) {
    Objects.requireNonNull(settings, "settings");
    return new Gateway(GatewayRuntime.start(settings, settings.accessLogSink(), settings.clock()));
  }

  /** The port the gateway listens on (the actual one when the settings asked for port 0). */
  public int port() {
    return runtime.port();
  }

  /** The interface the gateway is bound to, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}. */
  public String host() {
    return runtime.host();
  }

  /** The client behind the gateway, e.g. for its spend queries ({@link Switchboard#costs()}). */
  public Switchboard switchboard() {
    return runtime.switchboard();
  }

  /**
   * Stops accepting connections, lets in-flight requests finish for up to
   * {@link GatewaySettings#shutdownTimeout()}, then closes the client (writing buffered usage), its
   * providers and stores, the upstream transport (cutting any call still open), and Vert.x, in that
   * order. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      runtime.close();
    } finally {
      log.info("Switchboard gateway stopped");
    }
  }

  /** The transport every configured provider calls its upstream through; for tests. */
  HttpTransport upstreamTransport() {
    return runtime.upstreamTransport();
  }
}

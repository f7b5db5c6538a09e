package dev.switchboard.server;

import dev.switchboard.core.Switchboard;
import dev.switchboard.core.cache.CacheSettings;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.server.internal.DemoProvider;
import dev.switchboard.server.internal.EmbeddedConfiguration;
import dev.switchboard.server.internal.GatewayServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Switchboard gateway: an OpenAI-compatible HTTP API ({@code /v1/chat/completions},
 * {@code /v1/embeddings}, {@code /v1/models}) with {@code /health/live}, {@code /health/ready} and
 * Prometheus {@code /metrics}, in front of one {@link Switchboard} client.
 *
 * <pre>{@code
 * try (Gateway gateway = Gateway.start(GatewaySettings.builder().port(0).build())) {
 *   String baseUrl = "http://127.0.0.1:" + gateway.port() + "/v1";
 *   // point any OpenAI client at baseUrl and ask for model "demo"
 * }
 * }</pre>
 *
 * <p>This version runs on an embedded default: the providers whose API keys are in
 * {@link GatewaySettings#environment()} plus the offline {@code demo} model group, in-memory state,
 * no authentication, and therefore bound to loopback ({@value GatewaySettings#HOST}) only.
 *
 * <p>Upstream calls go through a {@link VertxHttpTransport} on the same Vert.x instance as the
 * server: a call in flight holds a connection, never a thread.
 *
 * <p>Thread-safe. {@link #start} and {@link #close} block until the server listens or has stopped.
 */
public final class Gateway implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Gateway.class);

  private final GatewayServer server;
  private final Switchboard switchboard;
  private final DemoProvider demo;
  private final PrometheusMeterRegistry metrics;
  private final Vertx vertx;
  private final VertxHttpTransport transport;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Gateway(GatewayServer server, Switchboard switchboard, DemoProvider demo, PrometheusMeterRegistry metrics,
      Vertx vertx, VertxHttpTransport transport) {
    this.server = server;
    this.switchboard = switchboard;
    this.demo = demo;
    this.metrics = metrics;
    this.vertx = vertx;
    this.transport = transport;
  }

  /**
   * Builds the client from the embedded default configuration and starts listening.
   *
   * @throws IllegalStateException when the configuration cannot be built (e.g. no provider factory
   *     for an enabled provider type) or the server cannot listen (e.g. the port is taken); the
   *     message says which
   */
  public static Gateway start(GatewaySettings settings) {
    Objects.requireNonNull(settings, "settings");
    EmbeddedConfiguration configuration = EmbeddedConfiguration.fromEnvironment(settings.environment());
    DemoProvider demo = new DemoProvider(Clock.systemUTC());
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // One Vert.x for both sides: upstream calls run on the event loops that serve the requests.
    Vertx vertx = GatewayServer.newVertx();
    VertxHttpTransport transport = VertxHttpTransport.builder(vertx).build();
    Switchboard switchboard = null;
    GatewayServer server;
    try {
      // Deterministic answers (temperature 0 or a seed) are cached in process for an hour unless a call says no.
      Switchboard.Builder builder = Switchboard.builder().meterRegistry(metrics).cache(CacheSettings.ofDefaults())
          .providerComponent(HttpTransport.class, transport); // every provider made from a config calls through it
      configuration.applyTo(builder, demo);
      switchboard = builder.build();
      server = GatewayServer.start(vertx, switchboard, metrics, GatewaySettings.HOST, settings.port(),
          settings.maxBodyBytes(), settings.shutdownTimeout());
    } catch (RuntimeException e) {
      if (switchboard != null) {
        switchboard.close();
      }
      transport.close();
      metrics.close();
      try {
        GatewayServer.closeVertx(vertx);
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
    log.info("Switchboard gateway listening on http://{}:{}/v1 with in-memory state; {}", GatewaySettings.HOST,
        server.port(), configuration.summary());
    log.warn("No authentication is configured in this version: the gateway serves without keys and is bound to "
        + "loopback {} only, so that it is never reachable unauthenticated from another machine", GatewaySettings.HOST);
    return new Gateway(server, switchboard, demo, metrics, vertx, transport);
  }

  /** The port the gateway listens on (the actual one when the settings asked for port 0). */
  public int port() {
    return server.port();
  }

  /**
   * Stops accepting connections, lets in-flight requests finish for up to
   * {@link GatewaySettings#shutdownTimeout()}, then closes the client and its providers, the upstream
   * transport (cutting any call still open), and Vert.x, in that order. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      server.close();
    } finally {
      try {
        switchboard.close();
        transport.close();
        demo.close();
        metrics.close();
      } finally {
        GatewayServer.closeVertx(vertx);
        log.info("Switchboard gateway stopped");
      }
    }
  }

  /** The transport every configured provider calls its upstream through; for tests. */
  HttpTransport upstreamTransport() {
    return transport;
  }
}

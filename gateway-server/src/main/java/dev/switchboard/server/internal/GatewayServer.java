package dev.switchboard.server.internal;

import dev.switchboard.core.Switchboard;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Vert.x HTTP server around one {@link Switchboard}: never owns the client, and owns its Vert.x
 * instance only when it created it (see the two {@code start} methods).
 *
 * <p>{@link #start} and {@link #close} block the calling thread until the server listens or has
 * stopped, so they must not be called on an event loop. Thread-safe.
 */
public final class GatewayServer implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration VERTX_CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final HttpServer server;
  private final Duration shutdownTimeout;
  private final AtomicBoolean ready;
  private final AtomicBoolean closed = new AtomicBoolean();

  private GatewayServer(Vertx vertx, boolean ownsVertx, HttpServer server, Duration shutdownTimeout,
      AtomicBoolean ready) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.server = server;
    this.shutdownTimeout = shutdownTimeout;
    this.ready = ready;
  }

  /**
   * A Vert.x instance configured for the gateway, to share between the server and the upstream
   * transport; close it with {@link #closeVertx} after both.
   */
  public static Vertx newVertx() {
    // Native transport: epoll on Linux (the dependency ships it), NIO where it does not load.
    // No file cache: a gateway serves no files, and Vert.x would otherwise create .vertx/ in the working directory.
    return Vertx.vertx(new VertxOptions().setPreferNativeTransport(true)
        .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
  }

  /**
   * Stops {@code vertx}, waiting up to 10 seconds. Must not be called on an event loop.
   *
   * @throws IllegalStateException when it does not stop in time, or when called on an event loop
   */
  public static void closeVertx(Vertx vertx) {
    requireNotOnEventLoop("closeVertx");
    await(vertx.close(), VERTX_CLOSE_TIMEOUT, "stop Vert.x");
  }

  /**
   * Starts listening on {@code host:port} (port 0: any free port) on a Vert.x instance of its own,
   * which {@link #close} stops, and returns once it listens.
   *
   * @param metrics served at {@code /metrics}, or null for none
   * @throws IllegalStateException when the server cannot listen (e.g. the port is taken), or when
   *     called on a Vert.x event loop
   */
  public static GatewayServer start(Switchboard switchboard, PrometheusMeterRegistry metrics, String host, int port,
      long maxBodyBytes, Duration shutdownTimeout) {
    Objects.requireNonNull(switchboard, "switchboard");
    return start(GatewayRouter.Routes.open(switchboard, metrics, maxBodyBytes), host, port, shutdownTimeout);
  }

  /**
   * Starts listening on {@code host:port} (port 0: any free port) on {@code vertx}, which stays the
   * caller's to close after this server, and returns once it listens.
   *
   * @param metrics served at {@code /metrics}, or null for none
   * @throws IllegalStateException when the server cannot listen (e.g. the port is taken), or when
   *     called on a Vert.x event loop
   */
  public static GatewayServer start(Vertx vertx, Switchboard switchboard, PrometheusMeterRegistry metrics,
      String host, int port, long maxBodyBytes, Duration shutdownTimeout) {
    Objects.requireNonNull(switchboard, "switchboard");
    return start(Objects.requireNonNull(vertx, "vertx"), false,
        GatewayRouter.Routes.open(switchboard, metrics, maxBodyBytes), host, port, shutdownTimeout);
  }

  /** Starts listening with {@code routes} on a Vert.x instance of its own, which {@link #close} stops. */
  static GatewayServer start(GatewayRouter.Routes routes, String host, int port, Duration shutdownTimeout) {
    requireNotOnEventLoop("start");
    return start(newVertx(), true, routes, host, port, shutdownTimeout);
  }

  /**
   * Starts listening with {@code routes} (authentication, admin API, access log, health components) on
   * {@code vertx}, which stays the caller's to close after this server.
   */
  static GatewayServer start(Vertx vertx, GatewayRouter.Routes routes, String host, int port,
      Duration shutdownTimeout) {
    return start(Objects.requireNonNull(vertx, "vertx"), false, routes, host, port, shutdownTimeout);
  }

  private static GatewayServer start(Vertx vertx, boolean ownsVertx, GatewayRouter.Routes routes, String host,
      int port, Duration shutdownTimeout) {
    Objects.requireNonNull(routes, "routes");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
    requireNotOnEventLoop("start");
    AtomicBoolean ready = new AtomicBoolean(); // set once listening, cleared when shutdown begins
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port));
    server.requestHandler(GatewayRouter.create(vertx, routes, ready::get));
    server.connectionHandler(FlushBatching::install);
    try {
      await(server.listen(), START_TIMEOUT, "listen on " + host + ":" + port);
    } catch (RuntimeException e) {
      server.close();
      if (ownsVertx) {
        vertx.close();
      }
      throw e;
    }
    ready.set(true);
    return new GatewayServer(vertx, ownsVertx, server, shutdownTimeout, ready);
  }

  /** The port the server listens on. */
  public int port() {
    return server.actualPort();
  }

  /**
   * Stops accepting connections, lets in-flight requests finish for up to the shutdown timeout,
   * then closes what is left and, when this server created its Vert.x instance, stops it. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    requireNotOnEventLoop("close");
    ready.set(false);
    try {
      await(server.shutdown(shutdownTimeout), shutdownTimeout.plusSeconds(5), "shut the HTTP server down");
    } finally {
      if (ownsVertx) {
        await(vertx.close(), VERTX_CLOSE_TIMEOUT, "stop Vert.x");
      }
    }
  }

  private static void requireNotOnEventLoop(String what) {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException(what + " blocks and must not be called on a Vert.x event loop");
    }
  }

  private static <T> T await(Future<T> future, Duration timeout, String what) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to " + what, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out after " + timeout + " waiting to " + what, e);
    }
  }
}

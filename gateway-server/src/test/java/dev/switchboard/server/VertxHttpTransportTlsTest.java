package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.error.UpstreamException;
import dev.switchboard.providers.http.HttpRequest;
import dev.switchboard.providers.http.HttpResponse;
import dev.switchboard.providers.http.StreamingHttpResponse;
import dev.switchboard.providers.testing.TestSubscriber;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PfxOptions;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link VertxHttpTransport} against a local HTTPS server that offers HTTP/2 and HTTP/1.1 through
 * ALPN, with a self-signed test certificate ({@code localhost-tls-test.p12}, made for these tests
 * with {@code keytool}; it protects nothing).
 */
class VertxHttpTransportTlsTest {

  private static final long GUARD_SECONDS = 15;
  private static final String PASSWORD = "test-only";

  private static Vertx vertx;
  private static HttpServer server;
  private static PfxOptions certificate;
  private static final AtomicReference<CompletableFuture<HttpConnection>> streamConnection = new AtomicReference<>();
  private static final AtomicReference<CompletableFuture<Void>> streamReset = new AtomicReference<>();
  private static final AtomicReference<CompletableFuture<HttpConnection>> versionConnection = new AtomicReference<>();

  private VertxHttpTransport transport;

  @BeforeAll
  static void startServer() throws Exception {
    byte[] keystore;
    try (InputStream in = VertxHttpTransportTlsTest.class.getResourceAsStream("localhost-tls-test.p12")) {
      keystore = in.readAllBytes();
    }
    certificate = new PfxOptions().setValue(Buffer.buffer(keystore)).setPassword(PASSWORD);
    vertx = Vertx.vertx();
    server = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setUseAlpn(true).setKeyCertOptions(certificate))
        .requestHandler(VertxHttpTransportTlsTest::handle)
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(GUARD_SECONDS, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopServer() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(GUARD_SECONDS, TimeUnit.SECONDS);
  }

  @AfterEach
  void closeTransport() {
    if (transport != null) {
      VertxHttpTransportTest.assertEventually(transport);
      transport.close();
    }
  }

  private static void handle(HttpServerRequest request) {
    if (request.path().equals("/version")) {
      complete(versionConnection, request.connection());
      request.response().putHeader("Content-Type", "text/plain").end(request.version().name());
      return;
    }
    // /stream: events every few milliseconds until the client goes away
    complete(streamConnection, request.connection());
    request.exceptionHandler(failure -> complete(streamReset, null)); // an HTTP/2 reset arrives here
    request.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
    long timer = vertx.setPeriodic(5, id -> request.response().write("data: tick\n\n"));
    request.response().closeHandler(v -> {
      vertx.cancelTimer(timer);
      complete(streamReset, null);
    });
  }

  private static <T> void complete(AtomicReference<CompletableFuture<T>> slot, T value) {
    CompletableFuture<T> future = slot.get();
    if (future != null) {
      future.complete(value);
    }
  }

  @Test
  void execute_http2Enabled_negotiatesHttp2ThroughAlpn() throws Exception {
    transport = VertxHttpTransport.builder(vertx).http2(true).trustOptions(certificate).build();

    HttpResponse response = transport.execute(get("/version")).get(GUARD_SECONDS, TimeUnit.SECONDS);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.bodyString()).isEqualTo("HTTP_2");
  }

  @Test
  void execute_http2Disabled_staysOnHttp11OverTls() throws Exception {
    transport = VertxHttpTransport.builder(vertx).trustOptions(certificate).build();

    HttpResponse response = transport.execute(get("/version")).get(GUARD_SECONDS, TimeUnit.SECONDS);

    assertThat(response.bodyString()).isEqualTo("HTTP_1_1");
  }

  @Test
  void stream_http2SubscriptionCancelled_resetsTheStreamAndKeepsTheConnection() throws Exception {
    transport = VertxHttpTransport.builder(vertx).http2(true).trustOptions(certificate).build();
    streamConnection.set(new CompletableFuture<>());
    streamReset.set(new CompletableFuture<>());
    versionConnection.set(new CompletableFuture<>());
    StreamingHttpResponse response = transport.stream(get("/stream")).get(GUARD_SECONDS, TimeUnit.SECONDS);
    TestSubscriber<ByteBuffer> bytes = new TestSubscriber<>(2);
    response.body().subscribe(bytes);
    bytes.awaitItems(2);

    bytes.cancel();

    streamReset.get().get(GUARD_SECONDS, TimeUnit.SECONDS); // the server saw the stream end
    assertThat(transport.execute(get("/version")).get(GUARD_SECONDS, TimeUnit.SECONDS).bodyString()).isEqualTo("HTTP_2");
    assertThat(versionConnection.get().get(GUARD_SECONDS, TimeUnit.SECONDS))
        .as("the next call is multiplexed on the same connection: the cancel reset a stream, not the connection")
        .isSameAs(streamConnection.get().get(GUARD_SECONDS, TimeUnit.SECONDS));
  }

  @Test
  void execute_certificateNotTrusted_failsWithUpstreamErrorCausedByTheHandshake() {
    transport = VertxHttpTransport.builder(vertx).build(); // the JDK's trust store knows no test certificate

    ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> transport.execute(get("/version")).get(GUARD_SECONDS, TimeUnit.SECONDS));

    assertThat(failure.getCause()).isInstanceOf(UpstreamException.class);
    assertThat(failure.getCause()).hasCauseInstanceOf(SSLException.class);
  }

  private static HttpRequest get(String path) {
    return HttpRequest.builder().method("GET").url("https://127.0.0.1:" + server.actualPort() + path).build();
  }
}

package dev.switchboard.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Flush batching on real Vert.x connections: a proxy whose writes to one connection happen while it
 * handles a read on another, as the gateway's do.
 */
class FlushBatchingTest {

  private Vertx vertx;
  private final List<HttpConnection> batched = new CopyOnWriteArrayList<>();
  private final List<Boolean> installed = new CopyOnWriteArrayList<>();
  // the upstream sends its second piece only once the end client has the first through the proxy
  private final CompletableFuture<Void> firstPieceArrived = new CompletableFuture<>();

  @BeforeEach
  void setUp() {
    vertx = GatewayServer.newVertx();
  }

  @AfterEach
  void tearDown() {
    GatewayServer.closeVertx(vertx);
  }

  @Test
  void proxiedPiecesArriveOneByOne_andEveryConnectionHasTheHandlerOnce() throws Exception {
    HttpServer upstream = listen(vertx.createHttpServer().requestHandler(req -> {
      req.response().setChunked(true).write("first ");
      firstPieceArrived.thenRun(() -> vertx.runOnContext(v -> req.response().end("second")));
    }));
    HttpClientAgent proxyClient = vertx.httpClientBuilder().withConnectHandler(this::install).build();
    HttpServer proxy = listen(vertx.createHttpServer().connectionHandler(this::install).requestHandler(req ->
        proxyClient.request(HttpMethod.GET, upstream.actualPort(), "127.0.0.1", "/")
            .compose(r -> r.send())
            .onSuccess(answer -> {
              req.response().setChunked(true);
              // each piece is written while the proxy handles a read on the upstream connection
              answer.handler(piece -> req.response().write(piece));
              answer.endHandler(v -> req.response().end());
            })
            .onFailure(e -> req.response().setStatusCode(502).end())));

    HttpClientAgent endClient = vertx.createHttpClient();
    Buffer received = Buffer.buffer();
    CompletableFuture<String> body = new CompletableFuture<>();
    endClient.request(HttpMethod.GET, proxy.actualPort(), "127.0.0.1", "/")
        .compose(r -> r.send())
        .onSuccess((HttpClientResponse r) -> {
          r.handler(piece -> {
            received.appendBuffer(piece);
            if (received.toString().equals("first ")) {
              firstPieceArrived.complete(null);
            }
          });
          r.endHandler(v -> body.complete(received.toString()));
        })
        .onFailure(body::completeExceptionally);

    // a flush held back until more data came would leave the first piece in the proxy: no second piece
    assertThat(body.get(10, TimeUnit.SECONDS)).isEqualTo("first second");
    assertThat(installed).hasSize(2).containsOnly(true); // the proxy's server and client connections
    for (HttpConnection connection : batched) {
      List<String> names = ((ConnectionBase) connection).channel().pipeline().names();
      assertThat(names.get(0)).isEqualTo(FlushBatching.HANDLER_NAME);
      assertThat(((ConnectionBase) connection).channel().pipeline().toMap().values())
          .filteredOn(h -> h instanceof FlushConsolidationHandler).hasSize(1);
    }
  }

  @Test
  void installingTwice_addsOneHandler() throws Exception {
    CompletableFuture<HttpConnection> connection = new CompletableFuture<>();
    HttpServer server = listen(vertx.createHttpServer().connectionHandler(c -> {
      FlushBatching.install(c);
      FlushBatching.install(c);
      connection.complete(c);
    }).requestHandler(req -> req.response().end("ok")));

    String answer = vertx.createHttpClient().request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
        .compose(r -> r.send()).compose(r -> r.body()).map(Buffer::toString)
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(answer).isEqualTo("ok");
    assertThat(((ConnectionBase) connection.get(10, TimeUnit.SECONDS)).channel().pipeline().toMap().values())
        .filteredOn(h -> h instanceof FlushConsolidationHandler).hasSize(1);
  }

  private void install(HttpConnection connection) {
    installed.add(FlushBatching.install(connection));
    batched.add(connection);
  }

  private static HttpServer listen(HttpServer server) throws Exception {
    return server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}

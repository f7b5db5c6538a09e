package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.providers.http.HttpRequest;
import dev.switchboard.providers.http.HttpResponse;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.http.HttpTransportContractTest;
import dev.switchboard.providers.http.StreamingHttpResponse;
import dev.switchboard.providers.testing.RawHttpServer;
import dev.switchboard.providers.testing.TestSubscriber;
import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shared {@link HttpTransportContractTest} against {@link VertxHttpTransport}, plus what is
 * particular to it: event-loop threads, demand reaching the socket, closing, builder checks.
 */
class VertxHttpTransportTest extends HttpTransportContractTest {

  private static Vertx vertx;
  private static VertxHttpTransport transport;
  private static VertxHttpTransport capped;

  @BeforeAll
  static void createTransport() {
    vertx = Vertx.vertx();
    transport = VertxHttpTransport.builder(vertx).build();
    capped = VertxHttpTransport.builder(vertx).maxResponseBodyBytes(BODY_LIMIT).maxConnectionsPerHost(1).build();
  }

  @AfterAll
  static void closeTransport() throws Exception {
    transport.close();
    capped.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(GUARD_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  protected HttpTransport transport() {
    return transport;
  }

  @Override
  protected HttpTransport cappedTransport() {
    return capped;
  }

  @Override
  protected void assertNothingLeaked() {
    assertEventually(transport);
    assertEventually(capped);
  }

  /**
   * Waits (as a failure guard, polling) until every call of {@code t} is over as far as Vert.x is
   * concerned: its body ended, failed or its request was reset. Releases can trail the signal that
   * caused them: a cancel hands the reset to the event loop, which then reports it done.
   */
  static void assertEventually(VertxHttpTransport t) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
    while (t.openCallsCount() != 0 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    assertThat(t.openCallsCount()).as("calls whose upstream stream is not over").isZero();
  }

  @Test
  void builder_defaults_areSizedForAGateway() {
    assertThat(transport.toString()).isEqualTo("VertxHttpTransport{maxConnectionsPerHost=16384, http2=false, "
        + "http2ConnectionsPerHost=16, keepAlive=PT30S, connectTimeout=PT10S, readTimeout=none, trust=jdk, "
        + "maxResponseBodyBytes=268435456}");
  }

  @Test
  void builder_invalidValues_areRejectedNamingTheOption() {
    VertxHttpTransport.Builder builder = VertxHttpTransport.builder(vertx);
    assertThatThrownBy(() -> VertxHttpTransport.builder(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("vertx");
    assertThatThrownBy(() -> builder.maxConnectionsPerHost(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxConnectionsPerHost must be >= 1 but was 0");
    assertThatThrownBy(() -> builder.http2ConnectionsPerHost(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("http2ConnectionsPerHost must be >= 1 but was 0");
    assertThatThrownBy(() -> builder.keepAlive(Duration.ofMillis(500))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("keepAlive must be at least 1 second but was PT0.5S");
    assertThatThrownBy(() -> builder.connectTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("connectTimeout must be positive but was PT0S");
    assertThatThrownBy(() -> builder.connectTimeout(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("connectTimeout");
    assertThatThrownBy(() -> builder.maxResponseBodyBytes(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxResponseBodyBytes must be >= 1 but was 0");
    assertThatThrownBy(() -> builder.maxResponseBodyBytes(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxResponseBodyBytes must be >= 1 but was -1");
  }

  @Test
  void builder_customValues_areApplied() {
    try (VertxHttpTransport custom = VertxHttpTransport.builder(vertx).maxConnectionsPerHost(8).http2(true)
        .http2ConnectionsPerHost(2).keepAlive(Duration.ofMinutes(2)).connectTimeout(Duration.ofSeconds(3))
        .trustOptions(new io.vertx.core.net.PemTrustOptions()).maxResponseBodyBytes(1).build()) {
      assertThat(custom.toString()).isEqualTo("VertxHttpTransport{maxConnectionsPerHost=8, http2=true, "
          + "http2ConnectionsPerHost=2, keepAlive=PT2M, connectTimeout=PT3S, readTimeout=none, trust=custom, "
          + "maxResponseBodyBytes=1}");
    }
    try (VertxHttpTransport huge = VertxHttpTransport.builder(vertx).maxResponseBodyBytes(Long.MAX_VALUE).build()) {
      assertThat(huge.toString()).as("a body is one array").endsWith(", maxResponseBodyBytes=2147483639}");
    }
  }

  @Test
  void execute_nullRequest_throwsNullPointerException() {
    assertThatThrownBy(() -> transport.execute(null)).isInstanceOf(NullPointerException.class).hasMessage("request");
    assertThatThrownBy(() -> transport.stream(null)).isInstanceOf(NullPointerException.class).hasMessage("request");
  }

  @Test
  void execute_headerNameWithSpace_failsWithIllegalArgumentNamingIt() {
    HttpRequest request = HttpRequest.builder().url(wireMock.baseUrl() + "/x").header("X Bad", "v").build();

    assertThat(failureOf(transport.execute(request))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("header name 'X Bad' has a character not allowed in an HTTP token at index 1");
  }

  @Test
  void execute_headerValueWithLineBreak_neverEchoesTheValue() {
    HttpRequest request = HttpRequest.builder().url(wireMock.baseUrl() + "/x")
        .header("Authorization", "Bearer sk-secret\r\nX-Injected: yes").build();

    assertThat(failureOf(transport.execute(request))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("header Authorization has a control character in its value at index 16");
  }

  @Test
  void execute_fromAnyThread_completesOnAVertxEventLoop() throws Exception {
    try (RawHttpServer server = RawHttpServer.start(exchange -> exchange.respond(200, "text/plain", "ok"))) {
      AtomicReference<String> thread = new AtomicReference<>();
      HttpResponse response = await(transport.execute(HttpRequest.builder().url(server.url("/")).build())
          .whenComplete((r, e) -> thread.set(Thread.currentThread().getName())));

      assertThat(response.bodyString()).isEqualTo("ok");
      assertThat(thread.get()).startsWith("vert.x-eventloop-thread-");
    }
  }

  @Test
  void stream_calledOnAnEventLoop_staysOnThatEventLoop() throws Exception {
    try (RawHttpServer server = RawHttpServer.start(exchange -> exchange.respond(200, "text/plain", "ok"))) {
      CompletableFuture<String> caller = new CompletableFuture<>();
      CompletableFuture<String> completer = new CompletableFuture<>();
      vertx.runOnContext(v -> {
        caller.complete(Thread.currentThread().getName());
        transport.stream(HttpRequest.builder().url(server.url("/")).build()).whenComplete((response, failure) -> {
          completer.complete(Thread.currentThread().getName());
          if (response != null) {
            response.readAll();
          }
        });
      });

      assertThat(await(completer)).isEqualTo(await(caller));
    }
  }

  @Test
  void stream_subscriberWithoutDemand_stopsTheSocketReadUntilItAsks() throws Exception {
    long total = 64L * 1024 * 1024; // far more than socket buffers and Vert.x's inbound queue hold together
    AtomicLong written = new AtomicLong();
    CountDownLatch allWritten = new CountDownLatch(1);
    byte[] block = new byte[64 * 1024];
    try (RawHttpServer server = RawHttpServer.start(exchange -> {
      exchange.startChunked(200, "application/octet-stream");
      for (long sent = 0; sent < total; sent += block.length) {
        exchange.writeChunk(block);
        written.addAndGet(block.length);
      }
      exchange.endChunks();
      allWritten.countDown();
    })) {
      StreamingHttpResponse response = await(transport.stream(HttpRequest.builder().url(server.url("/big")).build()));
      AtomicLong received = new AtomicLong();
      TestSubscriber<ByteBuffer> bytes = new TestSubscriber<ByteBuffer>(1)
          .onEachItem((s, item) -> received.addAndGet(item.remaining()));
      response.body().subscribe(bytes);
      bytes.awaitItems(1);

      long stalledAt = awaitStall(written);

      assertThat(stalledAt).as("bytes the upstream could write while nobody asked for more").isLessThan(total / 2);
      assertThat(bytes.items()).hasSize(1);
      bytes.request(Long.MAX_VALUE);
      bytes.awaitTerminal();
      assertThat(bytes.isCompleted()).isTrue();
      assertThat(received.get()).isEqualTo(total);
      assertThat(allWritten.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
    }
  }

  /**
   * A paused stream whose whole body has already arrived is cancelled after its connection went back
   * to the pool and a second call took it: Vert.x's reset would close that connection under the
   * second call (seen under load as "the upstream closed the connection before the response ended",
   * which opened the deployment's circuit breaker).
   */
  @Test
  void cancel_ofAStreamWhoseBodyAlreadyArrived_leavesThePooledConnectionToTheNextCall() throws Exception {
    cancelAfterTheBodyArrived(response -> {
      TestSubscriber<ByteBuffer> bytes = TestSubscriber.withoutDemand();
      response.body().subscribe(bytes);
      bytes.awaitSubscribed();
      bytes.cancel();
    });
  }

  @Test
  void close_ofAnUnreadStreamWhoseBodyAlreadyArrived_leavesThePooledConnectionToTheNextCall() throws Exception {
    cancelAfterTheBodyArrived(StreamingHttpResponse::close);
  }

  private static void cancelAfterTheBodyArrived(java.util.function.Consumer<StreamingHttpResponse> giveUp)
      throws Exception {
    java.util.Set<Object> connections = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
    io.vertx.core.http.HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      connections.add(req.connection());
      requests.incrementAndGet();
      if (req.path().equals("/short")) {
        req.response().putHeader("Content-Type", "text/event-stream").end("data: a\n\ndata: [DONE]\n\n");
      } else {
        vertx.setTimer(300, t -> req.response().end("slow"));
      }
    });
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(GUARD_SECONDS, TimeUnit.SECONDS);
    VertxHttpTransport single = VertxHttpTransport.builder(vertx).maxConnectionsPerHost(1).build();
    try {
      String base = "http://127.0.0.1:" + server.actualPort();
      StreamingHttpResponse first = await(single.stream(HttpRequest.builder().url(base + "/short").body(new byte[0]).build()));
      CompletableFuture<HttpResponse> second = single.execute(HttpRequest.builder().url(base + "/slow").body(new byte[0]).build());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
      while (requests.get() < 2 && System.nanoTime() < deadline) { // the second call has the connection
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
      }
      assertThat(requests.get()).isEqualTo(2);

      giveUp.accept(first);

      HttpResponse answer = await(second);
      assertThat(answer.status()).isEqualTo(200);
      assertThat(new String(answer.body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("slow");
      assertThat(connections).hasSize(1);
      assertEventually(single);
    } finally {
      single.close();
      server.close();
    }
  }

  @Test
  void close_thenCall_failsWithIllegalState() throws Exception {
    VertxHttpTransport closed = VertxHttpTransport.builder(vertx).build();
    closed.close();
    closed.close(); // idempotent

    assertThat(failureOf(closed.execute(request("/x")))).isInstanceOf(IllegalStateException.class)
        .hasMessage("VertxHttpTransport is closed");
    assertThat(failureOf(closed.stream(request("/x")))).isInstanceOf(IllegalStateException.class)
        .hasMessage("VertxHttpTransport is closed");
  }

  @Test
  void close_whileStreamIsRead_subscriberGetsIllegalStateAndServerSeesClose() throws Exception {
    CountDownLatch clientGone = new CountDownLatch(1);
    VertxHttpTransport own = VertxHttpTransport.builder(vertx).build();
    try (RawHttpServer server = RawHttpServer.start(endlessEvents(clientGone))) {
      StreamingHttpResponse response = await(own.stream(HttpRequest.builder().url(server.url("/sse")).body(new byte[0]).build()));
      TestSubscriber<ByteBuffer> bytes = TestSubscriber.unbounded();
      response.body().subscribe(bytes);
      bytes.awaitItems(1);

      own.close();

      bytes.awaitTerminal();
      assertThat(bytes.error()).isInstanceOf(IllegalStateException.class).hasMessage("VertxHttpTransport is closed");
      assertThat(clientGone.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertEventually(own);
    } finally {
      own.close();
    }
  }

  @Test
  void close_whileCallWaitsForHeaders_failsFutureWithIllegalStateAndServerSeesClose() throws Exception {
    CountDownLatch arrived = new CountDownLatch(1);
    CountDownLatch clientGone = new CountDownLatch(1);
    VertxHttpTransport own = VertxHttpTransport.builder(vertx).build();
    try (RawHttpServer server = RawHttpServer.start(exchange -> {
      arrived.countDown();
      exchange.awaitClientGone();
      clientGone.countDown();
    })) {
      CompletableFuture<HttpResponse> future = own.execute(HttpRequest.builder().url(server.url("/slow")).body(new byte[0]).build());
      assertThat(arrived.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();

      own.close();

      assertThat(failureOf(future)).isInstanceOf(IllegalStateException.class).hasMessage("VertxHttpTransport is closed");
      assertThat(clientGone.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertEventually(own);
    } finally {
      own.close();
    }
  }

  /**
   * Polls {@code written} until it has not moved for 100 polls in a row (half a second), and
   * returns it; fails the test if it never stops moving within the guard.
   */
  private static long awaitStall(AtomicLong written) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
    long last = -1;
    int unchanged = 0;
    while (System.nanoTime() < deadline) {
      long now = written.get();
      unchanged = now == last ? unchanged + 1 : 0;
      last = now;
      if (unchanged >= 100) {
        return now;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    throw new AssertionError("the upstream never stopped writing: " + last + " bytes so far");
  }
}

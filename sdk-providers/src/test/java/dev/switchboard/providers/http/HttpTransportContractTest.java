package dev.switchboard.providers.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.error.UpstreamException;
import dev.switchboard.core.error.UpstreamUnavailableException;
import dev.switchboard.providers.internal.http.ResponseBodyTooLargeException;
import dev.switchboard.providers.internal.sse.SseEvent;
import dev.switchboard.providers.internal.sse.SsePublisher;
import dev.switchboard.providers.testing.RawHttpServer;
import dev.switchboard.providers.testing.TestSubscriber;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link HttpTransport} must do, against WireMock and a raw socket server. An
 * implementation's test extends this class, supplies the transport and checks for leaks after each
 * test.
 *
 * <p>Public, and shipped in this module's test jar, so that transports in other modules (e.g. the
 * gateway's Vert.x one) run the very same cases; the helpers are protected for their own tests.
 */
public abstract class HttpTransportContractTest {

  /** How long any wait in these tests lasts before it fails the test (a guard, never a timing). */
  protected static final long GUARD_SECONDS = 15;

  protected static WireMockServer wireMock;

  /** The response body limit of {@link #cappedTransport()}: small, so that bodies around it are quick to send. */
  protected static final long BODY_LIMIT = 64 * 1024;

  /** The transport under test; shared by the tests of one class. */
  protected abstract HttpTransport transport();

  /**
   * A transport of the same kind built with a {@code maxResponseBodyBytes} of {@link #BODY_LIMIT}, and
   * with one connection per host where the transport can be told so (a connection it failed to
   * give back then stalls the next call); shared by the tests of one class.
   */
  protected abstract HttpTransport cappedTransport();

  /**
   * Fails unless every call of the last test, on {@link #transport()} and {@link #cappedTransport()},
   * has released its connection (waiting as a guard).
   */
  protected abstract void assertNothingLeaked();

  @BeforeAll
  static void startWireMock() {
    wireMock = new WireMockServer(options().dynamicPort());
    wireMock.start();
  }

  @AfterAll
  static void stopWireMock() {
    wireMock.stop();
  }

  @BeforeEach
  void resetWireMock() {
    wireMock.resetAll();
  }

  @AfterEach
  void checkLeaks() {
    assertNothingLeaked();
  }

  // ---- execute ----

  @Test
  void execute_postWithHeadersAndBody_sendsExactRequestAndReturnsResponse() throws Exception {
    wireMock.stubFor(post("/v1/chat/completions").willReturn(aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withHeader("X-Request-Id", "req-123")
        .withBody("{\"id\":\"chatcmpl-1\"}")));
    byte[] body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Grüße\"}]}"
        .getBytes(StandardCharsets.UTF_8);

    HttpResponse response = await(transport().execute(HttpRequest.builder()
        .url(wireMock.baseUrl() + "/v1/chat/completions")
        .header("Authorization", "Bearer sk-test-123456")
        .header("OpenAI-Organization", "org-1")
        .body(body)
        .build()));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.isSuccessful()).isTrue();
    assertThat(response.header("x-request-id")).isEqualTo("req-123");
    assertThat(response.header("X-REQUEST-ID")).isEqualTo("req-123");
    assertThat(response.headers()).containsKey("x-request-id");
    assertThat(response.bodyString()).isEqualTo("{\"id\":\"chatcmpl-1\"}");
    List<LoggedRequest> requests = wireMock.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")));
    assertThat(requests).hasSize(1);
    LoggedRequest sent = requests.get(0);
    assertThat(sent.getBody()).isEqualTo(body);
    assertThat(sent.getHeader("Authorization")).isEqualTo("Bearer sk-test-123456");
    assertThat(sent.getHeader("OpenAI-Organization")).isEqualTo("org-1");
    assertThat(sent.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(sent.getHeader("Content-Length")).isEqualTo(Integer.toString(body.length));
  }

  @Test
  void execute_getWithoutBody_sendsGetWithoutBody() throws Exception {
    wireMock.stubFor(get("/v1/models").willReturn(aResponse().withStatus(200).withBody("{\"data\":[]}")));

    HttpResponse response = await(transport().execute(HttpRequest.builder()
        .method("GET")
        .url(wireMock.baseUrl() + "/v1/models")
        .build()));

    assertThat(response.bodyString()).isEqualTo("{\"data\":[]}");
    LoggedRequest sent = wireMock.findAll(getRequestedFor(urlEqualTo("/v1/models"))).get(0);
    assertThat(sent.getBody()).isEmpty();
    assertThat(sent.containsHeader("Content-Type")).isFalse();
  }

  @Test
  void execute_errorStatus_completesNormallyWithStatusHeadersAndBody() throws Exception {
    wireMock.stubFor(post("/v1/chat/completions").willReturn(aResponse()
        .withStatus(429)
        .withHeader("Retry-After", "7")
        .withHeader("Set-Cookie", "a=1")
        .withHeader("Set-Cookie", "b=2")
        .withBody("{\"error\":{\"message\":\"slow down\"}}")));

    HttpResponse response = await(transport().execute(request("/v1/chat/completions")));

    assertThat(response.status()).isEqualTo(429);
    assertThat(response.isSuccessful()).isFalse();
    assertThat(response.header("retry-after")).isEqualTo("7");
    assertThat(response.headerValues("set-cookie")).containsExactly("a=1", "b=2");
    assertThat(response.bodyString()).isEqualTo("{\"error\":{\"message\":\"slow down\"}}");
  }

  @Test
  void execute_connectionResetByPeer_failsWithUpstreamUnavailable() {
    wireMock.stubFor(post("/v1/chat/completions").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

    Throwable failure = failureOf(transport().execute(request("/v1/chat/completions")));

    assertThat(failure).isInstanceOf(UpstreamUnavailableException.class);
    assertThat(((SwitchboardException) failure).isRetryable()).isTrue();
    assertThat(failure.getCause()).as("the original failure, for the adapter to map again").isInstanceOf(SocketException.class);
  }

  @Test
  void execute_closedPort_failsWithUpstreamUnavailableCausedByConnectException() throws Exception {
    String url = "http://127.0.0.1:" + closedPort() + "/v1/chat/completions";

    Throwable failure = failureOf(transport().execute(HttpRequest.builder().url(url).body(new byte[] {'{', '}'}).build()));

    assertThat(failure).isInstanceOf(UpstreamUnavailableException.class).hasMessageStartingWith("upstream unreachable: ");
    assertThat(failure.getCause()).isInstanceOf(ConnectException.class);
  }

  @Test
  void execute_headerValueWithLineBreak_failsWithIllegalArgument() {
    HttpRequest request = HttpRequest.builder().url(wireMock.baseUrl() + "/x").header("X-Bad", "a\r\nInjected: yes").build();

    assertThat(failureOf(transport().execute(request))).isInstanceOf(IllegalArgumentException.class);
    assertThat(wireMock.getAllServeEvents()).isEmpty();
  }

  @Test
  void execute_manyConcurrentCallsToOneHost_allReachTheServerAtTheSameTime() throws Exception {
    int calls = 16; // well above OkHttp's default of 5 per host
    CountDownLatch arrivals = new CountDownLatch(calls);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    try (RawHttpServer server = RawHttpServer.start(exchange -> {
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      arrivals.countDown();
      // Nobody is answered until all have arrived: a transport that queues calls never gets there.
      // (Shorter than the client's guard, so that a queueing transport fails with a clear status.)
      boolean together = arrivals.await(GUARD_SECONDS - 5, TimeUnit.SECONDS);
      inFlight.decrementAndGet();
      exchange.respond(together ? 200 : 503, "text/plain", together ? "together" : "alone");
    })) {
      List<CompletableFuture<HttpResponse>> futures = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        futures.add(transport().execute(HttpRequest.builder().url(server.url("/call/" + i)).body(new byte[] {'1'}).build()));
      }

      for (CompletableFuture<HttpResponse> future : futures) {
        HttpResponse response = await(future);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyString()).isEqualTo("together");
      }
      assertThat(maxInFlight.get()).isEqualTo(calls);
    }
  }

  @Test
  void execute_headers_sentInInsertionOrder() throws Exception {
    CompletableFuture<List<String>> received = new CompletableFuture<>();
    try (RawHttpServer server = RawHttpServer.start(exchange -> {
      received.complete(exchange.headerLines());
      exchange.respond(200, "text/plain", "ok");
    })) {
      await(transport().execute(HttpRequest.builder().url(server.url("/")).header("X-Third", "3").header("X-First", "1")
          .header("X-Second", "2").body(new byte[0]).build()));

      assertThat(await(received)).filteredOn(line -> line.startsWith("X-"))
          .containsExactly("X-Third: 3", "X-First: 1", "X-Second: 2");
    }
  }

  @Test
  void execute_futureCancelledWhileWaitingForResponse_closesConnectionAndFreesCall() throws Exception {
    CountDownLatch arrived = new CountDownLatch(1);
    CountDownLatch clientGone = new CountDownLatch(1);
    try (RawHttpServer server = RawHttpServer.start(exchange -> {
      arrived.countDown();
      exchange.awaitClientGone();
      clientGone.countDown();
    })) {
      CompletableFuture<HttpResponse> future = transport().execute(HttpRequest.builder().url(server.url("/slow")).body(new byte[0]).build());
      assertThat(arrived.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();

      assertThat(future.cancel(true)).isTrue();

      assertThat(clientGone.await(GUARD_SECONDS, TimeUnit.SECONDS)).as("server saw the connection closed").isTrue();
      assertThat(future).isCancelled();
    }
  }

  @Test
  void execute_bodyOfExactlyTheLimit_isReadWholeWithContentLengthOrChunked() throws Exception {
    String body = "y".repeat((int) BODY_LIMIT);
    try (RawHttpServer server = RawHttpServer.start(exchange -> {
      if (exchange.requestLine().contains("/length")) {
        exchange.respond(200, "application/json", body);
      } else {
        exchange.startChunked(200, "application/json");
        exchange.writeChunk(body.substring(0, 1000));
        exchange.writeChunk(body.substring(1000));
        exchange.endChunks();
      }
    })) {
      for (String path : new String[] {"/length", "/chunked"}) {
        HttpResponse response = await(cappedTransport().execute(HttpRequest.builder().url(server.url(path))
            .body(new byte[0]).build()));

        assertThat(response.bodyLength()).as(path).isEqualTo(BODY_LIMIT);
        assertThat(response.bodyString()).as(path).isEqualTo(body);
      }
    }
  }

  @Test
  void execute_contentLengthOverTheLimit_failsBeforeAnyBodyArrivesAndClosesTheConnection() throws Exception {
    CountDownLatch clientGone = new CountDownLatch(1);
    try (RawHttpServer server = RawHttpServer.start(exchange -> {
      // Only the head: a transport that waited for the body would wait for ever.
      exchange.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + (BODY_LIMIT + 1)
          + "\r\n\r\n");
      exchange.awaitClientGone();
      clientGone.countDown();
    })) {
      Throwable failure = failureOf(cappedTransport().execute(HttpRequest.builder().url(server.url("/big"))
          .body(new byte[0]).build()));

      assertThat(failure).isInstanceOf(UpstreamException.class).hasMessage("upstream failed: "
          + "ResponseBodyTooLargeException: the response body of 65537 bytes (Content-Length) exceeds the limit of "
          + "65536 bytes");
      assertThat(((SwitchboardException) failure).httpStatus()).isEqualTo(502);
      assertThat(failure.getCause()).isInstanceOf(ResponseBodyTooLargeException.class);
      assertThat(clientGone.await(GUARD_SECONDS, TimeUnit.SECONDS)).as("server saw the connection closed").isTrue();
    }
  }

  @Test
  void execute_chunkedBodyPastTheLimit_failsOnceItPassesWithoutItsContentAndClosesTheConnection() throws Exception {
    CountDownLatch clientGone = new CountDownLatch(1);
    String piece = "{\"secret\":\"sk-body-secret-" + "z".repeat(8 * 1024 - 30) + "\"}";
    try (RawHttpServer server = RawHttpServer.start(exchange -> {
      exchange.startChunked(200, "application/json");
      long sent = 0;
      while (sent <= BODY_LIMIT) { // one byte past the limit, then no end: a transport waiting for it would hang
        exchange.writeChunk(piece);
        sent += piece.length();
      }
      exchange.awaitClientGone();
      clientGone.countDown();
    })) {
      Throwable failure = failureOf(cappedTransport().execute(HttpRequest.builder().url(server.url("/endless"))
          .body(new byte[0]).build()));

      assertThat(failure).isInstanceOf(UpstreamException.class)
          .hasMessage("upstream failed: ResponseBodyTooLargeException: the response body exceeded the limit of 65536 bytes");
      assertThat(failure.getCause()).isInstanceOf(ResponseBodyTooLargeException.class);
      assertThat(failure.toString()).doesNotContain("secret").doesNotContain("zzz");
      assertThat(clientGone.await(GUARD_SECONDS, TimeUnit.SECONDS)).as("server saw the connection closed").isTrue();
    }
  }

  @Test
  void execute_bodyOverTheLimitOnAKeptAliveConnection_closesItAndTheNextCallsAreAnswered() throws Exception {
    String big = "b".repeat((int) BODY_LIMIT * 2);
    Map<Integer, List<String>> pathsByConnection = new ConcurrentHashMap<>();
    try (RawHttpServer server = RawHttpServer.start(exchange -> {
      exchange.keepAlive();
      String path = exchange.requestLine().split(" ")[1];
      pathsByConnection.computeIfAbsent(exchange.connection(), c -> new CopyOnWriteArrayList<>()).add(path);
      if (path.equals("/too-big")) {
        exchange.respond(200, "application/json", big);
      } else if (path.equals("/too-big-chunked")) {
        exchange.startChunked(200, "application/json");
        for (int from = 0; from < big.length(); from += 8192) {
          exchange.writeChunk(big.substring(from, from + 8192));
        }
        exchange.endChunks();
      } else {
        exchange.respond(200, "application/json", "{\"ok\":true}");
      }
    })) {
      for (String path : new String[] {"/small", "/small", "/too-big", "/small", "/too-big-chunked", "/small"}) {
        CompletableFuture<HttpResponse> call = cappedTransport().execute(HttpRequest.builder().url(server.url(path))
            .body(new byte[0]).build());

        if (path.startsWith("/too-big")) {
          assertThat(failureOf(call)).as(path).isInstanceOf(UpstreamException.class)
              .hasMessageContaining("limit of 65536 bytes");
        } else {
          assertThat(await(call).bodyString()).isEqualTo("{\"ok\":true}");
        }
      }

      // A connection given back with the rest of a body unread would answer the next call with it.
      assertThat(pathsByConnection.values()).as("answers kept alive are reused")
          .anySatisfy(paths -> assertThat(paths).hasSizeGreaterThan(1));
      assertThat(pathsByConnection.values()).as("no call after a body over the limit on its connection")
          .allSatisfy(paths -> assertThat(paths.subList(0, paths.size() - 1)).noneMatch(p -> p.startsWith("/too-big")));
    }
  }

  // ---- stream ----

  @Test
  void stream_sseBody_deliversEveryEventThenCompletes() throws Exception {
    wireMock.stubFor(post("/v1/chat/completions").willReturn(aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "text/event-stream")
        .withBody("data: {\"n\":1}\n\n: keep-alive\n\ndata: {\"n\":2}\n\ndata: [DONE]\n\n")));

    StreamingHttpResponse response = await(transport().stream(request("/v1/chat/completions")));
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("CONTENT-TYPE")).isEqualTo("text/event-stream");
    assertThat(response.headers()).containsKey("content-type");
    TestSubscriber<SseEvent> events = TestSubscriber.unbounded();
    new SsePublisher(response.body()).subscribe(events);

    events.awaitTerminal();
    assertThat(events.isCompleted()).isTrue();
    assertThat(events.items()).extracting(SseEvent::data).containsExactly("{\"n\":1}", "{\"n\":2}", "[DONE]");
  }

  @Test
  void stream_requestOne_deliversOneBufferOfAtMost8KiBThenTheRestOnDemand() throws Exception {
    byte[] payload = new byte[100_000];
    new Random(42).nextBytes(payload);
    wireMock.stubFor(post("/blob").willReturn(aResponse().withStatus(200).withBody(payload)));
    StreamingHttpResponse response = await(transport().stream(request("/blob")));
    TestSubscriber<ByteBuffer> bytes = new TestSubscriber<>(1);

    response.body().subscribe(bytes);

    List<ByteBuffer> first = bytes.awaitItems(1);
    assertThat(first).hasSize(1);
    assertThat(first.get(0).remaining()).isBetween(1, 8 * 1024);
    bytes.request(Long.MAX_VALUE);
    bytes.awaitTerminal();
    assertThat(bytes.isCompleted()).isTrue();
    assertThat(concat(bytes.items())).isEqualTo(payload);
  }

  @Test
  void stream_errorStatus_readAllReturnsTheErrorBody() throws Exception {
    wireMock.stubFor(post("/v1/chat/completions").willReturn(aResponse()
        .withStatus(500)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"error\":{\"message\":\"boom\"}}")));

    StreamingHttpResponse response = await(transport().stream(request("/v1/chat/completions")));

    assertThat(response.status()).isEqualTo(500);
    assertThat(response.isSuccessful()).isFalse();
    assertThat(new String(await(response.readAll()), StandardCharsets.UTF_8)).isEqualTo("{\"error\":{\"message\":\"boom\"}}");
  }

  @Test
  void stream_readAllOfAnErrorBodyWithContentLengthOverTheLimit_failsBeforeAnyBodyArrivesAndClosesTheConnection()
      throws Exception {
    CountDownLatch clientGone = new CountDownLatch(1);
    try (RawHttpServer server = RawHttpServer.start(exchange -> {
      exchange.write("HTTP/1.1 500 X\r\nContent-Type: application/json\r\nContent-Length: " + (BODY_LIMIT + 1)
          + "\r\n\r\n");
      exchange.awaitClientGone();
      clientGone.countDown();
    })) {
      StreamingHttpResponse response = await(cappedTransport().stream(HttpRequest.builder().url(server.url("/sse"))
          .body(new byte[0]).build()));

      Throwable failure = failureOf(response.readAll());

      assertThat(failure).isInstanceOf(UpstreamException.class).hasMessage("upstream failed: "
          + "ResponseBodyTooLargeException: the response body of 65537 bytes (Content-Length) exceeds the limit of "
          + "65536 bytes");
      assertThat(clientGone.await(GUARD_SECONDS, TimeUnit.SECONDS)).as("server saw the connection closed").isTrue();
    }
  }

  @Test
  void stream_readAllOfAChunkedErrorBodyPastTheLimit_failsWithoutItsContentAndClosesTheConnection() throws Exception {
    CountDownLatch clientGone = new CountDownLatch(1);
    String piece = "{\"secret\":\"" + "z".repeat(8 * 1024 - 14) + "\"}";
    try (RawHttpServer server = RawHttpServer.start(exchange -> {
      exchange.startChunked(500, "application/json");
      for (long sent = 0; sent <= BODY_LIMIT; sent += piece.length()) {
        exchange.writeChunk(piece);
      }
      exchange.awaitClientGone();
      clientGone.countDown();
    })) {
      StreamingHttpResponse response = await(cappedTransport().stream(HttpRequest.builder().url(server.url("/sse"))
          .body(new byte[0]).build()));

      Throwable failure = failureOf(response.readAll());

      assertThat(failure).isInstanceOf(UpstreamException.class)
          .hasMessage("upstream failed: ResponseBodyTooLargeException: the response body exceeded the limit of 65536 bytes");
      assertThat(failure.toString()).doesNotContain("secret").doesNotContain("zzz");
      assertThat(clientGone.await(GUARD_SECONDS, TimeUnit.SECONDS)).as("server saw the connection closed").isTrue();
    }
  }

  @Test
  void stream_readAllOfABodyOfExactlyTheLimit_returnsItWhole() throws Exception {
    String body = "e".repeat((int) BODY_LIMIT);
    try (RawHttpServer server = RawHttpServer.start(exchange -> exchange.respond(500, "application/json", body))) {
      StreamingHttpResponse response = await(cappedTransport().stream(HttpRequest.builder().url(server.url("/sse"))
          .body(new byte[0]).build()));

      assertThat(new String(await(response.readAll()), StandardCharsets.UTF_8)).isEqualTo(body);
    }
  }

  @Test
  void stream_secondSubscriber_getsIllegalStateException() throws Exception {
    wireMock.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200).withBody("data: x\n\n")));
    StreamingHttpResponse response = await(transport().stream(request("/v1/chat/completions")));
    assertThat(await(response.readAll())).isNotEmpty();
    TestSubscriber<ByteBuffer> second = TestSubscriber.unbounded();

    response.body().subscribe(second);

    second.awaitTerminal();
    assertThat(second.error()).isInstanceOf(IllegalStateException.class)
        .hasMessage("the body publisher allows only one subscriber");
  }

  @Test
  void stream_closedWithoutReading_releasesConnectionAndRefusesLaterSubscriber() throws Exception {
    wireMock.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200).withBody("data: x\n\n")));
    StreamingHttpResponse response = await(transport().stream(request("/v1/chat/completions")));

    response.close();
    response.close();
    TestSubscriber<ByteBuffer> late = TestSubscriber.unbounded();
    response.body().subscribe(late);

    late.awaitTerminal();
    assertThat(late.error()).isInstanceOf(IllegalStateException.class)
        .hasMessage("the response was closed before its body was read");
  }

  @Test
  void stream_bodyRequestZero_signalsIllegalArgumentAndReleasesConnection() throws Exception {
    wireMock.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200).withBody("data: x\n\n")));
    StreamingHttpResponse response = await(transport().stream(request("/v1/chat/completions")));
    TestSubscriber<ByteBuffer> bytes = TestSubscriber.withoutDemand();
    response.body().subscribe(bytes);

    bytes.awaitSubscribed().request(0);

    bytes.awaitTerminal();
    assertThat(bytes.error()).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Reactive Streams rule 3.9: request(n) needs n > 0 but was 0");
  }

  @Test
  void stream_subscriberThrowsInOnNext_getsTheErrorAndConnectionIsReleased() throws Exception {
    wireMock.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200).withBody("data: x\n\n")));
    StreamingHttpResponse response = await(transport().stream(request("/v1/chat/completions")));
    IllegalStateException boom = new IllegalStateException("boom");
    TestSubscriber<ByteBuffer> bytes = TestSubscriber.<ByteBuffer>unbounded().onEachItem((s, item) -> {
      throw boom;
    });

    response.body().subscribe(bytes);

    bytes.awaitTerminal();
    assertThat(bytes.error()).isSameAs(boom);
  }

  @Test
  void stream_closedPort_failsWithUpstreamUnavailable() throws Exception {
    String url = "http://127.0.0.1:" + closedPort() + "/v1/chat/completions";

    Throwable failure = failureOf(transport().stream(HttpRequest.builder().url(url).body(new byte[0]).build()));

    assertThat(failure).isInstanceOf(UpstreamUnavailableException.class);
    assertThat(failure.getCause()).isInstanceOf(ConnectException.class);
  }

  @Test
  void stream_serverClosesConnectionMidBody_subscriberGetsUpstreamErrorNotCompletion() throws Exception {
    try (RawHttpServer server = RawHttpServer.start(exchange -> {
      exchange.startChunked(200, "text/event-stream");
      exchange.writeChunk("data: one\n\n");
      exchange.writeChunk("data: two\n\ndata: thr");
      exchange.closeConnection(); // FIN without the last chunk
    })) {
      StreamingHttpResponse response = await(transport().stream(HttpRequest.builder().url(server.url("/sse")).body(new byte[0]).build()));
      TestSubscriber<SseEvent> events = TestSubscriber.unbounded();

      new SsePublisher(response.body()).subscribe(events);

      events.awaitTerminal();
      assertThat(events.isCompleted()).isFalse();
      assertThat(events.error()).isInstanceOf(UpstreamException.class);
      assertThat(events.error().getCause()).isInstanceOf(IOException.class);
      assertThat(events.items()).extracting(SseEvent::data).containsExactly("one", "two");
    }
  }

  @Test
  void stream_contentLengthBodyCutShort_subscriberGetsUpstreamErrorNotCompletion() throws Exception {
    try (RawHttpServer server = RawHttpServer.start(exchange -> {
      exchange.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: 1000\r\n\r\ndata: one\n\n");
      exchange.closeConnection();
    })) {
      StreamingHttpResponse response = await(transport().stream(HttpRequest.builder().url(server.url("/sse")).body(new byte[0]).build()));
      TestSubscriber<SseEvent> events = TestSubscriber.unbounded();

      new SsePublisher(response.body()).subscribe(events);

      events.awaitTerminal();
      assertThat(events.isCompleted()).isFalse();
      assertThat(events.error()).isInstanceOf(SwitchboardException.class);
      assertThat(events.items()).extracting(SseEvent::data).containsExactly("one");
    }
  }

  @Test
  void stream_serverResetsConnectionMidBody_subscriberGetsUpstreamUnavailable() throws Exception {
    CountDownLatch clientHasEvents = new CountDownLatch(1);
    try (RawHttpServer server = RawHttpServer.start(exchange -> {
      exchange.startChunked(200, "text/event-stream");
      exchange.writeChunk("data: one\n\n");
      if (clientHasEvents.await(GUARD_SECONDS, TimeUnit.SECONDS)) {
        exchange.resetConnection(); // RST, as a dropped connection
      }
    })) {
      StreamingHttpResponse response = await(transport().stream(HttpRequest.builder().url(server.url("/sse")).body(new byte[0]).build()));
      TestSubscriber<SseEvent> events = TestSubscriber.unbounded();
      new SsePublisher(response.body()).subscribe(events);
      events.awaitItems(1);

      clientHasEvents.countDown();

      events.awaitTerminal();
      assertThat(events.isCompleted()).isFalse();
      assertThat(events.error()).isInstanceOf(UpstreamUnavailableException.class);
      assertThat(events.error().getCause()).isInstanceOf(SocketException.class);
    }
  }

  @Test
  void stream_subscriptionCancelled_serverSeesConnectionClosed() throws Exception {
    CountDownLatch clientGone = new CountDownLatch(1);
    try (RawHttpServer server = RawHttpServer.start(endlessEvents(clientGone))) {
      StreamingHttpResponse response = await(transport().stream(HttpRequest.builder().url(server.url("/sse")).body(new byte[0]).build()));
      TestSubscriber<SseEvent> events = new TestSubscriber<>(3);
      new SsePublisher(response.body()).subscribe(events);
      assertThat(events.awaitItems(3)).extracting(SseEvent::data).containsExactly("tick 0", "tick 1", "tick 2");

      events.cancel();

      assertThat(clientGone.await(GUARD_SECONDS, TimeUnit.SECONDS)).as("server saw the connection closed").isTrue();
      assertThat(events.isTerminated()).as("no signal after cancel").isFalse();
    }
  }

  @Test
  void stream_subscriptionCancelledWithoutPendingDemand_serverSeesConnectionClosed() throws Exception {
    CountDownLatch clientGone = new CountDownLatch(1);
    try (RawHttpServer server = RawHttpServer.start(endlessEvents(clientGone))) {
      StreamingHttpResponse response = await(transport().stream(HttpRequest.builder().url(server.url("/sse")).body(new byte[0]).build()));
      TestSubscriber<ByteBuffer> bytes = new TestSubscriber<>(1);
      response.body().subscribe(bytes);
      bytes.awaitItems(1); // demand is now 0: no read loop is running

      bytes.cancel();

      assertThat(clientGone.await(GUARD_SECONDS, TimeUnit.SECONDS)).as("server saw the connection closed").isTrue();
    }
  }

  @Test
  void stream_responseClosedWhileBodyIsRead_subscriberGetsCancellationAndServerSeesClose() throws Exception {
    CountDownLatch clientGone = new CountDownLatch(1);
    try (RawHttpServer server = RawHttpServer.start(endlessEvents(clientGone))) {
      StreamingHttpResponse response = await(transport().stream(HttpRequest.builder().url(server.url("/sse")).body(new byte[0]).build()));
      TestSubscriber<ByteBuffer> bytes = new TestSubscriber<>(2);
      response.body().subscribe(bytes);
      bytes.awaitItems(1);

      response.close();

      bytes.awaitTerminal();
      assertThat(bytes.error()).isInstanceOf(CancellationException.class)
          .hasMessage("the response was closed while its body was being read");
      assertThat(clientGone.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void stream_futureCancelledBeforeHeaders_serverSeesConnectionClosed() throws Exception {
    CountDownLatch arrived = new CountDownLatch(1);
    CountDownLatch clientGone = new CountDownLatch(1);
    try (RawHttpServer server = RawHttpServer.start(exchange -> {
      arrived.countDown();
      exchange.awaitClientGone();
      clientGone.countDown();
    })) {
      CompletableFuture<StreamingHttpResponse> future =
          transport().stream(HttpRequest.builder().url(server.url("/sse")).body(new byte[0]).build());
      assertThat(arrived.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();

      future.cancel(true);

      assertThat(clientGone.await(GUARD_SECONDS, TimeUnit.SECONDS)).as("server saw the connection closed").isTrue();
    }
  }

  @Test
  void stream_readAllFutureCancelled_serverSeesConnectionClosed() throws Exception {
    CountDownLatch clientGone = new CountDownLatch(1);
    try (RawHttpServer server = RawHttpServer.start(endlessEvents(clientGone))) {
      StreamingHttpResponse response = await(transport().stream(HttpRequest.builder().url(server.url("/sse")).body(new byte[0]).build()));
      CompletableFuture<byte[]> all = response.readAll();

      all.cancel(true);

      assertThat(clientGone.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertThatThrownBy(all::join).isInstanceOf(CancellationException.class);
    }
  }

  // ---- helpers ----

  protected static RawHttpServer.Handler endlessEvents(CountDownLatch clientGone) {
    return exchange -> {
      exchange.startChunked(200, "text/event-stream");
      try {
        for (int i = 0; ; i++) {
          exchange.writeChunk("data: tick " + i + "\n\n");
        }
      } catch (IOException writeFailed) {
        clientGone.countDown();
      }
    };
  }

  protected static HttpRequest request(String path) {
    return HttpRequest.builder().url(wireMock.baseUrl() + path).body("{}".getBytes(StandardCharsets.UTF_8)).build();
  }

  protected static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(GUARD_SECONDS, TimeUnit.SECONDS);
  }

  protected static Throwable failureOf(CompletableFuture<?> future) {
    try {
      future.get(GUARD_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("expected the future to fail but got " + e, e);
    }
    throw new AssertionError("expected the future to fail but it succeeded");
  }

  protected static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  protected static byte[] concat(List<ByteBuffer> buffers) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ByteBuffer buffer : buffers) {
      byte[] bytes = new byte[buffer.remaining()];
      buffer.duplicate().get(bytes);
      out.writeBytes(bytes);
    }
    return out.toByteArray();
  }
}

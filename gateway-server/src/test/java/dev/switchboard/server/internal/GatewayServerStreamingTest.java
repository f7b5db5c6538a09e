package dev.switchboard.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.RateLimitedException;
import dev.switchboard.core.error.UpstreamException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.testing.FakeProvider;
import dev.switchboard.core.testing.TestPublisher;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Streaming and cancellation at the HTTP edge, against a scripted provider: errors before and after
 * the first chunk, client disconnects, backpressure, and graceful shutdown.
 */
class GatewayServerStreamingTest {

  private static final String STREAM_BODY =
      "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static final String CHAT_BODY = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  private FakeProvider fake;
  private Switchboard switchboard;
  private GatewayServer server;
  // HTTP/1.1: JDK 17's client fails in-flight HTTP/2 streams on GOAWAY (fixed in later JDKs), which
  // would hide what graceful shutdown does for them.
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() {
    fake = new FakeProvider("fake");
    switchboard = Switchboard.builder()
        .provider("fake", fake)
        .modelGroup(ModelGroup.builder("m").deployment("fake", "upstream-m").build())
        .retryPolicy(RetryPolicy.none())
        .build();
    server = GatewayServer.start(switchboard, null, "127.0.0.1", 0, 1024 * 1024, Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() {
    server.close();
    switchboard.close();
  }

  private CompletableFuture<HttpResponse<String>> postAsync(String body) {
    return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private Socket rawPost(String body) throws Exception {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(4096); // before connecting, so that the TCP window stays small
    socket.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()), 10_000);
    socket.setSoTimeout(30_000);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    OutputStream out = socket.getOutputStream();
    out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.flush();
    return socket;
  }

  /** Waits until the gateway has asked for at least {@code n} chunks in total; false if it has not in time. */
  private static boolean awaitRequested(TestPublisher<?> publisher, long n, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (publisher.requested() < n) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    return true;
  }

  /** Waits until the server no longer accepts connections; false if it still does in time. */
  private boolean awaitRefusingConnections(Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        new Socket("127.0.0.1", server.port()).close();
      } catch (java.io.IOException refused) {
        return true;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    return false;
  }

  /** Reads lines until one starts with {@code data: }, and returns it. */
  private static String nextDataLine(BufferedReader in) throws Exception {
    String line;
    while ((line = in.readLine()) != null) {
      if (line.startsWith("data: ")) {
        return line;
      }
    }
    throw new AssertionError("the stream ended before the next data line");
  }

  @Test
  void stream_errorAfterFirstChunk_endsWithAnErrorEvent() throws Exception {
    TestPublisher<ChatChunk> upstream = new TestPublisher<>();
    fake.thenStream(upstream);
    CompletableFuture<HttpResponse<String>> response = postAsync(STREAM_BODY);

    assertThat(awaitRequested(upstream, 1, Duration.ofSeconds(10))).isTrue();
    upstream.emit(FakeProvider.chunk("Hel"));
    upstream.fail(new UpstreamException("upstream connection reset",
        ErrorDetails.builder().provider("fake").code("connection_reset").build()));

    HttpResponse<String> answer = response.get(30, TimeUnit.SECONDS);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("x-switchboard-deployment")).hasValue("fake/upstream-m");
    String[] events = answer.body().split("\n\n");
    assertThat(events).hasSize(2);
    assertThat(events[0]).startsWith("data: {").contains("\"content\":\"Hel\"");
    assertThat(events[1]).isEqualTo("data: {\"error\":{\"message\":\"upstream connection reset\","
        + "\"type\":\"api_error\",\"param\":null,\"code\":\"connection_reset\"}}");
    assertThat(answer.body()).doesNotContain("[DONE]");
  }

  @Test
  void stream_errorBeforeFirstChunk_answersAJsonErrorWithItsStatus() throws Exception {
    TestPublisher<ChatChunk> upstream = new TestPublisher<>();
    fake.thenStream(upstream);
    CompletableFuture<HttpResponse<String>> response = postAsync(STREAM_BODY);

    assertThat(awaitRequested(upstream, 1, Duration.ofSeconds(10))).isTrue();
    upstream.fail(new RateLimitedException("slow down",
        ErrorDetails.builder().provider("fake").retryAfter(Duration.ofMillis(1500)).build()));

    HttpResponse<String> answer = response.get(30, TimeUnit.SECONDS);
    assertThat(answer.statusCode()).isEqualTo(429);
    assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(answer.headers().firstValue("Retry-After")).hasValue("2");
    assertThat(answer.body()).startsWith("{\"error\":{").contains("\"type\":\"rate_limit_error\"");
  }

  @Test
  void chat_upstreamRateLimited_answers429WithRetryAfterRoundedUp() throws Exception {
    fake.thenFail(new RateLimitedException("slow down",
        ErrorDetails.builder().provider("fake").retryAfter(Duration.ofMillis(2001)).build()));

    HttpResponse<String> answer = postAsync(CHAT_BODY).get(30, TimeUnit.SECONDS);

    assertThat(answer.statusCode()).isEqualTo(429);
    assertThat(answer.headers().firstValue("Retry-After")).hasValue("3");
    assertThat(answer.body()).contains("\"code\":\"rate_limit_exceeded\"");
  }

  @Test
  void stream_clientDisconnects_cancelsTheUpstream() throws Exception {
    TestPublisher<ChatChunk> upstream = new TestPublisher<>();
    fake.thenStream(upstream);

    try (Socket socket = rawPost(STREAM_BODY)) {
      assertThat(awaitRequested(upstream, 1, Duration.ofSeconds(10))).isTrue();
      upstream.emit(FakeProvider.chunk("first"));
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      assertThat(nextDataLine(in)).contains("\"content\":\"first\"");
    }

    assertThat(upstream.awaitCancelled(10)).as("upstream cancelled after the client left").isTrue();
  }

  @Test
  void chat_clientDisconnects_cancelsTheUpstreamCall() throws Exception {
    CompletableFuture<CompletableFuture<ChatResponse>> called = new CompletableFuture<>();
    fake.thenChat((request, context) -> {
      CompletableFuture<ChatResponse> upstream = new CompletableFuture<>();
      called.complete(upstream);
      return upstream;
    });

    Socket socket = rawPost(CHAT_BODY);
    CompletableFuture<ChatResponse> upstream = called.get(10, TimeUnit.SECONDS);
    socket.close();

    Throwable outcome = upstream.handle((value, error) -> error).get(10, TimeUnit.SECONDS);
    assertThat(outcome).isInstanceOf(CancellationException.class);
  }

  @Test
  void stream_clientNotReading_stopsAskingUpstreamUntilItReads() throws Exception {
    TestPublisher<ChatChunk> upstream = new TestPublisher<>();
    fake.thenStream(upstream);
    ChatChunk big = FakeProvider.chunk("x".repeat(16 * 1024));
    int limit = 4096; // 64 MiB of chunks: far more than socket buffers and the write queue hold

    try (Socket socket = rawPost(STREAM_BODY)) {
      int emitted = 0;
      // The gateway asks for one chunk at a time while the socket takes them; once it does not, it has paused.
      while (emitted < limit && awaitRequested(upstream, emitted + 1, Duration.ofSeconds(2))) {
        upstream.emit(big);
        emitted++;
      }
      assertThat(emitted).as("chunks sent before the gateway paused").isLessThan(limit);
      assertThat(upstream.requested()).isEqualTo(emitted);

      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      for (int i = 0; i < emitted; i++) {
        assertThat(nextDataLine(in)).contains("\"content\":\"xxxx");
      }
      assertThat(awaitRequested(upstream, emitted + 1, Duration.ofSeconds(10)))
          .as("demand resumes once the client reads").isTrue();
      upstream.complete();
      assertThat(nextDataLine(in)).isEqualTo("data: [DONE]");
    }
  }

  @Test
  void close_chatInFlight_waitsForItToFinish() throws Exception {
    CompletableFuture<CompletableFuture<ChatResponse>> called = new CompletableFuture<>();
    fake.thenChat((request, context) -> {
      CompletableFuture<ChatResponse> upstream = new CompletableFuture<>();
      called.complete(upstream);
      return upstream;
    });
    CompletableFuture<HttpResponse<String>> response = postAsync(CHAT_BODY);
    CompletableFuture<ChatResponse> upstream = called.get(10, TimeUnit.SECONDS);

    CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
    assertThat(awaitRefusingConnections(Duration.ofSeconds(10))).as("shutdown has begun").isTrue();
    assertThat(response).isNotDone();
    upstream.complete(FakeProvider.response("upstream-m", "finished in time"));

    HttpResponse<String> answer = response.get(30, TimeUnit.SECONDS);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("finished in time");
    closing.get(30, TimeUnit.SECONDS);
  }
}

package dev.switchboard.benchmarks.load;

import dev.switchboard.benchmarks.OpenAiSamples;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fast mock of OpenAI's {@code POST /v1/chat/completions} for load tests: a JSON answer, or (when
 * the body asks for {@code "stream": true}) server-sent events with a configurable number of content
 * chunks, a delay before the first byte and a delay between chunks. Every answer is the realistic
 * wire form of {@link OpenAiSamples}, encoded once per shape; delays are Vert.x timers, so a waiting
 * stream holds no thread, and a few thousand concurrent streams cost one event loop.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.switchboard.benchmarks.load.MockUpstream \
 *     --port 9000 --chunks 20 --first-byte-delay-ms 0 --chunk-delay-ms 100
 * </pre>
 *
 * <p>Other routes: {@code GET /health} (200 once listening); {@code GET /mock/stats} (requests,
 * streams, streams open); {@code POST /mock/config?chunks=&first-byte-delay-ms=&chunk-delay-ms=}
 * changes the shape of later answers without a restart (the gateway keeps its pooled connections),
 * and {@code GET /mock/config} shows it.
 *
 * <p>A stream of n chunks: the role chunk and the first content chunk at the first byte, each later
 * content chunk one chunk delay after the one before, and right after the last one the finish
 * chunk, the usage chunk and {@code data: [DONE]}; so it lasts first-byte delay + (n - 1) chunk
 * delays. A client that goes away stops its stream's timers.
 *
 * <p>Listens on a loopback address only. Stops on SIGTERM / Ctrl-C.
 */
public final class MockUpstream implements AutoCloseable {

  private static final String PROGRAM = "mock-upstream";
  private static final Set<String> FLAGS = Set.of("host", "port", "chunks", "first-byte-delay-ms", "chunk-delay-ms",
      "event-loops");
  private static final Buffer NOT_FOUND = Buffer.buffer("{\"error\":{\"message\":\"not found\",\"type\":"
      + "\"invalid_request_error\",\"param\":null,\"code\":\"unknown_url\"}}");
  private static final byte[] STREAM_TRUE = "\"stream\":true".getBytes();
  private static final byte[] STREAM_TRUE_SPACED = "\"stream\": true".getBytes();

  /** One shape of answers, encoded once: immutable, shared by every request that starts while it is current. */
  static final class Shape {
    final int chunks;
    final long firstByteDelayMs;
    final long chunkDelayMs;
    final Buffer json;
    final Buffer opening; // role + first content chunk
    final Buffer[] middle; // content chunks 2..n
    final Buffer closing; // finish, usage, [DONE]
    final Buffer whole; // the whole stream, for streams without chunk delay

    Shape(int chunks, long firstByteDelayMs, long chunkDelayMs) {
      if (chunks < 1 || firstByteDelayMs < 0 || chunkDelayMs < 0) {
        throw new IllegalArgumentException("chunks must be >= 1 and delays >= 0 but were " + chunks + ", "
            + firstByteDelayMs + ", " + chunkDelayMs);
      }
      this.chunks = chunks;
      this.firstByteDelayMs = firstByteDelayMs;
      this.chunkDelayMs = chunkDelayMs;
      this.json = Buffer.buffer(OpenAiSamples.chatCompletion(chunks));
      List<byte[]> events = OpenAiSamples.streamEvents(chunks); // role, n contents, finish, usage, done
      this.opening = Buffer.buffer().appendBytes(events.get(0)).appendBytes(events.get(1));
      this.middle = new Buffer[chunks - 1];
      for (int i = 0; i < chunks - 1; i++) {
        middle[i] = Buffer.buffer(events.get(i + 2));
      }
      Buffer close = Buffer.buffer();
      for (int i = chunks + 1; i < events.size(); i++) {
        close.appendBytes(events.get(i));
      }
      this.closing = close;
      Buffer all = Buffer.buffer();
      events.forEach(all::appendBytes);
      this.whole = all;
    }

    String describe() {
      return "{\"chunks\":" + chunks + ",\"first-byte-delay-ms\":" + firstByteDelayMs + ",\"chunk-delay-ms\":"
          + chunkDelayMs + "}";
    }
  }

  private final Vertx vertx;
  private final HttpServer server;
  private volatile Shape shape;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong streams = new AtomicLong();
  private final AtomicLong openStreams = new AtomicLong();

  private MockUpstream(Vertx vertx, HttpServer server, Shape shape) {
    this.vertx = vertx;
    this.server = server;
    this.shape = shape;
  }

  /** Starts listening on {@code host:port} (port 0: any free port) and returns once it does. */
  public static MockUpstream start(String host, int port, int eventLoops, int chunks, long firstByteDelayMs,
      long chunkDelayMs) {
    Flags.requireLoopback(PROGRAM, host);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops)
        .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)
        .setTcpNoDelay(true).setAcceptBacklog(8192));
    MockUpstream mock = new MockUpstream(vertx, server, new Shape(chunks, firstByteDelayMs, chunkDelayMs));
    server.requestHandler(mock::handle);
    try {
      server.listen().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException(PROGRAM + ": cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    return mock;
  }

  /** The port it listens on. */
  public int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // closing anyway
    }
  }

  private void handle(HttpServerRequest req) {
    String path = req.path();
    if (req.method() == HttpMethod.POST && path.equals("/v1/chat/completions")) {
      req.body().onSuccess(body -> answer(req, body)).onFailure(e -> req.connection().close());
    } else if (path.equals("/health")) {
      req.response().putHeader("Content-Type", "application/json").end("{\"status\":\"up\"}");
    } else if (path.equals("/mock/stats")) {
      req.response().putHeader("Content-Type", "application/json").end("{\"requests\":" + requests.get()
          + ",\"streams\":" + streams.get() + ",\"open-streams\":" + openStreams.get() + "}");
    } else if (path.equals("/mock/config")) {
      if (req.method() == HttpMethod.POST) {
        try {
          Shape s = shape;
          shape = new Shape(param(req, "chunks", s.chunks), param(req, "first-byte-delay-ms", s.firstByteDelayMs),
              param(req, "chunk-delay-ms", s.chunkDelayMs));
        } catch (IllegalArgumentException e) {
          req.response().setStatusCode(400).end(e.getMessage());
          return;
        }
      }
      req.response().putHeader("Content-Type", "application/json").end(shape.describe());
    } else {
      req.response().setStatusCode(404).putHeader("Content-Type", "application/json").end(NOT_FOUND);
    }
  }

  private static int param(HttpServerRequest req, String name, int current) {
    return (int) param(req, name, (long) current);
  }

  private static long param(HttpServerRequest req, String name, long current) {
    String v = req.getParam(name);
    if (v == null) {
      return current;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number but was '" + v + "'");
    }
  }

  private void answer(HttpServerRequest req, Buffer body) {
    requests.incrementAndGet();
    Shape s = shape;
    HttpServerResponse response = req.response();
    response.putHeader("x-request-id", "req_mock");
    if (!asksForStream(body)) {
      response.putHeader("Content-Type", "application/json");
      if (s.firstByteDelayMs == 0) {
        response.end(s.json);
      } else {
        vertx.setTimer(s.firstByteDelayMs, t -> {
          if (!response.closed()) {
            response.end(s.json);
          }
        });
      }
      return;
    }
    streams.incrementAndGet();
    openStreams.incrementAndGet();
    response.setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache");
    boolean[] counted = {true}; // confined to the event loop: ends or closes once for the count
    Handler<Void> done = v -> {
      if (counted[0]) {
        counted[0] = false;
        openStreams.decrementAndGet();
      }
    };
    response.endHandler(done).closeHandler(done);
    if (s.firstByteDelayMs == 0) {
      stream(response, s);
    } else {
      vertx.setTimer(s.firstByteDelayMs, t -> stream(response, s));
    }
  }

  private void stream(HttpServerResponse response, Shape s) {
    if (response.closed()) {
      return;
    }
    if (s.chunkDelayMs == 0) {
      response.end(s.whole);
      return;
    }
    response.write(s.opening);
    next(response, s, 0);
  }

  private void next(HttpServerResponse response, Shape s, int index) {
    if (index == s.middle.length) {
      response.end(s.closing);
      return;
    }
    vertx.setTimer(s.chunkDelayMs, t -> {
      if (response.closed()) {
        return;
      }
      response.write(s.middle[index]);
      next(response, s, index + 1);
    });
  }

  static boolean asksForStream(Buffer body) {
    return indexOf(body, STREAM_TRUE) >= 0 || indexOf(body, STREAM_TRUE_SPACED) >= 0;
  }

  private static int indexOf(Buffer body, byte[] pattern) {
    int n = body.length() - pattern.length;
    outer:
    for (int i = 0; i <= n; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (body.getByte(i + j) != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Runs until SIGTERM / Ctrl-C; prints {@code mock-upstream listening on http://host:port} once ready. */
  public static void main(String[] args) throws InterruptedException {
    MockUpstream mock;
    String host;
    try {
      Flags flags = Flags.parse(PROGRAM, args, FLAGS, Set.of());
      host = Flags.requireLoopback(PROGRAM, flags.string("host", "127.0.0.1"));
      mock = start(host, (int) flags.number("port", 9000, 0, 65535), (int) flags.number("event-loops", 1, 1, 64),
          (int) flags.number("chunks", 20, 1, 100_000), flags.number("first-byte-delay-ms", 0, 0, 600_000),
          flags.number("chunk-delay-ms", 0, 0, 600_000));
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      mock.close();
      stopped.countDown();
    }, "mock-upstream-shutdown"));
    System.out.println(PROGRAM + " listening on http://" + host + ":" + mock.port() + " with " + mock.shape.describe());
    stopped.await();
  }
}

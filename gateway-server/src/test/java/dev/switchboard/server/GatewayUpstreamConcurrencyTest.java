package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.spi.ProviderConfig;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.server.internal.GatewayServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No thread per call in flight: hundreds of concurrent streaming requests through the gateway, each
 * relayed to a slow upstream over {@link VertxHttpTransport}, all held open at the same time, while
 * the JVM's peak live thread count stays within a small bound that does not grow with concurrency.
 *
 * <p>The gateway here is what {@link Gateway#start} assembles (one Vert.x for the server and the
 * transport, the transport handed to every configured provider), with one OpenAI-compatible provider
 * whose base URL is a slow SSE server on loopback. The upstream holds every stream open after its
 * first chunk until all of a round's requests have arrived, so they are truly concurrent; then it
 * sends a few chunks to each on timers and ends them. The load comes from a Vert.x HTTP client, so
 * that the client, the gateway and the upstream together use a fixed set of event-loop threads.
 *
 * <p>Peak thread counts come from {@link ThreadMXBean#getPeakThreadCount()} after a reset, so no
 * sampling and no sleeps: the JVM tracks the peak itself.
 */
class GatewayUpstreamConcurrencyTest {

  private static final int CHUNKS = 5;
  /** Threads the whole load may add beyond the warmed-up baseline, at any concurrency. */
  private static final int THREAD_BOUND = 24;
  private static final long GUARD_SECONDS = 60;
  private static final Pattern CONTENT = Pattern.compile("\"content\":\"tick (\\d+)\"");

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private Vertx upstreamVertx;
  private Vertx clientVertx;
  private Vertx gatewayVertx;
  private VertxHttpTransport transport;
  private Switchboard switchboard;
  private GatewayServer gateway;
  private HttpServer upstream;
  private HttpClientAgent client;
  private SlowUpstream slow;

  @BeforeEach
  void start() throws Exception {
    upstreamVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    clientVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    slow = new SlowUpstream(upstreamVertx);
    upstream = upstreamVertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body ->
        slow.accept(request.response()))).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
        .get(GUARD_SECONDS, TimeUnit.SECONDS);

    gatewayVertx = GatewayServer.newVertx();
    transport = VertxHttpTransport.builder(gatewayVertx).build();
    switchboard = Switchboard.builder()
        .provider(ProviderConfig.builder().name("slow").type("openai")
            .baseUrl("http://127.0.0.1:" + upstream.actualPort() + "/v1").apiKey("sk-test-slow").build())
        .modelGroup(ModelGroup.builder("slow-model").deployment("slow", "gpt-slow").build())
        .retryPolicy(RetryPolicy.none())
        .providerComponent(HttpTransport.class, transport)
        .build();
    gateway = GatewayServer.start(gatewayVertx, switchboard, null, "127.0.0.1", 0, 1024 * 1024, Duration.ofSeconds(10));
    client = clientVertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(gateway.port()), new PoolOptions().setHttp1MaxSize(1024));
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    gateway.close();
    switchboard.close();
    transport.close();
    GatewayServer.closeVertx(gatewayVertx);
    upstream.close();
    await(upstreamVertx.close());
    await(clientVertx.close());
  }

  @Test
  void stream_500ConcurrentCallsToASlowUpstream_allCompleteAndThreadsDoNotGrowWithConcurrency() throws Exception {
    run(16); // warm-up: every event loop, pool and scheduler that will ever exist now does
    int baseline = threads.getThreadCount();

    threads.resetPeakThreadCount();
    Round hundred = run(100);
    int peakAt100 = threads.getPeakThreadCount();

    threads.resetPeakThreadCount();
    Round fiveHundred = run(500);
    int peakAt500 = threads.getPeakThreadCount();

    System.out.printf("threads: baseline %d, peak with 100 streams in flight %d, peak with 500 streams in flight %d;"
            + " upstream connections open with 500 in flight: %d; 500 streams took %d ms%n",
        baseline, peakAt100, peakAt500, fiveHundred.upstreamConnections, fiveHundred.millis);
    assertThat(hundred.errors).as("failed streams at 100").isEmpty();
    assertThat(fiveHundred.errors).as("failed streams at 500").isEmpty();
    assertThat(fiveHundred.upstreamConnections).as("upstream connections while all 500 were in flight")
        .isGreaterThanOrEqualTo(500);
    assertThat(peakAt100 - baseline).as("threads added with 100 streams in flight").isLessThanOrEqualTo(THREAD_BOUND);
    assertThat(peakAt500 - baseline).as("threads added with 500 streams in flight").isLessThanOrEqualTo(THREAD_BOUND);
    assertEventually(() -> transport.openCallsCount() == 0, "every upstream call released");
  }

  private Round run(int concurrency) throws Exception {
    long started = System.nanoTime();
    slow.expect(concurrency, transport::openConnectionsCount);
    List<CompletableFuture<String>> bodies = new ArrayList<>(concurrency);
    Buffer body = Buffer.buffer("{\"model\":\"slow-model\",\"stream\":true,\"messages\":[{\"role\":\"user\","
        + "\"content\":\"count to five\"}]}");
    for (int i = 0; i < concurrency; i++) {
      Future<String> text = client.request(new RequestOptions().setMethod(HttpMethod.POST)
              .setURI("/v1/chat/completions").putHeader("Content-Type", "application/json"))
          .compose(request -> request.send(body))
          .compose(response -> response.statusCode() == 200 ? response.body()
              : response.body().compose(b -> Future.failedFuture("status " + response.statusCode() + ": " + b)))
          .map(Buffer::toString);
      bodies.add(text.toCompletionStage().toCompletableFuture());
    }
    List<String> errors = new ArrayList<>();
    for (CompletableFuture<String> future : bodies) {
      try {
        String sse = future.get(GUARD_SECONDS, TimeUnit.SECONDS);
        List<Integer> ticks = new ArrayList<>();
        Matcher m = CONTENT.matcher(sse);
        while (m.find()) {
          ticks.add(Integer.parseInt(m.group(1)));
        }
        if (!ticks.equals(List.of(0, 1, 2, 3, 4)) || !sse.endsWith("data: [DONE]\n\n")) {
          errors.add("unexpected stream: " + sse);
        }
      } catch (Exception e) {
        errors.add(e.toString());
      }
    }
    return new Round(errors, slow.connectionsAtBarrier, (System.nanoTime() - started) / 1_000_000);
  }

  private static void assertEventually(java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not reached in time: " + what);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(GUARD_SECONDS, TimeUnit.SECONDS);
  }

  private static final class Round {
    final List<String> errors;
    final int upstreamConnections;
    final long millis;

    Round(List<String> errors, int upstreamConnections, long millis) {
      this.errors = errors;
      this.upstreamConnections = upstreamConnections;
      this.millis = millis;
    }
  }

  /**
   * An OpenAI-compatible streaming upstream that answers every request with a first chunk at once,
   * then holds it until the round's expected number of requests are all open, and then sends
   * {@value #CHUNKS} content chunks 10 ms apart on Vert.x timers before ending with usage and
   * {@code [DONE]}.
   */
  private static final class SlowUpstream {
    private final Vertx vertx;
    private final Queue<HttpServerResponse> held = new ConcurrentLinkedQueue<>();
    private final AtomicInteger arrived = new AtomicInteger();
    private volatile int expected;
    private volatile java.util.function.IntSupplier connections;
    volatile int connectionsAtBarrier;

    SlowUpstream(Vertx vertx) {
      this.vertx = vertx;
    }

    void expect(int count, java.util.function.IntSupplier openConnections) {
      arrived.set(0);
      connections = openConnections;
      expected = count;
    }

    void accept(HttpServerResponse response) {
      response.setChunked(true).putHeader("Content-Type", "text/event-stream");
      response.write(event("{\"role\":\"assistant\",\"content\":\"\"}", null));
      held.add(response);
      if (arrived.incrementAndGet() == expected) {
        connectionsAtBarrier = connections.getAsInt();
        HttpServerResponse next;
        while ((next = held.poll()) != null) {
          tick(next, 0);
        }
      }
    }

    private void tick(HttpServerResponse response, int i) {
      vertx.setTimer(10, id -> {
        if (i < CHUNKS) {
          response.write(event("{\"content\":\"tick " + i + "\"}", null));
          tick(response, i + 1);
        } else {
          response.write(event("{}", "\"stop\""));
          response.end("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-slow\","
              + "\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":5,\"total_tokens\":10}}\n\n"
              + "data: [DONE]\n\n");
        }
      });
    }

    private static String event(String delta, String finishReason) {
      return "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-slow\","
          + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finishReason + "}]}\n\n";
    }
  }
}

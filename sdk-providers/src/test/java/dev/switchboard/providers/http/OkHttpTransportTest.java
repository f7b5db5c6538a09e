package dev.switchboard.providers.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.providers.testing.RawHttpServer;
import dev.switchboard.providers.testing.TestSubscriber;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OkHttpTransportTest extends HttpTransportContractTest {

  private static OkHttpTransport transport;
  private static OkHttpTransport capped;

  @BeforeAll
  static void createTransport() {
    transport = OkHttpTransport.builder().build();
    capped = OkHttpTransport.builder().maxResponseBodyBytes(BODY_LIMIT).build();
  }

  @AfterAll
  static void closeTransport() {
    transport.close();
    capped.close();
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
   * Waits (as a failure guard, polling) until {@code t} has no open call, nothing running in its
   * dispatcher and no connection in use. Releases can trail the signal that caused them by a moment:
   * e.g. a cancel from the test thread lets the read loop release the connection on its own thread.
   */
  static void assertEventually(OkHttpTransport t) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
    while (!(t.openCallsCount() == 0 && t.runningCallsCount() == 0 && t.inUseConnectionCount() == 0)) {
      if (System.nanoTime() > deadline) {
        break;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    assertThat(t.openCallsCount()).as("open calls").isZero();
    assertThat(t.runningCallsCount()).as("dispatcher running calls").isZero();
    assertThat(t.inUseConnectionCount()).as("connections in use").isZero();
  }

  @Test
  void builder_defaults_areSizedForAGateway() {
    assertThat(transport.maxRequestsPerHost()).isEqualTo(1024);
    assertThat(transport.toString()).isEqualTo("OkHttpTransport{maxRequests=1024, maxRequestsPerHost=1024, "
        + "maxIdleConnections=256, keepAlive=PT5M, connectTimeout=PT10S, readTimeout=PT0S, writeTimeout=PT0S, "
        + "callTimeout=PT0S, maxResponseBodyBytes=268435456}");
    assertThat(OkHttpTransport.DEFAULT_MAX_RESPONSE_BODY_BYTES).isEqualTo(256L * 1024 * 1024);
  }

  @Test
  void builder_invalidValues_areRejectedNamingTheOption() {
    OkHttpTransport.Builder builder = OkHttpTransport.builder();
    assertThatThrownBy(() -> builder.maxRequests(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxRequests must be >= 1 but was 0");
    assertThatThrownBy(() -> builder.maxRequestsPerHost(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxRequestsPerHost must be >= 1 but was -1");
    assertThatThrownBy(() -> builder.maxIdleConnections(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxIdleConnections must be >= 0 but was -1");
    assertThatThrownBy(() -> builder.keepAlive(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("keepAlive must be positive but was PT0S");
    assertThatThrownBy(() -> builder.connectTimeout(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("connectTimeout must be positive but was PT-1S");
    assertThatThrownBy(() -> builder.readTimeout(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("readTimeout must not be negative but was PT-0.001S");
    assertThatThrownBy(() -> builder.writeTimeout(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("writeTimeout");
    assertThatThrownBy(() -> builder.callTimeout(Duration.ofSeconds(-2))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("callTimeout must not be negative but was PT-2S");
    assertThatThrownBy(() -> builder.maxResponseBodyBytes(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxResponseBodyBytes must be >= 1 but was 0");
  }

  @Test
  void builder_customLimits_areApplied() {
    try (OkHttpTransport custom = OkHttpTransport.builder().maxRequests(10).maxRequestsPerHost(3)
        .maxResponseBodyBytes(1).build()) {
      assertThat(custom.maxRequestsPerHost()).isEqualTo(3);
      assertThat(custom.toString()).startsWith("OkHttpTransport{maxRequests=10, maxRequestsPerHost=3,")
          .endsWith(", maxResponseBodyBytes=1}");
    }
    try (OkHttpTransport huge = OkHttpTransport.builder().maxResponseBodyBytes(Long.MAX_VALUE).build()) {
      assertThat(huge.toString()).as("a body is one array").endsWith(", maxResponseBodyBytes=2147483639}");
    }
  }

  @Test
  void execute_nullRequest_throwsNullPointerException() {
    assertThatThrownBy(() -> transport.execute(null)).isInstanceOf(NullPointerException.class).hasMessage("request");
    assertThatThrownBy(() -> transport.stream(null)).isInstanceOf(NullPointerException.class).hasMessage("request");
  }

  @Test
  void execute_sameUrlAgain_isParsedOnceAndAnswered() throws Exception {
    wireMock.stubFor(post("/parsed-once").willReturn(aResponse().withStatus(200).withBody("ok")));
    OkHttpTransport fresh = OkHttpTransport.builder().build();
    try {
      for (int i = 0; i < 3; i++) {
        assertThat(await(fresh.execute(request("/parsed-once"))).status()).isEqualTo(200);
      }
      assertThat(fresh.parsedUrlCount()).isEqualTo(1);
      assertEventually(fresh);
    } finally {
      fresh.close();
    }
  }

  @Test
  void execute_moreDistinctUrlsThanKept_stillCallsEachAndKeepsAtMostTheBound() throws Exception {
    wireMock.stubFor(post(urlPathMatching("/many/.*")).willReturn(aResponse().withStatus(204)));
    OkHttpTransport fresh = OkHttpTransport.builder().build();
    try {
      for (int i = 0; i < OkHttpTransport.MAX_PARSED_URLS + 5; i++) {
        assertThat(await(fresh.execute(request("/many/" + i))).status()).isEqualTo(204);
      }
      assertThat(fresh.parsedUrlCount()).isEqualTo(OkHttpTransport.MAX_PARSED_URLS);
      assertEventually(fresh);
    } finally {
      fresh.close();
    }
  }

  @Test
  void close_thenCall_failsWithIllegalState() {
    OkHttpTransport closed = OkHttpTransport.builder().build();
    closed.close();
    closed.close(); // idempotent

    assertThat(failureOf(closed.execute(request("/x")))).isInstanceOf(IllegalStateException.class)
        .hasMessage("OkHttpTransport is closed");
    assertThat(failureOf(closed.stream(request("/x")))).isInstanceOf(IllegalStateException.class)
        .hasMessage("OkHttpTransport is closed");
  }

  @Test
  void close_whileStreamIsRead_subscriberGetsIllegalStateAndServerSeesClose() throws Exception {
    CountDownLatch clientGone = new CountDownLatch(1);
    OkHttpTransport own = OkHttpTransport.builder().build();
    try (RawHttpServer server = RawHttpServer.start(endlessEvents(clientGone))) {
      StreamingHttpResponse response = await(own.stream(HttpRequest.builder().url(server.url("/sse")).body(new byte[0]).build()));
      TestSubscriber<ByteBuffer> bytes = TestSubscriber.unbounded();
      response.body().subscribe(bytes);
      bytes.awaitItems(1);

      own.close();

      bytes.awaitTerminal();
      assertThat(bytes.error()).isInstanceOf(IllegalStateException.class).hasMessage("OkHttpTransport is closed");
      assertThat(clientGone.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertEventually(own);
    } finally {
      own.close();
    }
  }

  @Test
  void close_whileCallWaitsForHeaders_failsFutureWithIllegalState() throws Exception {
    CountDownLatch arrived = new CountDownLatch(1);
    OkHttpTransport own = OkHttpTransport.builder().build();
    try (RawHttpServer server = RawHttpServer.start(exchange -> {
      arrived.countDown();
      exchange.awaitClientGone();
    })) {
      var future = own.execute(HttpRequest.builder().url(server.url("/slow")).body(new byte[0]).build());
      assertThat(arrived.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();

      own.close();

      assertThat(failureOf(future)).isInstanceOf(IllegalStateException.class).hasMessage("OkHttpTransport is closed");
      assertEventually(own);
    } finally {
      own.close();
    }
  }
}

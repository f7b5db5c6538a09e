package dev.switchboard.providers.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.switchboard.providers.e2e.Upstreams.account;
import static dev.switchboard.providers.e2e.Upstreams.chat;
import static dev.switchboard.providers.e2e.Upstreams.chatRequests;
import static dev.switchboard.providers.e2e.Upstreams.contentEvent;
import static dev.switchboard.providers.e2e.Upstreams.error;
import static dev.switchboard.providers.e2e.Upstreams.hello;
import static dev.switchboard.providers.e2e.Upstreams.retries;
import static dev.switchboard.providers.e2e.Upstreams.textStream;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.core.CircuitBreakerPolicy;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.Timeouts;
import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.spi.ProviderConfig;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.http.OkHttpTransport;
import dev.switchboard.providers.openai.TransportProbe;
import dev.switchboard.providers.testing.RawHttpServer;
import dev.switchboard.providers.testing.TestSubscriber;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Streams through the real engine: routing and usage, fallback before the first chunk, cuts and cancellation. */
class SwitchboardOpenAiStreamTest {

  @RegisterExtension
  static final WireMockExtension primary =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
  @RegisterExtension
  static final WireMockExtension secondary =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final int MAX_RETRIES = 1;
  private static final long GUARD_SECONDS = 10;
  private static final OkHttpTransport transport = OkHttpTransport.builder().build();

  private Switchboard switchboard;

  @AfterEach
  void closeAndCheckLeaks() {
    if (switchboard != null) {
      switchboard.close();
    }
    TransportProbe.assertNoOpenCalls(transport);
  }

  @AfterAll
  static void closeTransport() {
    transport.close();
  }

  private Switchboard.Builder builder(ProviderConfig primaryAccount) {
    return Switchboard.builder()
        .provider(primaryAccount)
        .provider(account("secondary", secondary))
        .providerComponent(HttpTransport.class, transport)
        .retryPolicy(retries(MAX_RETRIES))
        .circuitBreakerPolicy(CircuitBreakerPolicy.disabled())
        .timeouts(Timeouts.of(Duration.ofSeconds(5), Duration.ofSeconds(10)))
        .modelGroup(ModelGroup.builder("chat")
            .deployment("primary", "gpt-4o-mini")
            .deployment("secondary", "gpt-4.1-mini")
            .build());
  }

  private TestSubscriber<ChatChunk> streamAll() {
    TestSubscriber<ChatChunk> subscriber = TestSubscriber.unbounded();
    switchboard.stream(hello("chat")).subscribe(subscriber);
    return subscriber.awaitTerminal();
  }

  private static String text(List<ChatChunk> chunks) {
    StringBuilder sb = new StringBuilder();
    chunks.stream().map(ChatChunk::text).filter(t -> t != null).forEach(sb::append);
    return sb.toString();
  }

  @Test
  void stream_primaryStreams_routeOnFirstChunkUsageOnLastAndStreamOptionsSent() {
    primary.stubFor(chat().willReturn(textStream("This", " is", " a", " test.")));
    switchboard = builder(account("primary", primary)).build();

    TestSubscriber<ChatChunk> subscriber = streamAll();

    List<ChatChunk> chunks = subscriber.items();
    assertThat(subscriber.isCompleted()).isTrue();
    assertThat(text(chunks)).isEqualTo("This is a test.");
    assertThat(chunks.get(0).route()).isNotNull();
    assertThat(chunks.get(0).route().provider()).isEqualTo("primary");
    assertThat(chunks.get(0).route().deployment()).isEqualTo("primary/gpt-4o-mini");
    assertThat(chunks.subList(1, chunks.size())).allSatisfy(c -> assertThat(c.route()).isNull());
    ChatChunk last = chunks.get(chunks.size() - 1);
    assertThat(last.choices()).isEmpty();
    assertThat(last.usage()).isEqualTo(Usage.of(9, 4));
    primary.verify(1, chatRequests()
        .withHeader("Accept", equalTo("text/event-stream"))
        .withRequestBody(equalToJson("{\"model\":\"gpt-4o-mini\",\"stream\":true,"
            + "\"stream_options\":{\"include_usage\":true}}", false, true)));
    secondary.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void stream_primary503BeforeFirstChunk_fallsBackToSecondary() {
    primary.stubFor(chat().willReturn(error(503, "The engine is currently overloaded, please try again later.",
        "server_error", null)));
    secondary.stubFor(chat().willReturn(textStream("from", " secondary")));
    switchboard = builder(account("primary", primary)).build();

    TestSubscriber<ChatChunk> subscriber = streamAll();

    assertThat(subscriber.isCompleted()).isTrue();
    assertThat(text(subscriber.items())).isEqualTo("from secondary");
    assertThat(subscriber.items().get(0).route().provider()).isEqualTo("secondary");
    assertThat(subscriber.items().get(0).route().fallbacks()).isEqualTo(1);
    primary.verify(1 + MAX_RETRIES, chatRequests());
    secondary.verify(1, chatRequests());
  }

  @Test
  void stream_connectionCutAfterTwoChunks_failsAfterThemWithoutFallback() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    secondary.stubFor(chat().willReturn(textStream("must", " not", " be", " used")));
    try (RawHttpServer upstream = RawHttpServer.start(exchange -> {
      requests.incrementAndGet();
      exchange.startChunked(200, "text/event-stream");
      exchange.writeChunk(contentEvent("first"));
      exchange.writeChunk(contentEvent(" second"));
      exchange.closeConnection(); // no chunked terminator, no [DONE]: the connection just ends
    })) {
      switchboard = builder(account("primary", upstream.url("/v1"))).build();

      TestSubscriber<ChatChunk> subscriber = streamAll();

      assertThat(subscriber.items()).extracting(ChatChunk::text).containsExactly("first", " second");
      assertThat(subscriber.isCompleted()).isFalse();
      assertThat(subscriber.error()).isInstanceOf(SwitchboardException.class);
      assertThat(((SwitchboardException) subscriber.error()).details().provider()).isEqualTo("primary");
      assertThat(requests).hasValue(1);
      secondary.verify(0, anyRequestedFor(anyUrl()));
    }
  }

  @Test
  void stream_cancelledByTheCaller_upstreamSeesTheConnectionClosed() throws Exception {
    CountDownLatch clientGone = new CountDownLatch(1);
    try (RawHttpServer upstream = RawHttpServer.start(exchange -> {
      exchange.startChunked(200, "text/event-stream");
      exchange.writeChunk(contentEvent("tick"));
      try {
        while (true) { // an endless stream of keep-alives, as a server that never finishes
          exchange.writeChunk(": keep-alive\n\n");
          Thread.sleep(20);
        }
      } catch (IOException closedByClient) {
        clientGone.countDown();
      }
    })) {
      switchboard = builder(account("primary", upstream.url("/v1"))).build();
      TestSubscriber<ChatChunk> subscriber = new TestSubscriber<>(1);
      switchboard.stream(hello("chat")).subscribe(subscriber);
      assertThat(subscriber.awaitItems(1)).extracting(ChatChunk::text).containsExactly("tick");

      subscriber.cancel();

      assertThat(clientGone.await(GUARD_SECONDS, TimeUnit.SECONDS)).as("upstream saw the connection closed").isTrue();
      assertThat(subscriber.isTerminated()).isFalse();
      secondary.verify(0, anyRequestedFor(anyUrl()));
    }
  }
}

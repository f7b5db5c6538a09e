package dev.switchboard.providers.e2e;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.switchboard.providers.e2e.Upstreams.account;
import static dev.switchboard.providers.e2e.Upstreams.chat;
import static dev.switchboard.providers.e2e.Upstreams.chatRequests;
import static dev.switchboard.providers.e2e.Upstreams.completion;
import static dev.switchboard.providers.e2e.Upstreams.error;
import static dev.switchboard.providers.e2e.Upstreams.hello;
import static dev.switchboard.providers.e2e.Upstreams.retries;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.core.CircuitBreakerPolicy;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.SwitchboardListener;
import dev.switchboard.core.Timeouts;
import dev.switchboard.core.cost.Price;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.routing.Deployment;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.routing.RoutingStrategy;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.http.OkHttpTransport;
import dev.switchboard.providers.openai.TransportProbe;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each routing strategy choosing among real OpenAI-speaking deployments, checked by what each server received. */
class SwitchboardOpenAiRoutingTest {

  @RegisterExtension
  static final WireMockExtension a =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
  @RegisterExtension
  static final WireMockExtension b =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
  @RegisterExtension
  static final WireMockExtension c =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

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

  private static Switchboard.Builder builder(ModelGroup group) {
    return Switchboard.builder()
        .provider(account("a", a))
        .provider(account("b", b))
        .provider(account("c", c))
        .providerComponent(HttpTransport.class, transport)
        .retryPolicy(retries(0))
        .circuitBreakerPolicy(CircuitBreakerPolicy.disabled())
        .timeouts(Timeouts.of(Duration.ofSeconds(5), Duration.ofSeconds(5)))
        .modelGroup(group);
  }

  private static Deployment deployment(String provider) {
    return Deployment.builder().id(provider).provider(provider).model("gpt-4o-mini").build();
  }

  private void answering(String text, WireMockExtension... servers) {
    for (WireMockExtension server : servers) {
      server.stubFor(chat().willReturn(completion(text)));
    }
  }

  @Test
  void fallbackStrategy_priorities_triesLowestPriorityFirstThenTheNext() {
    b.stubFor(chat().willReturn(error(503, "overloaded", "server_error", null)));
    answering("from c", c);
    answering("from a", a);
    switchboard = builder(ModelGroup.builder("chat").strategy(RoutingStrategy.fallback())
        .deployment(deployment("a").toBuilder().priority(2).build())
        .deployment(deployment("b").toBuilder().priority(0).build())
        .deployment(deployment("c").toBuilder().priority(1).build())
        .build()).build();

    ChatResponse response = switchboard.chatBlocking(hello("chat"));

    assertThat(response.text()).isEqualTo("from c");
    assertThat(response.route().fallbacks()).isEqualTo(1);
    b.verify(1, chatRequests());
    c.verify(1, chatRequests());
    a.verify(0, chatRequests());
  }

  @Test
  void cheapestStrategy_prices_sendsToTheCheapestDeployment() {
    answering("answer", a, b, c);
    switchboard = builder(ModelGroup.builder("chat").strategy(RoutingStrategy.cheapest())
        .deployment(deployment("a").toBuilder().price(Price.perMillion("2.50", "10.00")).build())
        .deployment(deployment("b").toBuilder().price(Price.perMillion("0.15", "0.60")).build())
        .deployment(deployment("c"))
        .build()).build();

    ChatResponse response = switchboard.chatBlocking(hello("chat"));

    assertThat(response.route().provider()).isEqualTo("b");
    b.verify(1, chatRequests());
    a.verify(0, chatRequests());
    c.verify(0, chatRequests());
  }

  @Test
  void leastBusyStrategy_firstDeploymentHeldByASlowCall_sendsTheNextCallElsewhere() throws Exception {
    a.stubFor(chat().willReturn(completion("slow a").withFixedDelay(8_000)));
    answering("from b", b);
    CountDownLatch firstCallStarted = new CountDownLatch(1);
    switchboard = builder(ModelGroup.builder("chat").strategy(RoutingStrategy.leastBusy())
        .deployment(deployment("a")).deployment(deployment("b")).build())
        .listener(new SwitchboardListener() {
          @Override
          public void attemptStart(String requestId, Deployment deployment, int attempt) {
            firstCallStarted.countDown();
          }
        })
        .build();

    CompletableFuture<ChatResponse> held = switchboard.chat(hello("chat"));
    assertThat(firstCallStarted.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
    // Wait until a really holds the call: a request cancelled before it arrived could otherwise land on a
    // during the next test, after WireMock's reset.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
    while (a.findAll(chatRequests()).isEmpty() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(a.findAll(chatRequests())).hasSize(1);
    ChatResponse second = switchboard.chatBlocking(hello("chat"));
    held.cancel(true);

    assertThat(second.text()).isEqualTo("from b");
    b.verify(1, chatRequests());
    assertThat(held).isCancelled();
  }

  @Test
  void weightedStrategy_weights3To1Over300Calls_splitsWithinTolerance() {
    answering("answer", a, b);
    switchboard = builder(ModelGroup.builder("chat").strategy(RoutingStrategy.weighted(new Random(20260301)))
        .deployment(deployment("a").toBuilder().weight(3).build())
        .deployment(deployment("b").toBuilder().weight(1).build())
        .build()).build();
    int calls = 300;

    for (int i = 0; i < calls; i++) {
      switchboard.chatBlocking(hello("chat"));
    }

    int toA = a.findAll(chatRequests()).size();
    int toB = b.findAll(chatRequests()).size();
    assertThat(toA + toB).isEqualTo(calls);
    assertThat(toA).as("expected about 3/4 of %d calls on a", calls).isBetween(195, 255); // 225 ± 4 sd
  }

  @Test
  void leastLatencyStrategy_afterMeasuringBoth_prefersTheFasterDeployment() {
    // A wide gap: on a loaded 2-core machine even the "fast" first call can take a few hundred ms.
    a.stubFor(chat().willReturn(completion("slow a").withFixedDelay(1_000)));
    answering("fast b", b);
    switchboard = builder(ModelGroup.builder("chat").strategy(RoutingStrategy.leastLatency())
        .deployment(deployment("a")).deployment(deployment("b")).build()).build();

    String first = switchboard.chatBlocking(hello("chat")).text();
    String second = switchboard.chatBlocking(hello("chat")).text();
    String third = switchboard.chatBlocking(hello("chat")).text();
    String fourth = switchboard.chatBlocking(hello("chat")).text();

    assertThat(first).as("both unmeasured: declaration order").isEqualTo("slow a");
    assertThat(second).as("b unmeasured: measured next").isEqualTo("fast b");
    assertThat(third).isEqualTo("fast b");
    assertThat(fourth).isEqualTo("fast b");
    a.verify(1, chatRequests());
    b.verify(3, chatRequests());
  }
}

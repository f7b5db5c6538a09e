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
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.core.CircuitBreakerPolicy;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.Timeouts;
import dev.switchboard.core.error.CircuitOpenException;
import dev.switchboard.core.error.UpstreamException;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.testing.ManualClock;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.http.OkHttpTransport;
import dev.switchboard.providers.openai.TransportProbe;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Circuit breaking and the retry limit against real HTTP deployments, with time moved by a manual clock. */
class SwitchboardOpenAiCircuitBreakerTest {

  @RegisterExtension
  static final WireMockExtension primary =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
  @RegisterExtension
  static final WireMockExtension secondary =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final Duration OPEN_WAIT = Duration.ofSeconds(30);
  private static final OkHttpTransport transport = OkHttpTransport.builder().build();

  private final ManualClock clock = new ManualClock();
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

  private Switchboard.Builder builder(ModelGroup group) {
    return Switchboard.builder()
        .provider(account("primary", primary))
        .provider(account("secondary", secondary))
        .providerComponent(HttpTransport.class, transport)
        .clock(clock)
        .retryPolicy(retries(0))
        .circuitBreakerPolicy(CircuitBreakerPolicy.custom()
            .slidingWindowSize(4)
            .minimumNumberOfCalls(2)
            .failureRateThreshold(50)
            .waitDurationInOpenState(OPEN_WAIT)
            .permittedCallsInHalfOpenState(1)
            .build())
        .timeouts(Timeouts.of(Duration.ofSeconds(5), Duration.ofSeconds(5)))
        .modelGroup(group);
  }

  @Test
  void breaker_primaryFailsTwice_opensAndSkipsPrimaryUntilTheWaitThenHalfOpensAndCloses() {
    primary.stubFor(chat().willReturn(error(500, "The server had an error.", "server_error", null)));
    secondary.stubFor(chat().willReturn(completion("from secondary")));
    switchboard = builder(ModelGroup.builder("chat").deployment("primary", "gpt-4o-mini")
        .deployment("secondary", "gpt-4o-mini").build()).build();

    switchboard.chatBlocking(hello("chat"));
    switchboard.chatBlocking(hello("chat"));
    primary.verify(2, chatRequests());

    assertThat(switchboard.chatBlocking(hello("chat")).text()).isEqualTo("from secondary");
    assertThat(switchboard.chatBlocking(hello("chat")).text()).isEqualTo("from secondary");
    primary.verify(2, chatRequests()); // open: no request reaches primary
    secondary.verify(4, chatRequests());

    primary.resetAll();
    primary.stubFor(chat().willReturn(completion("from primary")));
    clock.advance(OPEN_WAIT.plusSeconds(1));

    assertThat(switchboard.chatBlocking(hello("chat")).text()).as("half-open trial call").isEqualTo("from primary");
    assertThat(switchboard.chatBlocking(hello("chat")).text()).as("closed again").isEqualTo("from primary");
    primary.verify(2, chatRequests());
    secondary.verify(4, chatRequests());
  }

  @Test
  void breaker_onlyDeploymentOpen_failsWithCircuitOpenWithoutARequest() {
    primary.stubFor(chat().willReturn(error(502, "Bad gateway", "server_error", null)));
    switchboard = builder(ModelGroup.builder("solo").deployment("primary", "gpt-4o-mini").build()).build();
    catchThrowableOfType(UpstreamException.class, () -> switchboard.chatBlocking(hello("solo")));
    catchThrowableOfType(UpstreamException.class, () -> switchboard.chatBlocking(hello("solo")));

    CircuitOpenException open = catchThrowableOfType(CircuitOpenException.class,
        () -> switchboard.chatBlocking(hello("solo")));

    assertThat(open).isNotNull();
    assertThat(open.httpStatus()).isEqualTo(503);
    primary.verify(2, chatRequests());
  }

  @Test
  void retries_primaryAlways500_stopsAtTheLimitWithTheUpstreamError() {
    primary.stubFor(chat().willReturn(error(500, "The server had an error.", "server_error", null)));
    switchboard = builder(ModelGroup.builder("solo").deployment("primary", "gpt-4o-mini").build())
        .retryPolicy(retries(3))
        .circuitBreakerPolicy(CircuitBreakerPolicy.disabled())
        .build();

    UpstreamException error = catchThrowableOfType(UpstreamException.class,
        () -> switchboard.chatBlocking(hello("solo")));

    assertThat(error).isNotNull();
    assertThat(error.details().upstreamStatus()).isEqualTo(500);
    assertThat(error.details().provider()).isEqualTo("primary");
    primary.verify(4, chatRequests());
  }
}

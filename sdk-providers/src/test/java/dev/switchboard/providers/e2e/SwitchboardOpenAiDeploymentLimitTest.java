package dev.switchboard.providers.e2e;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.switchboard.providers.e2e.Upstreams.account;
import static dev.switchboard.providers.e2e.Upstreams.chat;
import static dev.switchboard.providers.e2e.Upstreams.chatRequests;
import static dev.switchboard.providers.e2e.Upstreams.completion;
import static dev.switchboard.providers.e2e.Upstreams.hello;
import static dev.switchboard.providers.e2e.Upstreams.retries;
import static dev.switchboard.providers.e2e.Upstreams.textStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.core.Caller;
import dev.switchboard.core.ChatStream;
import dev.switchboard.core.RequestOptions;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.Timeouts;
import dev.switchboard.core.error.RateLimitedException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.ratelimit.Limit;
import dev.switchboard.core.ratelimit.Limits;
import dev.switchboard.core.ratelimit.RateLimitStatus;
import dev.switchboard.core.routing.Deployment;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.testing.ManualClock;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.http.OkHttpTransport;
import dev.switchboard.providers.openai.TransportProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Limits against real OpenAI-speaking upstreams: a deployment at its own limits receives not a single
 * request (WireMock's journal says so), and a caller over its limit reaches no upstream at all.
 */
class SwitchboardOpenAiDeploymentLimitTest {

  @RegisterExtension
  static final WireMockExtension primary =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
  @RegisterExtension
  static final WireMockExtension secondary =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

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

  private Switchboard build(Limits limits, Deployment... deployments) {
    ModelGroup.Builder group = ModelGroup.builder("fast");
    for (Deployment d : deployments) {
      group.deployment(d);
    }
    switchboard = Switchboard.builder()
        .provider(account("primary", primary))
        .provider(account("secondary", secondary))
        .providerComponent(HttpTransport.class, transport)
        .retryPolicy(retries(0))
        .timeouts(Timeouts.of(Duration.ofSeconds(5), Duration.ofSeconds(5)))
        .clock(clock)
        .limits(limits)
        .modelGroup(group.build())
        .build();
    return switchboard;
  }

  private static Deployment.Builder deployment(String provider) {
    return Deployment.builder().id(provider).provider(provider).model("gpt-4o-mini");
  }

  @Test
  void saturatedPrimary_receivesNoRequest_secondaryAnswers() {
    primary.stubFor(chat().willReturn(completion("from primary")));
    secondary.stubFor(chat().willReturn(completion("from secondary")));
    build(Limits.none(), deployment("primary").limit(Limit.requestsPerMinute(2)).build(),
        deployment("secondary").build());

    List<String> answers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      answers.add(switchboard.chatBlocking(hello("fast")).text());
    }

    assertThat(answers).containsExactly("from primary", "from primary", "from secondary", "from secondary",
        "from secondary");
    primary.verify(2, chatRequests());
    secondary.verify(3, chatRequests());
  }

  @Test
  void saturatedPrimary_streamsGoToTheSecondary() {
    primary.stubFor(chat().willReturn(textStream("must", " not", " be", " used")));
    secondary.stubFor(chat().willReturn(textStream("from", " secondary")));
    build(Limits.none(), deployment("primary").limit(Limit.tokensPerMinute(50)).build(),
        deployment("secondary").build());

    // the estimate (prompt + the default 4096 completion tokens) can never fit the primary's 50
    StringBuilder text = new StringBuilder();
    try (ChatStream stream = switchboard.streamBlocking(hello("fast"))) {
      for (ChatChunk chunk : stream) {
        text.append(chunk.text() == null ? "" : chunk.text());
      }
    }

    assertThat(text).hasToString("from secondary");
    primary.verify(0, chatRequests());
    secondary.verify(1, chatRequests());
  }

  @Test
  void everyDeploymentSaturated_429WithRetryAfter_andNoUpstreamSeesTheCall() {
    primary.stubFor(chat().willReturn(completion("from primary")));
    secondary.stubFor(chat().willReturn(completion("from secondary")));
    build(Limits.none(), deployment("primary").limit(Limit.requestsPerMinute(1)).build(),
        deployment("secondary").limit(Limit.requestsPerMinute(1)).build());
    switchboard.chatBlocking(hello("fast"));
    switchboard.chatBlocking(hello("fast"));

    assertThatThrownBy(() -> switchboard.chatBlocking(hello("fast")))
        .isInstanceOfSatisfying(RateLimitedException.class, e -> {
          assertThat(e.limit()).isEqualTo("deployment:requests-per-minute");
          assertThat(e.retryAfter()).isEqualTo(Duration.ofMinutes(1));
        });
    primary.verify(1, chatRequests());
    secondary.verify(1, chatRequests());

    clock.advance(Duration.ofMinutes(1));
    assertThat(switchboard.chatBlocking(hello("fast")).text()).isEqualTo("from primary");
  }

  @Test
  void callerOverItsLimit_reachesNoUpstream_andGetsTheHeadersStatus() {
    primary.stubFor(chat().willReturn(completion("from primary")));
    build(Limits.builder().tier(Limits.TIER_API_KEY, Limit.requestsPerMinute(1), Limit.tokensPerMinute(20_000)).build(),
        deployment("primary").build());
    List<RateLimitStatus> statuses = new ArrayList<>();
    RequestOptions options = RequestOptions.builder().caller(Caller.builder().keyId("key_e2e").build())
        .onRateLimitStatus(statuses::add).build();

    switchboard.chatBlocking(hello("fast"), options);
    assertThatThrownBy(() -> switchboard.chatBlocking(hello("fast"), options))
        .isInstanceOfSatisfying(RateLimitedException.class,
            e -> assertThat(e.limit()).isEqualTo("key:requests-per-minute"));

    primary.verify(1, chatRequests());
    assertThat(statuses).hasSize(2);
    assertThat(statuses.get(0).openAiHeaders()).containsEntry("x-ratelimit-remaining-requests", "0")
        .containsKey("x-ratelimit-remaining-tokens");
    assertThat(statuses.get(1).openAiHeaders()).containsEntry("x-ratelimit-reset-requests", "1m0s");
  }
}

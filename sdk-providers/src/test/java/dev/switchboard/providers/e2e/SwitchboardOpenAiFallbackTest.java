package dev.switchboard.providers.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.switchboard.providers.e2e.Upstreams.account;
import static dev.switchboard.providers.e2e.Upstreams.chat;
import static dev.switchboard.providers.e2e.Upstreams.chatRequests;
import static dev.switchboard.providers.e2e.Upstreams.completion;
import static dev.switchboard.providers.e2e.Upstreams.error;
import static dev.switchboard.providers.e2e.Upstreams.hello;
import static dev.switchboard.providers.e2e.Upstreams.retries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.core.CircuitBreakerPolicy;
import dev.switchboard.core.RequestOptions;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.Timeouts;
import dev.switchboard.core.error.AuthenticationException;
import dev.switchboard.core.error.InvalidRequestException;
import dev.switchboard.core.error.ModelNotFoundException;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.http.OkHttpTransport;
import dev.switchboard.providers.openai.TransportProbe;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Fallback, retries and typed errors through the real engine, with WireMock as the OpenAI deployments. */
class SwitchboardOpenAiFallbackTest {

  @RegisterExtension
  static final WireMockExtension primary =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
  @RegisterExtension
  static final WireMockExtension secondary =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final int MAX_RETRIES = 2;
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

  private Switchboard.Builder builder() {
    return Switchboard.builder()
        .provider(account("primary", primary))
        .provider(account("secondary", secondary))
        .providerComponent(HttpTransport.class, transport)
        .retryPolicy(retries(MAX_RETRIES))
        .circuitBreakerPolicy(CircuitBreakerPolicy.disabled())
        .timeouts(Timeouts.of(Duration.ofSeconds(5), Duration.ofSeconds(5)))
        .modelGroup(ModelGroup.builder("chat")
            .deployment("primary", "gpt-4o-mini")
            .deployment("secondary", "gpt-4.1-mini")
            .build());
  }

  private ChatResponse ask() {
    return switchboard.chatBlocking(hello("chat"));
  }

  @Test
  void chat_primaryAnswers_sendsUpstreamModelKeyAndRequestIdAndRoutesToPrimary() {
    primary.stubFor(chat().willReturn(completion("from primary")));
    switchboard = builder().build();

    ChatResponse response = switchboard.chatBlocking(hello("chat"),
        RequestOptions.builder().requestId("req-e2e-1").build());

    assertThat(response.text()).isEqualTo("from primary");
    assertThat(response.usage().totalTokens()).isEqualTo(17);
    assertThat(response.route().provider()).isEqualTo("primary");
    assertThat(response.route().deployment()).isEqualTo("primary/gpt-4o-mini");
    assertThat(response.route().attempts()).isEqualTo(1);
    assertThat(response.route().fallbacks()).isZero();
    primary.verify(1, chatRequests()
        .withHeader("Authorization", equalTo("Bearer sk-test-primary"))
        .withHeader("X-Client-Request-Id", equalTo("req-e2e-1"))
        .withRequestBody(matchingJsonPath("$.model", equalTo("gpt-4o-mini"))));
    secondary.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void chat_ownTransportFromServiceLoader_answersAndClosesWithTheClient() {
    primary.stubFor(chat().willReturn(completion("own transport")));
    switchboard = Switchboard.builder()
        .provider(account("primary", primary))
        .modelGroup(ModelGroup.builder("chat").deployment("primary", "gpt-4o-mini").build())
        .build();

    assertThat(ask().text()).isEqualTo("own transport");
  }

  @Test
  void chat_primaryReturns429WithRetryAfter_fallsBackToSecondaryAndCoolsPrimaryDown() {
    primary.stubFor(chat().willReturn(error(429, "Rate limit reached for gpt-4o-mini on requests per min (RPM).",
        "requests", "rate_limit_exceeded").withHeader("Retry-After", "7")));
    secondary.stubFor(chat().willReturn(completion("from secondary")));
    switchboard = builder().build();

    ChatResponse first = ask();

    assertThat(first.text()).isEqualTo("from secondary");
    assertThat(first.route().fallbacks()).isEqualTo(1);
    primary.verify(1, chatRequests());
    secondary.verify(1, chatRequests());

    ChatResponse second = ask();

    assertThat(second.route().fallbacks()).as("primary is cooling down: skipped without a call").isZero();
    primary.verify(1, chatRequests());
    secondary.verify(2, chatRequests());
  }

  @Test
  void chat_primaryReturns500_retriesUpToTheLimitThenFallsBack() {
    primary.stubFor(chat().willReturn(error(500, "The server had an error while processing your request.",
        "server_error", null)));
    secondary.stubFor(chat().willReturn(completion("from secondary")));
    switchboard = builder().build();

    ChatResponse response = ask();

    assertThat(response.text()).isEqualTo("from secondary");
    assertThat(response.route().attempts()).isEqualTo(1 + MAX_RETRIES + 1);
    assertThat(response.route().fallbacks()).isEqualTo(1);
    primary.verify(1 + MAX_RETRIES, chatRequests());
    secondary.verify(1, chatRequests());
  }

  @Test
  void chat_primaryReturns503_fallsBackToSecondary() {
    primary.stubFor(chat().willReturn(error(503, "The engine is currently overloaded, please try again later.",
        "server_error", null)));
    secondary.stubFor(chat().willReturn(completion("from secondary")));
    switchboard = builder().retryPolicy(retries(0)).build();

    assertThat(ask().text()).isEqualTo("from secondary");
    primary.verify(1, chatRequests());
    secondary.verify(1, chatRequests());
  }

  @Test
  void chat_primaryTooSlowForTotalTimeout_fallsBackToSecondary() {
    primary.stubFor(chat().willReturn(completion("too late").withFixedDelay(10_000)));
    secondary.stubFor(chat().willReturn(completion("from secondary")));
    switchboard = builder().retryPolicy(retries(0))
        .timeouts(Timeouts.of(Duration.ofMillis(300), Duration.ofMillis(300))).build();

    ChatResponse response = ask();

    assertThat(response.text()).isEqualTo("from secondary");
    assertThat(response.route().fallbacks()).isEqualTo(1);
    primary.verify(1, chatRequests());
    secondary.verify(1, chatRequests());
  }

  @Test
  void chat_primaryResetsTheConnection_retriesThenFallsBack() {
    primary.stubFor(chat().willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    secondary.stubFor(chat().willReturn(completion("from secondary")));
    switchboard = builder().build();

    assertThat(ask().text()).isEqualTo("from secondary");
    primary.verify(1 + MAX_RETRIES, chatRequests());
    secondary.verify(1, chatRequests());
  }

  @Test
  void chat_primaryAnswersMalformedJson_retriesThenFallsBack() {
    primary.stubFor(chat().willReturn(okJson("{\"id\":\"chatcmpl-1\",\"choices\":[")));
    secondary.stubFor(chat().willReturn(completion("from secondary")));
    switchboard = builder().build();

    assertThat(ask().text()).isEqualTo("from secondary");
    primary.verify(1 + MAX_RETRIES, chatRequests());
    secondary.verify(1, chatRequests());
  }

  @Test
  void chat_primaryRejectsTheKey_failsWithoutRetryOrFallback() {
    primary.stubFor(chat().willReturn(error(401, "Incorrect API key provided: sk-test-*******mary.",
        "invalid_request_error", "invalid_api_key")));
    secondary.stubFor(chat().willReturn(completion("from secondary")));
    switchboard = builder().build();

    AuthenticationException error = catchThrowableOfType(AuthenticationException.class, this::ask);

    assertThat(error.details().provider()).isEqualTo("primary");
    assertThat(error.details().upstreamStatus()).isEqualTo(401);
    assertThat(error.getMessage()).doesNotContain("sk-test-primary");
    primary.verify(1, chatRequests());
    secondary.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void chat_unknownModelGroup_failsWithModelNotFoundAndSendsNothing() {
    switchboard = builder().build();

    assertThatThrownBy(() -> switchboard.chatBlocking(hello("gpt-9"))).isInstanceOf(ModelNotFoundException.class)
        .hasMessageContaining("gpt-9");
    primary.verify(0, anyRequestedFor(anyUrl()));
    secondary.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void chat_invalidRequests_failWithInvalidRequestNamingTheParamAndSendNothing() {
    switchboard = builder().build();

    assertInvalid(ChatRequest.builder().model("chat").build(), "messages");
    assertInvalid(hello("chat").toBuilder().maxTokens(-1).build(), "max_tokens");
    assertInvalid(ChatRequest.builder().model("chat").addMessage(Message.user("weather?"))
        .addMessage(Message.builder().role("tool").content("{\"temp\":22}").build()).build(),
        "messages[1].tool_call_id");

    primary.verify(0, anyRequestedFor(anyUrl()));
    secondary.verify(0, anyRequestedFor(anyUrl()));
  }

  private void assertInvalid(ChatRequest request, String param) {
    InvalidRequestException error = catchThrowableOfType(InvalidRequestException.class,
        () -> switchboard.chatBlocking(request));
    assertThat(error).as("request with a bad %s", param).isNotNull();
    assertThat(error.param()).isEqualTo(param);
    assertThat(error.httpStatus()).isEqualTo(400);
  }
}

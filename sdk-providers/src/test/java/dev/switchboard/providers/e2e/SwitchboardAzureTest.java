package dev.switchboard.providers.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.switchboard.providers.e2e.Upstreams.account;
import static dev.switchboard.providers.e2e.Upstreams.chat;
import static dev.switchboard.providers.e2e.Upstreams.chatRequests;
import static dev.switchboard.providers.e2e.Upstreams.completion;
import static dev.switchboard.providers.e2e.Upstreams.hello;
import static dev.switchboard.providers.e2e.Upstreams.retries;
import static dev.switchboard.providers.e2e.Upstreams.textStream;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.core.CircuitBreakerPolicy;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.Timeouts;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.spi.ProviderConfig;
import dev.switchboard.providers.azure.AzureFixtures;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.http.OkHttpTransport;
import dev.switchboard.providers.openai.TransportProbe;
import dev.switchboard.providers.testing.TestSubscriber;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Azure OpenAI through the real engine: the {@code azure} type found by ServiceLoader, chat and stream, and
 * fallback from an Azure deployment's 429, 5xx and content-filter refusal to an OpenAI one.
 */
class SwitchboardAzureTest {

  @RegisterExtension
  static final WireMockExtension azure =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
  @RegisterExtension
  static final WireMockExtension openai =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final String AZURE_CHAT = "/openai/deployments/gpt-4o-eu/chat/completions?api-version=2024-10-21";
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
        .provider(ProviderConfig.builder().name("azure-eu").type("azure").baseUrl(azure.baseUrl())
            .apiKey("azure-test-key-0001").build())
        .provider(account("openai", openai))
        .providerComponent(HttpTransport.class, transport)
        .retryPolicy(retries(1))
        .circuitBreakerPolicy(CircuitBreakerPolicy.disabled())
        .timeouts(Timeouts.of(Duration.ofSeconds(5), Duration.ofSeconds(10)))
        .modelGroup(ModelGroup.builder("chat")
            .deployment("azure-eu", "gpt-4o-eu")
            .deployment("openai", "gpt-4o-mini")
            .build());
  }

  @Test
  void chat_azureAnswers_routesToTheAzureDeploymentWithItsKey() {
    azure.stubFor(post(urlEqualTo(AZURE_CHAT)).willReturn(okJson(
        "{\"choices\":[{\"content_filter_results\":{},\"finish_reason\":\"stop\",\"index\":0,\"logprobs\":null,"
            + "\"message\":{\"content\":\"from azure\",\"role\":\"assistant\"}}],\"created\":1727893900,"
            + "\"id\":\"chatcmpl-az\",\"model\":\"gpt-4o-2024-08-06\",\"object\":\"chat.completion\","
            + "\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":{}}],"
            + "\"usage\":{\"completion_tokens\":3,\"prompt_tokens\":9,\"total_tokens\":12}}")));
    switchboard = builder().build();

    ChatResponse response = switchboard.chatBlocking(hello("chat"));

    assertThat(response.text()).isEqualTo("from azure");
    assertThat(response.usage()).isEqualTo(Usage.of(9, 3));
    assertThat(response.route().provider()).isEqualTo("azure-eu");
    assertThat(response.route().deployment()).isEqualTo("azure-eu/gpt-4o-eu");
    azure.verify(1, postRequestedFor(urlEqualTo(AZURE_CHAT)).withHeader("api-key", equalTo("azure-test-key-0001")));
    openai.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void stream_azureStreams_annotationsDroppedRouteOnFirstChunkUsageOnLast() {
    azure.stubFor(post(urlEqualTo(AZURE_CHAT)).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "text/event-stream").withBody(AzureFixtures.TEXT_STREAM)));
    switchboard = builder().build();
    TestSubscriber<ChatChunk> subscriber = TestSubscriber.unbounded();

    switchboard.stream(hello("chat")).subscribe(subscriber);

    List<ChatChunk> chunks = subscriber.awaitTerminal().items();
    assertThat(subscriber.error()).isNull();
    assertThat(chunks.get(0).route().deployment()).isEqualTo("azure-eu/gpt-4o-eu");
    assertThat(chunks.get(0).id()).isEqualTo("chatcmpl-7rCNsVeZy0PGnX3H6jK8STps5nZUY");
    assertThat(chunks).extracting(ChatChunk::text).containsExactly("", "Color", " is", null, null);
    assertThat(chunks.get(chunks.size() - 1).usage()).isEqualTo(Usage.of(12, 2));
  }

  @Test
  void chat_azureReturns429_fallsBackToOpenAi() {
    azure.stubFor(post(urlEqualTo(AZURE_CHAT)).willReturn(aResponse().withStatus(429).withHeader("retry-after", "6")
        .withHeader("Content-Type", "application/json")
        .withBody("{\"error\":{\"code\":\"429\",\"message\":\"Requests to the ChatCompletions_Create Operation under "
            + "Azure OpenAI API version 2024-10-21 have exceeded token rate limit. Please retry after 6 "
            + "seconds.\"}}")));
    openai.stubFor(chat().willReturn(completion("from openai")));
    switchboard = builder().build();

    ChatResponse response = switchboard.chatBlocking(hello("chat"));

    assertThat(response.text()).isEqualTo("from openai");
    assertThat(response.route().fallbacks()).isEqualTo(1);
    azure.verify(1, postRequestedFor(urlEqualTo(AZURE_CHAT)));
    openai.verify(1, chatRequests());
  }

  @Test
  void stream_azureReturns500_retriesThenFallsBackBeforeTheFirstChunk() {
    azure.stubFor(post(urlEqualTo(AZURE_CHAT)).willReturn(aResponse().withStatus(500)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"error\":{\"code\":\"InternalServerError\",\"message\":\"The service is temporarily unable to "
            + "process your request. Please try again later.\"}}")));
    openai.stubFor(chat().willReturn(textStream("from", " openai")));
    switchboard = builder().build();
    TestSubscriber<ChatChunk> subscriber = TestSubscriber.unbounded();

    switchboard.stream(hello("chat")).subscribe(subscriber);

    List<ChatChunk> chunks = subscriber.awaitTerminal().items();
    assertThat(subscriber.error()).isNull();
    assertThat(chunks.get(0).route().deployment()).isEqualTo("openai/gpt-4o-mini");
    assertThat(chunks.stream().map(ChatChunk::text).filter(t -> t != null).reduce("", String::concat))
        .isEqualTo("from openai");
    azure.verify(2, postRequestedFor(urlEqualTo(AZURE_CHAT)));
  }

  @Test
  void chat_azureContentFilterRefusal_movesToTheContentPolicyFallbackGroup() {
    azure.stubFor(post(urlEqualTo(AZURE_CHAT)).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json")
        .withBody(AzureFixtures.CONTENT_FILTER_ERROR)));
    openai.stubFor(chat().willReturn(completion("from the lenient group")));
    switchboard = Switchboard.builder()
        .provider(ProviderConfig.builder().name("azure-eu").type("azure").baseUrl(azure.baseUrl())
            .apiKey("azure-test-key-0001").build())
        .provider(account("openai", openai))
        .providerComponent(HttpTransport.class, transport)
        .retryPolicy(retries(1))
        .circuitBreakerPolicy(CircuitBreakerPolicy.disabled())
        .modelGroup(ModelGroup.builder("chat").deployment("azure-eu", "gpt-4o-eu").contentPolicyFallback("lenient")
            .build())
        .modelGroup(ModelGroup.builder("lenient").deployment("openai", "gpt-4o-mini").build())
        .build();

    ChatResponse response = switchboard.chatBlocking(hello("chat"));

    assertThat(response.text()).isEqualTo("from the lenient group");
    assertThat(response.choices().get(0).finishReason()).isEqualTo(FinishReason.STOP);
    azure.verify(1, postRequestedFor(urlEqualTo(AZURE_CHAT)));
    openai.verify(1, chatRequests());
  }
}

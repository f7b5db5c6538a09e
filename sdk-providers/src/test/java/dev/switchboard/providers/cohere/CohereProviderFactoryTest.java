package dev.switchboard.providers.cohere;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.spi.CallContext;
import dev.switchboard.core.spi.Provider;
import dev.switchboard.core.spi.ProviderConfig;
import dev.switchboard.core.spi.ProviderFactory;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.http.OkHttpTransport;
import dev.switchboard.providers.openai.TransportProbe;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CohereProviderFactoryTest {

  @RegisterExtension
  static final WireMockExtension wm =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final Map<String, String> env = new HashMap<>();
  private final CohereProviderFactory factory = new CohereProviderFactory(env::get);
  private final CallContext context = CallContext.builder("req_1").build();

  private static ProviderConfig.Builder config() {
    return ProviderConfig.builder().name("cohere-main").type("cohere");
  }

  private void listModels(Provider provider) throws Exception {
    wm.stubFor(get("/v1/models?page_size=1000").willReturn(okJson(CohereFixtures.MODELS)));
    provider.models(context).get(10, TimeUnit.SECONDS);
  }

  @Test
  void serviceLoader_classPath_findsTheFactoryForTypeCohere() {
    assertThat(StreamSupport.stream(ServiceLoader.load(ProviderFactory.class).spliterator(), false))
        .anySatisfy(f -> {
          assertThat(f).isInstanceOf(CohereProviderFactory.class);
          assertThat(f.types()).containsExactly("cohere");
        });
  }

  @Test
  void create_noBaseUrl_usesCoheresApi() {
    try (CohereProvider provider = (CohereProvider) factory.create(config().apiKey("k").build())) {
      assertThat(provider.baseUrl()).isEqualTo("https://api.cohere.com");
      assertThat(provider.providerName()).isEqualTo("cohere-main");
    }
  }

  @Test
  void create_keyFromCohereApiKey_isPreferredOverCoApiKey() throws Exception {
    env.put("COHERE_API_KEY", "from-cohere-api-key");
    env.put("CO_API_KEY", "from-co-api-key");

    try (Provider provider = factory.create(config().baseUrl(wm.baseUrl()).header("X-Client-Name", "gw").build())) {
      listModels(provider);
    }

    wm.verify(getRequestedFor(urlEqualTo("/v1/models?page_size=1000"))
        .withHeader("Authorization", equalTo("Bearer from-cohere-api-key"))
        .withHeader("X-Client-Name", equalTo("gw")));
  }

  @Test
  void create_onlyCoApiKeySet_usesTheSdkVariable() throws Exception {
    env.put("CO_API_KEY", " from-co-api-key ");

    try (Provider provider = factory.create(config().baseUrl(wm.baseUrl()).build())) {
      listModels(provider);
    }

    wm.verify(getRequestedFor(urlEqualTo("/v1/models?page_size=1000"))
        .withHeader("Authorization", equalTo("Bearer from-co-api-key")));
  }

  @Test
  void create_dropUnsupportedParamsOption_dropsInsteadOfFailing() throws Exception {
    wm.stubFor(post("/v2/chat").willReturn(okJson(CohereFixtures.CHAT_RESPONSE)));
    try (Provider provider = factory.create(config().baseUrl(wm.baseUrl()).apiKey("k")
        .option("drop_unsupported_params", "TRUE").build())) {
      provider.chat(ChatRequest.builder().model("command-a-03-2025").addMessage(Message.user("hi")).n(2).build(),
          context).get(10, TimeUnit.SECONDS);
    }

    wm.verify(postRequestedFor(urlEqualTo("/v2/chat")).withRequestBody(equalToJson(
        "{\"model\":\"command-a-03-2025\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":false}",
        false, false)));
  }

  @Test
  void create_inputTypeOption_isTheEmbeddingsDefault() throws Exception {
    wm.stubFor(post("/v2/embed").willReturn(okJson(CohereFixtures.EMBED_RESPONSE)));
    try (Provider provider = factory.create(config().baseUrl(wm.baseUrl()).apiKey("k")
        .option("input_type", "search_query").build())) {
      provider.embed(EmbeddingRequest.builder().model("embed-v4.0").input("hello").build(), context)
          .get(10, TimeUnit.SECONDS);
    }

    wm.verify(postRequestedFor(urlEqualTo("/v2/embed")).withRequestBody(equalToJson(
        "{\"input_type\":\"search_query\"}", false, true)));
  }

  @Test
  void create_invalidConfigs_areRejectedNamingTheProblem() {
    assertThatThrownBy(() -> factory.create(config().build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("provider 'cohere-main' of type 'cohere' needs an API key: set apiKey in its configuration or "
            + "the environment variable COHERE_API_KEY (or CO_API_KEY)");
    assertThatThrownBy(() -> factory.create(config().apiKey("k").option("preamble", "x").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("provider 'cohere-main' has unknown option 'preamble'; type 'cohere' understands "
            + "[drop_unsupported_params, input_type]");
    assertThatThrownBy(() -> factory.create(config().apiKey("k").option("drop_unsupported_params", "yes").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("provider 'cohere-main' has option 'drop_unsupported_params' = 'yes'; it must be true or false");
    assertThatThrownBy(() -> factory.create(config().apiKey("k").option("input_type", "").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("provider 'cohere-main' has a blank option 'input_type'");
    assertThatThrownBy(() -> factory.create(ProviderConfig.builder().name("x").type("azure").build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not handle");
    wm.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void create_sharedTransportComponent_isUsedAndLeftOpenOnClose() throws Exception {
    OkHttpTransport shared = OkHttpTransport.builder().build();
    try {
      Provider first = factory.create(config().baseUrl(wm.baseUrl()).apiKey("k")
          .component(HttpTransport.class, shared).build());
      listModels(first);
      first.close();

      assertThat(first.toString()).contains("transport=shared");
      try (Provider second = factory.create(config().baseUrl(wm.baseUrl()).apiKey("k")
          .component(HttpTransport.class, shared).build())) {
        listModels(second); // the shared transport still works after the first provider closed
      }
      TransportProbe.assertNoOpenCalls(shared);
    } finally {
      shared.close();
    }
  }
}

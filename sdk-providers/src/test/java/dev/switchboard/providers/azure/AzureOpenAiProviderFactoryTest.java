package dev.switchboard.providers.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
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

class AzureOpenAiProviderFactoryTest {

  @RegisterExtension
  static final WireMockExtension wm =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final String MODELS_URL = "/openai/models?api-version=2024-10-21";

  private final Map<String, String> env = new HashMap<>();
  private final AzureOpenAiProviderFactory factory = new AzureOpenAiProviderFactory(env::get);

  private static ProviderConfig.Builder config() {
    return ProviderConfig.builder().name("azure-eu").type("azure");
  }

  private void listModels(Provider provider, String url) throws Exception {
    wm.stubFor(get(urlEqualTo(url)).willReturn(okJson(AzureFixtures.MODELS)));
    provider.models(CallContext.builder("req_1").build()).get(10, TimeUnit.SECONDS);
  }

  @Test
  void serviceLoader_classPath_findsTheFactoryForTypeAzure() {
    assertThat(StreamSupport.stream(ServiceLoader.load(ProviderFactory.class).spliterator(), false))
        .anySatisfy(f -> {
          assertThat(f).isInstanceOf(AzureOpenAiProviderFactory.class);
          assertThat(f.types()).containsExactly("azure");
        });
  }

  @Test
  void create_endpointAndKeyFromTheEnvironment_sendsTheKeyAsApiKey() throws Exception {
    env.put("AZURE_OPENAI_ENDPOINT", wm.baseUrl() + "/");
    env.put("AZURE_OPENAI_API_KEY", " env-azure-key ");

    try (Provider provider = factory.create(config().build())) {
      assertThat(((AzureOpenAiProvider) provider).providerName()).isEqualTo("azure-eu");
      listModels(provider, MODELS_URL);
    }

    wm.verify(getRequestedFor(urlEqualTo(MODELS_URL)).withHeader("api-key", equalTo("env-azure-key"))
        .withHeader("Authorization", absent()));
  }

  @Test
  void create_configKeyAndApiVersionOption_overrideTheEnvironment() throws Exception {
    env.put("AZURE_OPENAI_ENDPOINT", "https://elsewhere.openai.azure.com");
    env.put("AZURE_OPENAI_API_KEY", "env-azure-key");

    try (Provider provider = factory.create(config().baseUrl(wm.baseUrl()).apiKey("config-key")
        .option("api-version", "2025-04-01-preview").header("X-Team", "search").build())) {
      listModels(provider, "/openai/models?api-version=2025-04-01-preview");
    }

    wm.verify(getRequestedFor(urlEqualTo("/openai/models?api-version=2025-04-01-preview"))
        .withHeader("api-key", equalTo("config-key")).withHeader("X-Team", equalTo("search")));
  }

  @Test
  void create_authEntraWithTheTokenAsApiKey_sendsABearerToken() throws Exception {
    try (Provider provider = factory.create(config().baseUrl(wm.baseUrl()).apiKey("entra-token-from-config")
        .option("auth", "entra").build())) {
      listModels(provider, MODELS_URL);
    }

    wm.verify(getRequestedFor(urlEqualTo(MODELS_URL))
        .withHeader("Authorization", equalTo("Bearer entra-token-from-config")).withHeader("api-key", absent()));
  }

  @Test
  void create_noKeyButAnAdTokenInTheEnvironment_usesEntraId() throws Exception {
    env.put("AZURE_OPENAI_AD_TOKEN", "env-entra-token");

    try (Provider provider = factory.create(config().baseUrl(wm.baseUrl()).build())) {
      listModels(provider, MODELS_URL);
    }

    wm.verify(getRequestedFor(urlEqualTo(MODELS_URL)).withHeader("Authorization", equalTo("Bearer env-entra-token")));
  }

  @Test
  void create_authEntraWithoutAnyToken_isRejectedNamingTheVariable() {
    env.put("AZURE_OPENAI_API_KEY", "a-key-that-is-not-a-token");

    assertThatThrownBy(() -> factory.create(config().baseUrl(wm.baseUrl()).option("auth", "entra").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("provider 'azure-eu' has auth 'entra' but no token: set apiKey in its configuration to the token "
            + "or the environment variable AZURE_OPENAI_AD_TOKEN");
  }

  @Test
  void create_authApiKeyWithoutAnyKey_isRejectedNamingTheVariable() {
    env.put("AZURE_OPENAI_AD_TOKEN", "a-token-that-is-not-a-key");

    assertThatThrownBy(() -> factory.create(config().baseUrl(wm.baseUrl()).option("auth", "api-key").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("provider 'azure-eu' has auth 'api-key' but no key: set apiKey in its configuration or the "
            + "environment variable AZURE_OPENAI_API_KEY");
  }

  @Test
  void create_invalidConfigs_areRejectedNamingTheProblem() {
    assertThatThrownBy(() -> factory.create(config().apiKey("k").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("provider 'azure-eu' of type 'azure' needs an endpoint: set baseUrl (e.g. "
            + "https://my-resource.openai.azure.com) or the environment variable AZURE_OPENAI_ENDPOINT");
    assertThatThrownBy(() -> factory.create(config().baseUrl(wm.baseUrl()).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("provider 'azure-eu' of type 'azure' needs a credential: set apiKey in its configuration, or the "
            + "environment variable AZURE_OPENAI_API_KEY (an API key) or AZURE_OPENAI_AD_TOKEN (an Entra ID token)");
    assertThatThrownBy(() -> factory.create(config().baseUrl(wm.baseUrl()).apiKey("k").option("deployment", "x")
        .build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("provider 'azure-eu' has unknown option 'deployment'; type 'azure' understands "
            + "[api-version, auth]");
    assertThatThrownBy(() -> factory.create(config().baseUrl(wm.baseUrl()).apiKey("k").option("auth", "managed")
        .build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("provider 'azure-eu' has option 'auth' = 'managed'; it must be 'api-key' or 'entra'");
    assertThatThrownBy(() -> factory.create(config().baseUrl(wm.baseUrl()).apiKey("k").option("api-version", " ")
        .build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("provider 'azure-eu' has a blank option 'api-version'");
    assertThatThrownBy(() -> factory.create(ProviderConfig.builder().name("x").type("openai").build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not handle");
  }

  @Test
  void create_sharedTransportComponent_isUsedAndLeftOpenOnClose() throws Exception {
    OkHttpTransport shared = OkHttpTransport.builder().build();
    try {
      Provider provider = factory.create(config().baseUrl(wm.baseUrl()).apiKey("k")
          .component(HttpTransport.class, shared).build());
      listModels(provider, MODELS_URL);
      provider.close();

      assertThat(provider.toString()).contains("transport=shared");
      try (Provider second = factory.create(config().baseUrl(wm.baseUrl()).apiKey("k")
          .component(HttpTransport.class, shared).build())) {
        listModels(second, MODELS_URL); // the shared transport still works after the first provider closed
      }
      TransportProbe.assertNoOpenCalls(shared);
    } finally {
      shared.close();
    }
  }
}

package dev.switchboard.providers.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.core.spi.CallContext;
import dev.switchboard.core.spi.Provider;
import dev.switchboard.core.spi.ProviderConfig;
import dev.switchboard.core.spi.ProviderFactory;
import dev.switchboard.providers.http.HttpRequest;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.http.OkHttpTransport;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OpenAiProviderFactoryTest {

  @RegisterExtension
  static final WireMockExtension wm =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final Map<String, String> env = new HashMap<>();
  private final OpenAiProviderFactory factory = new OpenAiProviderFactory(env::get);

  private static ProviderConfig.Builder config(String name, String type) {
    return ProviderConfig.builder().name(name).type(type);
  }

  private void listModels(Provider provider) throws Exception {
    wm.stubFor(get("/v1/models").willReturn(okJson(OpenAiFixtures.MODELS)));
    provider.models(CallContext.builder("req_1").build()).get(10, TimeUnit.SECONDS);
  }

  @Test
  void serviceLoader_classPath_findsTheFactoryForEveryPreset() {
    List<ProviderFactory> factories = StreamSupport
        .stream(ServiceLoader.load(ProviderFactory.class).spliterator(), false)
        .collect(Collectors.toList());

    assertThat(factories).anySatisfy(f -> assertThat(f).isInstanceOf(OpenAiProviderFactory.class));
    assertThat(factory.types()).containsExactlyInAnyOrder("openai", "groq", "xai", "mistral", "deepseek", "together",
        "perplexity", "openrouter", "fireworks", "ollama", "vllm", "lmstudio");
  }

  @Test
  void create_presetWithoutBaseUrl_usesThePresetUrlAndTheKeyFromItsVariable() throws Exception {
    env.put("GROQ_API_KEY", "gsk_envkey123456");

    try (OpenAiProvider provider = (OpenAiProvider) factory.create(config("groq-main", "groq").build())) {
      assertThat(provider.baseUrl()).isEqualTo("https://api.groq.com/openai/v1");
      assertThat(provider.providerName()).isEqualTo("groq-main");
    }
  }

  @Test
  void create_baseUrlInConfig_overridesThePresetAndSendsTheEnvironmentKey() throws Exception {
    env.put("MISTRAL_API_KEY", "env-mistral-key");

    try (Provider provider = factory.create(config("mistral", "mistral").baseUrl(wm.baseUrl() + "/v1").build())) {
      listModels(provider);
    }

    wm.verify(getRequestedFor(urlEqualTo("/v1/models")).withHeader("Authorization", equalTo("Bearer env-mistral-key")));
  }

  @Test
  void create_apiKeyInConfig_winsOverTheEnvironment() throws Exception {
    env.put("OPENAI_API_KEY", "env-key");

    try (Provider provider = factory.create(config("main", "openai").apiKey("config-key")
        .baseUrl(wm.baseUrl() + "/v1").build())) {
      listModels(provider);
    }

    wm.verify(getRequestedFor(urlEqualTo("/v1/models")).withHeader("Authorization", equalTo("Bearer config-key")));
  }

  @Test
  void create_requiredKeyMissingEverywhere_failsNamingProviderAndVariable() {
    env.put("DEEPSEEK_API_KEY", "   ");

    assertThatThrownBy(() -> factory.create(config("ds", "deepseek").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("provider 'ds' of type 'deepseek' needs an API key: set apiKey in its configuration or the "
            + "environment variable DEEPSEEK_API_KEY");
  }

  @Test
  void create_ollamaWithoutKey_sendsNoAuthorization() throws Exception {
    try (Provider provider = factory.create(config("local", "ollama").baseUrl(wm.baseUrl() + "/v1").build())) {
      listModels(provider);
    }

    wm.verify(getRequestedFor(urlEqualTo("/v1/models")).withHeader("Authorization", absent()));
  }

  @Test
  void create_presetDefaults_matchTheirDocumentedAddresses() {
    assertThat(OpenAiCompatiblePreset.all()).extracting(OpenAiCompatiblePreset::name,
        OpenAiCompatiblePreset::defaultBaseUrl,
        OpenAiCompatiblePreset::apiKeyVariable, OpenAiCompatiblePreset::keyRequired).containsExactly(
        tuple("openai", "https://api.openai.com/v1", "OPENAI_API_KEY", true),
        tuple("groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY", true),
        tuple("xai", "https://api.x.ai/v1", "XAI_API_KEY", true),
        tuple("mistral", "https://api.mistral.ai/v1", "MISTRAL_API_KEY", true),
        tuple("deepseek", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY", true),
        tuple("together", "https://api.together.xyz/v1", "TOGETHER_API_KEY", true),
        tuple("perplexity", "https://api.perplexity.ai", "PERPLEXITY_API_KEY", true),
        tuple("openrouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY", true),
        tuple("fireworks", "https://api.fireworks.ai/inference/v1", "FIREWORKS_API_KEY",
            true),
        tuple("ollama", "http://localhost:11434/v1", null, false),
        tuple("vllm", "http://localhost:8000/v1", "VLLM_API_KEY", false),
        tuple("lmstudio", "http://localhost:1234/v1", null, false));
  }

  @Test
  void create_vllmWithOptionalKeyInEnvironment_sendsIt() throws Exception {
    env.put("VLLM_API_KEY", "token-abc123");

    try (Provider provider = factory.create(config("gpu", "vllm").baseUrl(wm.baseUrl() + "/v1").build())) {
      listModels(provider);
    }

    wm.verify(getRequestedFor(urlEqualTo("/v1/models")).withHeader("Authorization", equalTo("Bearer token-abc123")));
  }

  @Test
  void create_organizationProjectAndHeaders_areSentOnEveryCall() throws Exception {
    try (Provider provider = factory.create(config("main", "openai").apiKey("sk-abcdefgh").baseUrl(wm.baseUrl() + "/v1")
        .option("organization", "org-123").option("project", "proj_456").header("X-Team", "search").build())) {
      listModels(provider);
    }

    wm.verify(getRequestedFor(urlEqualTo("/v1/models"))
        .withHeader("OpenAI-Organization", equalTo("org-123"))
        .withHeader("OpenAI-Project", equalTo("proj_456"))
        .withHeader("X-Team", equalTo("search")));
  }

  @Test
  void create_unknownTypeOrOption_failsNamingIt() {
    assertThatThrownBy(() -> factory.create(config("a", "anthropic").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("provider 'a' has type 'anthropic', which OpenAiProviderFactory does not handle");
    assertThatThrownBy(() -> factory.create(config("a", "ollama").option("organisation", "x").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("provider 'a' has unknown option 'organisation'; type 'ollama' understands "
            + "[organization, project]");
  }

  @Test
  void create_sharedTransportComponent_isUsedAndNotClosedWithTheProvider() throws Exception {
    try (OkHttpTransport shared = OkHttpTransport.builder().build()) {
      Provider provider = factory.create(config("main", "openai").apiKey("sk-abcdefgh").baseUrl(wm.baseUrl() + "/v1")
          .connectTimeout(Duration.ofSeconds(2)).component(HttpTransport.class, shared).build());
      provider.close();

      assertThat(provider.toString()).contains("transport=shared");
      wm.stubFor(get("/v1/models").willReturn(okJson(OpenAiFixtures.MODELS)));
      assertThat(shared.execute(HttpRequest.builder().method("GET")
          .url(wm.baseUrl() + "/v1/models").build()).get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
    }
  }

  @Test
  void create_noTransportComponent_ownsAndClosesItsTransport() {
    Provider provider = factory.create(config("local", "lmstudio").build());

    assertThat(provider.toString()).contains("transport=own").contains("baseUrl=http://localhost:1234/v1");
    provider.close();
    assertThat(provider.models(CallContext.builder("r").build())).failsWithin(Duration.ofSeconds(10));
  }

  @Test
  void preset_named_ignoresCaseAndKnowsOnlyPresets() {
    assertThat(OpenAiCompatiblePreset.named("OpenRouter")).contains(OpenAiCompatiblePreset.OPENROUTER);
    assertThat(OpenAiCompatiblePreset.named("azure")).isEmpty();
    assertThat(OpenAiCompatiblePreset.GROQ).isEqualTo(OpenAiCompatiblePreset.named("groq").orElseThrow())
        .hasSameHashCodeAs(OpenAiCompatiblePreset.named("groq").orElseThrow());
  }
}

package dev.switchboard.providers.anthropic;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.spi.CallContext;
import dev.switchboard.core.spi.Provider;
import dev.switchboard.core.spi.ProviderConfig;
import dev.switchboard.core.spi.ProviderFactory;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.http.OkHttpTransport;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AnthropicProviderFactoryTest {

  @RegisterExtension
  static final WireMockExtension wm =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final Map<String, String> env = new HashMap<>();
  private final AnthropicProviderFactory factory = new AnthropicProviderFactory(env::get);

  private static ProviderConfig.Builder config(String name) {
    return ProviderConfig.builder().name(name).type("anthropic");
  }

  private static void chat(Provider provider) throws Exception {
    wm.stubFor(post("/v1/messages").willReturn(okJson(AnthropicFixtures.MESSAGE)));
    provider.chat(ChatRequest.builder().model("claude-sonnet-4-20250514").addMessage(Message.user("Hi")).build(),
        CallContext.builder("req_1").build()).get(10, TimeUnit.SECONDS);
  }

  @Test
  void serviceLoader_classPath_findsTheFactoryForTypeAnthropic() {
    List<ProviderFactory> factories = StreamSupport
        .stream(ServiceLoader.load(ProviderFactory.class).spliterator(), false).toList();

    assertThat(factories).filteredOn(f -> f.types().contains("anthropic")).singleElement()
        .isInstanceOf(AnthropicProviderFactory.class);
    assertThat(factory.types()).containsExactly("anthropic");
  }

  @Test
  void create_noBaseUrlAndKeyFromEnvironment_usesAnthropicsUrlAndTheAccountName() {
    env.put("ANTHROPIC_API_KEY", " sk-ant-envkey123456 ");

    try (AnthropicProvider provider = (AnthropicProvider) factory.create(config("claude-main").build())) {
      assertThat(provider.baseUrl()).isEqualTo("https://api.anthropic.com/v1");
      assertThat(provider.providerName()).isEqualTo("claude-main");
      assertThat(provider.toString()).doesNotContain("envkey");
    }
  }

  @Test
  void create_keyFromEnvironment_isSentAsXApiKey() throws Exception {
    env.put("ANTHROPIC_API_KEY", "sk-ant-envkey123456");

    try (Provider provider = factory.create(config("claude").baseUrl(wm.baseUrl() + "/v1").build())) {
      chat(provider);
    }

    wm.verify(postRequestedFor(urlEqualTo("/v1/messages")).withHeader("x-api-key", equalTo("sk-ant-envkey123456")));
  }

  @Test
  void create_everyOptionAndHeaders_configureVersionDefaultMaxTokensDropAndHeaders() throws Exception {
    try (OkHttpTransport shared = OkHttpTransport.builder().build();
        Provider provider = factory.create(config("claude").apiKey("config-key").baseUrl(wm.baseUrl() + "/v1/")
            .option("anthropic_version", "2023-01-01")
            .option("default_max_tokens", "512")
            .option("drop_unsupported_params", "TRUE")
            .header("anthropic-beta", "output-128k-2025-02-19")
            .component(HttpTransport.class, shared)
            .build())) {
      wm.stubFor(post("/v1/messages").willReturn(okJson(AnthropicFixtures.MESSAGE)));
      provider.chat(ChatRequest.builder().model("claude-sonnet-4-20250514").addMessage(Message.user("Hi")).seed(3L)
          .build(), CallContext.builder("req_1").build()).get(10, TimeUnit.SECONDS);
    }

    wm.verify(postRequestedFor(urlEqualTo("/v1/messages"))
        .withHeader("x-api-key", equalTo("config-key"))
        .withHeader("anthropic-version", equalTo("2023-01-01"))
        .withHeader("anthropic-beta", equalTo("output-128k-2025-02-19"))
        .withRequestBody(equalToJson("{\"model\": \"claude-sonnet-4-20250514\", \"max_tokens\": 512, "
            + "\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}", false, false)));
  }

  @Test
  void create_keyMissingEverywhere_failsNamingProviderAndVariable() {
    env.put("ANTHROPIC_API_KEY", "   ");

    assertThatThrownBy(() -> factory.create(config("claude").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("provider 'claude' of type 'anthropic' needs an API key: set apiKey in its configuration or the "
            + "environment variable ANTHROPIC_API_KEY");
  }

  @Test
  void create_unknownOption_failsNamingItAndTheKnownOnes() {
    assertThatThrownBy(() -> factory.create(config("claude").apiKey("k").option("organization", "org-1").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("provider 'claude' has unknown option 'organization'; type 'anthropic' understands "
            + "[anthropic_version, default_max_tokens, drop_unsupported_params]");
  }

  @Test
  void create_invalidOptionValues_failNamingOptionAndValue() {
    assertThatThrownBy(() -> factory.create(config("claude").apiKey("k").option("default_max_tokens", "0").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("provider 'claude' has option default_max_tokens = '0', but it must be an integer >= 1");
    assertThatThrownBy(() -> factory.create(config("claude").apiKey("k").option("default_max_tokens", "lots").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("provider 'claude' has option default_max_tokens = 'lots', but it must be an integer >= 1");
    assertThatThrownBy(() -> factory.create(config("claude").apiKey("k").option("drop_unsupported_params", "yes")
        .build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("provider 'claude' has option drop_unsupported_params = 'yes', but it must be true or false");
    assertThatThrownBy(() -> factory.create(config("claude").apiKey("k").option("anthropic_version", " ").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("provider 'claude' has option anthropic_version = ' ', but it must be a non-blank version such as "
            + "2023-06-01");
  }

  @Test
  void create_otherType_failsNamingTheType() {
    assertThatThrownBy(() -> factory.create(ProviderConfig.builder().name("x").type("openai").apiKey("k").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("provider 'x' has type 'openai', which AnthropicProviderFactory does not handle; it handles "
            + "[anthropic]");
  }
}

package dev.switchboard.providers.bedrock;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ModelInfo;
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
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BedrockProviderFactoryTest {

  @RegisterExtension
  static final WireMockExtension wm =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final String PATH = "/model/amazon.nova-lite-v1%3A0/converse";

  private final Map<String, String> env = new HashMap<>();
  private final BedrockProviderFactory factory = new BedrockProviderFactory(env::get);

  private static ProviderConfig.Builder config() {
    return ProviderConfig.builder().name("bedrock-main").type("bedrock");
  }

  private void chat(Provider provider) throws Exception {
    wm.stubFor(post(PATH).willReturn(BedrockFixtures.converse(BedrockFixtures.TEXT_RESPONSE)));
    provider.chat(ChatRequest.builder().model("amazon.nova-lite-v1:0").addMessage(Message.user("Hi")).build(),
        CallContext.builder("req_1").build()).get(10, TimeUnit.SECONDS);
  }

  @Test
  void serviceLoader_classPath_findsTheFactoryForBedrock() {
    List<ProviderFactory> factories = StreamSupport
        .stream(ServiceLoader.load(ProviderFactory.class).spliterator(), false)
        .collect(Collectors.toList());

    assertThat(factories).anySatisfy(f -> assertThat(f).isInstanceOf(BedrockProviderFactory.class));
    assertThat(new BedrockProviderFactory().types()).containsExactly("bedrock");
  }

  @Test
  void create_apiKeyInConfig_sendsItAsBearerToken() throws Exception {
    try (Provider provider = factory.create(config().apiKey("bedrock-api-key-123").baseUrl(wm.baseUrl())
        .option("region", "us-west-2").header("X-Team", "radio").build())) {
      chat(provider);
      assertThat(((BedrockProvider) provider).region()).isEqualTo("us-west-2");
    }

    wm.verify(postRequestedFor(urlEqualTo(PATH)).withHeader("Authorization", equalTo("Bearer bedrock-api-key-123"))
        .withHeader("X-Team", equalTo("radio")));
  }

  @Test
  void create_accessKeyOptions_signWithSigV4InTheOptionsRegion() throws Exception {
    env.put("AWS_BEARER_TOKEN_BEDROCK", "env-bearer-should-not-win");
    try (Provider provider = factory.create(config().baseUrl(wm.baseUrl()).option("region", "eu-central-1")
        .option("access_key_id", "AKIDOPTIONS").option("secret_access_key", "secret-from-options")
        .option("session_token", "token-from-options").build())) {
      chat(provider);
    }

    wm.verify(postRequestedFor(urlEqualTo(PATH))
        .withHeader("Authorization", matching("AWS4-HMAC-SHA256 Credential=AKIDOPTIONS/\\d{8}/eu-central-1/bedrock/"
            + "aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}"))
        .withHeader("X-Amz-Security-Token", equalTo("token-from-options")));
  }

  @Test
  void create_bearerTokenInEnvironment_winsOverEnvironmentAccessKeys() throws Exception {
    env.put("AWS_REGION", "ap-southeast-2");
    env.put("AWS_BEARER_TOKEN_BEDROCK", "env-bearer-token");
    env.put("AWS_ACCESS_KEY_ID", "AKIDENV");
    env.put("AWS_SECRET_ACCESS_KEY", "env-secret");

    try (Provider provider = factory.create(config().baseUrl(wm.baseUrl()).build())) {
      chat(provider);
      assertThat(((BedrockProvider) provider).region()).isEqualTo("ap-southeast-2");
    }

    wm.verify(postRequestedFor(urlEqualTo(PATH)).withHeader("Authorization", equalTo("Bearer env-bearer-token")));
  }

  @Test
  void create_accessKeysInEnvironment_signWithTheEnvironmentSessionTokenAndDefaultRegion() throws Exception {
    env.put("AWS_DEFAULT_REGION", "us-east-2");
    env.put("AWS_ACCESS_KEY_ID", "AKIDENV");
    env.put("AWS_SECRET_ACCESS_KEY", "env-secret");
    env.put("AWS_SESSION_TOKEN", "env-session-token");

    try (Provider provider = factory.create(config().baseUrl(wm.baseUrl()).build())) {
      chat(provider);
    }

    wm.verify(postRequestedFor(urlEqualTo(PATH))
        .withHeader("Authorization", matching("AWS4-HMAC-SHA256 Credential=AKIDENV/\\d{8}/us-east-2/bedrock/.*"))
        .withHeader("X-Amz-Security-Token", equalTo("env-session-token")));
  }

  @Test
  void create_withoutBaseUrl_usesTheRegionalEndpointAndOwnsItsTransport() {
    env.put("AWS_REGION", "eu-west-3");
    try (BedrockProvider provider = (BedrockProvider) factory.create(config().apiKey("k").build())) {
      assertThat(provider.baseUrl()).isEqualTo("https://bedrock-runtime.eu-west-3.amazonaws.com");
      assertThat(provider.toString()).contains("transport=own");
    }
  }

  @Test
  void create_sharedTransportModelsAndDropOption_areApplied() throws Exception {
    try (OkHttpTransport shared = OkHttpTransport.builder().build();
        BedrockProvider provider = (BedrockProvider) factory.create(config().apiKey("k").option("region", "us-east-1")
            .option("models", "amazon.nova-lite-v1:0, anthropic.claude-3-haiku-20240307-v1:0")
            .option("drop_unsupported_params", "true").component(HttpTransport.class, shared).build())) {
      assertThat(provider.toString()).contains("transport=shared");
      assertThat(provider.models(CallContext.builder("r").build()).get(10, TimeUnit.SECONDS))
          .extracting(ModelInfo::id).containsExactly("amazon.nova-lite-v1:0", "anthropic.claude-3-haiku-20240307-v1:0");
    }
  }

  @Test
  void create_badConfigs_areRefusedNamingTheProblem() {
    assertThatThrownBy(() -> factory.create(config().apiKey("k").option("region", "us-east-1")
        .option("profile", "default").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("provider 'bedrock-main' has unknown option 'profile'; type 'bedrock' understands "
            + "[access_key_id, drop_unsupported_params, models, region, secret_access_key, session_token]");
    assertThatThrownBy(() -> factory.create(config().apiKey("k").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("provider 'bedrock-main' of type 'bedrock' needs a region: set option 'region' or the "
            + "environment variable AWS_REGION");
    assertThatThrownBy(() -> factory.create(config().option("region", "us-east-1").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("provider 'bedrock-main' of type 'bedrock' needs credentials");
    assertThatThrownBy(() -> factory.create(config().option("region", "us-east-1")
        .option("access_key_id", "AKID").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("provider 'bedrock-main' sets option 'access_key_id' without 'secret_access_key'; "
            + "SigV4 needs both");
    assertThatThrownBy(() -> factory.create(config().apiKey("k").option("region", "us-east-1")
        .option("access_key_id", "AKID").option("secret_access_key", "s").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sets both an API key and options 'access_key_id'/'secret_access_key'");
    assertThatThrownBy(() -> factory.create(config().apiKey("k").option("region", "us-east-1")
        .option("drop_unsupported_params", "yes").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("provider 'bedrock-main' has option 'drop_unsupported_params' = 'yes'; it must be true or false");
    assertThatThrownBy(() -> factory.create(config().apiKey("k").option("region", "Frankfurt").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("provider 'bedrock-main' has an invalid region");
    assertThatThrownBy(() -> factory.create(ProviderConfig.builder().name("x").type("openai").build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BedrockProviderFactory does not handle");
  }

  @Test
  void create_optionsWithoutSecretsInHeaders_sendNoAuthorizationOtherThanTheirs() throws Exception {
    try (Provider provider = factory.create(config().apiKey("k").baseUrl(wm.baseUrl()).option("region", "us-east-1")
        .header("Authorization", "Bearer from-config-header").build())) {
      chat(provider);
    }

    wm.verify(postRequestedFor(urlEqualTo(PATH)).withHeader("Authorization", equalTo("Bearer k"))
        .withHeader("X-Amz-Date", absent()));
  }
}

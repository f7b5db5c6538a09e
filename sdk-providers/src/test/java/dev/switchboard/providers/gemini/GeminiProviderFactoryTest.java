package dev.switchboard.providers.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.spi.Provider;
import dev.switchboard.core.spi.ProviderConfig;
import dev.switchboard.core.spi.ProviderFactory;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class GeminiProviderFactoryTest {

  private static Function<String, String> env(Map<String, String> values) {
    return values::get;
  }

  private static ProviderConfig.Builder config(String type) {
    return ProviderConfig.builder().name("google-main").type(type);
  }

  @Test
  void serviceLoader_findsTheFactoryForBothTypes() {
    Map<String, ProviderFactory> byType = ServiceLoader.load(ProviderFactory.class).stream()
        .map(ServiceLoader.Provider::get)
        .flatMap(f -> f.types().stream().map(t -> Map.entry(t, f)))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));

    assertThat(byType.get("gemini")).isInstanceOf(GeminiProviderFactory.class);
    assertThat(byType.get("vertex-ai")).isInstanceOf(GeminiProviderFactory.class);
  }

  @Test
  void create_geminiWithoutKey_readsGeminiApiKeyThenGoogleApiKey() {
    GeminiProviderFactory first = new GeminiProviderFactory(env(Map.of("GEMINI_API_KEY", "AIza-gemini-1234567",
        "GOOGLE_API_KEY", "AIza-google-1234567")));
    GeminiProviderFactory fallback = new GeminiProviderFactory(env(Map.of("GOOGLE_API_KEY", "AIza-google-1234567")));

    try (Provider a = first.create(config("gemini").build());
        Provider b = fallback.create(config("gemini").build())) {
      assertThat(a).isInstanceOf(GeminiProvider.class);
      assertThat(((GeminiProvider) a).baseUrl()).isEqualTo(GeminiProvider.DEFAULT_BASE_URL);
      assertThat(((GeminiProvider) a).providerName()).isEqualTo("google-main");
      assertThat(b.toString()).contains("apiKey=****").doesNotContain("AIza-google");
    }
  }

  @Test
  void create_geminiWithNoKeyAnywhere_failsNamingBothVariables() {
    assertThatThrownBy(() -> new GeminiProviderFactory(env(Map.of())).create(config("gemini").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GEMINI_API_KEY").hasMessageContaining("GOOGLE_API_KEY");
  }

  @Test
  void create_unknownOption_failsNamingIt() {
    assertThatThrownBy(() -> new GeminiProviderFactory(env(Map.of()))
        .create(config("gemini").apiKey("k").option("project", "p").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown option 'project'");
  }

  @Test
  void create_badOptionValues_failNamingTheOption() {
    GeminiProviderFactory factory = new GeminiProviderFactory(env(Map.of()));
    assertThatThrownBy(() -> factory.create(config("gemini").apiKey("k").option("schema_mode", "xml").build()))
        .hasMessageContaining("schema_mode");
    assertThatThrownBy(() -> factory.create(config("gemini").apiKey("k").option("drop_unsupported_params", "yes")
        .build())).hasMessageContaining("drop_unsupported_params");
  }

  @Test
  void create_vertexAi_takesProjectLocationAndTokenFromOptionsOrEnvironment() {
    GeminiProviderFactory factory = new GeminiProviderFactory(env(Map.of("VERTEX_ACCESS_TOKEN", "ya29.env-token",
        "GOOGLE_CLOUD_PROJECT", "env-project")));

    try (Provider fromOptions = factory.create(config("vertex-ai").option("project", "p1")
        .option("location", "europe-west4").build());
        Provider fromEnv = factory.create(config("vertex-ai").build())) {
      assertThat(((GeminiProvider) fromOptions).baseUrl()).isEqualTo("https://europe-west4-aiplatform.googleapis.com/v1");
      assertThat(fromOptions.toString()).contains("/projects/p1/locations/europe-west4").doesNotContain("env-token");
      assertThat(fromEnv.toString()).contains("/projects/env-project/locations/us-central1");
    }
  }

  @Test
  void create_vertexAiWithoutProjectOrToken_failsNamingWhatIsMissing() {
    GeminiProviderFactory noToken = new GeminiProviderFactory(env(Map.of()));
    assertThatThrownBy(() -> noToken.create(config("vertex-ai").option("project", "p").build()))
        .hasMessageContaining("VERTEX_ACCESS_TOKEN");
    assertThatThrownBy(() -> noToken.create(config("vertex-ai").apiKey("t").build()))
        .hasMessageContaining("project").hasMessageContaining("GOOGLE_CLOUD_PROJECT");
  }

  @Test
  void create_otherType_failsNamingHandledTypes() {
    assertThatThrownBy(() -> new GeminiProviderFactory(env(Map.of())).create(config("openai").apiKey("k").build()))
        .hasMessageContaining("[gemini, vertex-ai]");
  }
}

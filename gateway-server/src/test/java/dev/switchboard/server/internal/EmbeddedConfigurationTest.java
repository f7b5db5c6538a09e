package dev.switchboard.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.spi.ProviderConfig;
import dev.switchboard.providers.openai.OpenAiCompatiblePreset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddedConfigurationTest {

  @Test
  void fromEnvironment_noKeys_enablesOnlyTheDemo() {
    EmbeddedConfiguration configuration = EmbeddedConfiguration.fromEnvironment(Map.of("PATH", "/usr/bin"));

    assertThat(configuration.providers()).isEmpty();
    assertThat(configuration.modelGroups()).isEmpty();
    assertThat(configuration.summary()).isEqualTo("providers: demo (built-in, offline); model groups: demo");
  }

  @Test
  void fromEnvironment_openAiKey_enablesOpenAiWithItsDefaultGroups() {
    EmbeddedConfiguration configuration = EmbeddedConfiguration.fromEnvironment(Map.of("OPENAI_API_KEY", " sk-1 "));

    List<ProviderConfig> providers = configuration.providers();
    assertThat(providers).hasSize(1);
    assertThat(providers.get(0).name()).isEqualTo("openai");
    assertThat(providers.get(0).type()).isEqualTo("openai");
    assertThat(providers.get(0).apiKey()).isEqualTo("sk-1");
    assertThat(providers.get(0).baseUrl()).isNull();
    assertThat(configuration.modelGroups()).extracting(ModelGroup::name)
        .containsExactly("gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "text-embedding-3-small");
    assertThat(configuration.modelGroups().get(0).deployments().get(0).id()).isEqualTo("openai/gpt-4o-mini");
    assertThat(configuration.summary())
        .startsWith("providers: openai (key from OPENAI_API_KEY), demo (built-in, offline); model groups: gpt-4o-mini,")
        .doesNotContain("sk-1");
  }

  @Test
  void fromEnvironment_anthropicGeminiCohereKeys_enableTheirNativeProvidersWithPrefixedGroups() {
    EmbeddedConfiguration configuration = EmbeddedConfiguration.fromEnvironment(Map.of(
        "ANTHROPIC_API_KEY", "sk-ant-1", "GEMINI_API_KEY", "g-1", "COHERE_API_KEY", "co-1",
        "AZURE_OPENAI_API_KEY", "az-1"));

    assertThat(configuration.providers()).extracting(ProviderConfig::type)
        .containsExactlyInAnyOrder("anthropic", "gemini", "cohere"); // azure needs an endpoint too
    assertThat(configuration.modelGroups()).extracting(ModelGroup::name)
        .contains("anthropic/claude-haiku-4-5", "gemini/gemini-2.5-flash", "cohere/command-a-03-2025");
    assertThat(configuration.summary()).contains("anthropic (key from ANTHROPIC_API_KEY)")
        .doesNotContain("sk-ant-1", "g-1", "co-1");
  }

  @Test
  void fromEnvironment_baseUrlVariable_overridesTheBaseUrlOfItsTypeOnly() {
    EmbeddedConfiguration configuration = EmbeddedConfiguration.fromEnvironment(Map.of(
        "OPENAI_API_KEY", "sk-1", "SWITCHBOARD_OPENAI_BASE_URL", " http://127.0.0.1:9000/v1/ ",
        "GROQ_API_KEY", "gsk-1", "OPENAI_BASE_URL", "http://127.0.0.1:8080/v1"));

    assertThat(configuration.providers()).extracting(ProviderConfig::name, ProviderConfig::baseUrl)
        .containsExactly(tuple("openai", "http://127.0.0.1:9000/v1"), tuple("groq", null));
    assertThat(configuration.summary()).startsWith("providers: openai (key from OPENAI_API_KEY, base URL from "
        + "SWITCHBOARD_OPENAI_BASE_URL), groq (key from GROQ_API_KEY), demo");
  }

  @Test
  void fromEnvironment_baseUrlVariableWithoutItsKey_enablesNothing() {
    assertThat(EmbeddedConfiguration.fromEnvironment(Map.of("SWITCHBOARD_OPENAI_BASE_URL", "http://127.0.0.1:9000/v1"))
        .providers()).isEmpty();
  }

  @Test
  void fromEnvironment_baseUrlVariableNotHttp_throwsNamingTheVariable() {
    assertThatThrownBy(() -> EmbeddedConfiguration.fromEnvironment(Map.of(
        "ANTHROPIC_API_KEY", "k", "SWITCHBOARD_ANTHROPIC_BASE_URL", "127.0.0.1:9000")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("SWITCHBOARD_ANTHROPIC_BASE_URL must start with http:// or https:// but was '127.0.0.1:9000'");
  }

  @Test
  void fromEnvironment_blankKey_isIgnored() {
    assertThat(EmbeddedConfiguration.fromEnvironment(Map.of("GROQ_API_KEY", "  ")).providers()).isEmpty();
  }

  @Test
  void fromEnvironment_localPresetVariables_doNotEnableLocalServers() {
    EmbeddedConfiguration configuration = EmbeddedConfiguration.fromEnvironment(Map.of("VLLM_API_KEY", "k"));

    assertThat(configuration.providers()).isEmpty();
  }

  @Test
  void table_everyPresetThatNeedsAKey_hasModelGroupsNamedAfterIt() {
    Map<String, List<EmbeddedConfiguration.TableRow>> table = EmbeddedConfiguration.readTable();

    for (OpenAiCompatiblePreset preset : OpenAiCompatiblePreset.all()) {
      if (preset.keyRequired()) {
        assertThat(table.get(preset.name())).as(preset.name()).isNotEmpty();
      } else {
        assertThat(table).as("local preset " + preset.name()).doesNotContainKey(preset.name());
      }
    }
    table.forEach((preset, rows) -> {
      if (!preset.equals("openai")) {
        assertThat(rows).allSatisfy(r -> assertThat(r.group).startsWith(preset + "/"));
      }
    });
  }
}

package dev.switchboard.core.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class PriceCatalogTest {

  private static InputStream json(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void builtIn_everyEntry_hasPriceDateAndSource() {
    PriceCatalog c = PriceCatalog.builtIn();

    assertThat(c.entries()).hasSizeGreaterThan(30);
    assertThat(c.entries()).allSatisfy(e -> {
      assertThat(e.checked()).isEqualTo(LocalDate.parse("2026-11-22"));
      assertThat(e.source()).isNotBlank();
      assertThat(e.price().inputPerMillion()).isNotNull();
    });
    assertThat(c.entries()).extracting(ModelPrice::provider).contains("openai", "anthropic", "gemini", "bedrock");
  }

  @Test
  void find_aliasAndCase_matchTheEntry() {
    PriceCatalog c = PriceCatalog.builtIn();

    assertThat(c.find("openai", "GPT-4o-2024-08-06")).get().extracting(ModelPrice::model).isEqualTo("gpt-4o");
    assertThat(c.find("anthropic", "claude-sonnet-4-5")).get().extracting(ModelPrice::model)
        .isEqualTo("claude-sonnet-4-5-20250929");
    assertThat(c.find("gemini", "models/gemini-2.5-flash")).isPresent();
  }

  @Test
  void find_bedrockCrossRegionProfile_pricedAsTheModel() {
    ModelPrice p = PriceCatalog.builtIn().find("bedrock", "us.anthropic.claude-3-7-sonnet-20250219-v1:0").orElseThrow();

    assertThat(p.model()).isEqualTo("anthropic.claude-3-7-sonnet-20250219-v1:0");
    assertThat(p.price().inputPerMillion()).isEqualByComparingTo("3");
  }

  @Test
  void find_knownTypeWithoutThatModel_doesNotBorrowAnotherProvidersPrice() {
    PriceCatalog c = PriceCatalog.builtIn();

    assertThat(c.find("anthropic", "gpt-4o")).isEmpty();
    assertThat(c.find("openai", "no-such-model")).isEmpty();
  }

  @Test
  void find_typeUnknownToTheCatalog_matchesByModelName() {
    PriceCatalog c = PriceCatalog.builtIn();

    assertThat(c.find("azure", "gpt-4o")).get().extracting(ModelPrice::provider).isEqualTo("openai");
    assertThat(c.find(null, "gpt-4o-mini")).isPresent();
  }

  @Test
  void toBuilder_addSameProviderAndModel_replacesTheEntry() {
    ModelPrice custom = ModelPrice.builder("openai", "gpt-4o").price(Price.perMillion("1", "2")).build();

    PriceCatalog c = PriceCatalog.builtIn().toBuilder().add(custom).build();

    assertThat(c.find("openai", "gpt-4o")).contains(custom);
    assertThat(c.entries()).hasSameSizeAs(PriceCatalog.builtIn().entries());
  }

  @Test
  void addJson_extendsTheCatalog() {
    PriceCatalog c = PriceCatalog.builtIn().toBuilder().addJson(json("{\"models\":[{\"provider\":\"groq\","
        + "\"model\":\"llama-3.3-70b-versatile\",\"input\":\"0.59\",\"output\":\"0.79\",\"contextWindow\":131072,"
        + "\"checked\":\"2026-01-02\",\"source\":\"our contract\"}]}")).build();

    ModelPrice p = c.find("groq", "llama-3.3-70b-versatile").orElseThrow();
    assertThat(p.price()).isEqualTo(Price.perMillion("0.59", "0.79"));
    assertThat(p.contextWindow()).isEqualTo(131072);
    assertThat(p.checked()).isEqualTo(LocalDate.of(2026, 1, 2));
  }

  @Test
  void fromJson_malformedEntries_messagesNameEntryAndField() {
    assertThatThrownBy(() -> PriceCatalog.fromJson(json("{\"models\":[{\"provider\":\"x\",\"model\":\"m\","
        + "\"input\":\"cheap\",\"output\":\"1\"}]}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("models[0] (x/m).input must be a decimal number of dollars per million tokens but was 'cheap'");
    assertThatThrownBy(() -> PriceCatalog.fromJson(json("{\"models\":[{\"provider\":\"x\",\"model\":\"m\","
        + "\"input\":\"1\"}]}")))
        .hasMessage("models[0] (x/m).output is required");
    assertThatThrownBy(() -> PriceCatalog.fromJson(json("{\"models\":[{\"provider\":\"x\",\"model\":\"m\","
        + "\"input\":\"1\",\"output\":\"1\",\"inptu\":\"2\"}]}")))
        .hasMessage("models[0] has an unknown field 'inptu'");
    assertThatThrownBy(() -> PriceCatalog.fromJson(json("{\"models\":[{\"provider\":\"x\",\"model\":\"m\","
        + "\"input\":\"-1\",\"output\":\"1\"}]}")))
        .hasMessage("models[0] (x/m): inputPerMillion must not be negative but was -1");
    assertThatThrownBy(() -> PriceCatalog.fromJson(json("[]")))
        .hasMessage("price catalog must be an object with a \"models\" array");
    assertThatThrownBy(() -> PriceCatalog.fromJson(json("{\"models\":[")))
        .hasMessageStartingWith("price catalog is not valid JSON");
  }
}

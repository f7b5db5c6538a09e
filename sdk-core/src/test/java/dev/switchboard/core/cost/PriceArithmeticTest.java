package dev.switchboard.core.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.model.Usage;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/**
 * Cost arithmetic for each provider's usage shape, against figures computed by hand (shown in each
 * test), on the built-in catalog's prices.
 */
class PriceArithmeticTest {

  private final PriceCatalog catalog = PriceCatalog.builtIn();

  private ModelPrice price(String provider, String model) {
    return catalog.find(provider, model).orElseThrow();
  }

  @Test
  void openAiShape_promptIncludesCachedTokens_cachedPartAtCachedPrice() {
    // gpt-4o: $2.50 in, $1.25 cached in, $10 out per million.
    // prompt 10,000 of which 4,000 cached; completion 2,000.
    // 6,000 x 2.50 + 4,000 x 1.25 + 2,000 x 10 = 15,000 + 5,000 + 20,000 = 40,000 per million = $0.04
    Usage usage = Usage.builder().promptTokens(10_000).cachedTokens(4_000).completionTokens(2_000).build();

    assertThat(price("openai", "gpt-4o").cost(usage)).isEqualTo(Money.of("0.04"));
  }

  @Test
  void openAiShape_completionIncludesReasoningTokens_reasoningAtOutputPrice() {
    // o4-mini: $1.10 in, $4.40 out. prompt 1,000; completion 5,000 of which 4,000 reasoning.
    // 1,000 x 1.10 + 5,000 x 4.40 = 1,100 + 22,000 = 23,100 per million = $0.0231
    Usage usage = Usage.builder().promptTokens(1_000).completionTokens(5_000).reasoningTokens(4_000).build();

    assertThat(price("openai", "o4-mini").cost(usage)).isEqualTo(Money.of("0.0231"));
  }

  @Test
  void anthropicShape_cacheReadAndCacheWrite_eachAtItsOwnPrice() {
    // Anthropic reports input_tokens 500 (uncached), cache_read_input_tokens 2,000,
    // cache_creation_input_tokens 1,000, output_tokens 300. Normalised: prompt = 500 + 2,000 + 1,000 = 3,500,
    // cached = 2,000, cacheCreation = 1,000. Claude Sonnet 4.5: $3 in, $0.30 cache hit, $3.75 cache write, $15 out.
    // 500 x 3 + 2,000 x 0.30 + 1,000 x 3.75 + 300 x 15 = 1,500 + 600 + 3,750 + 4,500 = 10,350 per million
    Usage usage = Usage.builder().promptTokens(3_500).cachedTokens(2_000).cacheCreationTokens(1_000)
        .completionTokens(300).build();

    assertThat(price("anthropic", "claude-sonnet-4-5-20250929").cost(usage)).isEqualTo(Money.of("0.01035"));
  }

  @Test
  void geminiShape_thoughtsCountedInCompletion_billedAtOutputPrice() {
    // Gemini reports promptTokenCount 1,200, candidatesTokenCount 300, thoughtsTokenCount 700; the adapter maps
    // completion = 300 + 700 = 1,000 with reasoning 700. Gemini 2.5 Flash: $0.30 in, $2.50 out (thinking included).
    // 1,200 x 0.30 + 1,000 x 2.50 = 360 + 2,500 = 2,860 per million = $0.00286
    Usage usage = Usage.builder().promptTokens(1_200).completionTokens(1_000).reasoningTokens(700).build();

    assertThat(price("gemini", "gemini-2.5-flash").cost(usage)).isEqualTo(Money.of("0.00286"));
  }

  @Test
  void longContextTier_promptAboveThreshold_wholeCallAtTierPrice() {
    ModelPrice pro = price("gemini", "gemini-2.5-pro");
    // 250,000 x 2.50 + 1,000 x 15 = 625,000 + 15,000 = 640,000 per million = $0.64
    assertThat(pro.cost(Usage.of(250_000, 1_000))).isEqualTo(Money.of("0.64"));
    // exactly at the threshold the base price applies: 200,000 x 1.25 + 1,000 x 10 = 260,000 per million
    assertThat(pro.cost(Usage.of(200_000, 1_000))).isEqualTo(Money.of("0.26"));
  }

  @Test
  void anthropicLongContext_cacheRatesOfTheTier() {
    // Sonnet 4 above 200K: $6 in, $0.60 cache hit, $7.50 cache write, $22.50 out.
    // prompt 300,000 = 100,000 uncached + 150,000 cache read + 50,000 cache write; 2,000 out.
    // 100,000 x 6 + 150,000 x 0.60 + 50,000 x 7.50 + 2,000 x 22.50 = 600,000 + 90,000 + 375,000 + 45,000 = 1,110,000
    Usage usage = Usage.builder().promptTokens(300_000).cachedTokens(150_000).cacheCreationTokens(50_000)
        .completionTokens(2_000).build();

    assertThat(price("anthropic", "claude-sonnet-4-20250514").cost(usage)).isEqualTo(Money.of("1.11"));
  }

  @Test
  void noCachedPrice_cachedTokensChargedAtInputPrice() {
    // o3's cached price is not in the catalog (unverified): 1,000 cached of 1,000 prompt at $2 = $0.002
    Usage usage = Usage.builder().promptTokens(1_000).cachedTokens(1_000).build();

    assertThat(price("openai", "o3").cost(usage)).isEqualTo(Money.of("0.002"));
  }

  @Test
  void oneToken_cheapModel_exactToTheNanoDollar() {
    // gpt-4o-mini: one prompt token at $0.15 per million = $0.00000015 = 150 nano-dollars
    assertThat(price("openai", "gpt-4o-mini").cost(Usage.of(1, 0)).nanos()).isEqualTo(150);
    // text-embedding-3-small: 3 tokens at $0.02 per million = 60 nano-dollars
    assertThat(price("openai", "text-embedding-3-small").cost(Usage.of(3, 0)).nanos()).isEqualTo(60);
  }

  @Test
  void subNanoCost_roundedHalfEvenOnce() {
    Price p = Price.perMillion("0.0005", "0"); // 0.5 nano-dollars a token
    assertThat(p.cost(Usage.of(1, 0)).nanos()).isZero(); // 0.5 -> 0 (even)
    assertThat(p.cost(Usage.of(3, 0)).nanos()).isEqualTo(2); // 1.5 -> 2
    assertThat(p.cost(Usage.of(5, 0)).nanos()).isEqualTo(2); // 2.5 -> 2
  }

  @Test
  void inconsistentUsage_cachedAboveprompt_neverNegative() {
    Usage usage = Usage.builder().promptTokens(10).cachedTokens(50).completionTokens(5).reasoningTokens(9).build();
    Price p = Price.perMillion("1", "2").withCachedInputPerMillion("0.5");

    // uncached clamps to 0: 50 x 0.5 + 0 x 2 (visible) + 9 x 2 = 25 + 18 = 43 per million
    assertThat(p.cost(usage)).isEqualTo(Money.of("0.000043"));
  }

  @Test
  void reasoningPrice_whenSet_appliesToReasoningTokensOnly() {
    Price p = Price.perMillion("1", "2").withReasoningPerMillion("3");
    // 0 in; 100 visible x 2 + 50 reasoning x 3 = 350 per million
    Usage usage = Usage.builder().completionTokens(150).reasoningTokens(50).build();

    assertThat(p.cost(usage)).isEqualTo(Money.of("0.00035"));
  }

  @Test
  void aggregatedTotals_pricedByTheSameRule() {
    UsageTotals totals = UsageTotals.of(3, 10_000_000_000L, 1_000_000_000L, 4_000_000_000L, 0, 0, Money.ZERO, 0, 0);
    // gpt-4o: 6e9 x 2.50 + 4e9 x 1.25 + 1e9 x 10 = 15e9 + 5e9 + 10e9 = 30e9 per million = $30,000
    assertThat(price("openai", "gpt-4o").price().cost(totals)).isEqualTo(Money.of("30000"));
  }

  @Test
  void money_arithmeticAndText() {
    assertThat(Money.of("1.5").plus(Money.ofNanos(1))).isEqualTo(Money.ofNanos(1_500_000_001L));
    assertThat(Money.of("0.1").minus(Money.of("0.3")).toString()).isEqualTo("-$0.200000000");
    assertThat(Money.of(new BigDecimal("0.0000000015")).nanos()).isEqualTo(2);
    assertThat(Money.of("2.50")).isEqualTo(Money.of("2.5")).hasSameHashCodeAs(Money.of("2.5"));
    assertThat(Money.of("3").amount()).isEqualByComparingTo("3");
    assertThatThrownBy(() -> Money.of("1e20")).isInstanceOf(ArithmeticException.class);
  }

  @Test
  void cost_unknown_isNotZero() {
    assertThat(Cost.UNKNOWN.isKnown()).isFalse();
    assertThat(Cost.UNKNOWN).isNotEqualTo(Cost.ZERO);
    assertThat(Cost.UNKNOWN.orElse(Money.of("1"))).isEqualTo(Money.of("1"));
    assertThatThrownBy(Cost.UNKNOWN::money).isInstanceOf(IllegalStateException.class)
        .hasMessage("the cost is unknown: no price is configured for the model");
  }
}

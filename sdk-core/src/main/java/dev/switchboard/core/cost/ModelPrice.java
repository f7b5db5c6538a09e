package dev.switchboard.core.cost;

import dev.switchboard.core.model.Usage;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One model's entry in a {@link PriceCatalog}: its {@link Price}, an optional higher price for long
 * prompts, its context window and output limit, and when and where the price was checked.
 *
 * <p>Long-context tiers: some models (Gemini 2.5 Pro, Claude Sonnet 4 with the 1M context) charge
 * every token of a call more once the prompt exceeds a threshold. When {@link #longContextThreshold()}
 * is set and a call's prompt tokens exceed it, the whole call is priced at {@link #longContextPrice()}.
 *
 * <p>Audio prices are kept for reference only: {@link Usage} carries no audio token counts yet, so
 * they are not applied. Immutable and thread-safe; value equality.
 */
public final class ModelPrice {

  private final String provider;
  private final String model;
  private final List<String> aliases;
  private final Price price;
  private final Integer longContextThreshold;
  private final Price longContextPrice;
  private final BigDecimal audioInputPerMillion;
  private final BigDecimal audioOutputPerMillion;
  private final Integer contextWindow;
  private final Integer maxOutputTokens;
  private final LocalDate checked;
  private final String source;

  private ModelPrice(Builder b) {
    this.provider = requireNonBlank(b.provider, "provider");
    this.model = requireNonBlank(b.model, "model");
    this.aliases = List.copyOf(b.aliases);
    this.price = Objects.requireNonNull(b.price, "price");
    if ((b.longContextThreshold == null) != (b.longContextPrice == null)) {
      throw new IllegalArgumentException("model '" + model + "': longContextThreshold and longContextPrice must be set "
          + "together");
    }
    this.longContextThreshold = b.longContextThreshold;
    this.longContextPrice = b.longContextPrice;
    this.audioInputPerMillion = b.audioInputPerMillion;
    this.audioOutputPerMillion = b.audioOutputPerMillion;
    this.contextWindow = b.contextWindow;
    this.maxOutputTokens = b.maxOutputTokens;
    this.checked = b.checked;
    this.source = b.source;
  }

  /** @param provider the provider type, e.g. {@code openai}, {@code anthropic}, {@code gemini}, {@code bedrock} */
  public static Builder builder(String provider, String model) {
    return new Builder(provider, model);
  }

  public Builder toBuilder() {
    Builder b = new Builder(provider, model);
    b.aliases.addAll(aliases);
    b.price = price;
    b.longContextThreshold = longContextThreshold;
    b.longContextPrice = longContextPrice;
    b.audioInputPerMillion = audioInputPerMillion;
    b.audioOutputPerMillion = audioOutputPerMillion;
    b.contextWindow = contextWindow;
    b.maxOutputTokens = maxOutputTokens;
    b.checked = checked;
    b.source = source;
    return b;
  }

  /** The provider type the price applies to (lower case), e.g. {@code openai}. */
  public String provider() {
    return provider;
  }

  /** The upstream model name as the provider's API spells it. */
  public String model() {
    return model;
  }

  /** Other names of the same model at the same price (dated snapshots, short aliases); never null. */
  public List<String> aliases() {
    return aliases;
  }

  /** The price of calls whose prompt is within the long-context threshold (or of every call without one). */
  public Price price() {
    return price;
  }

  /** Prompt tokens above which {@link #longContextPrice()} applies, or null when the model has one price. */
  public Integer longContextThreshold() {
    return longContextThreshold;
  }

  /** The price of calls whose prompt exceeds {@link #longContextThreshold()}, or null. */
  public Price longContextPrice() {
    return longContextPrice;
  }

  /** Dollars per million audio input tokens where they differ from text, or null (reference only). */
  public BigDecimal audioInputPerMillion() {
    return audioInputPerMillion;
  }

  /** Dollars per million audio output tokens, or null (reference only). */
  public BigDecimal audioOutputPerMillion() {
    return audioOutputPerMillion;
  }

  /** Maximum prompt + completion tokens, or null when unknown. */
  public Integer contextWindow() {
    return contextWindow;
  }

  /** Maximum completion tokens per call, or null when unknown. */
  public Integer maxOutputTokens() {
    return maxOutputTokens;
  }

  /** The day the price was last checked against the provider's list, or null. */
  public LocalDate checked() {
    return checked;
  }

  /** Where the price was checked (a URL or a note), or null. */
  public String source() {
    return source;
  }

  /** The price that applies to a call with {@code promptTokens} prompt tokens. */
  public Price priceFor(long promptTokens) {
    return longContextThreshold != null && promptTokens > longContextThreshold ? longContextPrice : price;
  }

  /** The cost of one call, with the long-context tier applied. */
  public Money cost(Usage usage) {
    return priceFor(usage.promptTokens()).cost(usage);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ModelPrice)) {
      return false;
    }
    ModelPrice that = (ModelPrice) o;
    return provider.equals(that.provider) && model.equals(that.model) && aliases.equals(that.aliases)
        && price.equals(that.price) && Objects.equals(longContextThreshold, that.longContextThreshold)
        && Objects.equals(longContextPrice, that.longContextPrice)
        && sameNumber(audioInputPerMillion, that.audioInputPerMillion)
        && sameNumber(audioOutputPerMillion, that.audioOutputPerMillion)
        && Objects.equals(contextWindow, that.contextWindow) && Objects.equals(maxOutputTokens, that.maxOutputTokens)
        && Objects.equals(checked, that.checked) && Objects.equals(source, that.source);
  }

  private static boolean sameNumber(BigDecimal a, BigDecimal b) {
    return a == null ? b == null : b != null && a.compareTo(b) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(provider, model, aliases, price, longContextThreshold, longContextPrice, contextWindow,
        maxOutputTokens, checked, source);
  }

  @Override
  public String toString() {
    return "ModelPrice{" + provider + "/" + model + ", " + price
        + (longContextThreshold == null ? "" : ", above " + longContextThreshold + " prompt tokens " + longContextPrice)
        + (checked == null ? "" : ", checked " + checked) + "}";
  }

  private static String requireNonBlank(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }

  /** Builds a {@link ModelPrice}. Not thread-safe. */
  public static final class Builder {
    private final String provider;
    private final String model;
    private final List<String> aliases = new ArrayList<>();
    private Price price;
    private Integer longContextThreshold;
    private Price longContextPrice;
    private BigDecimal audioInputPerMillion;
    private BigDecimal audioOutputPerMillion;
    private Integer contextWindow;
    private Integer maxOutputTokens;
    private LocalDate checked;
    private String source;

    private Builder(String provider, String model) {
      this.provider = provider;
      this.model = model;
    }

    public Builder alias(String alias) {
      aliases.add(requireNonBlank(alias, "alias"));
      return this;
    }

    /** Required. */
    public Builder price(Price price) {
      this.price = Objects.requireNonNull(price, "price");
      return this;
    }

    /**
     * Prices every token of calls whose prompt exceeds {@code thresholdTokens} at {@code price}.
     *
     * @throws IllegalArgumentException if the threshold is not positive
     */
    public Builder longContext(int thresholdTokens, Price price) {
      if (thresholdTokens <= 0) {
        throw new IllegalArgumentException("longContext threshold must be > 0 but was " + thresholdTokens);
      }
      this.longContextThreshold = thresholdTokens;
      this.longContextPrice = Objects.requireNonNull(price, "price");
      return this;
    }

    public Builder audioInputPerMillion(BigDecimal price) {
      this.audioInputPerMillion = price;
      return this;
    }

    public Builder audioOutputPerMillion(BigDecimal price) {
      this.audioOutputPerMillion = price;
      return this;
    }

    public Builder contextWindow(Integer tokens) {
      this.contextWindow = tokens;
      return this;
    }

    public Builder maxOutputTokens(Integer tokens) {
      this.maxOutputTokens = tokens;
      return this;
    }

    public Builder checked(LocalDate day) {
      this.checked = day;
      return this;
    }

    public Builder source(String source) {
      this.source = source;
      return this;
    }

    /**
     * @throws NullPointerException if the price is unset
     * @throws IllegalArgumentException if provider or model is blank
     */
    public ModelPrice build() {
      return new ModelPrice(this);
    }
  }
}

package dev.switchboard.providers.openai;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A provider that speaks OpenAI's Chat Completions API at a known address: its type name, default
 * base URL and the environment variable that conventionally holds its API key.
 *
 * <p>{@link OpenAiProviderFactory} handles every preset's {@link #name()} as a provider type; a gateway
 * may use {@link #all()} to enable the providers whose {@link #apiKeyVariable()} is set.
 *
 * <p>Immutable and thread-safe; value equality.
 */
public final class OpenAiCompatiblePreset {

  /** OpenAI itself. */
  public static final OpenAiCompatiblePreset OPENAI =
      new OpenAiCompatiblePreset("openai", "https://api.openai.com/v1", "OPENAI_API_KEY", true);
  /** Groq. */
  public static final OpenAiCompatiblePreset GROQ =
      new OpenAiCompatiblePreset("groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY", true);
  /** xAI (Grok). */
  public static final OpenAiCompatiblePreset XAI =
      new OpenAiCompatiblePreset("xai", "https://api.x.ai/v1", "XAI_API_KEY", true);
  /** Mistral AI. */
  public static final OpenAiCompatiblePreset MISTRAL =
      new OpenAiCompatiblePreset("mistral", "https://api.mistral.ai/v1", "MISTRAL_API_KEY", true);
  /** DeepSeek ({@code /v1} is accepted by DeepSeek for OpenAI compatibility; it is not a model version). */
  public static final OpenAiCompatiblePreset DEEPSEEK =
      new OpenAiCompatiblePreset("deepseek", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY", true);
  /** Together AI. */
  public static final OpenAiCompatiblePreset TOGETHER =
      new OpenAiCompatiblePreset("together", "https://api.together.xyz/v1", "TOGETHER_API_KEY", true);
  /** Perplexity (its chat completions live at the root, without {@code /v1}). */
  public static final OpenAiCompatiblePreset PERPLEXITY =
      new OpenAiCompatiblePreset("perplexity", "https://api.perplexity.ai", "PERPLEXITY_API_KEY", true);
  /** OpenRouter. */
  public static final OpenAiCompatiblePreset OPENROUTER =
      new OpenAiCompatiblePreset("openrouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY", true);
  /** Fireworks AI. */
  public static final OpenAiCompatiblePreset FIREWORKS =
      new OpenAiCompatiblePreset("fireworks", "https://api.fireworks.ai/inference/v1", "FIREWORKS_API_KEY", true);
  /** A local Ollama server; needs no key. */
  public static final OpenAiCompatiblePreset OLLAMA =
      new OpenAiCompatiblePreset("ollama", "http://localhost:11434/v1", null, false);
  /** A local vLLM server; a key only when the server was started with one. */
  public static final OpenAiCompatiblePreset VLLM =
      new OpenAiCompatiblePreset("vllm", "http://localhost:8000/v1", "VLLM_API_KEY", false);
  /** A local LM Studio server; needs no key. */
  public static final OpenAiCompatiblePreset LMSTUDIO =
      new OpenAiCompatiblePreset("lmstudio", "http://localhost:1234/v1", null, false);

  private static final List<OpenAiCompatiblePreset> ALL = List.of(OPENAI, GROQ, XAI, MISTRAL, DEEPSEEK, TOGETHER,
      PERPLEXITY, OPENROUTER, FIREWORKS, OLLAMA, VLLM, LMSTUDIO);
  private static final Map<String, OpenAiCompatiblePreset> BY_NAME;

  static {
    Map<String, OpenAiCompatiblePreset> byName = new LinkedHashMap<>();
    for (OpenAiCompatiblePreset p : ALL) {
      byName.put(p.name, p);
    }
    BY_NAME = Map.copyOf(byName);
  }

  private final String name;
  private final String defaultBaseUrl;
  private final String apiKeyVariable;
  private final boolean keyRequired;

  private OpenAiCompatiblePreset(String name, String defaultBaseUrl, String apiKeyVariable, boolean keyRequired) {
    this.name = name;
    this.defaultBaseUrl = defaultBaseUrl;
    this.apiKeyVariable = apiKeyVariable;
    this.keyRequired = keyRequired;
  }

  /**
   * The preset of that type name, compared ignoring case.
   *
   * @throws NullPointerException if {@code name} is null
   */
  public static Optional<OpenAiCompatiblePreset> named(String name) {
    Objects.requireNonNull(name, "name");
    return Optional.ofNullable(BY_NAME.get(name.toLowerCase(Locale.ROOT)));
  }

  /** Every preset, OpenAI first; unmodifiable. */
  public static List<OpenAiCompatiblePreset> all() {
    return ALL;
  }

  /** The provider type name, lower case, e.g. {@code groq}; never null. */
  public String name() {
    return name;
  }

  /** The base URL used when the configuration sets none, without a trailing slash; never null. */
  public String defaultBaseUrl() {
    return defaultBaseUrl;
  }

  /** The environment variable read for the API key when the configuration sets none, or null for none. */
  public String apiKeyVariable() {
    return apiKeyVariable;
  }

  /** Whether a provider of this type cannot work without an API key. */
  public boolean keyRequired() {
    return keyRequired;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof OpenAiCompatiblePreset)) {
      return false;
    }
    OpenAiCompatiblePreset that = (OpenAiCompatiblePreset) o;
    return keyRequired == that.keyRequired && name.equals(that.name) && defaultBaseUrl.equals(that.defaultBaseUrl)
        && Objects.equals(apiKeyVariable, that.apiKeyVariable);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, defaultBaseUrl, apiKeyVariable, keyRequired);
  }

  @Override
  public String toString() {
    return "OpenAiCompatiblePreset{" + name + ", " + defaultBaseUrl + ", apiKeyVariable=" + apiKeyVariable
        + ", keyRequired=" + keyRequired + "}";
  }
}

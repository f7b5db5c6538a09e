/**
 * The OpenAI provider and the OpenAI-compatible presets: {@link dev.switchboard.providers.openai.OpenAiProvider}
 * for direct use, {@link dev.switchboard.providers.openai.OpenAiProviderFactory} for configuration by type
 * name ({@code openai}, {@code groq}, {@code ollama}, …), and
 * {@link dev.switchboard.providers.openai.OpenAiCompatiblePreset} describing each preset.
 */
package dev.switchboard.providers.openai;

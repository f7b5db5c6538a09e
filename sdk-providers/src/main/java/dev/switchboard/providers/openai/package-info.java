/**
 * The OpenAI provider and the OpenAI-compatible presets: {@link dev.switchboard.providers.openai.OpenAiProvider}
 * for direct use, {@link dev.switchboard.providers.openai.OpenAiProviderFactory} for configuration by type
 * name ({@code openai}, {@code groq}, {@code ollama}, …),
 * {@link dev.switchboard.providers.openai.OpenAiCompatiblePreset} describing each preset, and
 * {@link dev.switchboard.providers.openai.OpenAiDialect}, the hook through which adapters of services that
 * speak OpenAI's wire format (e.g. Azure OpenAI) reuse the provider.
 */
package dev.switchboard.providers.openai;

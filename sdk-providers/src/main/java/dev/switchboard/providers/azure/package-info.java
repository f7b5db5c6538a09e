/**
 * The Azure OpenAI provider: {@link dev.switchboard.providers.azure.AzureOpenAiProvider} for direct use and
 * {@link dev.switchboard.providers.azure.AzureOpenAiProviderFactory} for configuration by the type name
 * {@code azure}. The OpenAI wire format itself is {@link dev.switchboard.providers.openai.OpenAiProvider}'s, reached
 * through an {@link dev.switchboard.providers.openai.OpenAiDialect}.
 */
package dev.switchboard.providers.azure;

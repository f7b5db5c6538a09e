/**
 * The Google Gemini provider, for the Gemini API (Google AI Studio) and Vertex AI:
 * {@link dev.switchboard.providers.gemini.GeminiProvider} for direct use and
 * {@link dev.switchboard.providers.gemini.GeminiProviderFactory} for configuration by type name
 * ({@code gemini}, {@code vertex-ai}).
 */
package dev.switchboard.providers.gemini;

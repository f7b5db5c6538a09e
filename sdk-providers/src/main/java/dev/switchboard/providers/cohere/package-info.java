/**
 * The Cohere provider (v2 chat and embed API): {@link dev.switchboard.providers.cohere.CohereProvider} for direct
 * use and {@link dev.switchboard.providers.cohere.CohereProviderFactory} for configuration by the type name
 * {@code cohere}.
 */
package dev.switchboard.providers.cohere;

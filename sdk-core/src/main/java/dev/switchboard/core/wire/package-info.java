/**
 * The OpenAI wire format: {@link dev.switchboard.core.wire.OpenAiJson} reads and writes the model of
 * {@code dev.switchboard.core.model} as the JSON bodies of OpenAI's Chat Completions, Embeddings and
 * Models APIs, for the gateway and for OpenAI-compatible provider adapters.
 */
package dev.switchboard.core.wire;

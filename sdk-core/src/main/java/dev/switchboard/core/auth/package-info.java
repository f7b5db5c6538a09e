/**
 * Virtual API keys: what a gateway (or any embedder that hands out keys) knows about a key, how keys
 * are generated and hashed ({@link dev.switchboard.core.auth.ApiKeys}), and where they are kept
 * ({@link dev.switchboard.core.auth.KeyStore}, with {@link dev.switchboard.core.auth.InMemoryKeyStore}
 * here and shared stores in other modules, which announce changes as a
 * {@link dev.switchboard.core.auth.SharedKeyStore}). {@link dev.switchboard.core.auth.CachingKeyStore}
 * remembers lookups for a few seconds in front of a store that is costly to ask on every request.
 *
 * <p>A key's secret is never stored: a store keeps its SHA-256 hash and a display prefix such as
 * {@code sk-sb-…abcd}. The key itself is shown once, when it is created.
 */
package dev.switchboard.core.auth;

/**
 * Response caching: what is cached ({@link dev.switchboard.core.cache.CacheMode}), for how long and
 * how much is kept in process ({@link dev.switchboard.core.cache.CacheSettings}), and what one call
 * asks of the cache ({@link dev.switchboard.core.cache.CacheControl}).
 *
 * <h2>How it works</h2>
 * The cache is a built-in step of the engine: it runs after the embedder's interceptors and before
 * the router. A cacheable call first looks in the in-process cache (L1, bounded by entries and
 * bytes, entries expire after their TTL), then in the shared store if one is configured (L2, a
 * {@link dev.switchboard.core.spi.CacheStore}, e.g. Redis); an L2 hit fills L1. Identical
 * concurrent misses in one process share one upstream call ("single-flight"); a failure reaches
 * every waiter and is not cached. A cache failure never fails a call: an error of the store is a
 * miss (counted, logged at most once a minute).
 *
 * <h2>Keys</h2>
 * A key is {@code "sb:cache:v1:"} followed by the hex SHA-256 of a canonical, field-order
 * independent form of what determines the answer: the model group ({@code model}), messages,
 * tools, tool_choice, response_format, temperature, top_p, max_tokens, max_completion_tokens,
 * stop, seed, n, presence and frequency penalty, parallel_tool_calls, and every extra parameter
 * (logit_bias, logprobs, reasoning_effort, …) except those that do not change the answer:
 * {@code user}, {@code metadata}, {@code stream}, {@code stream_options}, {@code store},
 * {@code service_tier}, {@code safety_identifier}, {@code prompt_cache_key} and
 * {@code prompt_cache_retention}. JSON object keys are sorted, so two bodies that differ only in
 * field order share a key; {@code 1} and {@code 1.0} are the same number. The version in the
 * prefix changes whenever the key or the stored format changes, so old entries are never misread.
 *
 * <h2>What a caller sees</h2>
 * {@link dev.switchboard.core.model.RouteInfo#cache()} says how the call was served:
 * {@code "hit-l1"}, {@code "hit-l2"}, {@code "miss"}, {@code "coalesced"} (answered by an
 * identical call in flight), {@code "bypass"} (not cacheable under the mode, or the caller skipped
 * the read) or {@code "none"} (caching off for the group). A hit carries the usage of the cached
 * answer and no provider; no upstream call is made. A streamed hit is replayed as chunks of the
 * same shape as a live stream (role and content, tool call fragments, finish reason, usage); a
 * streamed miss is stored only when it completed normally with a finish reason on every choice.
 * Streams are not coalesced: a second stream would have to wait for the whole answer.
 */
package dev.switchboard.core.cache;

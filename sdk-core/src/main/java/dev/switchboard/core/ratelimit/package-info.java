/**
 * Rate limits and quotas: what protects the service from its callers ({@link
 * dev.switchboard.core.ratelimit.Limits}: tiers, per-dimension limits, per-value overrides) and the
 * callers from the providers' own limits ({@code Deployment.Builder.limit}: a deployment without
 * capacity is skipped by the router before any upstream call).
 *
 * <p>A {@link dev.switchboard.core.ratelimit.Limit} counts requests or tokens per window (token
 * buckets, with an optional burst bucket), calls in flight, or tokens per calendar day or month.
 * Token limits reserve an estimate before the call (the prompt counted by a {@link
 * dev.switchboard.core.ratelimit.TokenCounter} plus max tokens) and settle with the usage reported
 * afterwards. Limits are counted by a {@link dev.switchboard.core.ratelimit.RateLimiter}: in process
 * by default, in a shared store for several instances. A refusal is a {@code RateLimitedException}
 * naming the limit ({@code key:requests-per-minute}) with its retry-after; every checked call's
 * {@link dev.switchboard.core.ratelimit.RateLimitStatus} reaches {@code
 * RequestOptions.onRateLimitStatus} for OpenAI's {@code x-ratelimit-*} headers.
 */
package dev.switchboard.core.ratelimit;

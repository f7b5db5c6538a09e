/**
 * Internal: no compatibility promise. Rate limits and quotas: the local Bucket4j limiter, token
 * estimates, the caller-limits interceptor and the per-deployment gate the router consults.
 */
package dev.switchboard.core.internal.ratelimit;

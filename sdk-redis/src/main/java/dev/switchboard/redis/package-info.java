/**
 * Redis implementations of Switchboard's core SPIs, on Lettuce: one {@link
 * dev.switchboard.redis.RedisConnection} per application (standalone, TLS, ACL, Sentinel or
 * Cluster from a Redis URI) shared by every Redis-backed component: the shared response cache
 * {@link dev.switchboard.redis.RedisCacheStore}, the usage ledger
 * {@link dev.switchboard.redis.RedisUsageLedger}, which gives every instance one exact spend and
 * global budgets, the distributed rate limiter {@link dev.switchboard.redis.RedisRateLimiter}, and
 * the shared key store {@link dev.switchboard.redis.RedisKeyStore}.
 *
 * <p>Redis being slow or down never crashes a call: cache reads give up after a short budget and
 * cache writes are fire-and-forget; ledger operations fail at once, and Switchboard keeps the usage
 * records to write them again and lets budget checks pass; the rate limiter falls back to local
 * decisions or refuses with a 503, as configured. Errors are counted and logged at most once per
 * interval, and health reports {@code DEGRADED} until Redis answers again.
 */
package dev.switchboard.redis;

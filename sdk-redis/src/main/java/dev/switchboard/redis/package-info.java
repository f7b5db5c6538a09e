/**
 * Redis implementations of Switchboard's core SPIs, on Lettuce: one {@link
 * dev.switchboard.redis.RedisConnection} per application (standalone, TLS, ACL, Sentinel or
 * Cluster from a Redis URI) shared by every Redis-backed component, starting with the shared
 * response cache {@link dev.switchboard.redis.RedisCacheStore}.
 *
 * <p>Redis being slow or down never fails a call: reads give up after a short budget, writes are
 * fire-and-forget, errors are counted and logged at most once per interval, and health reports
 * {@code DEGRADED} until Redis answers again.
 */
package dev.switchboard.redis;

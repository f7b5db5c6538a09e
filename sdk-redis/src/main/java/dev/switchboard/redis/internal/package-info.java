/** Internal: no compatibility promise. Lettuce wiring shared by the Redis components. */
package dev.switchboard.redis.internal;

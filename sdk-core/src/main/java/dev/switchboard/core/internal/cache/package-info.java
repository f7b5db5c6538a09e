/**
 * Internal: no compatibility promise. The response cache behind {@code dev.switchboard.core.cache}:
 * keys, the stored format, the in-process level, single-flight and stream replay.
 */
package dev.switchboard.core.internal.cache;

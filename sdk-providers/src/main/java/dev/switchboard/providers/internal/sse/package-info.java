/** Internal: no compatibility promise. Server-sent events: an incremental decoder and a publisher over a byte stream. */
package dev.switchboard.providers.internal.sse;

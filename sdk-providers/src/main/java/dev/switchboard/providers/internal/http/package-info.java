/**
 * Internal: no compatibility promise. Header storage shared by the HTTP transport types, and the deferred,
 * demand-driven body of a streamed call that provider adapters decode.
 */
package dev.switchboard.providers.internal.http;

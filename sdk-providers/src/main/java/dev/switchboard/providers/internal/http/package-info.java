/**
 * Internal: no compatibility promise. Header storage shared by the HTTP transport types, and the
 * lifecycle of a streamed call ({@link dev.switchboard.providers.internal.http.UpstreamStream}): started
 * on first demand, cancelled and closed once, its error body mapped, its body decoded and mapped by
 * the provider adapter.
 */
package dev.switchboard.providers.internal.http;

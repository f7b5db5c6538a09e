/**
 * Internal: no compatibility promise. The gateway's HTTP handlers, embedded defaults and demo
 * provider, and the calls and streamed responses behind {@code VertxHttpTransport}.
 */
package dev.switchboard.server.internal;

/** Internal: no compatibility promise. The OkHttp side of {@code OkHttpTransport}; no OkHttp type leaves it. */
package dev.switchboard.providers.internal.okhttp;

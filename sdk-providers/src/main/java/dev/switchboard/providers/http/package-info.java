/**
 * The HTTP transport that provider adapters speak through: {@link dev.switchboard.providers.http.HttpTransport}
 * with immutable {@link dev.switchboard.providers.http.HttpRequest} and
 * {@link dev.switchboard.providers.http.HttpResponse} values, demand-driven
 * {@link dev.switchboard.providers.http.StreamingHttpResponse} bodies, and
 * {@link dev.switchboard.providers.http.OkHttpTransport} as the default implementation.
 *
 * <p>No type of an HTTP client library appears in this package's signatures, so that another
 * implementation (e.g. a non-blocking one on the gateway's event loops) can be plugged in.
 */
package dev.switchboard.providers.http;

package dev.switchboard.providers.http;

import java.util.concurrent.CompletableFuture;

/**
 * The only way provider adapters talk HTTP: asynchronous calls that never block the caller's
 * thread, so that the engine can run on event loops and an embedder can plug in another client.
 *
 * <p><b>Statuses are not errors.</b> A 4xx or 5xx answer completes the future normally; the adapter
 * maps it with {@link dev.switchboard.core.error.UpstreamErrors#fromResponse}.
 *
 * <p><b>Failures.</b> When the upstream cannot be reached or fails mid-call (connection refused or
 * reset, DNS failure, socket timeout), the future completes exceptionally with
 * {@link dev.switchboard.core.error.UpstreamErrors#fromTransportFailure
 * UpstreamErrors.fromTransportFailure(failure, ErrorDetails.none())}; its {@link Throwable#getCause()
 * cause} is the original failure, so that an adapter can map it again with its own details:
 * {@code UpstreamErrors.fromTransportFailure(e.getCause(), details)}. A call on a closed transport
 * fails with {@link IllegalStateException}; a request the client cannot send (e.g. a header value
 * with control characters) fails with {@link IllegalArgumentException}.
 *
 * <p><b>Cancellation.</b> Cancelling a returned future cancels the call and frees its connection.
 *
 * <p><b>Threads.</b> Futures may complete on a transport thread: dependent stages must not block
 * (use the {@code *Async} variants for heavy work).
 *
 * <p>Implementations are thread-safe and meant to be shared: create one, use it for every provider,
 * and close it when the application stops. Closing a transport that was handed to a provider is its
 * creator's job, not the provider's.
 */
public interface HttpTransport extends AutoCloseable {

  /**
   * Sends {@code request} and reads the whole response body.
   *
   * @param request the request; not null
   * @return a future completed with the response once its body has been read
   * @throws NullPointerException if {@code request} is null
   */
  CompletableFuture<HttpResponse> execute(HttpRequest request);

  /**
   * Sends {@code request} and completes as soon as the status and headers have arrived; the body
   * is then read on demand through {@link StreamingHttpResponse#body()}. The receiver of the
   * response must consume, cancel or {@link StreamingHttpResponse#close() close} it. Cancelling
   * the future before it completes cancels the call; a response that arrives after that is closed.
   *
   * @param request the request; not null
   * @return a future completed with the response once its headers have arrived
   * @throws NullPointerException if {@code request} is null
   */
  CompletableFuture<StreamingHttpResponse> stream(HttpRequest request);

  /**
   * Cancels every call in flight (their futures and bodies fail) and releases threads and pooled
   * connections. Later calls fail with {@link IllegalStateException}. Idempotent; never throws.
   */
  @Override
  void close();
}

package dev.switchboard.providers.http;

import dev.switchboard.providers.internal.flow.ByteBufferCollector;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * An HTTP response whose status and headers have arrived and whose body is read on demand.
 *
 * <p><b>Who closes what.</b> The response holds an upstream connection until its body has been
 * read to the end, failed, been cancelled, or {@link #close() closed}. Whoever receives it must do
 * one of these: subscribe to {@link #body()} (or call {@link #readAll()}) and let it terminate or
 * cancel it, or call {@link #close()}.
 *
 * <p><b>The body publisher</b> accepts exactly one subscriber; a second one receives
 * {@code onSubscribe} followed by {@code onError(IllegalStateException)}. Reads are driven by
 * demand: nothing is read from the network while the subscriber has no outstanding demand (at most
 * the buffer being read when demand ran out is delivered, never more), so a slow subscriber slows
 * the upstream. {@link Flow.Subscription#cancel()} may be called from any thread and closes the
 * upstream connection (for HTTP/1.1; an HTTP/2 stream is reset). Signals follow the Reactive Streams
 * rules: serial, {@code onNext} never beyond demand, at most one terminal signal. A connection
 * cut, reset or other I/O failure before the body's end is {@code onError} with the
 * {@link dev.switchboard.core.error.SwitchboardException} made by
 * {@link dev.switchboard.core.error.UpstreamErrors#fromTransportFailure} (its
 * {@link Throwable#getCause() cause} is the original failure), never a silent {@code onComplete}.
 * Each {@link ByteBuffer} is a new buffer owned by the subscriber (position 0, limit = bytes read);
 * the publisher never touches it again.
 *
 * <p>Signals may arrive on a transport thread; subscribers must not block in them.
 *
 * <p>Implementations are thread-safe.
 */
public interface StreamingHttpResponse extends AutoCloseable {

  /** The HTTP status code. */
  int status();

  /** Whether the status is 2xx. */
  default boolean isSuccessful() {
    return status() >= 200 && status() < 300;
  }

  /** The first value of the header named {@code name}, compared case-insensitively; null when absent. */
  String header(String name);

  /**
   * Every header: lower-case names in the order first received, each with its values in order.
   * Unmodifiable; never null.
   */
  Map<String, List<String>> headers();

  /**
   * The body, read on demand; single subscriber. See the type's documentation for the contract.
   * Calling this method has no effect by itself: reading starts with the subscriber's first demand.
   */
  Flow.Publisher<ByteBuffer> body();

  /**
   * Reads the whole body into memory: meant for small bodies such as error responses. Uses up the
   * single subscription of {@link #body()}. The future completes with the bytes (empty, never null,
   * for no body) or exceptionally as {@link #body()} would fail; cancelling it cancels the read and
   * releases the connection. An implementation may refuse a body longer than it reads into memory
   * (the bundled transports: past their {@code maxResponseBodyBytes}); the future then fails as
   * {@link #body()} would, and the connection is closed.
   */
  default CompletableFuture<byte[]> readAll() {
    return ByteBufferCollector.collect(body());
  }

  /**
   * Releases the connection. Before the body was subscribed: the body is discarded and a later
   * subscriber receives {@code onError(IllegalStateException)}. While it is being read: the read is
   * cancelled and the subscriber receives {@code onError(java.util.concurrent.CancellationException)}.
   * After the body ended: nothing happens. Idempotent, thread-safe, never blocks on the network and
   * never throws.
   */
  @Override
  void close();
}

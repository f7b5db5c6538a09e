package dev.switchboard.providers.internal.http;

import dev.switchboard.providers.http.HttpRequest;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.http.StreamingHttpResponse;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.function.Supplier;

/**
 * The body of one streamed HTTP call as a cold, single-subscriber publisher: the call is made on the
 * subscriber's first demand, a 2xx body is passed on buffer by buffer as demanded, and anything else
 * ends the stream with the error {@link Failures} makes of it. Meant to be decoded further, e.g.
 * {@code new SsePublisher(new DeferredResponseBody(…))}; a provider that maps the decoded events
 * itself uses {@link UpstreamStream#events} instead.
 *
 * <p>The call's lifecycle is {@link UpstreamStream}'s: nothing is sent before the first
 * {@code request(n)} (and never from inside the subscriber's {@code onSubscribe}: the call starts
 * once it has returned). Demand is passed to the body one to one, so a slow subscriber slows the
 * read. {@code cancel()} cancels the call before its response arrives, and closes the connection
 * after. A non-2xx answer's (small) body is read whole and handed to {@link Failures#errorStatus}; a
 * failure to make the call or to read the body goes through {@link Failures#transportFailure}. A
 * second subscriber receives {@code onSubscribe} and then {@code onError(IllegalStateException)}: one
 * publisher is one upstream call.
 *
 * <p>Thread-safe. Signals to the subscriber are serial and may arrive on transport threads.
 */
public final class DeferredResponseBody implements Flow.Publisher<ByteBuffer> {

  /** Turns what went wrong into the error the subscriber receives: {@link UpstreamStream.Failures}. */
  public interface Failures extends UpstreamStream.Failures {}

  private final UpstreamStream<ByteBuffer> stream;

  /**
   * @param transport sends the call
   * @param request builds the request when the call starts; what it throws fails the stream through
   *     {@link Failures#requestFailure} (by default {@link Failures#transportFailure})
   * @param failures makes the subscriber's errors
   */
  public DeferredResponseBody(HttpTransport transport, Supplier<HttpRequest> request, Failures failures) {
    this.stream = new UpstreamStream<>("a streamed response body", transport, request, failures,
        () -> StreamingHttpResponse::body);
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    stream.subscribe(subscriber);
  }
}

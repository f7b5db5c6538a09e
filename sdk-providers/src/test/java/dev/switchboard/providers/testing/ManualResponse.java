package dev.switchboard.providers.testing;

import dev.switchboard.providers.http.StreamingHttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A streamed response whose body the test writes through a {@link ManualPublisher}; it carries one
 * header, {@code x-request-id: req-7}, and counts how often it is closed.
 */
public final class ManualResponse implements StreamingHttpResponse {

  /** The value of the response's {@code x-request-id} header. */
  public static final String REQUEST_ID = "req-7";

  /** The body: the test emits its bytes and sees its demand and cancellation. */
  public final ManualPublisher<ByteBuffer> body = new ManualPublisher<>();

  /** How many times {@link #close()} was called. */
  public final AtomicInteger closes = new AtomicInteger();

  private final int status;

  public ManualResponse(int status) {
    this.status = status;
  }

  @Override
  public int status() {
    return status;
  }

  @Override
  public String header(String name) {
    return "x-request-id".equalsIgnoreCase(name) ? REQUEST_ID : null;
  }

  @Override
  public Map<String, List<String>> headers() {
    return Map.of("x-request-id", List.of(REQUEST_ID));
  }

  @Override
  public Flow.Publisher<ByteBuffer> body() {
    return body;
  }

  @Override
  public void close() {
    closes.incrementAndGet();
  }
}

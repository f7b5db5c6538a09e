package dev.switchboard.providers.internal.flow;

import dev.switchboard.providers.internal.http.ResponseBodyTooLargeException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Reads a whole byte publisher into one array, up to a limit if given one. Cancelling the returned
 * future cancels the subscription.
 */
public final class ByteBufferCollector implements Flow.Subscriber<ByteBuffer> {

  private final CompletableFuture<byte[]> future = new CompletableFuture<>();
  private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
  private final long maxBytes;
  private final Function<Throwable, Throwable> failures;
  // Only touched from signals, which the publisher delivers serially; null once past the limit.
  private ByteArrayOutputStream out = new ByteArrayOutputStream();

  private ByteBufferCollector(long maxBytes, Function<Throwable, Throwable> failures) {
    this.maxBytes = maxBytes;
    this.failures = failures;
    future.whenComplete((bytes, failure) -> {
      if (future.isCancelled()) {
        Flow.Subscription s = subscription.get();
        if (s != null) {
          s.cancel();
        }
      }
    });
  }

  /** Subscribes to {@code publisher} with unbounded demand and collects every byte it emits. */
  public static CompletableFuture<byte[]> collect(Flow.Publisher<ByteBuffer> publisher) {
    return collect(publisher, Long.MAX_VALUE, Function.identity());
  }

  /**
   * Like {@link #collect(Flow.Publisher)}, but once more than {@code maxBytes} have arrived the
   * subscription is cancelled, what was collected is dropped, and the future fails with
   * {@code failures} applied to a {@link ResponseBodyTooLargeException}.
   */
  public static CompletableFuture<byte[]> collect(Flow.Publisher<ByteBuffer> publisher, long maxBytes,
      Function<Throwable, Throwable> failures) {
    Objects.requireNonNull(publisher, "publisher");
    ByteBufferCollector collector = new ByteBufferCollector(maxBytes, Objects.requireNonNull(failures, "failures"));
    publisher.subscribe(collector);
    return collector.future;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    Objects.requireNonNull(s, "subscription");
    if (!subscription.compareAndSet(null, s)) {
      s.cancel(); // rule 2.5: one subscription at a time
      return;
    }
    if (future.isDone()) { // cancelled before the subscription arrived
      s.cancel();
      return;
    }
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(ByteBuffer item) {
    if (out == null) {
      return; // past the limit: cancelled, and nothing more is wanted
    }
    if (item.remaining() > maxBytes - out.size()) {
      out = null;
      subscription.get().cancel();
      future.completeExceptionally(failures.apply(ResponseBodyTooLargeException.exceeded(maxBytes)));
      return;
    }
    if (item.hasArray()) {
      out.write(item.array(), item.arrayOffset() + item.position(), item.remaining());
      item.position(item.limit());
    } else {
      byte[] bytes = new byte[item.remaining()];
      item.get(bytes);
      out.writeBytes(bytes);
    }
  }

  @Override
  public void onError(Throwable failure) {
    future.completeExceptionally(failure);
  }

  @Override
  public void onComplete() {
    if (out != null) {
      future.complete(out.toByteArray());
    }
  }
}

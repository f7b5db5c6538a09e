package dev.switchboard.providers.internal.flow;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads a whole byte publisher into one array. Cancelling the returned future cancels the
 * subscription.
 */
public final class ByteBufferCollector implements Flow.Subscriber<ByteBuffer> {

  private final CompletableFuture<byte[]> future = new CompletableFuture<>();
  private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
  // Only touched from signals, which the publisher delivers serially.
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private ByteBufferCollector() {
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
    Objects.requireNonNull(publisher, "publisher");
    ByteBufferCollector collector = new ByteBufferCollector();
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
    future.complete(out.toByteArray());
  }
}

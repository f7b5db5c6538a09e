package dev.switchboard.core;

import dev.switchboard.core.model.ChatChunk;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Queue;
import java.util.concurrent.Flow;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A blocking, pull-style view of a streamed chat completion: iterate the chunks, then close.
 *
 * <pre>{@code
 * try (ChatStream stream = switchboard.streamBlocking(request)) {
 *   for (ChatChunk chunk : stream) {
 *     System.out.print(chunk.text());
 *   }
 * }
 * }</pre>
 *
 * <p>Reads ahead at most a small, fixed number of chunks, so a slow reader slows the upstream.
 * Closing before the end cancels the upstream call. Iteration throws the stream's
 * {@link dev.switchboard.core.error.SwitchboardException} if it fails. Single use: {@link #iterator()}
 * may be called once. Not thread-safe: one thread reads it.
 */
public final class ChatStream implements AutoCloseable, Iterable<ChatChunk> {

  private static final int PREFETCH = 16;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Queue<ChatChunk> buffer = new ArrayDeque<>(); // guarded by lock
  private Throwable error; // guarded by lock
  private boolean completed; // guarded by lock
  private volatile Flow.Subscription subscription;
  private volatile boolean closed;
  private boolean iterated;
  private int consumedSinceRequest;

  ChatStream(Flow.Publisher<ChatChunk> publisher) {
    publisher.subscribe(new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (closed) {
          s.cancel();
        } else {
          s.request(PREFETCH);
        }
      }

      @Override
      public void onNext(ChatChunk chunk) {
        signal(() -> buffer.add(chunk));
      }

      @Override
      public void onError(Throwable t) {
        signal(() -> error = t);
      }

      @Override
      public void onComplete() {
        signal(() -> completed = true);
      }
    });
  }

  private void signal(Runnable change) {
    lock.lock();
    try {
      change.run();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the chunks in order; blocks while the next one has not arrived.
   *
   * @throws IllegalStateException when called a second time
   */
  @Override
  public Iterator<ChatChunk> iterator() {
    if (iterated) {
      throw new IllegalStateException("a ChatStream can be iterated once");
    }
    iterated = true;
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        lock.lock();
        try {
          while (buffer.isEmpty() && error == null && !completed) {
            if (closed) {
              return false;
            }
            changed.awaitUninterruptibly();
          }
          if (!buffer.isEmpty()) {
            return true;
          }
          if (error != null) {
            throw rethrow(error);
          }
          return false;
        } finally {
          lock.unlock();
        }
      }

      @Override
      public ChatChunk next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        ChatChunk chunk;
        lock.lock();
        try {
          chunk = buffer.remove();
        } finally {
          lock.unlock();
        }
        // Replenish in half-batches: fewer request() calls, never more than PREFETCH chunks buffered.
        if (++consumedSinceRequest == PREFETCH / 2) {
          consumedSinceRequest = 0;
          Flow.Subscription s = subscription;
          if (s != null) {
            s.request(PREFETCH / 2);
          }
        }
        return chunk;
      }
    };
  }

  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException) {
      return (RuntimeException) t;
    }
    if (t instanceof Error) {
      throw (Error) t;
    }
    return new IllegalStateException(t);
  }

  /** Cancels the upstream call if the stream has not ended; idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
    signal(() -> { }); // wakes a reader blocked in hasNext(), which then ends the iteration
  }
}

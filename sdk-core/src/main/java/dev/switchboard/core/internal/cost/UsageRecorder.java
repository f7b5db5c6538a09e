package dev.switchboard.core.internal.cost;

import dev.switchboard.core.SwitchboardListener;
import dev.switchboard.core.cost.UsageLedger;
import dev.switchboard.core.cost.UsageRecord;
import dev.switchboard.core.cost.UsageSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes usage records to the ledger and the sinks off the request path.
 *
 * <p>{@link #record} never blocks and never throws: it offers the record to a bounded buffer and
 * returns; when the buffer is full the record is dropped, counted ({@code usageDropped}) and logged
 * at most once a minute. One daemon thread drains the buffer in batches, at most every
 * {@link #BATCH_INTERVAL_MS} ms while records keep coming (a caller never wakes it per record: that
 * cost a thread switch per call), writes each batch to the
 * ledger (retrying with capped backoff while the ledger fails: records wait in the buffer meanwhile,
 * and ledgers are idempotent per record id, so a retry never double-counts), then to every sink.
 * {@link #close()} stops taking records and drains what is buffered.
 */
final class UsageRecorder implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(UsageRecorder.class);
  private static final int MAX_BATCH = 500;
  /**
   * How long the writer waits between batches while records keep coming. Each wake-up costs tens of
   * microseconds of a core the caller's threads may share; budgets see a record before it is written
   * (pending spend), so only usage queries wait for it.
   */
  static final long BATCH_INTERVAL_MS = 50;
  /** How long the writer sleeps when it found nothing; the next record wakes it. */
  private static final long IDLE_WAIT_MS = 1000;
  private static final long MIN_BACKOFF_MS = 50;
  private static final long MAX_BACKOFF_MS = 5_000;
  private static final Duration LEDGER_TIMEOUT = Duration.ofSeconds(30);

  private final UsageLedger ledger;
  private final List<UsageSink> sinks;
  private final SwitchboardListener listener;
  private final PendingSpend pending;
  private final Consumer<List<UsageRecord>> afterWrite;
  private final ArrayBlockingQueue<UsageRecord> queue;
  private final Thread writer;
  // accepted: records handed to record(); done: written or dropped. flush() waits for done >= accepted.
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong done = new AtomicLong();
  private final java.util.TreeMap<Long, List<CompletableFuture<Void>>> waiters = new java.util.TreeMap<>();
  private final AtomicLong lastDropLog = new AtomicLong(Long.MIN_VALUE);
  private final int wakeAt; // records waiting that wake the writer before its interval is over
  private volatile boolean closed;
  private volatile boolean idle; // the writer found nothing and sleeps until a record wakes it

  UsageRecorder(UsageLedger ledger, List<UsageSink> sinks, SwitchboardListener listener, PendingSpend pending,
      int capacity, Consumer<List<UsageRecord>> afterWrite) {
    this.ledger = ledger;
    this.sinks = List.copyOf(sinks);
    this.listener = listener;
    this.pending = pending;
    this.afterWrite = afterWrite;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.wakeAt = Math.max(1, capacity / 2);
    this.writer = new Thread(this::run, "switchboard-usage");
    writer.setDaemon(true);
    writer.start();
  }

  /** Buffers {@code r} for writing; never blocks, never throws. */
  void record(UsageRecord r) {
    try {
      listener.usageRecorded(r);
    } catch (RuntimeException e) {
      log.warn("usageRecorded listener threw; ignored", e);
    }
    accepted.incrementAndGet();
    // counted as pending before the writer can see it: it removes it when it issues the ledger write
    pending.add(r);
    if (closed || !queue.offer(r)) {
      pending.removeAll(List.of(r));
      dropped(1, closed ? "closed" : "buffer_full");
      markDone(1);
      return;
    }
    if (idle || accepted.get() - done.get() >= wakeAt) {
      LockSupport.unpark(writer);
    }
  }

  /** Completes when every record accepted before this call is written (or was dropped). */
  CompletableFuture<Void> flush() {
    long target = accepted.get();
    synchronized (waiters) { // completeWaiters holds the same lock: no wake-up is lost in between
      if (done.get() >= target) {
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> f = new CompletableFuture<>();
      waiters.computeIfAbsent(target, k -> new ArrayList<>()).add(f);
      LockSupport.unpark(writer); // a flush does not wait for the batch interval
      return f;
    }
  }

  /** Stops taking records and writes what is buffered, waiting up to {@code timeout}. */
  void close(Duration timeout) {
    closed = true;
    LockSupport.unpark(writer);
    try {
      flush().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("usage records still buffered after {} ms at close: {} dropped", timeout.toMillis(), queue.size());
    }
    writer.interrupt();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }

  private void run() {
    List<UsageRecord> batch = new ArrayList<>(MAX_BATCH);
    while (true) {
      try {
        queue.drainTo(batch, MAX_BATCH);
        if (batch.isEmpty()) {
          if (closed) {
            return;
          }
          idle = true;
          if (queue.isEmpty()) { // checked after saying so: a record offered in between has unparked us
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(IDLE_WAIT_MS));
          }
          idle = false;
          interruptedCheck();
          continue;
        }
        write(batch);
        int written = batch.size();
        batch.clear();
        if (written < MAX_BATCH && !closed && !flushWaiting()) {
          // Records keep coming: collect them for a while instead of waking for each one.
          LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(BATCH_INTERVAL_MS));
          interruptedCheck();
        }
      } catch (InterruptedException e) {
        if (closed) { // close() gave up waiting: what is left is dropped, counted, and no longer pending
          List<UsageRecord> rest = new ArrayList<>(batch);
          queue.drainTo(rest);
          synchronized (pending.lock()) {
            pending.removeAll(rest);
          }
          if (!rest.isEmpty()) {
            dropped(rest.size(), "closed");
            markDone(rest.size());
          }
          return;
        }
      } catch (RuntimeException | Error e) { // the writer must outlive any bug in a ledger, sink or listener
        log.error("usage writer failed on a batch of {} records; dropped", batch.size(), e);
        dropped(batch.size(), "writer_error");
        markDone(batch.size());
        batch.clear();
      }
    }
  }

  private static void interruptedCheck() throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
  }

  private boolean flushWaiting() {
    synchronized (waiters) {
      return !waiters.isEmpty();
    }
  }

  private void write(List<UsageRecord> batch) throws InterruptedException {
    long backoff = MIN_BACKOFF_MS;
    while (true) {
      CompletableFuture<Void> written;
      synchronized (pending.lock()) { // see PendingSpend: the batch moves from pending to the ledger atomically
        try {
          written = ledger.record(List.copyOf(batch));
        } catch (RuntimeException e) {
          written = CompletableFuture.failedFuture(e);
        }
        pending.removeAll(batch);
      }
      try {
        written.get(LEDGER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        break;
      } catch (InterruptedException e) {
        if (!closed) {
          throw e;
        }
        // closing: one more try was interrupted; the batch is lost for the ledger but still goes to the sinks
        log.warn("usage ledger write interrupted at close; {} records not written to the ledger", batch.size());
        dropped(batch.size(), "ledger_unavailable");
        break;
      } catch (Exception e) {
        synchronized (pending.lock()) {
          pending.addAll(batch); // not in the ledger (or not known to be): budgets count it here again
        }
        if (closed && backoff >= MAX_BACKOFF_MS) {
          log.warn("usage ledger still failing at close; {} records not written to it", batch.size(), e);
          dropped(batch.size(), "ledger_unavailable");
          synchronized (pending.lock()) {
            pending.removeAll(batch);
          }
          break;
        }
        log.warn("usage ledger write failed; retrying {} records in {} ms", batch.size(), backoff, e);
        Thread.sleep(backoff); // this thread only writes usage: waiting here is the backoff
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
      }
    }
    try {
      afterWrite.accept(batch);
    } catch (RuntimeException e) {
      log.warn("budget alert evaluation failed; ignored", e);
    }
    for (UsageSink sink : sinks) {
      try {
        sink.write(batch);
        sink.flush();
      } catch (RuntimeException e) {
        log.warn("usage sink {} failed; {} records not exported to it", sink, batch.size(), e);
        dropped(batch.size(), "sink_error");
      }
    }
    markDone(batch.size());
  }

  private void markDone(int n) {
    done.addAndGet(n);
    completeWaiters();
  }

  private void completeWaiters() {
    List<CompletableFuture<Void>> ready = new ArrayList<>();
    synchronized (waiters) {
      long d = done.get();
      for (Iterator<Map.Entry<Long, List<CompletableFuture<Void>>>> it = waiters.headMap(d, true).entrySet().iterator();
          it.hasNext(); ) {
        ready.addAll(it.next().getValue());
        it.remove();
      }
    }
    ready.forEach(f -> f.complete(null)); // outside the lock: callers' continuations may run here
  }

  private void dropped(int count, String reason) {
    try {
      listener.usageDropped(count, reason);
    } catch (RuntimeException e) {
      log.warn("usageDropped listener threw; ignored", e);
    }
    long now = System.nanoTime();
    long last = lastDropLog.get();
    // one line a minute at most: a full buffer under load would otherwise flood the log
    if ((last == Long.MIN_VALUE || now - last > TimeUnit.MINUTES.toNanos(1)) && lastDropLog.compareAndSet(last, now)) {
      log.warn("dropped {} usage record(s): {} (further drops this minute are only counted)", count, reason);
    }
  }
}

package dev.switchboard.core.internal.cache;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs a recurring failure at most once per interval, saying how many were not logged since: a
 * store that is down must not flood the log with one line per request. Thread-safe.
 */
public final class ThrottledLog {

  private final Logger log;
  private final long intervalNanos;
  private final LongSupplier ticker;
  private final AtomicLong nextNanos;
  private final AtomicLong suppressed = new AtomicLong();

  public ThrottledLog(Logger log, java.time.Duration interval, LongSupplier ticker) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
    this.ticker = ticker;
    this.nextNanos = new AtomicLong(ticker.getAsLong());
  }

  /** Logs {@code message} and {@code error} at WARN unless a line was logged less than an interval ago. */
  public void warn(String message, Throwable error) {
    long now = ticker.getAsLong();
    long next = nextNanos.get();
    if (now - next >= 0 && nextNanos.compareAndSet(next, now + intervalNanos)) {
      long skipped = suppressed.getAndSet(0);
      String suffix = skipped == 0 ? "" : " (" + skipped + " similar failures not logged since the last one)";
      log.warn(message + ": " + error + suffix, error);
    } else {
      suppressed.incrementAndGet();
    }
  }
}

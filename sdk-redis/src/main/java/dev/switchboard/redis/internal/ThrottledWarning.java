package dev.switchboard.redis.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs a recurring failure at most once per interval, with the count of those not logged: Redis
 * being down must not write one line per request. Thread-safe.
 */
public final class ThrottledWarning {

  private final Logger log;
  private final long intervalNanos;
  private final AtomicLong next = new AtomicLong(System.nanoTime());
  private final AtomicLong suppressed = new AtomicLong();

  public ThrottledWarning(Logger log, Duration interval) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
  }

  public void warn(String message, Throwable error) {
    long now = System.nanoTime();
    long due = next.get();
    if (now - due >= 0 && next.compareAndSet(due, now + intervalNanos)) {
      long skipped = suppressed.getAndSet(0);
      log.warn("{}: {}{}", message, error, skipped == 0 ? "" : " (" + skipped + " more since the last warning)");
    } else {
      suppressed.incrementAndGet();
    }
  }

  /** How many failures were not logged since the last warning. */
  public long suppressed() {
    return suppressed.get();
  }
}

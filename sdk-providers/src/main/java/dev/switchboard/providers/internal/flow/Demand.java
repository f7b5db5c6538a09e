package dev.switchboard.providers.internal.flow;

import java.util.concurrent.atomic.AtomicLong;

/** Reactive Streams demand arithmetic: additions cap at {@link Long#MAX_VALUE}, which means unbounded. */
public final class Demand {

  private Demand() {}

  /** Adds {@code n > 0} to {@code demand}, capping at {@link Long#MAX_VALUE}; returns the previous value. */
  public static long add(AtomicLong demand, long n) {
    for (;;) {
      long current = demand.get();
      if (current == Long.MAX_VALUE) {
        return current;
      }
      long next = current + n;
      if (next < 0) {
        next = Long.MAX_VALUE;
      }
      if (demand.compareAndSet(current, next)) {
        return current;
      }
    }
  }

  /** Takes {@code n} delivered items off {@code demand}, unless it is unbounded; returns the new value. */
  public static long produced(AtomicLong demand, long n) {
    for (;;) {
      long current = demand.get();
      if (current == Long.MAX_VALUE) {
        return current;
      }
      long next = current - n;
      if (next < 0) {
        throw new IllegalStateException("more produced than requested: " + n + " > " + current);
      }
      if (demand.compareAndSet(current, next)) {
        return next;
      }
    }
  }

  /** The message Reactive Streams rule 3.9 asks for when {@code request(n)} gets {@code n <= 0}. */
  public static IllegalArgumentException nonPositiveRequest(long n) {
    return new IllegalArgumentException("Reactive Streams rule 3.9: request(n) needs n > 0 but was " + n);
  }
}

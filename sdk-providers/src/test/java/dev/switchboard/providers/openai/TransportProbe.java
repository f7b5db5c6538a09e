package dev.switchboard.providers.openai;

import static org.assertj.core.api.Assertions.fail;

import dev.switchboard.providers.http.OkHttpTransport;
import java.lang.reflect.Method;
import java.time.Duration;

/**
 * Leak checks on an {@link OkHttpTransport} through its package-private test accessors
 * ({@code openCallsCount}, {@code runningCallsCount}), reached by reflection from other packages.
 */
public final class TransportProbe {

  /** How long a released call may take to be unregistered (releases run on transport threads). */
  public static final Duration GUARD = Duration.ofSeconds(5);

  private TransportProbe() {}

  /** Calls whose connection is not yet released (including unread bodies). */
  public static int openCalls(OkHttpTransport transport) {
    return invoke(transport, "openCallsCount");
  }

  /** Calls OkHttp's dispatcher still runs or queues. */
  public static int runningCalls(OkHttpTransport transport) {
    return invoke(transport, "runningCallsCount");
  }

  /** Waits (as a failure guard only) until no call is open or running, else fails naming the counts. */
  public static void assertNoOpenCalls(OkHttpTransport transport) {
    long deadline = System.nanoTime() + GUARD.toNanos();
    while (openCalls(transport) != 0 || runningCalls(transport) != 0) {
      if (System.nanoTime() > deadline) {
        fail("OkHttp calls left behind: open=" + openCalls(transport) + ", running=" + runningCalls(transport));
      }
      try {
        Thread.sleep(5); // polling a condition with a deadline, not waiting for time to pass
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted");
      }
    }
  }

  private static int invoke(OkHttpTransport transport, String name) {
    try {
      Method m = OkHttpTransport.class.getDeclaredMethod(name);
      m.setAccessible(true);
      return (int) m.invoke(transport);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("OkHttpTransport has no accessor " + name + "()", e);
    }
  }
}

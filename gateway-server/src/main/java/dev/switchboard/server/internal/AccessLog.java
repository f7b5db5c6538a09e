package dev.switchboard.server.internal;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.switchboard.core.SwitchboardListener;
import dev.switchboard.core.cost.UsageRecord;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per API request, to the logger {@value #LOGGER_NAME} or to a sink of its own (the
 * runnable jar writes to standard output, see {@link #standardOutput}): request id, method, path,
 * status, latency, the key's display prefix and id, user, team, model, provider, deployment, cache,
 * tokens in and out, cost. Never a prompt, an answer or a key.
 *
 * <p>The SDK's half of a line (route, tokens, cost) arrives through {@link #usageRecorded}, which the
 * engine calls before the caller's future completes (and before a stream's last signal), so it is
 * there when the response ends; the gateway's half (status, key, latency) is filled in by the
 * handlers. Requests are matched by request id; a client that sends the id of a request still in
 * flight gets a line without the SDK's half.
 *
 * <p>Off the hot path: the event loop only fills in a small object and adds it to a lock-free queue;
 * formatting and writing happen on a daemon thread of their own, which wakes every
 * {@value #FLUSH_INTERVAL_MILLIS} ms while lines keep coming and writes what has come (waking it for
 * every line would cost a thread switch per request). When it finds nothing it sleeps until the next
 * line wakes it, so an idle gateway does not wake for nothing. When {@value #CAPACITY} lines are
 * waiting, more are dropped and counted rather than slowing requests down. Thread-safe.
 */
public final class AccessLog extends SwitchboardListener implements AutoCloseable {

  /** The logger lines are written to. */
  public static final String LOGGER_NAME = "switchboard.access";
  static final int CAPACITY = 8192;
  // Each wake-up of the writer costs tens of microseconds of a core shared with the event loop; at 10 ms
  // it was a fifth of the gateway's CPU at 200 requests/s. A line may wait this long to be written.
  static final long FLUSH_INTERVAL_MILLIS = 50;

  private static final Logger log = LoggerFactory.getLogger(AccessLog.class);
  private static final JsonStringEncoder ESCAPER = JsonStringEncoder.getInstance();

  private final Consumer<String> sink;
  private final LineWriter lines;
  private final Clock clock;
  private final boolean enabled;
  private final Queue<Entry> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private volatile boolean closed;
  private volatile boolean idle; // the writer found nothing and sleeps until a line wakes it
  private final Map<String, Entry> inFlight = new ConcurrentHashMap<>();
  private final AtomicLong dropped = new AtomicLong();
  private final Thread writer;
  // the writer thread's own: lines are formatted into one builder, and each second's text is made once
  private final StringBuilder line = new StringBuilder(1024);
  private final TimeText timeText = new TimeText();

  /**
   * @param sink receives each line; null writes them to the logger {@value #LOGGER_NAME} at INFO
   */
  public AccessLog(Consumer<String> sink, Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    Consumer<String> target;
    if (sink == null) {
      Logger access = LoggerFactory.getLogger(LOGGER_NAME);
      this.enabled = access.isInfoEnabled();
      target = access::info;
    } else {
      this.enabled = true;
      target = sink;
    }
    this.sink = target;
    this.lines = target instanceof StandardOutput ? (StandardOutput) target : line -> target.accept(line.toString());
    this.writer = new Thread(this::drain, "switchboard-access-log");
    writer.setDaemon(true);
    if (enabled) {
      writer.start();
    }
  }

  /**
   * A sink writing lines to standard output through a buffer that the writer flushes after each
   * batch: one system call per batch rather than one per line. What the runnable jar uses.
   */
  public static Consumer<String> standardOutput() {
    return standardOutput(new FileOutputStream(FileDescriptor.out));
  }

  /** {@link #standardOutput()} to another stream. */
  static Consumer<String> standardOutput(OutputStream out) {
    return new StandardOutput(new BufferedOutputStream(out, 1 << 16));
  }

  /** Takes a formatted line; the writer reuses the builder for the next one. */
  private interface LineWriter {
    void write(StringBuilder line);
  }

  private static final class StandardOutput implements Consumer<String>, LineWriter, Flushable {
    private final Writer out; // UTF-8, a lone surrogate as '?' (as String.getBytes does), into the buffer
    private char[] chars = new char[1024]; // the writer thread's: a line is copied here, not into a new String

    StandardOutput(OutputStream out) {
      this.out = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    }

    @Override
    public void accept(String line) {
      try {
        out.write(line);
        out.write('\n');
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void write(StringBuilder line) {
      int n = line.length();
      if (chars.length < n + 1) {
        chars = new char[Math.max(n + 1, 2 * chars.length)];
      }
      line.getChars(0, n, chars, 0);
      chars[n] = '\n';
      try {
        out.write(chars, 0, n + 1);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }
  }

  /** One request's line, filled in as the request goes on. Fields are written on its event loop. */
  static final class Entry {
    final String requestId;
    final String method;
    final String path;
    final long startNanos;
    volatile UsageRecord record;
    String clientIp;
    String keyPrefix;
    String keyId;
    String model;
    Boolean stream;
    int status;
    long latencyMillis;
    Instant time;

    Entry(String requestId, String method, String path, long startNanos) {
      this.requestId = requestId;
      this.method = method;
      this.path = path;
      this.startNanos = startNanos;
    }

    /** The call's usage record, once the SDK made it; else null. */
    UsageRecord record() {
      return record;
    }
  }

  /** Starts the line of a request; its usage record will be attached when the SDK makes it. */
  Entry begin(String requestId, String method, String path, String clientIp) {
    Entry e = new Entry(requestId, method, path, System.nanoTime());
    e.clientIp = clientIp;
    if (enabled) {
      inFlight.putIfAbsent(requestId, e);
    }
    return e;
  }

  /** Ends the line of a request with the status sent, and queues it. Call once, when the response ends. */
  void end(Entry e, int status) {
    inFlight.remove(e.requestId, e);
    if (!enabled) {
      return;
    }
    e.status = status;
    e.latencyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - e.startNanos);
    e.time = clock.instant();
    if (queued.incrementAndGet() <= CAPACITY) {
      queue.add(e);
      if (idle) {
        LockSupport.unpark(writer);
      }
    } else {
      queued.decrementAndGet();
      long n = dropped.incrementAndGet();
      if (Long.bitCount(n) == 1) { // 1, 2, 4, 8, …: a growing problem is still seen, a flood is not
        log.warn("access log queue full: {} lines dropped so far", n);
      }
    }
  }

  @Override
  public void usageRecorded(UsageRecord record) {
    Entry e = inFlight.get(record.requestId());
    if (e != null) {
      e.record = record;
    }
  }

  /** Whether the writer sleeps until a line wakes it. */
  boolean writerIdle() {
    return idle;
  }

  /** Lines dropped because the queue was full. */
  long dropped() {
    return dropped.get();
  }

  /** Writes what is queued (waiting up to five seconds) and stops the writer. */
  @Override
  public void close() {
    if (!enabled || closed) {
      return;
    }
    closed = true;
    LockSupport.unpark(writer);
    try {
      writer.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void drain() {
    while (true) {
      boolean last = closed; // read before draining: a line queued before close() is still written
      boolean wrote = false;
      for (Entry e; (e = queue.poll()) != null; ) {
        queued.decrementAndGet();
        write(e);
        wrote = true;
      }
      if (wrote && sink instanceof Flushable) {
        flush((Flushable) sink);
      }
      if (last) {
        return;
      }
      if (wrote) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(FLUSH_INTERVAL_MILLIS));
      } else {
        idle = true;
        if (queue.isEmpty() && !closed) { // checked after saying so: a line queued (or close) in between has unparked us
          LockSupport.park(this);
        }
        idle = false;
      }
    }
  }

  private static void flush(Flushable sink) {
    try {
      sink.flush();
    } catch (IOException | RuntimeException ex) {
      log.warn("access log not flushed", ex);
    }
  }

  private void write(Entry e) {
    try {
      line.setLength(0);
      lines.write(format(e, line, timeText));
    } catch (RuntimeException ex) { // the writer must outlive a broken sink
      log.warn("access log line not written", ex);
    }
  }

  /** The line of {@code e}: a JSON object on one line. */
  static String format(Entry e) {
    return format(e, new StringBuilder(384), new TimeText()).toString();
  }

  private static StringBuilder format(Entry e, StringBuilder b, TimeText timeText) {
    b.append('{');
    name(b, "time").append('"');
    timeText.append(e.time, b).append('"');
    string(b, "request_id", e.requestId);
    string(b, "method", e.method);
    string(b, "path", e.path);
    number(b, "status", e.status);
    number(b, "latency_ms", e.latencyMillis);
    string(b, "client_ip", e.clientIp);
    string(b, "key", e.keyPrefix);
    string(b, "key_id", e.keyId);
    UsageRecord r = e.record;
    string(b, "model", e.model);
    if (r != null) {
      string(b, "user", r.user());
      string(b, "team", r.team());
      if (r.downgradedFrom() != null) {
        string(b, "served_model", r.modelGroup());
      }
      string(b, "provider", r.provider());
      string(b, "deployment", r.deployment());
      string(b, "upstream_model", r.upstreamModel());
      string(b, "cache", r.cache());
      name(b, "stream").append(r.stream());
      number(b, "tokens_in", r.usage().promptTokens());
      number(b, "tokens_out", r.usage().completionTokens());
      if (r.estimated()) {
        name(b, "tokens_estimated").append(true);
      }
      String cost = costText(r);
      if (cost != null) {
        string(b, "cost_usd", cost);
      } else {
        name(b, "cost_usd").append("null");
      }
      string(b, "error_type", r.errorType());
    } else if (e.stream != null) {
      name(b, "stream").append(e.stream.booleanValue());
    }
    return b.append('}');
  }

  /**
   * An instant as {@link Instant#toString()} writes it, with the date and time of day made once per
   * second: the formatter behind {@code toString} was a fifth of the writer's time.
   */
  static final class TimeText {
    private long second = Long.MIN_VALUE;
    private String secondText; // "2026-01-31T10:00:00", without fraction and zone

    StringBuilder append(Instant t, StringBuilder b) {
      if (t.getEpochSecond() != second) {
        String whole = Instant.ofEpochSecond(t.getEpochSecond()).toString();
        secondText = whole.substring(0, whole.length() - 1);
        second = t.getEpochSecond();
      }
      b.append(secondText);
      int nanos = t.getNano();
      if (nanos != 0) { // as ISO_INSTANT: the fraction in groups of three digits, as many as it needs
        int digits = nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
        int value = digits == 3 ? nanos / 1_000_000 : digits == 6 ? nanos / 1_000 : nanos;
        b.append('.');
        for (int scale = digits == 3 ? 100 : digits == 6 ? 100_000 : 100_000_000; scale > 0; scale /= 10) {
          b.append((char) ('0' + value / scale % 10));
        }
      }
      return b.append('Z');
    }
  }

  private static StringBuilder name(StringBuilder b, String name) {
    if (b.length() > 1) {
      b.append(',');
    }
    return b.append('"').append(name).append("\":");
  }

  private static void string(StringBuilder b, String name, String value) {
    if (value != null) {
      name(b, name).append('"');
      if (needsEscaping(value)) {
        ESCAPER.quoteAsString(value, b);
      } else {
        b.append(value); // nearly every value: ids, names, numbers
      }
      b.append('"');
    }
  }

  private static boolean needsEscaping(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\') { // what JSON requires escaped; the escaper leaves the rest as it is
        return true;
      }
    }
    return false;
  }

  private static void number(StringBuilder b, String name, long value) {
    name(b, name).append(value);
  }

  /** The call's cost in US dollars as a plain decimal ({@code 0.000123}), or null when unknown. */
  static String costText(UsageRecord r) {
    if (r == null || !r.cost().isKnown()) {
      return null;
    }
    java.math.BigDecimal amount = r.cost().money().amount().stripTrailingZeros();
    return amount.signum() == 0 ? "0" : amount.toPlainString();
  }
}

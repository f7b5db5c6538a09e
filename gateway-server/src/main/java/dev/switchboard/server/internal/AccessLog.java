package dev.switchboard.server.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.switchboard.core.SwitchboardListener;
import dev.switchboard.core.cost.UsageRecord;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per API request to the logger {@value #LOGGER_NAME}: request id, method, path,
 * status, latency, the key's display prefix and id, user, team, model, provider, deployment, cache,
 * tokens in and out, cost. Never a prompt, an answer or a key.
 *
 * <p>The SDK's half of a line (route, tokens, cost) arrives through {@link #usageRecorded}, which the
 * engine calls before the caller's future completes (and before a stream's last signal), so it is
 * there when the response ends; the gateway's half (status, key, latency) is filled in by the
 * handlers. Requests are matched by request id; a client that sends the id of a request still in
 * flight gets a line without the SDK's half.
 *
 * <p>Off the hot path: the event loop only fills in a small object and offers it to a bounded queue;
 * formatting and writing happen on a daemon thread of their own. When the queue is full, lines are
 * dropped and counted rather than slowing requests down. Thread-safe.
 */
public final class AccessLog extends SwitchboardListener implements AutoCloseable {

  /** The logger lines are written to. */
  public static final String LOGGER_NAME = "switchboard.access";
  static final int CAPACITY = 8192;

  private static final Logger log = LoggerFactory.getLogger(AccessLog.class);
  private static final JsonFactory JSON = JsonFactory.builder().build();
  private static final Entry POISON = new Entry(null, null, null, 0);

  private final Consumer<String> sink;
  private final Clock clock;
  private final boolean enabled;
  private final BlockingQueue<Entry> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final Map<String, Entry> inFlight = new ConcurrentHashMap<>();
  private final AtomicLong dropped = new AtomicLong();
  private final Thread writer;

  /**
   * @param sink receives each line; null writes them to the logger {@value #LOGGER_NAME} at INFO
   */
  public AccessLog(Consumer<String> sink, Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (sink == null) {
      Logger access = LoggerFactory.getLogger(LOGGER_NAME);
      this.enabled = access.isInfoEnabled();
      this.sink = access::info;
    } else {
      this.enabled = true;
      this.sink = sink;
    }
    this.writer = new Thread(this::drain, "switchboard-access-log");
    writer.setDaemon(true);
    if (enabled) {
      writer.start();
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
    if (!queue.offer(e)) {
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

  /** Lines dropped because the queue was full. */
  long dropped() {
    return dropped.get();
  }

  /** Writes what is queued (waiting up to five seconds) and stops the writer. */
  @Override
  public void close() {
    if (!enabled) {
      return;
    }
    try {
      queue.put(POISON);
      writer.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void drain() {
    while (true) {
      Entry e;
      try {
        e = queue.take();
      } catch (InterruptedException ex) {
        return;
      }
      if (e == POISON) {
        return;
      }
      try {
        sink.accept(format(e));
      } catch (RuntimeException ex) { // the writer must outlive a broken sink
        log.warn("access log line not written", ex);
      }
    }
  }

  static String format(Entry e) {
    StringWriter out = new StringWriter(384);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("time", e.time.toString());
      g.writeStringField("request_id", e.requestId);
      g.writeStringField("method", e.method);
      g.writeStringField("path", e.path);
      g.writeNumberField("status", e.status);
      g.writeNumberField("latency_ms", e.latencyMillis);
      field(g, "client_ip", e.clientIp);
      field(g, "key", e.keyPrefix);
      field(g, "key_id", e.keyId);
      UsageRecord r = e.record;
      field(g, "model", e.model);
      if (r != null) {
        field(g, "user", r.user());
        field(g, "team", r.team());
        if (r.downgradedFrom() != null) {
          field(g, "served_model", r.modelGroup());
        }
        field(g, "provider", r.provider());
        field(g, "deployment", r.deployment());
        field(g, "upstream_model", r.upstreamModel());
        field(g, "cache", r.cache());
        g.writeBooleanField("stream", r.stream());
        g.writeNumberField("tokens_in", r.usage().promptTokens());
        g.writeNumberField("tokens_out", r.usage().completionTokens());
        if (r.estimated()) {
          g.writeBooleanField("tokens_estimated", true);
        }
        if (r.cost().isKnown()) {
          g.writeStringField("cost_usd", costText(r));
        } else {
          g.writeNullField("cost_usd");
        }
        field(g, "error_type", r.errorType());
      } else if (e.stream != null) {
        g.writeBooleanField("stream", e.stream);
      }
      g.writeEndObject();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return out.toString();
  }

  /** The call's cost in US dollars as a plain decimal ({@code 0.000123}), or null when unknown. */
  static String costText(UsageRecord r) {
    if (r == null || !r.cost().isKnown()) {
      return null;
    }
    java.math.BigDecimal amount = r.cost().money().amount().stripTrailingZeros();
    return amount.signum() == 0 ? "0" : amount.toPlainString();
  }

  private static void field(JsonGenerator g, String name, String value) throws IOException {
    if (value != null) {
      g.writeStringField(name, value);
    }
  }
}

package dev.switchboard.benchmarks.load;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * The load benchmark's client for what {@code wrk} cannot measure: an open-loop run at a fixed rate
 * that measures each request from the time it was meant to be sent (so a slow server is charged for
 * the requests that queue behind a slow one: no coordinated omission), and many concurrent streams.
 *
 * <pre>
 * # 200 requests/s for 20 s after 5 s of warm-up, percentiles of latency (and, for streams, of the time to
 * # the first byte and of the gaps between reads)
 * java -cp benchmarks.jar dev.switchboard.benchmarks.load.LoadClient open --url http://127.0.0.1:8080/v1/chat/completions \
 *     --body chat.json --rate 200 --duration-s 20 --warmup-s 5 [--stream] [--header 'Authorization: Bearer …']
 * # 5,000 streams at once (started over 2 s after 1 s of warm-up requests), each until [DONE] or the timeout
 * java -cp benchmarks.jar dev.switchboard.benchmarks.load.LoadClient streams --url … --body chat-stream.json \
 *     --concurrency 5000 --ramp-s 2 --warmup-s 1 --timeout-s 60
 * </pre>
 *
 * <p>Percentiles are exact (nearest rank over every sample, kept in arrays: a run has at most a few
 * hundred thousand). The last line is {@code RESULT key=value …} for scripts. Targets must be on the
 * loopback interface. Every run is bounded: it sends a fixed number of requests and waits at most
 * {@code --timeout-s} for the last ones.
 *
 * <p>Sending: one thread waits for each request's intended time and hands the request to a single
 * Vert.x event loop, on which every response is read. Time is {@link System#nanoTime()}.
 */
public final class LoadClient {

  private static final String PROGRAM = "load-client";
  private static final Set<String> VALUED = Set.of("url", "body", "header", "label", "rate", "duration-s", "warmup-s",
      "max-connections", "timeout-s", "concurrency", "ramp-s");
  private static final Set<String> SWITCHES = Set.of("stream");
  // Open loop: wake this much early, then spin, so that sends leave within a few µs of their time. The
  // client shares its core with the mock, so it spins only when requests are at least 1 ms apart.
  private static final long SPIN_NANOS = 50_000;
  private static final long SPIN_MIN_PERIOD_NANOS = 1_000_000;

  private LoadClient() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || !(args[0].equals("open") || args[0].equals("streams"))) {
      System.err.println(PROGRAM + ": usage: LoadClient open|streams --url URL --body FILE [flags]; see the Javadoc");
      System.exit(2);
    }
    Run run;
    try {
      Flags flags = Flags.parse(PROGRAM, Arrays.copyOfRange(args, 1, args.length), VALUED, SWITCHES);
      run = new Run(args[0], flags);
    } catch (IllegalArgumentException | IOException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1)
        .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
    try {
      String result = run.mode.equals("open") ? run.open(vertx) : run.streams(vertx);
      System.out.println(result);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** One run's settings and samples. Samples are written on the event loop and read after the latch. */
  static final class Run {
    final String mode;
    final URI url;
    final Buffer body;
    final Map<String, String> headers = new LinkedHashMap<>();
    final String label;
    final boolean stream;
    final double rate;
    final double durationS;
    final double warmupS;
    final int maxConnections;
    final long timeoutNanos;
    final int concurrency;
    final double rampS;

    Run(String mode, Flags flags) throws IOException {
      this.mode = mode;
      this.url = Flags.requireLoopbackUrl(PROGRAM, flags.string("url", "http://127.0.0.1:8080/v1/chat/completions"));
      String bodyFile = flags.string("body", null);
      if (bodyFile == null) {
        throw new IllegalArgumentException(PROGRAM + ": --body FILE is required (the JSON request body)");
      }
      this.body = Buffer.buffer(Files.readAllBytes(Path.of(bodyFile)));
      for (String h : flags.all("header")) {
        int colon = h.indexOf(':');
        if (colon <= 0) {
          throw new IllegalArgumentException(PROGRAM + ": --header must be 'Name: value' but was '" + h + "'");
        }
        headers.put(h.substring(0, colon).strip(), h.substring(colon + 1).strip());
      }
      this.label = flags.string("label", mode);
      this.stream = mode.equals("streams") || flags.on("stream");
      this.rate = flags.decimal("rate", 200, 0.1, 1_000_000);
      this.durationS = flags.decimal("duration-s", 20, 0.1, 3600);
      this.warmupS = flags.decimal("warmup-s", 5, 0, 3600);
      this.maxConnections = (int) flags.number("max-connections", mode.equals("streams") ? 20_000 : 512, 1, 100_000);
      this.timeoutNanos = TimeUnit.SECONDS.toNanos(flags.number("timeout-s", 30, 1, 3600));
      this.concurrency = (int) flags.number("concurrency", 1000, 1, 100_000);
      this.rampS = flags.decimal("ramp-s", 2, 0, 600);
    }

    HttpClientAgent client(Vertx vertx) {
      return vertx.createHttpClient(new HttpClientOptions().setTcpNoDelay(true).setKeepAlive(true)
              .setDecompressionSupported(false),
          new PoolOptions().setHttp1MaxSize(maxConnections));
    }

    RequestOptions request() {
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(url.getHost())
          .setPort(url.getPort()).setURI(url.getRawPath()).putHeader("Content-Type", "application/json");
      headers.forEach(options::putHeader);
      return options;
    }

    /** Fixed-rate sends; latency from each intended send time. */
    String open(Vertx vertx) throws InterruptedException, TimeoutException {
      int warmup = (int) Math.round(warmupS * rate);
      int measured = (int) Math.max(1, Math.round(durationS * rate));
      int total = warmup + measured;
      long period = Math.round(1e9 / rate);
      Samples samples = new Samples(total, warmup, stream);
      HttpClientAgent client = client(vertx);
      RequestOptions options = request();
      CountDownLatch done = new CountDownLatch(total);
      long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
      long maxLag = 0;
      boolean spin = period >= SPIN_MIN_PERIOD_NANOS;
      for (int i = 0; i < total; i++) {
        long intended = start + i * period;
        waitUntil(intended, spin);
        maxLag = Math.max(maxLag, System.nanoTime() - intended);
        send(client, options, i, intended, samples, done);
      }
      long sendEnd = System.nanoTime();
      boolean finished = done.await(timeoutNanos, TimeUnit.NANOSECONDS);
      client.close().await(10, TimeUnit.SECONDS);
      double elapsedS = (sendEnd - start) / 1e9;
      return samples.report(label, "open", total, finished, elapsedS, String.format(Locale.ROOT,
          "rate=%s duration_s=%s warmup_s=%s send_lag_max_ms=%.3f", trim(rate), trim(durationS), trim(warmupS),
          maxLag / 1e6));
    }

    /** {@code concurrency} streams started evenly over the ramp, each followed to its end. */
    String streams(Vertx vertx) throws InterruptedException, TimeoutException {
      HttpClientAgent client = client(vertx);
      RequestOptions options = request();
      warmUp(client, options);
      Samples samples = new Samples(concurrency, 0, true);
      CountDownLatch done = new CountDownLatch(concurrency);
      long period = concurrency == 1 ? 0 : Math.round(rampS * 1e9 / concurrency);
      long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
      for (int i = 0; i < concurrency; i++) {
        long intended = start + i * period;
        waitUntil(intended, period >= SPIN_MIN_PERIOD_NANOS);
        send(client, options, i, intended, samples, done);
      }
      boolean finished = done.await(timeoutNanos, TimeUnit.NANOSECONDS);
      double elapsedS = (System.nanoTime() - start) / 1e9;
      client.close().await(10, TimeUnit.SECONDS);
      return samples.report(label, "streams", concurrency, finished, elapsedS, String.format(Locale.ROOT,
          "concurrency=%d ramp_s=%s timeout_s=%d peak_open=%d", concurrency, trim(rampS),
          TimeUnit.NANOSECONDS.toSeconds(timeoutNanos), samples.peakOpen));
    }

    /**
     * Before the streams: --warmup-s of requests at 50/s, waited for and not reported, so that the
     * first measured streams do not wait for a cold client (class loading, JIT) to make its first call.
     */
    private void warmUp(HttpClientAgent client, RequestOptions options) throws InterruptedException {
      int n = (int) Math.round(warmupS * 50);
      if (n == 0) {
        return;
      }
      Samples ignored = new Samples(n, n, true);
      CountDownLatch done = new CountDownLatch(n);
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        long intended = start + i * 20_000_000L;
        waitUntil(intended, false);
        send(client, options, i, intended, ignored, done);
      }
      done.await(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void send(HttpClientAgent client, RequestOptions options, int i, long intended, Samples samples,
        CountDownLatch done) {
      client.request(options).compose(req -> req.send(body)).onComplete(ar -> {
        if (ar.failed()) {
          samples.fail(i, "io", done);
          return;
        }
        HttpClientResponse response = ar.result();
        if (response.statusCode() != 200) {
          samples.fail(i, "status_" + response.statusCode(), done);
          response.body(); // read and drop, so that the connection is reused
          return;
        }
        if (!stream) {
          response.body().onComplete(b -> {
            if (b.failed()) {
              samples.fail(i, "io", done);
            } else {
              samples.ok(i, System.nanoTime() - intended, done);
            }
          });
          return;
        }
        samples.opened();
        StreamReader reader = new StreamReader(i, intended, samples);
        response.handler(reader::read);
        response.exceptionHandler(e -> reader.end(false, done));
        response.endHandler(v -> reader.end(true, done));
      });
    }
  }

  /** Follows one streamed response: first byte, gaps between reads, events, and whether it ended with [DONE]. */
  static final class StreamReader {
    private static final byte[] DONE = "[DONE]".getBytes();
    final int index;
    final long intended;
    final Samples samples;
    long lastRead;
    boolean prevNewline;
    int doneMatched; // bytes of "[DONE]" matched so far across reads
    boolean sawDone;
    boolean ended;

    StreamReader(int index, long intended, Samples samples) {
      this.index = index;
      this.intended = intended;
      this.samples = samples;
    }

    void read(Buffer buffer) {
      long now = System.nanoTime();
      if (lastRead == 0) {
        samples.ttfb(index, now - intended);
      } else {
        samples.gap(index, now - lastRead);
      }
      lastRead = now;
      int events = 0;
      for (int i = 0, n = buffer.length(); i < n; i++) {
        byte b = buffer.getByte(i);
        if (b == '\n') {
          if (prevNewline) {
            events++;
          }
          prevNewline = true;
        } else {
          prevNewline = false;
        }
        if (!sawDone) {
          doneMatched = b == DONE[doneMatched] ? doneMatched + 1 : (b == DONE[0] ? 1 : 0);
          sawDone = doneMatched == DONE.length;
        }
      }
      samples.reads(index, 1, events);
    }

    void end(boolean clean, CountDownLatch done) {
      if (ended) {
        return;
      }
      ended = true;
      samples.closed();
      if (!clean) {
        samples.fail(index, "reset", done);
      } else if (!sawDone) {
        samples.fail(index, "incomplete", done);
      } else {
        samples.ok(index, System.nanoTime() - intended, done);
      }
    }
  }

  /** Per-request outcomes and samples; written only on the client's one event loop. */
  static final class Samples {
    final long[] latency;
    final long[] ttfb;
    final boolean[] counted;
    final int[] reads;
    final int[] events;
    final String[] failure;
    final LongList gaps = new LongList();
    final int warmup; // requests below this index are warm-up: sent and answered, not reported
    int open;
    int peakOpen;

    Samples(int n, int warmup, boolean stream) {
      this.warmup = warmup;
      latency = new long[n];
      failure = new String[n];
      Arrays.fill(latency, -1);
      counted = new boolean[n];
      ttfb = stream ? new long[n] : null;
      if (ttfb != null) {
        Arrays.fill(ttfb, -1);
      }
      reads = stream ? new int[n] : null;
      events = stream ? new int[n] : null;
    }

    void ok(int i, long nanos, CountDownLatch done) {
      if (!counted[i]) {
        counted[i] = true;
        latency[i] = nanos;
        done.countDown();
      }
    }

    void fail(int i, String kind, CountDownLatch done) {
      if (!counted[i]) {
        counted[i] = true;
        failure[i] = kind;
        done.countDown();
      }
    }

    void ttfb(int i, long nanos) {
      ttfb[i] = nanos;
    }

    void gap(int i, long nanos) {
      if (i >= warmup) {
        gaps.add(nanos);
      }
    }

    void reads(int i, int r, int e) {
      reads[i] += r;
      events[i] += e;
    }

    void opened() {
      open++;
      peakOpen = Math.max(peakOpen, open);
    }

    void closed() {
      open--;
    }

    String report(String label, String mode, int total, boolean finished, double elapsedS, String extra) {
      int measured = total - warmup;
      long[] ok = new long[measured];
      long[] first = new long[measured];
      int n = 0;
      int nf = 0;
      long sumReads = 0;
      long sumEvents = 0;
      Map<String, Integer> measuredErrors = new LinkedHashMap<>();
      int warmupErrors = 0;
      for (int i = 0; i < warmup; i++) {
        if (!counted[i] || failure[i] != null) {
          warmupErrors++;
        }
      }
      for (int i = warmup; i < total; i++) {
        if (!counted[i]) {
          measuredErrors.merge("timeout", 1, Integer::sum);
        } else if (failure[i] != null) {
          measuredErrors.merge(failure[i], 1, Integer::sum);
        } else {
          ok[n++] = latency[i];
          if (ttfb != null && ttfb[i] >= 0) {
            first[nf++] = ttfb[i];
            sumReads += reads[i];
            sumEvents += events[i];
          }
        }
      }
      StringBuilder out = new StringBuilder();
      out.append(String.format(Locale.ROOT, "RESULT label=%s mode=%s sent=%d ok=%d errors=%d warmup_errors=%d "
          + "achieved_rps=%.1f %s", label, mode, measured, n, measured - n, warmupErrors, total / Math.max(elapsedS,
          1e-9), extra));
      if (!finished) {
        out.append(" unfinished=true");
      }
      if (!measuredErrors.isEmpty()) {
        StringBuilder kinds = new StringBuilder();
        measuredErrors.forEach((k, v) -> kinds.append(kinds.length() == 0 ? "" : ",").append(k).append(':').append(v));
        out.append(" error_kinds=").append(kinds);
      }
      percentiles(out, "lat", Arrays.copyOf(ok, n));
      if (ttfb != null) {
        percentiles(out, "ttfb", Arrays.copyOf(first, nf));
        percentiles(out, "gap", gaps.toArray());
        out.append(String.format(Locale.ROOT, " events_per_read=%.2f", sumReads == 0 ? 0.0 : (double) sumEvents
            / sumReads));
      }
      return out.toString();
    }

    private static void percentiles(StringBuilder out, String name, long[] values) {
      Arrays.sort(values);
      for (double[] p : new double[][] {{50, 0}, {90, 0}, {99, 0}, {99.9, 0}}) {
        String key = p[0] == 99.9 ? "p999" : "p" + (int) p[0];
        out.append(String.format(Locale.ROOT, " %s_%s_ms=%.3f", name, key, percentile(values, p[0]) / 1e6));
      }
      out.append(String.format(Locale.ROOT, " %s_max_ms=%.3f", name, values.length == 0 ? Double.NaN
          : values[values.length - 1] / 1e6));
    }

    /** Nearest rank; NaN when there are no values. */
    static double percentile(long[] sorted, double p) {
      if (sorted.length == 0) {
        return Double.NaN;
      }
      int rank = (int) Math.ceil(p / 100.0 * sorted.length);
      return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
    }
  }

  /** A growable list of longs. */
  static final class LongList {
    private long[] values = new long[1024];
    private int size;

    void add(long v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    long[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }

  private static void waitUntil(long deadline, boolean spin) {
    long early = spin ? SPIN_NANOS : 0;
    long remaining;
    while ((remaining = deadline - System.nanoTime()) > early) {
      LockSupport.parkNanos(remaining - early);
    }
    while (spin && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}

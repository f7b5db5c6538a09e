package dev.switchboard.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The writer thread: lines in order, none lost on close, a bounded backlog that drops and counts. */
class AccessLogTest {

  @Test
  void close_writesEveryLineEndedBeforeIt_inOrder() {
    List<String> lines = new CopyOnWriteArrayList<>();
    AccessLog log = new AccessLog(lines::add, Clock.systemUTC());

    for (int i = 0; i < 3; i++) {
      log.end(log.begin("req-" + i, "POST", "/v1/chat/completions", "127.0.0.1"), 200);
    }
    log.close();

    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).contains("\"request_id\":\"req-0\"").contains("\"status\":200");
    assertThat(lines.get(2)).contains("\"request_id\":\"req-2\"");
  }

  @Test
  void lineEndedWhileTheWriterSleepsIdle_wakesIt() throws Exception {
    CountDownLatch written = new CountDownLatch(1);
    AccessLog log = new AccessLog(line -> written.countDown(), Clock.systemUTC());
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!log.writerIdle() && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      assertThat(log.writerIdle()).as("the writer, with nothing to write, sleeps until woken").isTrue();

      log.end(log.begin("req-idle", "GET", "/v1/models", null), 200);

      assertThat(written.await(10, TimeUnit.SECONDS)).as("the line woke the idle writer").isTrue();
    } finally {
      log.close();
    }
  }

  @Test
  void aFlushableSink_isFlushedAfterEachBatch_notAfterEachLine() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    CountDownLatch flushed = new CountDownLatch(1);
    class Sink implements java.util.function.Consumer<String>, java.io.Flushable {
      @Override
      public void accept(String line) {
        events.add("line");
      }

      @Override
      public void flush() {
        events.add("flush");
        flushed.countDown();
      }
    }
    AccessLog log = new AccessLog(new Sink(), Clock.systemUTC());

    for (int i = 0; i < 50; i++) {
      log.end(log.begin("req-" + i, "POST", "/v1/chat/completions", null), 200);
    }
    assertThat(flushed.await(10, TimeUnit.SECONDS)).isTrue();
    log.close();

    assertThat(events).filteredOn("line"::equals).hasSize(50);
    assertThat(events.get(events.size() - 1)).isEqualTo("flush");
    assertThat(events).filteredOn("flush"::equals).hasSizeLessThan(50);
  }

  @Test
  void format_escapesWhatCouldBreakTheLine() {
    AccessLog log = new AccessLog(line -> { }, Clock.systemUTC());
    AccessLog.Entry e = log.begin("id-\"quoted\"\n", "GET", "/v1/models/a\\b", "127.0.0.1");
    e.status = 404;
    e.time = java.time.Instant.parse("2026-01-31T10:00:00Z");
    log.close();

    assertThat(AccessLog.format(e)).isEqualTo("{\"time\":\"2026-01-31T10:00:00Z\",\"request_id\":\"id-\\\"quoted\\\"\\n\","
        + "\"method\":\"GET\",\"path\":\"/v1/models/a\\\\b\",\"status\":404,\"latency_ms\":0,"
        + "\"client_ip\":\"127.0.0.1\"}");
  }

  @Test
  void end_whileTheSinkIsStuck_dropsWhatExceedsTheBacklogAndCountsIt() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> lines = new CopyOnWriteArrayList<>();
    AccessLog log = new AccessLog(line -> {
      entered.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      lines.add(line);
    }, Clock.systemUTC());

    log.end(log.begin("first", "POST", "/v1/chat/completions", null), 200);
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue(); // the writer holds "first", the queue is empty
    for (int i = 0; i < AccessLog.CAPACITY + 5; i++) {
      log.end(log.begin("req-" + i, "POST", "/v1/chat/completions", null), 200);
    }
    release.countDown();
    log.close();

    assertThat(log.dropped()).isEqualTo(5);
    assertThat(lines).hasSize(1 + AccessLog.CAPACITY);
  }

  @Test
  void timeText_writesWhatInstantToStringWrites_atEveryPrecision() {
    AccessLog.TimeText text = new AccessLog.TimeText();
    java.time.Instant base = java.time.Instant.parse("2026-01-31T10:00:00Z");
    for (long nanos : new long[] {0, 1, 7_000, 120_000_000, 123_000_000, 123_400_000, 123_456_000, 123_456_789,
        999_999_999, 1_000_000_000, 1_000_000_050, 61_000_001_000L, 86_400_000_000_000L}) {
      java.time.Instant t = base.plusNanos(nanos);
      assertThat(text.append(t, new StringBuilder()).toString()).as("%s", t).isEqualTo(t.toString());
    }
    java.time.Instant earlier = base.minusSeconds(3600).plusMillis(5); // the cached second moves back too
    assertThat(text.append(earlier, new StringBuilder()).toString()).isEqualTo(earlier.toString());
  }

  @Test
  void standardOutput_writesUtf8Lines_asStringGetBytesDoes() throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.util.function.Consumer<String> sink = AccessLog.standardOutput(out);
    // ASCII; two-, three- and four-byte UTF-8 and a lone surrogate; longer than the sink's buffer
    List<String> lines = List.of("{\"user\":\"ana\"}", "{\"user\":\"Zoë ✓ \uD83D\uDE80 \uD800!\"}", "x".repeat(5000));
    java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
    for (String line : lines) {
      sink.accept(line);
      expected.write((line + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    ((java.io.Flushable) sink).flush();

    assertThat(out.toByteArray()).isEqualTo(expected.toByteArray());
  }
}

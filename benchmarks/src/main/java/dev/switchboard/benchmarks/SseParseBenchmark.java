package dev.switchboard.benchmarks;

import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.wire.OpenAiJson;
import dev.switchboard.providers.internal.sse.SseDecoder;
import dev.switchboard.providers.internal.sse.SseEvent;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Reading a streamed OpenAI answer: the providers' {@link SseDecoder} over the bytes of a realistic
 * stream ({@link OpenAiSamples#stream}: role, 100 content deltas, finish, usage, {@code [DONE]};
 * 104 events, about 27 KB), fed in network reads of {@code readBytes}: 256 (one or two events per
 * read, as a live stream arrives) or 16384 (a backlog drained at once). Scores are events per
 * microsecond (multiply by the average event size, about 260 bytes, for bytes per microsecond).
 *
 * <ul>
 *   <li>{@code decode}: the SSE framing alone;
 *   <li>{@code decodeAndReadChunks}: plus {@link OpenAiJson#readChatChunk(String)} for each event,
 *       what the OpenAI provider does per event.
 * </ul>
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar SseParseBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SseParseBenchmark {

  /** Events in the sample stream; the operations per invocation of each benchmark. */
  static final int EVENTS = 104;
  private static final int CONTENT_CHUNKS = EVENTS - 4;

  @Param({"256", "16384"})
  public int readBytes;

  private ByteBuffer[] reads;

  @Setup
  public void setUp() {
    byte[] body = OpenAiSamples.stream(CONTENT_CHUNKS);
    int n = (body.length + readBytes - 1) / readBytes;
    reads = new ByteBuffer[n];
    for (int i = 0; i < n; i++) {
      int from = i * readBytes;
      reads[i] = ByteBuffer.wrap(body, from, Math.min(readBytes, body.length - from)).slice().asReadOnlyBuffer();
    }
    int events = 0;
    SseDecoder decoder = new SseDecoder();
    for (ByteBuffer read : reads) {
      events += decoder.decode(read.duplicate()).size();
    }
    if (events + decoder.finish().size() != EVENTS) {
      throw new IllegalStateException("the sample should have " + EVENTS + " events but has " + events);
    }
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void decode(Blackhole bh) {
    SseDecoder decoder = new SseDecoder();
    for (ByteBuffer read : reads) {
      bh.consume(decoder.decode(read.duplicate()));
    }
    bh.consume(decoder.finish());
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void decodeAndReadChunks(Blackhole bh) {
    SseDecoder decoder = new SseDecoder();
    for (ByteBuffer read : reads) {
      readChunks(decoder.decode(read.duplicate()), bh);
    }
    readChunks(decoder.finish(), bh);
  }

  private static void readChunks(List<SseEvent> events, Blackhole bh) {
    for (int i = 0, n = events.size(); i < n; i++) {
      String data = events.get(i).data();
      if (!data.equals("[DONE]")) {
        ChatChunk chunk = OpenAiJson.readChatChunk(data);
        bh.consume(chunk);
      }
    }
  }
}

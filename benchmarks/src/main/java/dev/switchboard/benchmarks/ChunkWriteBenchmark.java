package dev.switchboard.benchmarks;

import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.Delta;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.ToolCallDelta;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.wire.OpenAiJson;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Writing the chunks the gateway sends to its clients ({@link OpenAiJson#writeChatChunk}), one
 * {@code data:} event each: a content delta (nearly every event of a stream), the role chunk, a
 * tool-call delta and the usage chunk. Scores are chunks per microsecond.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar ChunkWriteBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ChunkWriteBenchmark {

  private ChatChunk content;
  private ChatChunk role;
  private ChatChunk toolCall;
  private ChatChunk usage;

  @Setup
  public void setUp() {
    ChatChunk base = ChatChunk.builder().id(OpenAiSamples.ID).created(1_750_000_000L).model(OpenAiSamples.MODEL)
        .serviceTier("default").systemFingerprint("fp_34a54ae93c").build();
    content = base.toBuilder().addChoice(ChunkChoice.builder().index(0).delta(Delta.ofContent(" Eiffel")).build())
        .build();
    role = base.toBuilder().addChoice(ChunkChoice.builder().index(0)
        .delta(Delta.builder().role(Role.ASSISTANT).content("").build()).build()).build();
    toolCall = base.toBuilder().addChoice(ChunkChoice.builder().index(0).delta(Delta.builder()
        .addToolCall(ToolCallDelta.builder().index(0).arguments("{\"from\":\"Paris").build()).build()).build())
        .build();
    usage = base.toBuilder().usage(Usage.of(480, 32)).build();
    if (!new String(OpenAiJson.writeChatChunk(content)).contains("\" Eiffel\"")
        || OpenAiJson.writeChatChunk(usage).length < 100) {
      throw new IllegalStateException("unexpected chunk JSON");
    }
  }

  @Benchmark
  public byte[] contentDelta() {
    return OpenAiJson.writeChatChunk(content);
  }

  @Benchmark
  public byte[] roleChunk() {
    return OpenAiJson.writeChatChunk(role);
  }

  @Benchmark
  public byte[] toolCallDelta() {
    return OpenAiJson.writeChatChunk(toolCall);
  }

  @Benchmark
  public byte[] usageChunk() {
    return OpenAiJson.writeChatChunk(usage);
  }
}

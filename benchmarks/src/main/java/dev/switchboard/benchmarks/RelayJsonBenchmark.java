package dev.switchboard.benchmarks;

import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.wire.OpenAiJson;
import java.nio.charset.StandardCharsets;
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
 * The JSON work the gateway does to relay an OpenAI answer: read the upstream's body into the model
 * (for usage, cost and the cache), then write the client's body from it. A whole
 * {@code chat.completion} of 32 tokens ({@link OpenAiSamples#chatCompletion}), and one content
 * chunk of a stream. Scores are microseconds per answer or chunk.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar RelayJsonBenchmark -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RelayJsonBenchmark {

  private byte[] completion;
  private byte[] contentChunk;

  @Setup
  public void setUp() {
    completion = OpenAiSamples.chatCompletion(32);
    String event = new String(OpenAiSamples.streamEvents(3).get(2), StandardCharsets.UTF_8); // data: {…}\n\n
    String chunk = event.substring("data: ".length()).strip();
    if (!chunk.startsWith("{") || !chunk.contains("\"content\"")) {
      throw new IllegalStateException("not a content chunk: " + chunk);
    }
    contentChunk = chunk.getBytes(StandardCharsets.UTF_8);
    OpenAiJson.readChatResponse(completion); // fails on a sample the reader rejects
  }

  @Benchmark
  public byte[] relayCompletion() {
    ChatResponse response = OpenAiJson.readChatResponse(completion);
    return OpenAiJson.writeChatResponse(response);
  }

  @Benchmark
  public byte[] relayChunk() {
    ChatChunk chunk = OpenAiJson.readChatChunk(contentChunk);
    return OpenAiJson.writeChatChunk(chunk);
  }
}

package dev.switchboard.server.internal;

import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.Delta;
import dev.switchboard.core.model.Embedding;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ModelInfo;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.spi.CallContext;
import dev.switchboard.core.spi.Provider;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The built-in offline provider behind model group {@value #GROUP}: it answers every call at once
 * and deterministically, without a network, so that the gateway's quickstart works anywhere.
 *
 * <p>Chat echoes the last user message inside a fixed sentence; {@code max_tokens} /
 * {@code max_completion_tokens} cut the answer (finish reason {@code length}). A stream sends a role
 * chunk, one chunk per word, a chunk with the finish reason, then a usage chunk without choices.
 * Embeddings are unit vectors derived from SHA-256 of each input ({@value #DEFAULT_DIMENSIONS}
 * dimensions unless {@code dimensions} asks otherwise, at most {@value #MAX_DIMENSIONS}). Token counts
 * are estimates: a word of the answer is a token, and a prompt has one token per four characters plus
 * three per message. Tools are ignored.
 *
 * <p>Thread-safe and stateless apart from the clock.
 */
public final class DemoProvider implements Provider {

  /** The provider account name, model group name and upstream model name of the demo. */
  public static final String GROUP = "demo";

  static final int DEFAULT_DIMENSIONS = 8;
  static final int MAX_DIMENSIONS = 4096;
  private static final int MAX_ECHO = 200;

  private final Clock clock;

  public DemoProvider(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public CompletableFuture<ChatResponse> chat(ChatRequest request, CallContext context) {
    Answer answer = answer(request);
    return CompletableFuture.completedFuture(ChatResponse.builder()
        .id(completionId(context))
        .created(clock.instant().getEpochSecond())
        .model(request.model())
        .addChoice(Choice.builder().index(0).message(Message.assistant(String.join(" ", answer.words)))
            .finishReason(answer.finishReason).build())
        .usage(answer.usage)
        .build());
  }

  @Override
  public Flow.Publisher<ChatChunk> stream(ChatRequest request, CallContext context) {
    Answer answer = answer(request);
    String id = completionId(context);
    long created = clock.instant().getEpochSecond();
    List<ChatChunk> chunks = new ArrayList<>(answer.words.size() + 3);
    chunks.add(chunk(id, created, request.model(), Delta.builder().role(Role.ASSISTANT).content("").build(), null));
    for (int i = 0; i < answer.words.size(); i++) {
      String word = answer.words.get(i);
      chunks.add(chunk(id, created, request.model(), Delta.ofContent(i == 0 ? word : " " + word), null));
    }
    chunks.add(chunk(id, created, request.model(), Delta.empty(), answer.finishReason));
    chunks.add(ChatChunk.builder().id(id).created(created).model(request.model()).usage(answer.usage).build());
    return new ListPublisher<>(chunks);
  }

  @Override
  public CompletableFuture<EmbeddingResponse> embed(EmbeddingRequest request, CallContext context) {
    int dimensions = request.dimensions() == null ? DEFAULT_DIMENSIONS
        : Math.max(1, Math.min(MAX_DIMENSIONS, request.dimensions()));
    EmbeddingResponse.Builder response = EmbeddingResponse.builder().model(request.model());
    int promptTokens = 0;
    for (int i = 0; i < request.input().size(); i++) {
      String text = request.input().get(i);
      response.addData(Embedding.of(i, vector(text, dimensions)));
      promptTokens += estimateTokens(text);
    }
    return CompletableFuture.completedFuture(
        response.usage(Usage.builder().promptTokens(promptTokens).totalTokens(promptTokens).build()).build());
  }

  @Override
  public CompletableFuture<List<ModelInfo>> models(CallContext context) {
    return CompletableFuture.completedFuture(List.of(ModelInfo.builder().id(GROUP).ownedBy("switchboard").build()));
  }

  @Override
  public void close() {
    // nothing to release
  }

  private static String completionId(CallContext context) {
    return "chatcmpl-demo-" + context.requestId();
  }

  private static ChatChunk chunk(String id, long created, String model, Delta delta, FinishReason finishReason) {
    return ChatChunk.builder().id(id).created(created).model(model)
        .addChoice(ChunkChoice.builder().index(0).delta(delta).finishReason(finishReason).build())
        .build();
  }

  private static Answer answer(ChatRequest request) {
    String said = null;
    int promptTokens = 0;
    for (Message m : request.messages()) {
      String text = m.text();
      promptTokens += 3 + (text == null ? 0 : estimateTokens(text));
      if (Role.USER.equals(m.role()) && text != null && !text.isBlank()) {
        said = text;
      }
    }
    String sentence = said == null
        ? "This is the Switchboard demo provider, offline. Send a user message and it is echoed back."
        : "This is the Switchboard demo provider, offline. You said: \"" + shorten(said.strip()) + "\"";
    List<String> words = new ArrayList<>(Arrays.asList(sentence.split("\\s+")));
    FinishReason finish = FinishReason.STOP;
    Integer limit = min(request.maxTokens(), request.maxCompletionTokens());
    if (limit != null && limit > 0 && words.size() > limit) {
      words = new ArrayList<>(words.subList(0, limit));
      finish = FinishReason.LENGTH;
    }
    return new Answer(List.copyOf(words), finish, Usage.of(promptTokens, words.size()));
  }

  private static Integer min(Integer a, Integer b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : Math.min(a, b);
  }

  private static String shorten(String text) {
    if (text.codePointCount(0, text.length()) <= MAX_ECHO) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, MAX_ECHO)) + "…";
  }

  private static int estimateTokens(String text) {
    return (text.length() + 3) / 4;
  }

  /** A unit vector from SHA-256 of {@code counter || text}, counter incremented per 8 dimensions. */
  static float[] vector(String text, int dimensions) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
    byte[] input = text.getBytes(StandardCharsets.UTF_8);
    float[] v = new float[dimensions];
    double norm = 0;
    for (int block = 0; block * 8 < dimensions; block++) {
      sha.update(ByteBuffer.allocate(4).putInt(block).array());
      ByteBuffer digest = ByteBuffer.wrap(sha.digest(input));
      for (int i = 0; i < 8 && block * 8 + i < dimensions; i++) {
        float x = digest.getInt() / (float) Integer.MAX_VALUE; // in [-1, 1]
        v[block * 8 + i] = x;
        norm += (double) x * x;
      }
    }
    double length = Math.sqrt(norm);
    if (length > 0) {
      for (int i = 0; i < dimensions; i++) {
        v[i] = (float) (v[i] / length);
      }
    }
    return v;
  }

  private static final class Answer {
    final List<String> words;
    final FinishReason finishReason;
    final Usage usage;

    Answer(List<String> words, FinishReason finishReason, Usage usage) {
      this.words = words;
      this.finishReason = finishReason;
      this.usage = usage;
    }
  }
}

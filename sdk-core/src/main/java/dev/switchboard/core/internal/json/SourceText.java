package dev.switchboard.core.internal.json;

import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatResponse;

/**
 * The JSON text a {@link ChatChunk} or {@link ChatResponse} was read from, which the value keeps
 * (outside its public API) while it is unchanged, so that {@link dev.switchboard.core.wire.OpenAiJson}
 * can forward it instead of writing it anew. Each model class installs its access when it is loaded.
 */
public final class SourceText {

  /** What a model class lets this package do. */
  public interface Access<T, B> {
    /** The text {@code value} was read from, or null (built by hand, or changed since). */
    byte[] of(T value);

    /** Builds the value of {@code builder}, remembering {@code source} as its text. */
    T build(B builder, byte[] source);
  }

  private static volatile Access<ChatChunk, ChatChunk.Builder> chunks;
  private static volatile Access<ChatResponse, ChatResponse.Builder> responses;

  private SourceText() {}

  /** Called once, by {@link ChatChunk}'s static initialiser; later calls are ignored. */
  public static void installChunks(Access<ChatChunk, ChatChunk.Builder> access) {
    if (chunks == null) {
      chunks = access;
    }
  }

  /** Called once, by {@link ChatResponse}'s static initialiser; later calls are ignored. */
  public static void installResponses(Access<ChatResponse, ChatResponse.Builder> access) {
    if (responses == null) {
      responses = access;
    }
  }

  /** The text {@code chunk} was read from, or null. */
  public static byte[] of(ChatChunk chunk) {
    return chunks().of(chunk);
  }

  /** The text {@code response} was read from, or null. */
  public static byte[] of(ChatResponse response) {
    return responses().of(response);
  }

  /** Builds the chunk of {@code builder} with {@code source} as the text it was read from. */
  public static ChatChunk build(ChatChunk.Builder builder, byte[] source) {
    return chunks().build(builder, source);
  }

  /** Builds the response of {@code builder} with {@code source} as the text it was read from. */
  public static ChatResponse build(ChatResponse.Builder builder, byte[] source) {
    return responses().build(builder, source);
  }

  private static Access<ChatChunk, ChatChunk.Builder> chunks() {
    if (chunks == null) {
      ChatChunk.builder(); // loads ChatChunk, which installs its access
    }
    return chunks;
  }

  private static Access<ChatResponse, ChatResponse.Builder> responses() {
    if (responses == null) {
      ChatResponse.builder(); // loads ChatResponse, which installs its access
    }
    return responses;
  }
}

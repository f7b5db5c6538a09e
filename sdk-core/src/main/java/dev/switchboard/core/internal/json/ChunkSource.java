package dev.switchboard.core.internal.json;

import dev.switchboard.core.model.ChatChunk;

/**
 * The JSON text a {@link ChatChunk} was read from, which the chunk keeps (outside its public API)
 * while it is unchanged, so that {@link dev.switchboard.core.wire.OpenAiJson#writeChatChunk} can
 * forward it instead of writing it anew. {@link ChatChunk} installs the access when it is loaded.
 */
public final class ChunkSource {

  /** What {@link ChatChunk} lets this package do. */
  public interface Access {
    /** The text {@code chunk} was read from, or null (built by hand, or changed since). */
    byte[] source(ChatChunk chunk);

    /** Builds the chunk of {@code builder}, remembering {@code source} as its text. */
    ChatChunk build(ChatChunk.Builder builder, byte[] source);
  }

  private static volatile Access access;

  private ChunkSource() {}

  /** Called once, by {@link ChatChunk}'s static initialiser; later calls are ignored. */
  public static void install(Access chunkAccess) {
    if (access == null) {
      access = chunkAccess;
    }
  }

  /** The text {@code chunk} was read from, or null. */
  public static byte[] of(ChatChunk chunk) {
    return access().source(chunk);
  }

  /** Builds the chunk of {@code builder} with {@code source} as the text it was read from. */
  public static ChatChunk build(ChatChunk.Builder builder, byte[] source) {
    return access().build(builder, source);
  }

  private static Access access() {
    Access a = access;
    if (a == null) {
      ChatChunk.builder(); // loads ChatChunk, which installs the access
      a = access;
    }
    return a;
  }
}

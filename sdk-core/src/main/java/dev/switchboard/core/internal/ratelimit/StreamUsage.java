package dev.switchboard.core.internal.ratelimit;

import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.RouteInfo;
import dev.switchboard.core.model.ToolCallDelta;
import dev.switchboard.core.model.Usage;

/**
 * What a stream has used so far, for settling a token reservation when it ends: the usage of the
 * final chunk when the upstream reports one, else the prompt estimate plus the tokens of the text
 * streamed. Chunks arrive one at a time; the end may be read from another thread (a cancel).
 */
public final class StreamUsage {

  private final TokenEstimate estimate;
  private final boolean counts;
  private volatile boolean seen;
  private volatile boolean cacheHit;
  private volatile Usage usage;
  private volatile long streamed;

  /**
   * @param counts whether a token limit is settled from this stream; without one nothing is counted
   *     (and no tokenizer runs)
   */
  public StreamUsage(TokenEstimate estimate, boolean counts) {
    this.estimate = estimate;
    this.counts = counts;
  }

  public void observe(ChatChunk chunk) {
    seen = true;
    RouteInfo route = chunk.route();
    if (route != null && route.servedFromCache()) {
      cacheHit = true;
    }
    if (chunk.usage() != null) {
      usage = chunk.usage();
    }
    if (counts && usage == null) {
      long n = 0;
      for (ChunkChoice c : chunk.choices()) {
        n += estimate.count(c.delta().content());
        for (ToolCallDelta t : c.delta().toolCalls()) {
          n += estimate.count(t.name()) + estimate.count(t.arguments());
        }
      }
      if (n > 0) {
        streamed += n; // single writer: chunks are signalled one at a time
      }
    }
  }

  /** Tokens used by a stream that completed. */
  public long onComplete() {
    if (!counts || cacheHit) {
      return 0; // answered from the cache: no upstream tokens were spent
    }
    Usage u = usage;
    return u != null ? u.totalTokens() : estimate.prompt() + streamed;
  }

  /** Tokens used by a stream that failed or was cancelled: nothing before its first chunk. */
  public long onAbort() {
    return seen ? onComplete() : 0;
  }
}

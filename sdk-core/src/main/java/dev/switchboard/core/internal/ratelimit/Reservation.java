package dev.switchboard.core.internal.ratelimit;

import dev.switchboard.core.SwitchboardListener;
import dev.switchboard.core.ratelimit.Limit;
import dev.switchboard.core.ratelimit.LimitDecision;
import dev.switchboard.core.ratelimit.LimitState;
import dev.switchboard.core.ratelimit.RateLimiter;
import dev.switchboard.core.routing.Deployment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an admitted decision took, to settle exactly once when the call (or attempt) ends: token
 * limits are charged the tokens actually used instead of the estimate, concurrency slots are given
 * back; a request counted stays counted unless no call was made at all ({@link #unused()}).
 */
public final class Reservation {

  private static final Logger log = LoggerFactory.getLogger(Reservation.class);

  private final RateLimiter limiter;
  private final LimitDecision decision;
  private final SwitchboardListener listener;
  private final String requestId;
  private final Deployment deployment;
  private final long reservedTokens;
  private final AtomicBoolean settled = new AtomicBoolean();

  Reservation(RateLimiter limiter, LimitDecision decision, SwitchboardListener listener, String requestId,
      Deployment deployment) {
    this.limiter = limiter;
    this.decision = decision;
    this.listener = listener;
    this.requestId = requestId;
    this.deployment = deployment;
    long tokens = 0;
    for (LimitState s : decision.states()) {
      if (s.limit().kind().countsTokens()) {
        tokens = Math.max(tokens, s.amount());
      }
    }
    this.reservedTokens = tokens;
  }

  /** Whether a token limit was reserved (and streamed text is worth counting). */
  public boolean holdsTokens() {
    return reservedTokens > 0;
  }

  public long reservedTokens() {
    return reservedTokens;
  }

  /**
   * Tokens a whole response used: its usage, 0 for a cache hit, the reserved estimate when it reports
   * none; 0 without a token limit (nothing to settle, and no reason to run the tokenizer).
   */
  public long usedTokens(Object response) {
    return reservedTokens == 0 ? 0 : RateLimiting.usedTokens(response, reservedTokens);
  }

  /** The call ended having used {@code usedTokens} (0 when nothing was consumed). Later calls do nothing. */
  public void settle(long usedTokens) {
    settle(usedTokens, false);
  }

  /** No call was made after all (the caller left, the breaker refused): gives back everything taken. */
  public void unused() {
    settle(0, true);
  }

  private void settle(long usedTokens, boolean unused) {
    if (!settled.compareAndSet(false, true)) {
      return;
    }
    for (LimitState s : decision.states()) {
      Limit.Kind kind = s.limit().kind();
      long delta;
      if (kind.countsTokens()) {
        delta = usedTokens - s.amount();
      } else if (kind == Limit.Kind.CONCURRENT_REQUESTS || unused) {
        delta = -s.amount();
      } else {
        delta = 0;
      }
      if (delta != 0) {
        adjust(s, delta);
      }
    }
    listener.limitsSettled(requestId, deployment, decision, reservedTokens, usedTokens);
  }

  private void adjust(LimitState state, long delta) {
    CompletableFuture<Void> done;
    try {
      done = limiter.adjust(state, delta);
    } catch (RuntimeException e) {
      done = CompletableFuture.failedFuture(e);
    }
    done.whenComplete((v, e) -> {
      if (e != null) { // a lost adjustment skews one limit until it refills; it must not fail the call
        log.warn("settling {} by {} failed", state.name(), delta, e);
      }
    });
  }
}

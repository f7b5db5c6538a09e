package dev.switchboard.core.ratelimit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a call stands against the caller's limits, as checked when it was admitted or refused: what
 * the gateway reports in OpenAI's {@code x-ratelimit-*} headers on every response.
 *
 * <p><b>How to get it.</b> Set {@code RequestOptions.Builder.onRateLimitStatus(handler)}: the engine
 * calls it exactly once per call that passed the caller's limits check, admitted or refused, before
 * any upstream call, so before the JSON response, before a stream's first chunk and before the error
 * of a refused or failed call. One channel serves all three; the gateway keeps the status with the
 * HTTP exchange and writes the headers whenever it writes the response head. Calls to which no
 * caller limit applies (none configured, none of the caller's own) never invoke it.
 *
 * <p>{@link #requests()} and {@link #tokens()} are the most constraining windowed limit of each kind
 * (the one with the least remaining): that is the one a client should pace itself by. Quotas and
 * concurrency limits are in {@link #limits()} only. Immutable and thread-safe; value equality.
 */
public final class RateLimitStatus {

  public static final String LIMIT_REQUESTS = "x-ratelimit-limit-requests";
  public static final String REMAINING_REQUESTS = "x-ratelimit-remaining-requests";
  public static final String RESET_REQUESTS = "x-ratelimit-reset-requests";
  public static final String LIMIT_TOKENS = "x-ratelimit-limit-tokens";
  public static final String REMAINING_TOKENS = "x-ratelimit-remaining-tokens";
  public static final String RESET_TOKENS = "x-ratelimit-reset-tokens";

  private final List<LimitState> limits;
  private final LimitState requests;
  private final LimitState tokens;

  private RateLimitStatus(List<LimitState> limits) {
    this.limits = List.copyOf(limits);
    this.requests = tightest(this.limits, Limit.Kind.REQUESTS);
    this.tokens = tightest(this.limits, Limit.Kind.TOKENS);
  }

  /** The status of a decision: every limit it checked. */
  public static RateLimitStatus of(LimitDecision decision) {
    return new RateLimitStatus(decision.states());
  }

  /** Every limit checked for the call, in the order checked; never null. */
  public List<LimitState> limits() {
    return limits;
  }

  /** The requests-per-window limit with the least remaining, or null when none applied. */
  public LimitState requests() {
    return requests;
  }

  /** The tokens-per-window limit with the least remaining, or null when none applied. */
  public LimitState tokens() {
    return tokens;
  }

  /**
   * OpenAI's rate-limit headers for this status, in OpenAI's format: {@code x-ratelimit-limit-requests:
   * 100}, {@code x-ratelimit-remaining-requests: 99}, {@code x-ratelimit-reset-requests: 600ms} (a Go
   * duration: {@code 1s}, {@code 6m0s}, {@code 1h2m3.5s}), and the {@code -tokens} variants. Headers of
   * a kind with no limit are left out. Names are lower case; the map keeps that order.
   */
  public Map<String, String> openAiHeaders() {
    Map<String, String> headers = new LinkedHashMap<>();
    if (requests != null) {
      headers.put(LIMIT_REQUESTS, Long.toString(requests.limit().amount()));
      headers.put(REMAINING_REQUESTS, Long.toString(requests.remaining()));
      headers.put(RESET_REQUESTS, goDuration(requests.reset()));
    }
    if (tokens != null) {
      headers.put(LIMIT_TOKENS, Long.toString(tokens.limit().amount()));
      headers.put(REMAINING_TOKENS, Long.toString(tokens.remaining()));
      headers.put(RESET_TOKENS, goDuration(tokens.reset()));
    }
    return headers;
  }

  /** {@code d} as Go prints a duration, to millisecond precision: {@code 0s}, {@code 20ms}, {@code 1.5s}, {@code 6m0s}. */
  static String goDuration(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    if (ms < 1000) {
      return ms + "ms";
    }
    StringBuilder sb = new StringBuilder();
    long hours = ms / 3_600_000;
    long minutes = ms / 60_000 % 60;
    long seconds = ms / 1000 % 60;
    long millis = ms % 1000;
    if (hours > 0) {
      sb.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      sb.append(minutes).append('m');
    }
    sb.append(seconds);
    if (millis > 0) { // three digits without the trailing zeros: 500 -> .5, 250 -> .25, 7 -> .007
      sb.append('.');
      for (long scale = 100; millis > 0; scale /= 10) {
        sb.append((char) ('0' + millis / scale));
        millis %= scale;
      }
    }
    return sb.append('s').toString();
  }

  private static LimitState tightest(List<LimitState> states, Limit.Kind kind) {
    LimitState best = null;
    for (LimitState s : states) {
      if (s.limit().kind() == kind && (best == null || s.remaining() < best.remaining())) {
        best = s;
      }
    }
    return best;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RateLimitStatus && limits.equals(((RateLimitStatus) o).limits);
  }

  @Override
  public int hashCode() {
    return Objects.hash(limits);
  }

  @Override
  public String toString() {
    return "RateLimitStatus" + limits;
  }
}

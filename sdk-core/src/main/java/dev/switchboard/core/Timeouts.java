package dev.switchboard.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How long one upstream attempt may take: until the first token of a stream, and in total.
 *
 * <p>Both apply per attempt, so a hung deployment is abandoned in time for the next one to answer.
 * Connect timeouts belong to the provider's transport ({@link
 * dev.switchboard.core.spi.ProviderConfig#connectTimeout()}). Immutable and thread-safe.
 */
public final class Timeouts {

  /** Time to first token of a stream when not configured: generous, reasoning models think first. */
  public static final Duration DEFAULT_FIRST_TOKEN = Duration.ofSeconds(120);
  /** Total time of one attempt when not configured; the same ten minutes as OpenAI's own SDKs. */
  public static final Duration DEFAULT_TOTAL = Duration.ofMinutes(10);

  private static final Timeouts DEFAULTS = new Timeouts(DEFAULT_FIRST_TOKEN, DEFAULT_TOTAL);

  private final Duration firstToken;
  private final Duration total;

  private Timeouts(Duration firstToken, Duration total) {
    this.firstToken = requirePositive(firstToken, "firstToken");
    this.total = requirePositive(total, "total");
  }

  /** The defaults: {@link #DEFAULT_FIRST_TOKEN} and {@link #DEFAULT_TOTAL}. */
  public static Timeouts ofDefaults() {
    return DEFAULTS;
  }

  /**
   * @throws IllegalArgumentException if a duration is not positive
   */
  public static Timeouts of(Duration firstToken, Duration total) {
    return new Timeouts(firstToken, total);
  }

  /** The longest wait for a stream's first chunk. */
  public Duration firstToken() {
    return firstToken;
  }

  /** The longest one attempt may take, streamed or not. */
  public Duration total() {
    return total;
  }

  private static Duration requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive but was " + d);
    }
    return d;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Timeouts && ((Timeouts) o).firstToken.equals(firstToken) && ((Timeouts) o).total.equals(total);
  }

  @Override
  public int hashCode() {
    return Objects.hash(firstToken, total);
  }

  @Override
  public String toString() {
    return "Timeouts{firstToken=" + firstToken + ", total=" + total + "}";
  }
}

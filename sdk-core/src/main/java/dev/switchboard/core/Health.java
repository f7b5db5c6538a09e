package dev.switchboard.core;

import java.util.Objects;

/**
 * The health of a component that talks to the outside (a cache store, later rate-limit and ledger
 * stores): {@link Status#UP}, {@link Status#DEGRADED} (working around a failure, e.g. serving
 * without the shared cache) or {@link Status#DOWN}, with a short human-readable detail.
 *
 * <p>Immutable and thread-safe; value equality.
 */
public final class Health {

  /** How well a component works. */
  public enum Status {
    /** Working normally. */
    UP,
    /** Failing, but calls are still served (e.g. the cache is skipped). */
    DEGRADED,
    /** Not usable. */
    DOWN
  }

  private static final Health UP = new Health(Status.UP, "");

  private final Status status;
  private final String detail;

  private Health(Status status, String detail) {
    this.status = status;
    this.detail = detail;
  }

  /** Working normally, no detail. */
  public static Health up() {
    return UP;
  }

  /**
   * Working normally.
   *
   * @throws NullPointerException if {@code detail} is null
   */
  public static Health up(String detail) {
    return new Health(Status.UP, Objects.requireNonNull(detail, "detail"));
  }

  /**
   * Failing but still serving.
   *
   * @param detail what fails, e.g. {@code "redis unreachable: connection refused"}
   * @throws NullPointerException if {@code detail} is null
   */
  public static Health degraded(String detail) {
    return new Health(Status.DEGRADED, Objects.requireNonNull(detail, "detail"));
  }

  /**
   * Not usable.
   *
   * @throws NullPointerException if {@code detail} is null
   */
  public static Health down(String detail) {
    return new Health(Status.DOWN, Objects.requireNonNull(detail, "detail"));
  }

  /** Never null. */
  public Status status() {
    return status;
  }

  /** Never null; empty when there is nothing to say. */
  public String detail() {
    return detail;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Health)) {
      return false;
    }
    Health that = (Health) o;
    return status == that.status && detail.equals(that.detail);
  }

  @Override
  public int hashCode() {
    return Objects.hash(status, detail);
  }

  @Override
  public String toString() {
    return detail.isEmpty() ? status.name() : status + " (" + detail + ")";
  }
}

package dev.switchboard.core.cost;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A spending limit for a key, a user or a team over a day, a month or all time, with alert
 * thresholds and what to do at the limit.
 *
 * <p>A budget names one subject ({@code team "research"}) or, without a subject, applies to every
 * subject of its scope separately ({@code every user: $5 a day}). A subject's own budget replaces
 * the every-subject budget of the same scope and period. The user is {@code Caller.user()}, else the
 * request's {@code user} field.
 *
 * <p>At the limit the call is rejected with
 * {@link dev.switchboard.core.error.BudgetExceededException} naming the budget (default), or sent to
 * a cheaper model group ({@link Builder#downgradeTo(String)}), recorded as such in
 * {@link UsageRecord#downgradedFrom()} and {@code RouteInfo.downgradedFrom()}.
 *
 * <p><b>How far spend can overshoot.</b> A call is admitted while the spend recorded so far is below
 * the limit; what it will cost is known only when it ends. So the spend can exceed the limit by at
 * most the cost of the calls already in flight when the limit was crossed (with a store shared by
 * several instances, the in-flight and not yet flushed calls of all of them). Calls that ended on
 * this instance are counted at once, also while their records still wait in the write buffer; while
 * the ledger fails, a batch being retried may be missed by a check for the moment between a failed
 * write and its return to the buffer. A budget check costs one ledger round trip per call, and none
 * for callers without a budget. A check whose ledger read fails lets the call proceed (logged).
 *
 * <p>Alerts: when the spend reaches a threshold (default {@link #DEFAULT_THRESHOLDS}, fractions of
 * the limit) listeners get {@code SwitchboardListener.budgetAlert}, a metric is counted and one line
 * is logged, once per threshold per period (per subject). Immutable and thread-safe; value equality.
 */
public final class Budget {

  /** Whose spend a budget limits. */
  public enum Scope {
    KEY(UsageDimension.KEY),
    USER(UsageDimension.USER),
    TEAM(UsageDimension.TEAM);

    private final UsageDimension dimension;

    Scope(UsageDimension dimension) {
      this.dimension = dimension;
    }

    /** The ledger dimension this scope's spend is kept under. */
    public UsageDimension dimension() {
      return dimension;
    }
  }

  /** What happens to a call when its budget is exhausted. */
  public enum Action {
    /** Fail the call with {@code BudgetExceededException} (HTTP 402). */
    REJECT,
    /** Serve the call from {@link Budget#downgradeTo()} instead. */
    DOWNGRADE
  }

  /** Alerts at 80% and 100% of the limit. */
  public static final List<BigDecimal> DEFAULT_THRESHOLDS = List.of(new BigDecimal("0.8"), BigDecimal.ONE);

  private final Scope scope;
  private final String subject;
  private final SpendPeriod period;
  private final Money limit;
  private final List<BigDecimal> thresholds;
  private final Action action;
  private final String downgradeTo;

  private Budget(Builder b) {
    this.scope = b.scope;
    this.subject = b.subject;
    this.period = b.period;
    this.limit = b.limit;
    this.thresholds = List.copyOf(b.thresholds);
    this.action = b.downgradeTo == null ? Action.REJECT : Action.DOWNGRADE;
    this.downgradeTo = b.downgradeTo;
  }

  /**
   * @param limit the most that may be spent in each period
   * @throws IllegalArgumentException if {@code limit} is not positive
   */
  public static Builder builder(Scope scope, SpendPeriod period, Money limit) {
    return new Builder(scope, period, limit);
  }

  public Builder toBuilder() {
    Builder b = new Builder(scope, period, limit);
    b.subject = subject;
    b.thresholds.clear();
    b.thresholds.addAll(thresholds);
    b.downgradeTo = downgradeTo;
    return b;
  }

  public Scope scope() {
    return scope;
  }

  /** The one subject this budget is for, or null when it applies to every subject of its scope. */
  public String subject() {
    return subject;
  }

  public SpendPeriod period() {
    return period;
  }

  public Money limit() {
    return limit;
  }

  /** Fractions of the limit that raise an alert, ascending; never null. */
  public List<BigDecimal> thresholds() {
    return thresholds;
  }

  public Action action() {
    return action;
  }

  /** The model group calls go to at the limit, or null when they are rejected. */
  public String downgradeTo() {
    return downgradeTo;
  }

  /** This budget's name, e.g. {@code team:research:month} or {@code user:*:day}. */
  public String name() {
    return nameFor(subject == null ? "*" : subject);
  }

  /** The name of this budget as applied to {@code subject}, e.g. {@code user:alice:day}. */
  public String nameFor(String subject) {
    return scope.name().toLowerCase(Locale.ROOT) + ":" + subject + ":" + period.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Budget)) {
      return false;
    }
    Budget b = (Budget) o;
    return scope == b.scope && Objects.equals(subject, b.subject) && period == b.period && limit.equals(b.limit)
        && thresholds.equals(b.thresholds) && Objects.equals(downgradeTo, b.downgradeTo);
  }

  @Override
  public int hashCode() {
    return Objects.hash(scope, subject, period, limit, thresholds, downgradeTo);
  }

  @Override
  public String toString() {
    return "Budget{" + name() + ", limit=" + limit + ", thresholds=" + thresholds
        + (downgradeTo == null ? ", reject" : ", downgradeTo=" + downgradeTo) + "}";
  }

  /** Builds a {@link Budget}. Not thread-safe; setters validate at once. */
  public static final class Builder {
    private final Scope scope;
    private final SpendPeriod period;
    private final Money limit;
    private String subject;
    private final List<BigDecimal> thresholds = new ArrayList<>(DEFAULT_THRESHOLDS);
    private String downgradeTo;

    private Builder(Scope scope, SpendPeriod period, Money limit) {
      this.scope = Objects.requireNonNull(scope, "scope");
      this.period = Objects.requireNonNull(period, "period");
      this.limit = Objects.requireNonNull(limit, "limit");
      if (limit.compareTo(Money.ZERO) <= 0) {
        throw new IllegalArgumentException("limit must be positive but was " + limit);
      }
    }

    /** Limits only this subject (a key id, user or team); default: every subject of the scope. */
    public Builder subject(String subject) {
      Objects.requireNonNull(subject, "subject");
      if (subject.isBlank()) {
        throw new IllegalArgumentException("subject must not be blank");
      }
      this.subject = subject;
      return this;
    }

    /**
     * Alert thresholds as fractions of the limit, e.g. {@code 0.5, 0.9, 1}; replaces the defaults.
     *
     * @throws IllegalArgumentException if a threshold is not above 0, or they are not ascending
     */
    public Builder thresholds(BigDecimal... fractions) {
      List<BigDecimal> list = new ArrayList<>();
      BigDecimal previous = BigDecimal.ZERO;
      for (BigDecimal f : fractions) {
        Objects.requireNonNull(f, "threshold");
        if (f.compareTo(previous) <= 0) {
          throw new IllegalArgumentException("thresholds must be above 0 and ascending but were "
              + java.util.Arrays.toString(fractions));
        }
        list.add(f);
        previous = f;
      }
      thresholds.clear();
      thresholds.addAll(list);
      return this;
    }

    /** At the limit, serve calls from {@code group} instead of rejecting them. */
    public Builder downgradeTo(String group) {
      Objects.requireNonNull(group, "group");
      if (group.isBlank()) {
        throw new IllegalArgumentException("downgradeTo must name a model group");
      }
      this.downgradeTo = group;
      return this;
    }

    /** At the limit, reject calls (the default). */
    public Builder rejectAtLimit() {
      this.downgradeTo = null;
      return this;
    }

    public Budget build() {
      return new Budget(this);
    }
  }
}

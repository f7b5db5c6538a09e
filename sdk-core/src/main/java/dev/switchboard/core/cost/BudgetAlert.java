package dev.switchboard.core.cost;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A budget's spend reached one of its alert thresholds in a period; sent once per threshold, period
 * and subject to {@code SwitchboardListener.budgetAlert}. Immutable and thread-safe.
 */
public final class BudgetAlert {

  private final Budget budget;
  private final String subject;
  private final String bucket;
  private final BigDecimal threshold;
  private final Money spend;

  private BudgetAlert(Budget budget, String subject, String bucket, BigDecimal threshold, Money spend) {
    this.budget = Objects.requireNonNull(budget, "budget");
    this.subject = Objects.requireNonNull(subject, "subject");
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    this.threshold = Objects.requireNonNull(threshold, "threshold");
    this.spend = Objects.requireNonNull(spend, "spend");
  }

  public static BudgetAlert of(Budget budget, String subject, String bucket, BigDecimal threshold, Money spend) {
    return new BudgetAlert(budget, subject, bucket, threshold, spend);
  }

  public Budget budget() {
    return budget;
  }

  /** The key id, user or team whose spend reached the threshold. */
  public String subject() {
    return subject;
  }

  /** The budget's name for this subject, e.g. {@code team:research:month}. */
  public String budgetName() {
    return budget.nameFor(subject);
  }

  /** The period, e.g. {@code 2026-01} for a monthly budget. */
  public String bucket() {
    return bucket;
  }

  /** The fraction of the limit reached, e.g. {@code 0.8}. */
  public BigDecimal threshold() {
    return threshold;
  }

  /** The spend when the alert was raised (at or above the threshold). */
  public Money spend() {
    return spend;
  }

  public Money limit() {
    return budget.limit();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof BudgetAlert)) {
      return false;
    }
    BudgetAlert a = (BudgetAlert) o;
    return budget.equals(a.budget) && subject.equals(a.subject) && bucket.equals(a.bucket)
        && threshold.compareTo(a.threshold) == 0 && spend.equals(a.spend);
  }

  @Override
  public int hashCode() {
    return Objects.hash(budget, subject, bucket, threshold.stripTrailingZeros(), spend);
  }

  @Override
  public String toString() {
    return "BudgetAlert{" + budgetName() + " " + bucket + " reached " + threshold.stripTrailingZeros().toPlainString()
        + " of " + budget.limit() + ": spent " + spend + "}";
  }
}

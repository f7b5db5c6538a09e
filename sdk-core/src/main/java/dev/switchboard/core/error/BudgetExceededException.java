package dev.switchboard.core.error;

import java.util.Objects;

/**
 * A spending budget refused the call (402, code {@code budget_exceeded}); {@link #budget()} names
 * it. 402 rather than 429 because waiting a few seconds does not help, and OpenAI clients retry
 * 429 automatically.
 */
public class BudgetExceededException extends SwitchboardException {

  private static final long serialVersionUID = 1L;

  private final String budget;

  /** @param budget the budget that refused the call, e.g. {@code team:research:month} */
  public BudgetExceededException(String message, String budget, ErrorDetails details) {
    super(message, withDefaultCode(details, "budget_exceeded"), null);
    this.budget = Objects.requireNonNull(budget, "budget");
  }

  /** The budget that refused the call; never null. */
  public String budget() {
    return budget;
  }

  @Override
  public int httpStatus() {
    return 402;
  }

  @Override
  public String type() {
    return "budget_exceeded";
  }

  @Override
  public boolean isRetryable() {
    return false;
  }
}

package dev.switchboard.core.cost;

import dev.switchboard.core.SwitchboardListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Records the cost events a test looks at. */
final class UsageEvents extends SwitchboardListener {

  final List<UsageRecord> records = new CopyOnWriteArrayList<>();
  final List<BudgetAlert> alerts = new CopyOnWriteArrayList<>();
  final List<String> downgrades = new CopyOnWriteArrayList<>();
  final AtomicInteger dropped = new AtomicInteger();

  @Override
  public void usageRecorded(UsageRecord record) {
    records.add(record);
  }

  @Override
  public void usageDropped(int count, String reason) {
    dropped.addAndGet(count);
  }

  @Override
  public void budgetAlert(BudgetAlert alert) {
    alerts.add(alert);
  }

  @Override
  public void budgetDowngrade(String requestId, Budget budget, String subject, String fromGroup, String toGroup) {
    downgrades.add(budget.nameFor(subject) + " " + fromGroup + "->" + toGroup);
  }

  UsageRecord only() {
    if (records.size() != 1) {
      throw new AssertionError("expected one usage record but got " + records);
    }
    return records.get(0);
  }
}

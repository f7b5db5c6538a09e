package dev.switchboard.core.internal.cost;

import dev.switchboard.core.cost.Budget;
import dev.switchboard.core.cost.SpendPeriod;
import dev.switchboard.core.cost.UsageRecord;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Spend of calls that ended but whose records have not yet been handed to the ledger, per key, user
 * and team and per period bucket, in nano-dollars. Budget checks add it to the ledger's figure, so a
 * call that ended is counted at once and the overshoot stays bounded by the calls in flight.
 *
 * <p>Exactness: the writer removes a batch from here in the same critical section ({@link #lock()})
 * in which it issues the batch's ledger write, and a budget check reads this map and issues its
 * ledger read in that critical section too. So a check counts each record exactly once: here if its
 * write was not yet issued, in the ledger otherwise (a ledger read issued after a write reflects it;
 * see {@code UsageLedger}). A failed write puts its batch back.
 */
final class PendingSpend {

  // values() copies its array on every call, twice per record here
  private static final Budget.Scope[] SCOPES = Budget.Scope.values();
  private static final SpendPeriod[] PERIODS = SpendPeriod.values();

  private final ConcurrentHashMap<Key, AtomicLong> nanos = new ConcurrentHashMap<>();
  private final Object lock = new Object();

  /** The lock under which a batch leaves this map while its write is issued, and checks read. */
  Object lock() {
    return lock;
  }

  void add(UsageRecord r) {
    apply(r, 1);
  }

  void addAll(List<UsageRecord> records) {
    for (UsageRecord r : records) {
      apply(r, 1);
    }
  }

  void removeAll(List<UsageRecord> records) {
    for (UsageRecord r : records) {
      apply(r, -1);
    }
  }

  long get(Budget.Scope scope, String subject, SpendPeriod period, String bucket) {
    AtomicLong v = nanos.get(key(scope, subject, bucket));
    return v == null ? 0 : v.get();
  }

  private void apply(UsageRecord r, int sign) {
    if (!r.cost().isKnown() || r.cost().money().isZero()) {
      return;
    }
    long amount = sign * r.cost().money().nanos();
    LocalDate day = LocalDate.ofInstant(r.time(), ZoneOffset.UTC);
    for (Budget.Scope s : SCOPES) {
      String subject = s.dimension().valueOf(r);
      if (subject == null) {
        continue;
      }
      for (SpendPeriod p : PERIODS) {
        // entries stay (one per subject and bucket seen): removing one at zero would race with a concurrent add
        nanos.computeIfAbsent(key(s, subject, p.bucket(day)), k -> new AtomicLong()).addAndGet(amount);
      }
    }
  }

  private static Key key(Budget.Scope scope, String subject, String bucket) {
    return new Key(scope, subject, bucket);
  }

  // A record, not a concatenated string: no characters copied, and its hash combines hashes the
  // strings already hold (bucket names are shared per day).
  private record Key(Budget.Scope scope, String subject, String bucket) {}
}

package dev.switchboard.core.internal.cost;

import dev.switchboard.core.SwitchboardListener;
import dev.switchboard.core.cost.Budget;
import dev.switchboard.core.cost.BudgetAlert;
import dev.switchboard.core.cost.Money;
import dev.switchboard.core.cost.SpendKey;
import dev.switchboard.core.cost.SpendPeriod;
import dev.switchboard.core.cost.UsageLedger;
import dev.switchboard.core.cost.UsageRecord;
import dev.switchboard.core.cost.UsageTotals;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured budgets: which apply to a caller, whether a call may proceed, and the alerts raised
 * as recorded spend crosses thresholds. Thread-safe.
 */
final class Budgets {

  private static final Logger log = LoggerFactory.getLogger(Budgets.class);

  /** A budget as it applies to one subject. */
  static final class Applied {
    final Budget budget;
    final String subject;

    Applied(Budget budget, String subject) {
      this.budget = budget;
      this.subject = subject;
    }

    String name() {
      return budget.nameFor(subject);
    }

    SpendKey key(LocalDate day) {
      return SpendKey.of(budget.scope().dimension(), subject, budget.period(), day);
    }
  }

  /** The outcome of a check: proceed, reject, or downgrade; {@link #budget} is null to proceed. */
  static final class Decision {
    static final Decision PROCEED = new Decision(null, null, null);

    final Applied budget;
    final Money spend;
    final String bucket;

    Decision(Applied budget, Money spend, String bucket) {
      this.budget = budget;
      this.spend = spend;
      this.bucket = bucket;
    }
  }

  /** The budget table; replaced whole on every change, so that readers never lock. */
  private static final class Table {
    static final Table EMPTY = new Table(new LinkedHashMap<>());

    final Map<String, Budget> byName; // insertion order
    final Map<Budget.Scope, Map<SpendPeriod, Budget>> defaults = new EnumMap<>(Budget.Scope.class);
    final Map<Budget.Scope, Map<String, Map<SpendPeriod, Budget>>> specific = new EnumMap<>(Budget.Scope.class);

    Table(Map<String, Budget> byName) {
      this.byName = Collections.unmodifiableMap(byName);
      for (Budget b : byName.values()) {
        if (b.subject() == null) {
          defaults.computeIfAbsent(b.scope(), s -> new EnumMap<>(SpendPeriod.class)).put(b.period(), b);
        } else {
          specific.computeIfAbsent(b.scope(), s -> new HashMap<>())
              .computeIfAbsent(b.subject(), s -> new EnumMap<>(SpendPeriod.class)).put(b.period(), b);
        }
      }
    }

    boolean isEmpty() {
      return byName.isEmpty();
    }
  }

  private static final SpendPeriod[] PERIODS = SpendPeriod.values(); // values() copies its array on every call

  private final Set<String> groups;
  private final UsageLedger ledger;
  private final PendingSpend pending;
  private final SwitchboardListener listener;
  private final Clock clock;
  private final Object writeLock = new Object();
  private volatile Table table;
  // markers this instance already claimed or saw claimed: spares the store a call per batch
  private final Set<String> fired = ConcurrentHashMap.newKeySet();

  /**
   * @param groups the configured model groups, which downgrading budgets must name
   * @throws IllegalStateException when two budgets have the same name or one downgrades to a group
   *     that is not configured
   */
  Budgets(List<Budget> budgets, Set<String> groups, UsageLedger ledger, PendingSpend pending,
      SwitchboardListener listener, Clock clock) {
    this.groups = Set.copyOf(groups);
    Map<String, Budget> byName = new LinkedHashMap<>();
    for (Budget b : budgets) {
      Budget old = byName.put(b.name(), b);
      if (old != null) {
        throw new IllegalStateException("two budgets named '" + b.name() + "': " + old + " and " + b);
      }
      if (b.downgradeTo() != null && !this.groups.contains(b.downgradeTo())) {
        throw new IllegalStateException(unknownTarget(b));
      }
    }
    this.table = byName.isEmpty() ? Table.EMPTY : new Table(byName);
    this.ledger = ledger;
    this.pending = pending;
    this.listener = listener;
    this.clock = clock;
  }

  private static String unknownTarget(Budget b) {
    return "a budget downgrades to model group '" + b.downgradeTo() + "', which is not configured";
  }

  boolean isEmpty() {
    return table.isEmpty();
  }

  // ---- BudgetRegistry, through CostRuntime

  List<Budget> list() {
    return List.copyOf(table.byName.values());
  }

  Optional<Budget> find(String name) {
    return Optional.ofNullable(table.byName.get(name));
  }

  Optional<Budget> put(Budget budget) {
    if (budget.downgradeTo() != null && !groups.contains(budget.downgradeTo())) {
      throw new IllegalArgumentException(unknownTarget(budget));
    }
    synchronized (writeLock) {
      Map<String, Budget> next = new LinkedHashMap<>(table.byName);
      Budget old = next.put(budget.name(), budget);
      table = new Table(next);
      return Optional.ofNullable(old);
    }
  }

  Optional<Budget> remove(String name) {
    synchronized (writeLock) {
      if (!table.byName.containsKey(name)) {
        return Optional.empty();
      }
      Map<String, Budget> next = new LinkedHashMap<>(table.byName);
      Budget old = next.remove(name);
      table = next.isEmpty() ? Table.EMPTY : new Table(next);
      return Optional.of(old);
    }
  }

  /** The budgets that apply to a caller, key first, then user, then team. */
  List<Applied> applicable(String keyId, String user, String team) {
    Table t = table;
    if (t.isEmpty()) {
      return List.of();
    }
    List<Applied> out = new ArrayList<>();
    addFor(t, Budget.Scope.KEY, keyId, out);
    addFor(t, Budget.Scope.USER, user, out);
    addFor(t, Budget.Scope.TEAM, team, out);
    return out;
  }

  private static void addFor(Table t, Budget.Scope scope, String subject, List<Applied> out) {
    if (subject == null) {
      return;
    }
    Map<SpendPeriod, Budget> own = t.specific.getOrDefault(scope, Map.of()).getOrDefault(subject, Map.of());
    Map<SpendPeriod, Budget> every = t.defaults.getOrDefault(scope, Map.of());
    for (SpendPeriod p : PERIODS) {
      Budget b = own.containsKey(p) ? own.get(p) : every.get(p);
      if (b != null) {
        out.add(new Applied(b, subject));
      }
    }
  }

  /**
   * Reads the spend of every applicable budget in one ledger round trip and decides: a rejecting
   * budget at its limit wins over a downgrading one; otherwise the first downgrading budget at its
   * limit; otherwise proceed. A ledger that fails lets the call proceed (logged): an unreachable
   * store must not stop all traffic.
   */
  CompletableFuture<Decision> check(List<Applied> applied) {
    if (applied.isEmpty()) {
      return CompletableFuture.completedFuture(Decision.PROCEED);
    }
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    Map<SpendKey, Applied> keys = new LinkedHashMap<>();
    for (Applied a : applied) {
      keys.put(a.key(today), a);
    }
    CompletableFuture<Map<SpendKey, UsageTotals>> totals;
    Map<SpendKey, Long> pendingNanos = new HashMap<>();
    synchronized (pending.lock()) { // see PendingSpend: each ended call is counted exactly once
      for (Map.Entry<SpendKey, Applied> e : keys.entrySet()) {
        SpendKey k = e.getKey();
        pendingNanos.put(k, pending.get(e.getValue().budget.scope(), k.value(), k.period(), k.bucket()));
      }
      try {
        totals = ledger.totals(keys.keySet());
      } catch (RuntimeException e) {
        totals = CompletableFuture.failedFuture(e);
      }
    }
    return totals.handle((t, error) -> {
      if (error != null) {
        log.warn("budget check skipped: the usage ledger failed", error);
        return Decision.PROCEED;
      }
      Decision downgrade = null;
      for (Map.Entry<SpendKey, Applied> e : keys.entrySet()) {
        Applied a = e.getValue();
        UsageTotals total = t.get(e.getKey());
        Money spend = (total == null ? Money.ZERO : total.cost()).plus(Money.ofNanos(pendingNanos.get(e.getKey())));
        if (spend.compareTo(a.budget.limit()) < 0) {
          continue;
        }
        Decision d = new Decision(a, spend, e.getKey().bucket());
        if (a.budget.action() == Budget.Action.REJECT) {
          return d;
        }
        if (downgrade == null) {
          downgrade = d;
        }
      }
      return downgrade != null ? downgrade : Decision.PROCEED;
    });
  }

  /** After a batch reached the ledger: raises the alerts whose thresholds the new spend reached. */
  void afterWrite(List<UsageRecord> batch) {
    if (table.isEmpty()) {
      return;
    }
    Map<SpendKey, Applied> keys = new LinkedHashMap<>();
    for (UsageRecord r : batch) {
      if (!r.cost().isKnown() || r.cost().money().isZero()) {
        continue;
      }
      LocalDate day = LocalDate.ofInstant(r.time(), ZoneOffset.UTC);
      for (Applied a : applicable(r.keyId(), r.user(), r.team())) {
        keys.putIfAbsent(a.key(day), a);
      }
    }
    if (keys.isEmpty()) {
      return;
    }
    Map<SpendKey, UsageTotals> totals;
    try {
      totals = ledger.totals(keys.keySet()).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("budget alerts not evaluated for a batch: the usage ledger failed", e);
      return;
    }
    for (Map.Entry<SpendKey, Applied> e : keys.entrySet()) {
      Applied a = e.getValue();
      UsageTotals t = totals.get(e.getKey());
      Money spend = t == null ? Money.ZERO : t.cost();
      for (BigDecimal threshold : a.budget.thresholds()) {
        if (spend.amount().compareTo(a.budget.limit().amount().multiply(threshold)) < 0) {
          break; // ascending: no higher threshold is reached either
        }
        String bucket = e.getKey().bucket();
        String marker = "budget-alert:" + a.name() + ":" + bucket + ":" + threshold.stripTrailingZeros().toPlainString();
        if (!fired.add(marker)) {
          continue;
        }
        LocalDate day = bucketDay(e.getKey());
        Instant end = a.budget.period().end(day);
        boolean first;
        try {
          first = ledger.claimOnce(marker, end == null ? null : end.plus(Duration.ofDays(1))).get(30, TimeUnit.SECONDS);
        } catch (Exception ex) {
          fired.remove(marker); // try again with the next batch
          log.warn("budget alert {} not raised: the usage ledger failed", marker, ex);
          continue;
        }
        if (first) {
          BudgetAlert alert = BudgetAlert.of(a.budget, a.subject, bucket, threshold, spend);
          log.warn("budget {} reached {}% of {} in {}: spent {}", a.name(),
              threshold.movePointRight(2).stripTrailingZeros().toPlainString(), a.budget.limit(), bucket, spend);
          try {
            listener.budgetAlert(alert);
          } catch (RuntimeException ex) {
            log.warn("budgetAlert listener threw; ignored", ex);
          }
        }
      }
    }
  }

  private static LocalDate bucketDay(SpendKey k) {
    switch (k.period()) {
      case DAY:
        return LocalDate.parse(k.bucket());
      case MONTH:
        return java.time.YearMonth.parse(k.bucket()).atDay(1);
      default:
        return LocalDate.MIN;
    }
  }
}

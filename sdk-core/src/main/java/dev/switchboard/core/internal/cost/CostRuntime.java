package dev.switchboard.core.internal.cost;

import dev.switchboard.core.Caller;
import dev.switchboard.core.Interceptor;
import dev.switchboard.core.RequestOptions;
import dev.switchboard.core.SwitchboardListener;
import dev.switchboard.core.cost.Budget;
import dev.switchboard.core.cost.BudgetRegistry;
import dev.switchboard.core.cost.Cost;
import dev.switchboard.core.cost.CostComparison;
import dev.switchboard.core.cost.CostTracker;
import dev.switchboard.core.cost.ModelPrice;
import dev.switchboard.core.cost.PriceCatalog;
import dev.switchboard.core.cost.UsageDimension;
import dev.switchboard.core.cost.UsageLedger;
import dev.switchboard.core.cost.UsageRecord;
import dev.switchboard.core.cost.UsageSink;
import dev.switchboard.core.cost.UsageTotals;
import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.RouteInfo;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.routing.Deployment;
import dev.switchboard.core.routing.ModelGroup;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cost tracking for one client: the price of every deployment, the usage recorder, the budgets,
 * and the queries behind {@code Switchboard.costs()}. Built once by the client's builder; the engine
 * places {@link #usageInterceptor()} first in its chain and {@link #budgetInterceptor()} where
 * DESIGN.md puts budgets (after admission and rate limits, before the embedder's interceptors and
 * the cache).
 */
public final class CostRuntime implements CostTracker, BudgetRegistry, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CostRuntime.class);

  /** {@link RouteInfo#cache()} of a response served from Switchboard's own cache. */

  /** Default bound of the usage write buffer, in records. */
  public static final int DEFAULT_BUFFER = 10_000;

  private final Clock clock;
  private final UsageLedger ledger;
  private final Map<String, ModelGroup> groups;
  private final Map<String, ModelPrice> prices;
  private final UsageRecorder recorder;
  private final Budgets budgets;
  private final Interceptor usageInterceptor;
  private final Interceptor budgetInterceptor;

  /**
   * @param providerTypes provider account name to provider type (e.g. {@code openai}); accounts
   *     added as instances have none
   * @throws IllegalStateException when a budget downgrades to a group that is not configured
   */
  public CostRuntime(List<ModelGroup> modelGroups, Map<String, String> providerTypes, PriceCatalog catalog,
      UsageLedger ledger, List<UsageSink> sinks, List<Budget> budgets, int bufferCapacity,
      SwitchboardListener listener, Clock clock) {
    this.clock = clock;
    this.ledger = ledger;
    Map<String, ModelGroup> g = new LinkedHashMap<>();
    Map<String, ModelPrice> p = new LinkedHashMap<>();
    for (ModelGroup group : modelGroups) {
      g.put(group.name(), group);
      for (Deployment d : group.deployments()) {
        ModelPrice price = resolve(d, providerTypes.get(d.provider()), catalog);
        if (price != null) {
          p.put(d.id(), price);
        } else if (!p.containsKey(d.id())) {
          log.warn("no price known for deployment '{}' (model '{}'): its calls are recorded with cost unknown; set a "
              + "price on the deployment or add the model to the price catalog", d.id(), d.model());
        }
      }
    }
    this.groups = Map.copyOf(g);
    this.prices = Map.copyOf(p);
    PendingSpend pending = new PendingSpend();
    this.budgets = new Budgets(budgets, groups.keySet(), ledger, pending, listener, clock);
    this.recorder = new UsageRecorder(ledger, sinks, listener, pending, bufferCapacity, this.budgets::afterWrite);
    this.usageInterceptor = new UsageInterceptor(this);
    // Always in the chain, since budgets may be added at run time; with none it costs one volatile read.
    this.budgetInterceptor = new BudgetInterceptor(this.budgets, groups.keySet(), listener);
  }

  // A deployment's own price is negotiated and wins; the catalog entry still lends its metadata.
  private static ModelPrice resolve(Deployment d, String providerType, PriceCatalog catalog) {
    Optional<ModelPrice> listed = catalog.find(providerType, d.model());
    if (d.price() == null) {
      return listed.orElse(null);
    }
    ModelPrice.Builder b = ModelPrice.builder(providerType != null ? providerType : d.provider(), d.model())
        .price(d.price()).source("deployment '" + d.id() + "'");
    listed.ifPresent(l -> b.contextWindow(l.contextWindow()).maxOutputTokens(l.maxOutputTokens()));
    return b.build();
  }

  /** The interceptor that records every chat and stream call; first in the chain. */
  public Interceptor usageInterceptor() {
    return usageInterceptor;
  }

  /** The budget check; never null. */
  public Interceptor budgetInterceptor() {
    return budgetInterceptor;
  }

  long nanoTime() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  Instant now() {
    return clock.instant();
  }

  /** Records an ended call; never throws. */
  void record(UsageRecord.Builder draft, RouteInfo route, Usage usage) {
    try {
      Cost cost = Cost.ZERO;
      if (route != null && route.servedFromCache()) {
        // A cache hit or a coalesced follower spent no upstream tokens; what it saved is priced at the
        // group's first deployment, since the stored answer does not say which deployment produced it.
        draft.costSaved(savedCost(route.group() != null ? route.group() : draft.build().modelGroup(), usage));
        usage = Usage.ZERO;
      } else if (usage != null && (usage.promptTokens() > 0 || usage.completionTokens() > 0 || usage.totalTokens() > 0)) {
        ModelPrice price = route == null || route.deployment() == null ? null : prices.get(route.deployment());
        cost = price != null ? Cost.of(price.cost(usage)) : Cost.UNKNOWN;
      }
      draft.usage(usage == null ? Usage.ZERO : usage).cost(cost);
      if (route != null) {
        draft.deployment(route.deployment()).provider(route.provider()).upstreamModel(route.upstreamModel())
            .attempts(route.attempts()).fallbacks(route.fallbacks()).cache(route.cache())
            .downgradedFrom(route.downgradedFrom());
        if (route.group() != null) {
          draft.modelGroup(route.group());
        }
      }
      recorder.record(draft.build());
    } catch (RuntimeException e) {
      log.error("could not record usage; the call itself is unaffected", e);
    }
  }

  private Cost savedCost(String group, Usage cachedUsage) {
    ModelGroup g = group == null ? null : groups.get(group);
    if (g == null || cachedUsage == null) {
      return Cost.ZERO;
    }
    ModelPrice price = prices.get(g.deployments().get(0).id());
    return price == null ? Cost.UNKNOWN : Cost.of(price.cost(cachedUsage));
  }

  /** A record draft with the caller's identity and how the call ended. */
  UsageRecord.Builder draft(String requestId, RequestOptions options, String requestUser, String group,
      boolean stream, long startNanos, Throwable error) {
    Caller caller = options.caller();
    UsageRecord.Builder b = UsageRecord.builder(requestId, now())
        // The ledger counts a record id once. Request ids come from callers (x-request-id), so a caller resending
        // one must not make a second paid call free: each call's record gets an id of its own; a retried write of
        // the same record keeps it and is still counted once.
        .id(requestId + "~" + Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE))
        .stream(stream)
        .keyId(caller.keyId())
        .user(caller.user() != null ? caller.user() : blankToNull(requestUser))
        .team(caller.team())
        .modelGroup(groups.containsKey(group) ? group : null)
        .latency(Duration.ofNanos(Math.max(0, nanoTime() - startNanos)));
    Throwable e = unwrap(error);
    if (e == null) {
      b.status(UsageRecord.Status.SUCCESS);
    } else if (e instanceof CancellationException) {
      b.status(UsageRecord.Status.CANCELLED);
    } else {
      b.status(UsageRecord.Status.ERROR)
          .errorType(e instanceof SwitchboardException ? ((SwitchboardException) e).type() : "internal_error");
    }
    return b;
  }

  /** The engine's hook for embedding calls, which pass no interceptor chain. */
  public void embeddingEnd(String requestId, RequestOptions options, EmbeddingRequest request, long startNanos,
      EmbeddingResponse response, Throwable error) {
    UsageRecord.Builder draft = draft(requestId, options, request.user(), request.model(), false, startNanos, error)
        .operation(UsageRecord.Operation.EMBEDDING);
    record(draft, response == null ? null : response.route(), response == null ? null : response.usage());
  }

  private static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  // ---- BudgetRegistry

  @Override
  public List<Budget> list() {
    return budgets.list();
  }

  @Override
  public Optional<Budget> find(String name) {
    return budgets.find(Objects.requireNonNull(name, "name"));
  }

  @Override
  public Optional<Budget> put(Budget budget) {
    return budgets.put(Objects.requireNonNull(budget, "budget"));
  }

  @Override
  public Optional<Budget> remove(String name) {
    return budgets.remove(Objects.requireNonNull(name, "name"));
  }

  // ---- CostTracker

  @Override
  public CompletableFuture<Map<String, UsageTotals>> totals(UsageDimension dimension, LocalDate from, LocalDate to) {
    Objects.requireNonNull(dimension, "dimension");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    return ledger.totalsByValue(dimension, from, to);
  }

  @Override
  public CompletableFuture<UsageTotals> totals(UsageDimension dimension, String value, LocalDate from, LocalDate to) {
    Objects.requireNonNull(value, "value");
    return totals(dimension, from, to).thenApply(m -> m.getOrDefault(value, UsageTotals.ZERO));
  }

  @Override
  public List<CostComparison> compare(String group, UsageTotals usage) {
    Objects.requireNonNull(usage, "usage");
    ModelGroup g = groups.get(Objects.requireNonNull(group, "group"));
    if (g == null) {
      throw new IllegalArgumentException("model group '" + group + "' is not configured; configured: " + groups.keySet());
    }
    List<CostComparison> out = new ArrayList<>();
    for (Deployment d : g.deployments()) {
      ModelPrice price = prices.get(d.id());
      Cost cost = price == null ? Cost.UNKNOWN : Cost.of(price.price().cost(usage));
      out.add(CostComparison.of(d.id(), d.provider(), d.model(), cost));
    }
    return out;
  }

  @Override
  public CompletableFuture<List<CostComparison>> compare(String group, LocalDate from, LocalDate to) {
    if (!groups.containsKey(Objects.requireNonNull(group, "group"))) {
      throw new IllegalArgumentException("model group '" + group + "' is not configured; configured: " + groups.keySet());
    }
    return totals(UsageDimension.GROUP, group, from, to).thenApply(t -> compare(group, t));
  }

  @Override
  public Optional<ModelPrice> price(String deploymentId) {
    return Optional.ofNullable(prices.get(Objects.requireNonNull(deploymentId, "deploymentId")));
  }

  @Override
  public CompletableFuture<Void> flush() {
    return recorder.flush();
  }

  /** Writes what is buffered (waiting up to ten seconds) and stops the writer. */
  @Override
  public void close() {
    recorder.close();
  }
}

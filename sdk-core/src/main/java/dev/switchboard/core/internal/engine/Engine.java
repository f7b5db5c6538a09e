package dev.switchboard.core.internal.engine;

import dev.switchboard.core.CircuitBreakerPolicy;
import dev.switchboard.core.Interceptor;
import dev.switchboard.core.RequestOptions;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.Timeouts;
import dev.switchboard.core.cost.BudgetRegistry;
import dev.switchboard.core.cost.CostTracker;
import dev.switchboard.core.cache.CacheSettings;
import dev.switchboard.core.error.CircuitOpenException;
import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.InvalidRequestException;
import dev.switchboard.core.error.ModelNotFoundException;
import dev.switchboard.core.error.RateLimitedException;
import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.error.UpstreamUnavailableException;
import dev.switchboard.core.internal.cost.CostRuntime;
import dev.switchboard.core.internal.cache.ResponseCache;
import dev.switchboard.core.internal.ratelimit.RateLimiting;
import dev.switchboard.core.internal.ratelimit.TokenEstimate;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.ModelInfo;
import dev.switchboard.core.routing.Deployment;
import dev.switchboard.core.routing.DeploymentState;
import dev.switchboard.core.routing.DeploymentStatus;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.spi.CacheStore;
import dev.switchboard.core.spi.Provider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind {@code Switchboard}: validation, the interceptor chain, and routed calls over
 * model groups. Thread-safe.
 */
public final class Engine implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Engine.class);
  private static final long TICK_MS = 50; // the scheduler's no-op tick, see the constructor

  final CompositeListener listener;
  final RetryPolicy retryPolicy;
  final Timeouts timeouts;
  final Duration rateLimitCooldown;
  final RateLimiting rateLimiting;
  private final Clock clock;
  private final Map<String, GroupRuntime> groups;
  private final Map<String, DeploymentRuntime> deployments; // by id, in configuration order
  private final Map<String, List<String>> deploymentGroups; // deployment id -> the groups it serves
  private final List<ModelInfo> modelList;
  private final List<Interceptor> interceptors;
  private final Collection<Provider> ownedProviders;
  private final Supplier<String> requestIds;
  private final ScheduledThreadPoolExecutor scheduler;
  private final CostRuntime cost;
  private final ResponseCache cache;

  /**
   * @param providers provider instances by account name
   * @param ownedProviders the providers this engine created and must close
   * @param cost usage recording, budgets and spend queries
   * @param cacheSettings the client's cache settings, or null (groups may still set theirs)
   * @param cacheStore the shared cache level, or null
   * @param rateLimiting caller and deployment limits
   */
  public Engine(List<ModelGroup> modelGroups, Map<String, Provider> providers, Collection<Provider> ownedProviders,
      List<Interceptor> interceptors, CompositeListener listener, RetryPolicy retryPolicy,
      CircuitBreakerPolicy breakerPolicy, Timeouts timeouts, Duration rateLimitCooldown, Clock clock,
      Supplier<String> requestIds, RateLimiting rateLimiting, CostRuntime cost, CacheSettings cacheSettings,
      CacheStore cacheStore) {
    this.listener = listener;
    this.rateLimiting = rateLimiting;
    this.retryPolicy = retryPolicy;
    this.timeouts = timeouts;
    this.rateLimitCooldown = rateLimitCooldown;
    this.clock = clock;
    this.cost = cost;
    this.ownedProviders = List.copyOf(ownedProviders);
    this.requestIds = requestIds;
    // Built-in interceptors in DESIGN.md's order around the embedder's: usage recording first (it sees
    // every outcome, refusals included), then rate limits and quotas, then budget, then the embedder's
    // interceptors, then the cache right before the router, so that a hit skips only upstream work.
    List<Interceptor> chain = new ArrayList<>();
    chain.add(cost.usageInterceptor());
    chain.add(rateLimiting.interceptor());
    if (cost.budgetInterceptor() != null) {
      chain.add(cost.budgetInterceptor());
    }
    chain.addAll(interceptors);
    Map<String, CacheSettings> groupCache = new LinkedHashMap<>();
    boolean anyGroupCache = false;
    for (ModelGroup g : modelGroups) {
      groupCache.put(g.name(), g.cache());
      anyGroupCache |= g.cache() != null;
    }
    if (cacheSettings != null || anyGroupCache) {
      // The system clock's wall time can jump; Caffeine wants a monotonic ticker then.
      java.util.function.LongSupplier ticker = clock.equals(Clock.systemUTC()) ? System::nanoTime : this::nanoTime;
      this.cache = new ResponseCache(cacheSettings, groupCache, cacheStore, listener, clock, ticker, this::schedule);
      chain.add(cache);
    } else {
      this.cache = null;
    }
    this.interceptors = List.copyOf(chain);

    Map<String, DeploymentRuntime> byId = new LinkedHashMap<>();
    Map<String, List<String>> servedGroups = new LinkedHashMap<>();
    Map<String, GroupRuntime> groupMap = new LinkedHashMap<>();
    List<ModelInfo> models = new ArrayList<>();
    long created = clock.instant().getEpochSecond();
    for (ModelGroup group : modelGroups) {
      List<DeploymentRuntime> runtimes = new ArrayList<>();
      for (Deployment d : group.deployments()) {
        DeploymentRuntime existing = byId.get(d.id());
        if (existing != null && !existing.deployment.equals(d)) {
          throw new IllegalStateException("deployment '" + d.id() + "' is configured differently in two model groups");
        }
        DeploymentRuntime runtime = existing != null ? existing
            : new DeploymentRuntime(d, providers.get(d.provider()), breakerPolicy, clock, this.listener);
        byId.put(d.id(), runtime);
        List<String> served = servedGroups.computeIfAbsent(d.id(), k -> new ArrayList<>());
        if (!served.contains(group.name())) {
          served.add(group.name());
        }
        runtimes.add(runtime);
      }
      groupMap.put(group.name(), new GroupRuntime(group, runtimes));
      models.add(ModelInfo.builder().id(group.name()).created(created).ownedBy("switchboard").build());
    }
    this.groups = Map.copyOf(groupMap);
    this.deployments = Collections.unmodifiableMap(byId);
    Map<String, List<String>> frozen = new LinkedHashMap<>();
    servedGroups.forEach((id, g) -> frozen.put(id, List.copyOf(g)));
    this.deploymentGroups = Collections.unmodifiableMap(frozen);
    this.modelList = List.copyOf(models);

    this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "switchboard-scheduler");
      t.setDaemon(true);
      return t;
    });
    scheduler.setRemoveOnCancelPolicy(true); // cancelled timeouts must not pile up until they expire
    // The executor wakes its thread whenever a new task becomes the earliest: with calls made one at
    // a time, every call's timeout (an unpark and a thread switch, 12% of a sequential call in
    // PipelineBenchmark). A tick always due within TICK_MS stays ahead of timeouts of seconds, so
    // scheduling those wakes nobody.
    scheduler.scheduleAtFixedRate(() -> { }, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
  }

  public String newRequestId(RequestOptions options) {
    return options.requestId() != null ? options.requestId() : requestIds.get();
  }

  public CompletableFuture<ChatResponse> chat(ChatRequest request, RequestOptions options) {
    String requestId = newRequestId(options);
    String group = metricGroup(request.model());
    long start = nanoTime();
    listener.requestStart(requestId, group, false);
    CompletableFuture<ChatResponse> result;
    InvalidRequestException invalid = RequestValidator.validate(request, requestId);
    if (invalid != null) {
      result = CompletableFuture.failedFuture(invalid);
    } else {
      result = new ChatChain(0, request, options, requestId).proceed(request);
    }
    return afterEnd(result, (response, error) -> listener.requestEnd(requestId, group, false,
        Duration.ofNanos(nanoTime() - start), response == null ? null : response.route(),
        response == null ? null : response.usage(), unwrap(error)));
  }

  public Flow.Publisher<ChatChunk> stream(ChatRequest request, RequestOptions options) {
    AtomicOnce once = new AtomicOnce();
    return subscriber -> {
      if (!once.first()) { // a stream is one upstream call; a second subscriber must not silently make another
        Publishers.<ChatChunk>failed(new IllegalStateException("a Switchboard stream accepts one subscriber"))
            .subscribe(subscriber);
        return;
      }
      String requestId = newRequestId(options);
      String group = metricGroup(request.model());
      listener.requestStart(requestId, group, true);
      ObservedStream observed = new ObservedStream(subscriber, requestId, group, nanoTime(), this);
      InvalidRequestException invalid = RequestValidator.validate(request, requestId);
      Flow.Publisher<ChatChunk> publisher = invalid != null ? Publishers.failed(invalid)
          : new StreamChain(0, request, options, requestId).proceed(request);
      publisher.subscribe(observed);
    };
  }

  public CompletableFuture<EmbeddingResponse> embed(EmbeddingRequest request, RequestOptions options) {
    String requestId = newRequestId(options);
    String group = metricGroup(request.model());
    long start = nanoTime();
    listener.requestStart(requestId, group, false);
    CompletableFuture<EmbeddingResponse> result;
    InvalidRequestException invalid = RequestValidator.validate(request, requestId);
    GroupRuntime g = invalid == null ? groups.get(request.model()) : null;
    if (invalid != null) {
      result = CompletableFuture.failedFuture(invalid);
    } else if (g == null) {
      result = CompletableFuture.failedFuture(modelNotFound(request.model(), requestId));
    } else {
      result = new ResponseCall<>(this, requestId, options, g, new ResponseCall.Operation<EmbeddingResponse>() {
        @Override
        public CompletableFuture<EmbeddingResponse> call(Provider p, String upstreamModel,
            dev.switchboard.core.spi.CallContext context) {
          return p.embed(request.toBuilder().model(upstreamModel).build(), context);
        }

        @Override
        public EmbeddingResponse withRoute(EmbeddingResponse value, dev.switchboard.core.model.RouteInfo route) {
          return value.toBuilder().route(route).build();
        }
      }).estimating(rateLimiting.limitsDeployments() ? TokenEstimate.of(rateLimiting.estimator(), request) : null)
          .start();
    }
    boolean record = invalid == null;
    return afterEnd(result, (response, error) -> {
      listener.requestEnd(requestId, group, false, Duration.ofNanos(nanoTime() - start),
          response == null ? null : response.route(), response == null ? null : response.usage(), unwrap(error));
      if (record) {
        cost.embeddingEnd(requestId, options, request, start, response, error);
      }
    });
  }

  /**
   * The caller's view of {@code result}: completes only after {@code end} ran, so that whoever sees
   * the answer also sees its metrics and usage; cancelling it cancels {@code result} (and so the
   * upstream call).
   */
  private static <T> CompletableFuture<T> afterEnd(CompletableFuture<T> result,
      java.util.function.BiConsumer<? super T, ? super Throwable> end) {
    CompletableFuture<T> caller = new CompletableFuture<>();
    result.whenComplete((value, error) -> {
      try {
        end.accept(value, error);
      } catch (RuntimeException e) {
        log.warn("request end bookkeeping failed; the call's outcome is unaffected", e);
      }
      if (error != null) {
        caller.completeExceptionally(unwrap(error));
      } else {
        caller.complete(value);
      }
    });
    caller.whenComplete((value, error) -> {
      if (caller.isCancelled()) {
        result.cancel(true);
      }
    });
    return caller;
  }

  /** Spend queries and prices. */
  public CostTracker costs() {
    return cost;
  }

  /** A snapshot of every deployment's circuit, cooldown and load, in configuration order. */
  public List<DeploymentStatus> deploymentStatus() {
    long now = clock.millis();
    List<DeploymentStatus> out = new ArrayList<>(deployments.size());
    for (DeploymentRuntime d : deployments.values()) {
      out.add(DeploymentStatus.builder(d.deployment).groups(deploymentGroups.get(d.deployment.id()))
          .circuitState(d.circuitState()).coolingDown(d.isCoolingDown(now)).inFlight(Math.max(0, d.inFlight()))
          .averageLatency(d.averageLatency()).build());
    }
    return out;
  }

  /** The budgets in force, changeable at run time. */
  public BudgetRegistry budgets() {
    return cost;
  }

  /** The response cache, or null when caching is off everywhere. */
  public ResponseCache cache() {
    return cache;
  }

  /** The configured model groups, as OpenAI's model list shows them. */
  public List<ModelInfo> models() {
    return modelList;
  }

  // ---- routing, used by the interceptor chains' last link

  CompletableFuture<ChatResponse> route(ChatRequest request, RequestOptions options, String requestId) {
    GroupRuntime g = groups.get(request.model());
    if (g == null) {
      return CompletableFuture.failedFuture(modelNotFound(request.model(), requestId));
    }
    return new ResponseCall<>(this, requestId, options, g, new ResponseCall.Operation<ChatResponse>() {
      @Override
      public CompletableFuture<ChatResponse> call(Provider p, String upstreamModel,
          dev.switchboard.core.spi.CallContext context) {
        return p.chat(request.toBuilder().model(upstreamModel).build(), context);
      }

      @Override
      public ChatResponse withRoute(ChatResponse value, dev.switchboard.core.model.RouteInfo route) {
        return value.toBuilder().route(route).build();
      }
    }).estimating(rateLimiting.limitsDeployments() ? TokenEstimate.of(rateLimiting.estimator(), request) : null)
        .start();
  }

  Flow.Publisher<ChatChunk> routeStream(ChatRequest request, RequestOptions options, String requestId) {
    GroupRuntime g = groups.get(request.model());
    if (g == null) {
      return Publishers.failed(modelNotFound(request.model(), requestId));
    }
    AtomicOnce once = new AtomicOnce();
    return subscriber -> {
      if (!once.first()) {
        Publishers.<ChatChunk>failed(new IllegalStateException("a Switchboard stream accepts one subscriber")).subscribe(subscriber);
        return;
      }
      new StreamCall(this, requestId, options, g, request, subscriber).subscribe();
    };
  }

  /** The deployments of {@code g} to try, in order; throws when none may be called now. */
  List<DeploymentRuntime> plan(GroupRuntime g, String requestId) {
    long now = clock.millis();
    List<DeploymentState> available = new ArrayList<>(g.deployments.size());
    for (DeploymentRuntime d : g.deployments) {
      if (d.isAvailable(now)) {
        available.add(d);
      }
    }
    if (available.isEmpty()) {
      throw unavailable(g, now, requestId);
    }
    List<DeploymentState> ordered = g.group.strategy().order(available);
    List<DeploymentRuntime> plan = new ArrayList<>(ordered.size());
    for (DeploymentState s : ordered) {
      plan.add((DeploymentRuntime) s);
    }
    if (plan.isEmpty()) {
      throw unavailable(g, now, requestId);
    }
    return plan;
  }

  private SwitchboardException unavailable(GroupRuntime g, long now, String requestId) {
    long minCooldown = Long.MAX_VALUE;
    boolean allCooling = true;
    StringBuilder why = new StringBuilder();
    for (DeploymentRuntime d : g.deployments) {
      if (why.length() > 0) {
        why.append(", ");
      }
      if (d.isCoolingDown(now)) {
        long remaining = d.cooldownRemainingMillis(now);
        minCooldown = Math.min(minCooldown, remaining);
        why.append(d.deployment.id()).append(" rate-limited for ").append(remaining).append(" ms");
      } else {
        allCooling = false;
        why.append(d.deployment.id()).append(" circuit open");
      }
    }
    ErrorDetails.Builder details = ErrorDetails.builder().model(g.name()).requestId(requestId);
    String message = "no deployment of model group '" + g.name() + "' is available: " + why;
    if (allCooling) {
      return new RateLimitedException(message, null, details.retryAfter(Duration.ofMillis(minCooldown)).build(), null);
    }
    if (g.deployments.size() == 1) {
      DeploymentRuntime d = g.deployments.get(0);
      return new CircuitOpenException(d.deployment.id(), details.deployment(d.deployment.id())
          .provider(d.deployment.provider()).build());
    }
    return new UpstreamUnavailableException(message, details.build());
  }

  SwitchboardException circuitOpen(DeploymentRuntime d, String requestId) {
    return new CircuitOpenException(d.deployment.id(), ErrorDetails.builder().provider(d.deployment.provider())
        .deployment(d.deployment.id()).model(d.deployment.model()).requestId(requestId).build());
  }

  SwitchboardException noDeployment(GroupRuntime g, String requestId) {
    return new UpstreamUnavailableException("no deployment of model group '" + g.name() + "' could take the call",
        ErrorDetails.builder().model(g.name()).requestId(requestId).build());
  }

  GroupRuntime group(String name) {
    return groups.get(name);
  }

  long nanoTime() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    return scheduler.schedule(() -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.error("Switchboard scheduled task failed", e);
      }
    }, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Model group name as a metric tag: unknown names collapse so that callers cannot blow up tag cardinality. */
  private String metricGroup(String model) {
    return model != null && groups.containsKey(model) ? model : "unknown";
  }

  private static ModelNotFoundException modelNotFound(String model, String requestId) {
    return new ModelNotFoundException("model '" + model + "' does not exist: no model group of that name is configured",
        ErrorDetails.builder().param("model").model(model).requestId(requestId).build());
  }

  static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  @Override
  public void close() {
    cost.close(); // first: flush the usage of calls that ended
    scheduler.shutdownNow();
    for (Provider p : ownedProviders) {
      try {
        p.close();
      } catch (RuntimeException e) {
        log.warn("closing provider failed", e);
      }
    }
  }

  // ---- interceptor chains

  /** One link of the interceptor chain; the link after the last interceptor hands the request to the router. */
  private abstract class Link<R> {
    private final int index;
    private final ChatRequest request;
    private final RequestOptions options;
    private final String requestId;
    private boolean proceeded;

    Link(int index, ChatRequest request, RequestOptions options, String requestId) {
      this.index = index;
      this.request = request;
      this.options = options;
      this.requestId = requestId;
    }

    abstract R route(ChatRequest next);

    abstract R invoke(Interceptor interceptor, int nextIndex, ChatRequest next);

    abstract R failed(Throwable error);

    public ChatRequest request() {
      return request;
    }

    public RequestOptions options() {
      return options;
    }

    public String requestId() {
      return requestId;
    }

    public R proceed(ChatRequest next) {
      java.util.Objects.requireNonNull(next, "request");
      synchronized (this) {
        if (proceeded) {
          throw new IllegalStateException("interceptor " + interceptors.get(index - 1)
              + " must call proceed() exactly once");
        }
        proceeded = true;
      }
      if (index == interceptors.size()) {
        return route(next);
      }
      Interceptor interceptor = interceptors.get(index);
      R result;
      try {
        result = invoke(interceptor, index + 1, next);
      } catch (RuntimeException e) { // an interceptor that throws fails the call, it does not escape to the caller
        return failed(e);
      }
      return result != null ? result : failed(new NullPointerException("interceptor " + interceptor + " returned null"));
    }
  }

  private final class ChatChain extends Link<CompletableFuture<ChatResponse>> implements Interceptor.Chain {
    ChatChain(int index, ChatRequest request, RequestOptions options, String requestId) {
      super(index, request, options, requestId);
    }

    @Override
    CompletableFuture<ChatResponse> route(ChatRequest next) {
      return Engine.this.route(next, options(), requestId());
    }

    @Override
    CompletableFuture<ChatResponse> invoke(Interceptor interceptor, int nextIndex, ChatRequest next) {
      return interceptor.interceptChat(new ChatChain(nextIndex, next, options(), requestId()));
    }

    @Override
    CompletableFuture<ChatResponse> failed(Throwable error) {
      return CompletableFuture.failedFuture(error);
    }
  }

  private final class StreamChain extends Link<Flow.Publisher<ChatChunk>> implements Interceptor.StreamChain {
    StreamChain(int index, ChatRequest request, RequestOptions options, String requestId) {
      super(index, request, options, requestId);
    }

    @Override
    Flow.Publisher<ChatChunk> route(ChatRequest next) {
      return routeStream(next, options(), requestId());
    }

    @Override
    Flow.Publisher<ChatChunk> invoke(Interceptor interceptor, int nextIndex, ChatRequest next) {
      return interceptor.interceptStream(new StreamChain(nextIndex, next, options(), requestId()));
    }

    @Override
    Flow.Publisher<ChatChunk> failed(Throwable error) {
      return Publishers.failed(error);
    }
  }

  /** One-shot flag. */
  private static final class AtomicOnce {
    private final java.util.concurrent.atomic.AtomicBoolean used = new java.util.concurrent.atomic.AtomicBoolean();

    boolean first() {
      return used.compareAndSet(false, true);
    }
  }
}

package dev.switchboard.core;

import dev.switchboard.core.cost.Budget;
import dev.switchboard.core.cost.BudgetRegistry;
import dev.switchboard.core.cost.CostTracker;
import dev.switchboard.core.cost.InMemoryUsageLedger;
import dev.switchboard.core.cost.PriceCatalog;
import dev.switchboard.core.cost.UsageLedger;
import dev.switchboard.core.cost.UsageSink;
import dev.switchboard.core.cache.CacheSettings;
import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.internal.cost.CostRuntime;
import dev.switchboard.core.internal.engine.CompositeListener;
import dev.switchboard.core.internal.engine.Engine;
import dev.switchboard.core.internal.engine.MicrometerListener;
import dev.switchboard.core.internal.engine.ProviderFactories;
import dev.switchboard.core.internal.ratelimit.RateLimiting;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.ModelInfo;
import dev.switchboard.core.ratelimit.Limits;
import dev.switchboard.core.ratelimit.RateLimiter;
import dev.switchboard.core.routing.Deployment;
import dev.switchboard.core.routing.DeploymentStatus;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.spi.CacheStore;
import dev.switchboard.core.spi.Provider;
import dev.switchboard.core.spi.ProviderConfig;
import dev.switchboard.core.spi.ProviderFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The Switchboard client: one OpenAI-shaped API over many providers, with routing, retries,
 * fallback, circuit breaking and a two-level response cache.
 *
 * <p><b>Create one and share it.</b> A client is thread-safe and holds providers, connection pools
 * and a scheduler thread; creating one per call wastes them. Per-call settings go in
 * {@link RequestOptions}, never into the client. {@link #close()} it when the application stops.
 *
 * <pre>{@code
 * Switchboard switchboard = Switchboard.builder()
 *     .provider(ProviderConfig.builder().name("openai").type("openai").apiKey(key).build())
 *     .modelGroup(ModelGroup.builder("fast").deployment("openai", "gpt-4o-mini").build())
 *     .build();
 * ChatResponse answer = switchboard.chatBlocking(ChatRequest.builder()
 *     .model("fast").addMessage(Message.user("Hello")).build());
 * }</pre>
 *
 * <p>Asynchronous methods report failures through the returned future or publisher as a
 * {@link SwitchboardException} subclass; they throw only for programming errors (null arguments).
 */
public final class Switchboard implements AutoCloseable {

  /** How long a deployment is skipped after a 429 that did not say how long to wait. */
  public static final Duration DEFAULT_RATE_LIMIT_COOLDOWN = Duration.ofSeconds(5);

  private final Engine engine;

  private Switchboard(Engine engine) {
    this.engine = engine;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The engine, for tests in this package. */
  Engine engine() {
    return engine;
  }

  /** Sends a chat completion through the model group named in {@code request.model()}. */
  public CompletableFuture<ChatResponse> chat(ChatRequest request) {
    return chat(request, RequestOptions.defaults());
  }

  /**
   * Sends a chat completion. Cancelling the returned future cancels the upstream call.
   *
   * @return a future completed with the response (its {@link ChatResponse#route()} says which
   *     deployment answered), or failed with a {@link SwitchboardException}
   */
  public CompletableFuture<ChatResponse> chat(ChatRequest request, RequestOptions options) {
    return engine.chat(Objects.requireNonNull(request, "request"), Objects.requireNonNull(options, "options"));
  }

  /** Streams a chat completion through the model group named in {@code request.model()}. */
  public Flow.Publisher<ChatChunk> stream(ChatRequest request) {
    return stream(request, RequestOptions.defaults());
  }

  /**
   * Streams a chat completion. The publisher is cold and accepts one subscriber: nothing is sent
   * upstream until the subscriber requests a chunk. Demand travels upstream (a slow subscriber slows
   * the upstream read) and cancelling the subscription closes the upstream connection. The first
   * chunk carries {@link ChatChunk#route()}; the last carries usage when the upstream reports it.
   * Until the first chunk, failures fall back like {@link #chat}; after it, they end the stream
   * with {@code onError}.
   */
  public Flow.Publisher<ChatChunk> stream(ChatRequest request, RequestOptions options) {
    return engine.stream(Objects.requireNonNull(request, "request"), Objects.requireNonNull(options, "options"));
  }

  /**
   * Blocking form of {@link #chat(ChatRequest)}.
   *
   * @throws SwitchboardException when the call fails
   * @throws CancellationException when the calling thread is interrupted (the call is cancelled and
   *     the interrupt flag kept)
   */
  public ChatResponse chatBlocking(ChatRequest request) {
    return await(chat(request));
  }

  /** Blocking form of {@link #chat(ChatRequest, RequestOptions)}; see {@link #chatBlocking(ChatRequest)}. */
  public ChatResponse chatBlocking(ChatRequest request, RequestOptions options) {
    return await(chat(request, options));
  }

  /** A pull-style stream: iterate it, and close it (try-with-resources). */
  public ChatStream streamBlocking(ChatRequest request) {
    return new ChatStream(stream(request));
  }

  /** A pull-style stream with per-call options. */
  public ChatStream streamBlocking(ChatRequest request, RequestOptions options) {
    return new ChatStream(stream(request, options));
  }

  /** Creates embeddings through the model group named in {@code request.model()}. */
  public CompletableFuture<EmbeddingResponse> embed(EmbeddingRequest request) {
    return embed(request, RequestOptions.defaults());
  }

  /** Creates embeddings, with fallback across the group's deployments like {@link #chat}. */
  public CompletableFuture<EmbeddingResponse> embed(EmbeddingRequest request, RequestOptions options) {
    return engine.embed(Objects.requireNonNull(request, "request"), Objects.requireNonNull(options, "options"));
  }

  /**
   * Spend and token queries over the usage ledger, provider cost comparison, and the price each
   * deployment is charged at. Every call is recorded (asynchronously) whether or not anything is
   * configured; by default into an in-memory ledger.
   */
  public CostTracker costs() {
    return engine.costs();
  }

  /**
   * The budgets this client enforces: those given to {@link Builder#budget(Budget)}, and any added
   * since. Changes apply to calls that start afterwards, without rebuilding the client.
   */
  public BudgetRegistry budgets() {
    return engine.budgets();
  }

  /**
   * A snapshot of every deployment's circuit breaker, cooldown and load, each deployment once, in
   * configuration order: for health checks and status pages. No upstream call is made.
   */
  public List<DeploymentStatus> deploymentStatus() {
    return engine.deploymentStatus();
  }

  /** The configured model groups, the models callers may name; no upstream call is made. */
  public List<ModelInfo> models() {
    return engine.models();
  }

  /**
   * Writes the buffered usage records to the ledger and sinks (waiting up to ten seconds), stops the
   * scheduler and closes the providers this client created from {@link ProviderConfig}s. Ledgers and
   * sinks handed to the builder are flushed but stay open; provider instances handed to
   * {@link Builder#provider(String, Provider)} and the {@link Builder#cacheStore(CacheStore) cache
   * store} stay open too: their owner closes them. Calls still in flight may fail.
   */
  @Override
  public void close() {
    engine.close();
  }

  private static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for the answer");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IllegalStateException(cause);
    }
  }

  /** Builds a {@link Switchboard}. Not thread-safe; every setter validates its argument at once. */
  public static final class Builder {
    private final List<ProviderConfig> providerConfigs = new ArrayList<>();
    private final Map<String, Provider> providerInstances = new LinkedHashMap<>();
    private final Map<String, ModelGroup> groups = new LinkedHashMap<>();
    private final List<Interceptor> interceptors = new ArrayList<>();
    private final List<SwitchboardListener> listeners = new ArrayList<>();
    private final Map<Class<?>, Object> components = new LinkedHashMap<>();
    private MeterRegistry meterRegistry;
    private RetryPolicy retryPolicy = RetryPolicy.ofDefaults();
    private CircuitBreakerPolicy circuitBreakerPolicy = CircuitBreakerPolicy.ofDefaults();
    private Timeouts timeouts = Timeouts.ofDefaults();
    private Duration rateLimitCooldown = DEFAULT_RATE_LIMIT_COOLDOWN;
    private Clock clock = Clock.systemUTC();
    private Supplier<String> requestIds = Builder::randomRequestId;
    private ClassLoader classLoader;
    private PriceCatalog priceCatalog;
    private UsageLedger usageLedger;
    private final List<UsageSink> usageSinks = new ArrayList<>();
    private final List<Budget> budgets = new ArrayList<>();
    private int usageBufferSize = CostRuntime.DEFAULT_BUFFER;
    private CacheSettings cacheSettings;
    private CacheStore cacheStore;
    private Limits limits = Limits.none();
    private RateLimiter rateLimiter;

    private Builder() {}

    /**
     * Adds a provider account; its {@link ProviderConfig#type()} is looked up among the
     * {@link ProviderFactory} implementations on the class path. The client owns and closes it.
     */
    public Builder provider(ProviderConfig config) {
      Objects.requireNonNull(config, "config");
      requireNewProviderName(config.name());
      providerConfigs.add(config);
      return this;
    }

    /** Adds a provider instance under {@code name}. The caller keeps ownership and closes it. */
    public Builder provider(String name, Provider provider) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(provider, "provider");
      requireNewProviderName(name);
      providerInstances.put(name, provider);
      return this;
    }

    /** @throws IllegalArgumentException when a group of that name was already added */
    public Builder modelGroup(ModelGroup group) {
      Objects.requireNonNull(group, "group");
      if (groups.containsKey(group.name())) {
        throw new IllegalArgumentException("model group '" + group.name() + "' is already configured");
      }
      groups.put(group.name(), group);
      return this;
    }

    /**
     * Appends an interceptor; interceptors run in the order added, after the built-in rate limits and
     * budgets and before the built-in response cache and routing (so a redacting interceptor changes
     * what is cached, and a refusing one refuses cache hits too).
     */
    public Builder interceptor(Interceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /**
     * Turns on the response cache for every model group (a group may override the mode and TTL
     * with {@code ModelGroup.Builder.cache}). Default: no cache, unless a group sets one.
     * See {@link dev.switchboard.core.cache} for what is cached and how it is keyed.
     */
    public Builder cache(CacheSettings settings) {
      this.cacheSettings = Objects.requireNonNull(settings, "cache");
      return this;
    }

    /**
     * Adds a shared second cache level, e.g. {@code RedisCacheStore} from
     * {@code switchboard-sdk-redis}, so that several instances share answers. Default: none (the
     * in-process level only). The client does not close the store.
     */
    public Builder cacheStore(CacheStore store) {
      this.cacheStore = Objects.requireNonNull(store, "cacheStore");
      return this;
    }

    /** Adds a listener; several may be added and each sees every event. */
    public Builder listener(SwitchboardListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Registers Switchboard's meters (see {@code SwitchboardMetrics}) in {@code registry}. Default: none. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry");
      return this;
    }

    /** Default: {@link RetryPolicy#ofDefaults()}. */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
      return this;
    }

    /** Default: {@link CircuitBreakerPolicy#ofDefaults()}. */
    public Builder circuitBreakerPolicy(CircuitBreakerPolicy policy) {
      this.circuitBreakerPolicy = Objects.requireNonNull(policy, "circuitBreakerPolicy");
      return this;
    }

    /** Default: {@link Timeouts#ofDefaults()}; deployments and requests may override. */
    public Builder timeouts(Timeouts timeouts) {
      this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
      return this;
    }

    /**
     * How long a deployment is skipped after an upstream 429 without {@code Retry-After}. Default
     * {@link #DEFAULT_RATE_LIMIT_COOLDOWN}.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder rateLimitCooldown(Duration cooldown) {
      Objects.requireNonNull(cooldown, "rateLimitCooldown");
      if (cooldown.isNegative()) {
        throw new IllegalArgumentException("rateLimitCooldown must not be negative but was " + cooldown);
      }
      this.rateLimitCooldown = cooldown;
      return this;
    }

    /** The time source for cooldowns, breakers and latency averages. Default: the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Generates request ids for calls whose options carry none. */
    public Builder requestIdGenerator(Supplier<String> generator) {
      this.requestIds = Objects.requireNonNull(generator, "requestIdGenerator");
      return this;
    }

    /** Hands a shared component (e.g. an HTTP transport) to every provider created from a config. */
    public <T> Builder providerComponent(Class<T> type, T component) {
      components.put(Objects.requireNonNull(type, "type"), type.cast(Objects.requireNonNull(component, "component")));
      return this;
    }

    /**
     * The caller limits: tiers, per-dimension limits and overrides, checked first for every chat and
     * stream call (before the embedder's interceptors and the cache); a refusal fails the call with a
     * {@link dev.switchboard.core.error.RateLimitedException} before any upstream call. Default
     * {@link Limits#none()}. Deployments' own limits ({@code Deployment.Builder.limit}) and a caller's own
     * ({@link Caller#limits()}) apply either way.
     */
    public Builder limits(Limits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Where limits are counted. Default: {@link RateLimiter#local(Clock)} on this client's clock, in
     * this process; a shared store (Redis) makes limits global across instances. The caller keeps
     * ownership of a limiter given here.
     */
    public Builder rateLimiter(RateLimiter rateLimiter) {
      this.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter");
      return this;
    }

    /** The class loader to discover {@link ProviderFactory} implementations in. Default: this class's. */
    public Builder classLoader(ClassLoader classLoader) {
      this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
      return this;
    }

    /**
     * The prices calls are charged at. Default: {@link PriceCatalog#builtIn()}. Extend it with
     * {@code PriceCatalog.builtIn().toBuilder().add(...).build()}; a price set on a deployment wins.
     */
    public Builder priceCatalog(PriceCatalog catalog) {
      this.priceCatalog = Objects.requireNonNull(catalog, "priceCatalog");
      return this;
    }

    /**
     * Where usage is aggregated and budgets read spend. Default: an {@link InMemoryUsageLedger} on
     * this client's clock. The caller owns the ledger.
     */
    public Builder usageLedger(UsageLedger ledger) {
      this.usageLedger = Objects.requireNonNull(ledger, "usageLedger");
      return this;
    }

    /** Adds a sink that receives every raw usage record. The caller owns (and closes) it. */
    public Builder usageSink(UsageSink sink) {
      usageSinks.add(Objects.requireNonNull(sink, "usageSink"));
      return this;
    }

    /**
     * Adds a spending budget; see {@link Budget} for how it is checked and how far spend can overshoot.
     * Budgets can also be added and removed while the client runs: {@link Switchboard#budgets()}.
     */
    public Builder budget(Budget budget) {
      budgets.add(Objects.requireNonNull(budget, "budget"));
      return this;
    }

    /**
     * How many usage records may wait to be written before new ones are dropped (and counted). Default
     * 10,000.
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder usageBufferSize(int records) {
      if (records < 1) {
        throw new IllegalArgumentException("usageBufferSize must be >= 1 but was " + records);
      }
      this.usageBufferSize = records;
      return this;
    }

    /**
     * @throws IllegalStateException naming the problem when no model group is configured, a
     *     deployment names an unknown provider, a fallback group does not exist, or no
     *     {@link ProviderFactory} handles a configured provider type, or a cache store is set while
     *     no cache is configured
     */
    public Switchboard build() {
      if (groups.isEmpty()) {
        throw new IllegalStateException("no model group configured: add one with modelGroup(...)");
      }
      if (cacheStore != null && cacheSettings == null && groups.values().stream().allMatch(g -> g.cache() == null)) {
        throw new IllegalStateException("a cacheStore is set but no cache is configured: add cache(CacheSettings)");
      }
      Map<String, String> providerNames = new LinkedHashMap<>();
      providerInstances.keySet().forEach(n -> providerNames.put(n, n));
      providerConfigs.forEach(c -> providerNames.put(c.name(), c.name()));
      for (ModelGroup g : groups.values()) {
        for (Deployment d : g.deployments()) {
          if (!providerNames.containsKey(d.provider())) {
            throw new IllegalStateException("deployment '" + d.id() + "' of model group '" + g.name()
                + "' names provider '" + d.provider() + "', which is not configured; configured: " + providerNames.keySet());
          }
        }
        for (String fallback : new String[] {g.contextWindowFallback(), g.contentPolicyFallback()}) {
          if (fallback != null && !groups.containsKey(fallback)) {
            throw new IllegalStateException("model group '" + g.name() + "' falls back to model group '" + fallback
                + "', which is not configured");
          }
        }
      }

      Map<String, Provider> providers = new LinkedHashMap<>(providerInstances);
      List<Provider> owned = new ArrayList<>();
      if (!providerConfigs.isEmpty()) {
        Map<String, ProviderFactory> factories = ProviderFactories.discover(
            classLoader != null ? classLoader : Switchboard.class.getClassLoader());
        try {
          for (ProviderConfig config : providerConfigs) {
            ProviderFactory factory = factories.get(config.type());
            if (factory == null) {
              throw new IllegalStateException("no provider factory for type '" + config.type() + "' of provider '"
                  + config.name() + "'; known types: " + factories.keySet()
                  + " (is switchboard-sdk-providers on the class path?)");
            }
            ProviderConfig.Builder withComponents = config.toBuilder();
            components.forEach((type, component) -> addComponent(withComponents, type, component));
            Provider provider = factory.create(withComponents.build());
            owned.add(provider);
            providers.put(config.name(), provider);
          }
        } catch (RuntimeException e) {
          owned.forEach(Provider::close);
          throw e;
        }
      }

      List<SwitchboardListener> all = new ArrayList<>(listeners);
      MicrometerListener metrics = meterRegistry == null ? null : new MicrometerListener(meterRegistry);
      if (metrics != null) {
        all.add(metrics);
      }
      CompositeListener listener = new CompositeListener(all);
      boolean deploymentLimits = groups.values().stream().flatMap(g -> g.deployments().stream())
          .anyMatch(d -> !d.limits().isEmpty());
      RateLimiting rateLimiting = new RateLimiting(limits,
          rateLimiter != null ? rateLimiter : RateLimiter.local(clock), listener, deploymentLimits);
      Map<String, String> providerTypes = new LinkedHashMap<>();
      providerConfigs.forEach(c -> providerTypes.put(c.name(), c.type()));
      CostRuntime cost;
      try {
        cost = new CostRuntime(List.copyOf(groups.values()), providerTypes,
            priceCatalog != null ? priceCatalog : PriceCatalog.builtIn(),
            usageLedger != null ? usageLedger : InMemoryUsageLedger.create(clock, InMemoryUsageLedger.DEFAULT_DEDUP_WINDOW),
            usageSinks, budgets, usageBufferSize, listener, clock);
      } catch (RuntimeException e) {
        owned.forEach(Provider::close);
        throw e;
      }
      Engine engine = new Engine(List.copyOf(groups.values()), providers, owned, interceptors, listener, retryPolicy,
          circuitBreakerPolicy, timeouts, rateLimitCooldown, clock, requestIds, rateLimiting, cost, cacheSettings,
          cacheStore);
      if (metrics != null && engine.cache() != null) {
        metrics.bindCache(engine.cache()::l1Bytes, engine.cache()::l1Entries);
      }
      return new Switchboard(engine);
    }

    @SuppressWarnings("unchecked")
    private static <T> void addComponent(ProviderConfig.Builder builder, Class<T> type, Object component) {
      builder.component(type, (T) component);
    }

    private void requireNewProviderName(String name) {
      boolean taken = providerInstances.containsKey(name)
          || providerConfigs.stream().anyMatch(c -> c.name().equals(name));
      if (taken) {
        throw new IllegalArgumentException("provider '" + name + "' is already configured");
      }
    }

    private static String randomRequestId() {
      ThreadLocalRandom r = ThreadLocalRandom.current();
      return "req_" + Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }
  }
}

package dev.switchboard.core.internal.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.switchboard.core.Interceptor;
import dev.switchboard.core.SwitchboardListener;
import dev.switchboard.core.cache.CacheControl;
import dev.switchboard.core.cache.CacheLevel;
import dev.switchboard.core.cache.CacheMode;
import dev.switchboard.core.cache.CacheSettings;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatCompletionAccumulator;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.RouteInfo;
import dev.switchboard.core.spi.CacheStore;
import dev.switchboard.core.wire.OpenAiJson;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's built-in cache step, placed after the embedder's interceptors and before the
 * router: L1 (Caffeine, bounded by entries and bytes, per-entry TTL on an injected ticker), L2 (a
 * {@link CacheStore}, read within a time budget, written fire-and-forget), single-flight for
 * identical concurrent whole-response misses, replay of hits as streams and storage of streams that
 * completed normally. Nothing here can fail a call: every cache error is a miss, counted through
 * {@link SwitchboardListener#cacheError} and logged at most once a minute. Thread-safe.
 */
public final class ResponseCache implements Interceptor {

  private static final Logger log = LoggerFactory.getLogger(ResponseCache.class);

  private static final RouteInfo ROUTE_HIT_L1 = RouteInfo.builder().cache(RouteInfo.CACHE_HIT_L1).build();
  private static final RouteInfo ROUTE_HIT_L2 = RouteInfo.builder().cache(RouteInfo.CACHE_HIT_L2).build();

  /** Runs a task after a delay; the engine's scheduler. */
  @FunctionalInterface
  public interface Scheduler {
    Future<?> schedule(Runnable task, Duration delay);
  }

  /** A group's effective mode and TTL. */
  private static final class Policy {
    final CacheMode mode;
    final Duration ttl;

    Policy(CacheMode mode, Duration ttl) {
      this.mode = mode;
      this.ttl = ttl;
    }

    boolean cacheable(ChatRequest r) {
      if (mode == CacheMode.ALL) {
        return true;
      }
      Double t = r.temperature();
      return t != null && t == 0.0 || r.seed() != null;
    }
  }

  /** An L1 entry: the answer as any later hit sees it, its JSON size and its time to live. */
  private static final class Entry {
    final ChatResponse response;
    final int bytes;
    final long ttlNanos;

    Entry(ChatResponse response, int bytes, long ttlNanos) {
      this.response = response;
      this.bytes = bytes;
      this.ttlNanos = ttlNanos;
    }
  }

  private final Map<String, Policy> policies;
  private final CacheStore store;
  private final SwitchboardListener listener;
  private final Clock clock;
  private final LongSupplier ticker;
  private final Scheduler scheduler;
  private final Duration l2ReadTimeout;
  private final Cache<String, Entry> l1;
  private final AtomicLong l1Bytes = new AtomicLong();
  private final ConcurrentHashMap<String, Flight> flights = new ConcurrentHashMap<>();
  private final ThrottledLog errorLog;

  /**
   * @param clientSettings the client's settings, or null when only groups set theirs
   * @param groupSettings every configured group's own settings (null values follow the client)
   * @param store the shared level, or null
   * @param clock wall time for the expiry stored with L2 values
   * @param ticker nanosecond time for L1 expiry and latencies
   */
  public ResponseCache(CacheSettings clientSettings, Map<String, CacheSettings> groupSettings, CacheStore store,
      SwitchboardListener listener, Clock clock, LongSupplier ticker, Scheduler scheduler) {
    CacheSettings base = clientSettings != null ? clientSettings : CacheSettings.ofDefaults();
    Map<String, Policy> p = new LinkedHashMap<>();
    for (Map.Entry<String, CacheSettings> g : groupSettings.entrySet()) {
      CacheSettings s = g.getValue() != null ? g.getValue() : clientSettings;
      if (s != null && s.mode() != CacheMode.OFF) {
        p.put(g.getKey(), new Policy(s.mode(), s.ttl()));
      }
    }
    this.policies = Map.copyOf(p);
    this.store = store;
    this.listener = listener;
    this.clock = clock;
    this.ticker = ticker;
    this.scheduler = scheduler;
    this.l2ReadTimeout = base.l2ReadTimeout();
    this.errorLog = new ThrottledLog(log, Duration.ofMinutes(1), ticker);
    this.l1 = base.l1MaxEntries() == 0 || base.l1MaxBytes() == 0 ? null
        : buildL1(base.l1MaxEntries(), base.l1MaxBytes());
  }

  private Cache<String, Entry> buildL1(long maxEntries, long maxBytes) {
    // Caffeine bounds either entries or weight. Weighing each entry as at least maxBytes / maxEntries
    // bounds both: no more than maxEntries entries fit, and no more than maxBytes bytes.
    long floor = Math.min(Integer.MAX_VALUE, (maxBytes + maxEntries - 1) / maxEntries);
    return Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher((String key, Entry e) -> (int) Math.max(floor, e.bytes))
        .expireAfter(new Expiry<String, Entry>() {
          @Override
          public long expireAfterCreate(String key, Entry e, long now) {
            return e.ttlNanos;
          }

          @Override
          public long expireAfterUpdate(String key, Entry e, long now, long remaining) {
            return e.ttlNanos;
          }

          @Override
          public long expireAfterRead(String key, Entry e, long now, long remaining) {
            return remaining;
          }
        })
        .ticker(ticker::getAsLong)
        .executor(Runnable::run) // maintenance on the calling thread: no pool, and eviction events in order
        .removalListener((String key, Entry e, RemovalCause cause) -> {
          if (e != null) {
            l1Bytes.addAndGet(-e.bytes);
          }
          if (cause.wasEvicted()) {
            listener.cacheEviction(CacheLevel.L1, cause == RemovalCause.EXPIRED ? "expired" : "size");
          }
        })
        .build();
  }

  /** Bytes (JSON size) held by L1. */
  public long l1Bytes() {
    return l1Bytes.get();
  }

  /** Entries held by L1 (an estimate: expired entries may still count until cleaned up). */
  public long l1Entries() {
    return l1 == null ? 0 : l1.estimatedSize();
  }

  /** Runs pending L1 maintenance (expiry, eviction); for tests and benchmarks. */
  public void cleanUp() {
    if (l1 != null) {
      l1.cleanUp();
    }
  }

  // ------------------------------------------------------------------ whole responses

  @Override
  public CompletableFuture<ChatResponse> interceptChat(Chain chain) {
    ChatRequest request = chain.request();
    Policy policy = policies.get(request.model());
    if (policy == null) { // caching is off for the group, or the group does not exist (the router says so)
      return chain.proceed(request);
    }
    CacheControl control = chain.options().cacheControl();
    if (!policy.cacheable(request) || control.noCache() && control.noStore()) {
      return relabel(chain.proceed(request), RouteInfo.CACHE_BYPASS);
    }
    String key;
    try {
      key = CacheKeys.key(request);
    } catch (RuntimeException e) { // a cache bug must not fail the call
      error(CacheLevel.L1, "get", e);
      return relabel(chain.proceed(request), RouteInfo.CACHE_BYPASS);
    }
    String group = request.model();
    String requestId = chain.requestId();
    Duration ttl = control.ttl() != null ? control.ttl() : policy.ttl;
    boolean storeIt = !control.noStore();

    if (control.noCache()) { // skip the read and single-flight; the fresh answer refreshes the cache
      long start = ticker.getAsLong();
      CompletableFuture<ChatResponse> upstream = chain.proceed(request);
      return map(upstream, (response, error) -> {
        listener.cacheLoad(requestId, group, Duration.ofNanos(ticker.getAsLong() - start), error);
        if (error == null && storeIt) {
          put(key, response, ttl);
        }
      }, RouteInfo.CACHE_BYPASS);
    }

    Entry hit = l1Get(key, requestId, group);
    if (hit != null) {
      return CompletableFuture.completedFuture(withRoute(hit.response, ROUTE_HIT_L1));
    }
    while (true) {
      Flight running = flights.get(key);
      if (running != null) {
        CompletableFuture<ChatResponse> joined = running.join(false);
        if (joined != null) {
          listener.cacheCoalesced(requestId, group);
          return joined;
        }
        flights.remove(key, running); // everyone left it; start a new one
        continue;
      }
      Flight mine = new Flight(key);
      if (flights.putIfAbsent(key, mine) != null) {
        continue;
      }
      CompletableFuture<ChatResponse> result = mine.join(true);
      // A flight for this key may have ended (and filled L1) between our L1 miss and our putIfAbsent.
      Entry late = l1 == null ? null : l1.getIfPresent(key);
      if (late != null) {
        flights.remove(key, mine);
        mine.shared.complete(new Outcome(withRoute(late.response, ROUTE_HIT_L1)));
        return result;
      }
      lead(mine, chain, request, key, ttl, storeIt, requestId, group);
      return result;
    }
  }

  /** The leader's work: L2, then upstream; every participant of the flight gets the outcome. */
  private void lead(Flight flight, Chain chain, ChatRequest request, String key, Duration ttl, boolean storeIt,
      String requestId, String group) {
    l2Get(key, requestId, group).whenComplete((found, ignored) -> {
      if (found != null) {
        flights.remove(key, flight);
        flight.shared.complete(new Outcome(withRoute(found, ROUTE_HIT_L2)));
        return;
      }
      CompletableFuture<ChatResponse> upstream;
      synchronized (flight) {
        if (flight.closed) { // every caller cancelled during the L2 read
          return;
        }
      }
      long start = ticker.getAsLong();
      try {
        upstream = chain.proceed(request);
      } catch (RuntimeException e) {
        upstream = CompletableFuture.failedFuture(e);
      }
      flight.upstream(upstream);
      upstream.whenComplete((response, error) -> {
        Throwable cause = unwrap(error);
        listener.cacheLoad(requestId, group, Duration.ofNanos(ticker.getAsLong() - start), cause);
        if (cause == null && storeIt) {
          put(key, response, ttl); // before the flight ends, so that a later call finds it in L1
        }
        flights.remove(key, flight);
        if (cause != null) {
          flight.shared.completeExceptionally(cause);
        } else {
          flight.shared.complete(new Outcome(relabel(response, RouteInfo.CACHE_MISS)));
        }
      });
    });
  }

  /** What a flight ended with: the leader's answer; followers see it as coalesced unless it was a hit. */
  private static final class Outcome {
    final ChatResponse leader;
    final ChatResponse follower;

    Outcome(ChatResponse leader) {
      this.leader = leader;
      RouteInfo route = leader.route();
      this.follower = route != null && RouteInfo.CACHE_MISS.equals(route.cache())
          ? leader.toBuilder().route(route.toBuilder().attempts(0).fallbacks(0).cache(RouteInfo.CACHE_COALESCED)
              .build()).build()
          : leader;
    }
  }

  /**
   * One upstream call shared by identical concurrent calls. A participant that cancels leaves the
   * flight; the upstream call is cancelled only when the last one left.
   */
  private final class Flight {
    final String key;
    final CompletableFuture<Outcome> shared = new CompletableFuture<>();
    private int participants; // guarded by this
    private boolean closed; // guarded by this
    private CompletableFuture<ChatResponse> upstream; // guarded by this

    Flight(String key) {
      this.key = key;
    }

    /** A future for one more participant, or null when the flight was abandoned by everyone. */
    CompletableFuture<ChatResponse> join(boolean leader) {
      synchronized (this) {
        if (closed) {
          return null;
        }
        participants++;
      }
      CompletableFuture<ChatResponse> mine = new CompletableFuture<>();
      shared.whenComplete((outcome, error) -> {
        if (error != null) {
          mine.completeExceptionally(unwrap(error));
        } else {
          mine.complete(leader ? outcome.leader : outcome.follower);
        }
      });
      mine.whenComplete((r, e) -> {
        if (mine.isCancelled()) {
          leave();
        }
      });
      return mine;
    }

    void upstream(CompletableFuture<ChatResponse> call) {
      boolean cancel;
      synchronized (this) {
        upstream = call;
        cancel = closed;
      }
      if (cancel) {
        call.cancel(true);
      }
    }

    private void leave() {
      CompletableFuture<ChatResponse> call;
      synchronized (this) {
        if (shared.isDone() || --participants > 0) {
          return;
        }
        closed = true;
        call = upstream;
      }
      flights.remove(key, this);
      if (call != null) {
        call.cancel(true); // nobody waits any more: stop paying for the answer
      }
      shared.completeExceptionally(new CancellationException("every caller of this call cancelled"));
    }
  }

  // ------------------------------------------------------------------ streams

  @Override
  public Flow.Publisher<ChatChunk> interceptStream(StreamChain chain) {
    ChatRequest request = chain.request();
    Policy policy = policies.get(request.model());
    if (policy == null) {
      return chain.proceed(request);
    }
    CacheControl control = chain.options().cacheControl();
    if (!policy.cacheable(request) || control.noCache() && control.noStore()) {
      return new StoringPublisher(chain.proceed(request), RouteInfo.CACHE_BYPASS, null, null, null, null);
    }
    String key;
    try {
      key = CacheKeys.key(request);
    } catch (RuntimeException e) {
      error(CacheLevel.L1, "get", e);
      return new StoringPublisher(chain.proceed(request), RouteInfo.CACHE_BYPASS, null, null, null, null);
    }
    String group = request.model();
    String requestId = chain.requestId();
    Duration ttl = control.ttl() != null ? control.ttl() : policy.ttl;
    String storeKey = control.noStore() ? null : key;
    if (control.noCache()) {
      return new StoringPublisher(chain.proceed(request), RouteInfo.CACHE_BYPASS, storeKey, ttl, requestId, group);
    }
    Entry hit = l1Get(key, requestId, group);
    if (hit != null) {
      return Replay.publisher(Replay.chunks(hit.response, ROUTE_HIT_L1));
    }
    if (store == null) {
      return new StoringPublisher(chain.proceed(request), RouteInfo.CACHE_MISS, storeKey, ttl, requestId, group);
    }
    return subscriber -> l2Get(key, requestId, group).whenComplete((found, ignored) -> {
      Flow.Publisher<ChatChunk> chosen;
      if (found != null) {
        chosen = Replay.publisher(Replay.chunks(found, ROUTE_HIT_L2));
      } else {
        Flow.Publisher<ChatChunk> upstream;
        try {
          upstream = chain.proceed(request);
        } catch (RuntimeException e) {
          upstream = dev.switchboard.core.internal.engine.Publishers.failed(e);
        }
        chosen = new StoringPublisher(upstream, RouteInfo.CACHE_MISS, storeKey, ttl, requestId, group);
      }
      chosen.subscribe(subscriber);
    });
  }

  /**
   * Passes a live stream through, labelling its route with the cache outcome, and, when given a
   * key, assembles it and stores the answer once the stream completed normally with a finish
   * reason on every choice: never a stream that failed, was cancelled or was cut off.
   */
  private final class StoringPublisher implements Flow.Publisher<ChatChunk> {
    private final Flow.Publisher<ChatChunk> upstream;
    private final String label;
    private final String key;
    private final Duration ttl;
    private final String requestId;
    private final String group;

    StoringPublisher(Flow.Publisher<ChatChunk> upstream, String label, String key, Duration ttl, String requestId,
        String group) {
      this.upstream = upstream;
      this.label = label;
      this.key = key;
      this.ttl = ttl;
      this.requestId = requestId;
      this.group = group;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ChatChunk> downstream) {
      upstream.subscribe(new Flow.Subscriber<ChatChunk>() {
        private final long start = ticker.getAsLong();
        private ChatCompletionAccumulator accumulator = key == null ? null : new ChatCompletionAccumulator();
        private Flow.Subscription subscription;
        private volatile boolean cancelled;

        @Override
        public void onSubscribe(Flow.Subscription s) {
          subscription = s;
          downstream.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
              s.request(n);
            }

            @Override
            public void cancel() {
              cancelled = true;
              s.cancel();
            }
          });
        }

        @Override
        public void onNext(ChatChunk chunk) {
          ChatChunk out = chunk;
          if (chunk.route() != null) {
            out = chunk.toBuilder().route(chunk.route().toBuilder().cache(label).build()).build();
          }
          if (accumulator != null) {
            try {
              accumulator.add(chunk);
            } catch (RuntimeException e) {
              accumulator = null; // give up storing this one; the caller still gets every chunk
              error(CacheLevel.L1, "put", e);
            }
          }
          downstream.onNext(out);
        }

        @Override
        public void onError(Throwable error) {
          if (key != null) {
            listener.cacheLoad(requestId, group, Duration.ofNanos(ticker.getAsLong() - start), error);
          }
          downstream.onError(error);
        }

        @Override
        public void onComplete() {
          if (key != null && !cancelled) {
            listener.cacheLoad(requestId, group, Duration.ofNanos(ticker.getAsLong() - start), null);
            if (accumulator != null && accumulator.isComplete()) {
              put(key, accumulator.build(), ttl);
            }
          }
          downstream.onComplete();
        }
      });
    }
  }

  // ------------------------------------------------------------------ levels

  private Entry l1Get(String key, String requestId, String group) {
    if (l1 == null) {
      return null;
    }
    long start = ticker.getAsLong();
    Entry e = l1.getIfPresent(key);
    listener.cacheLookup(requestId, group, CacheLevel.L1, e != null, Duration.ofNanos(ticker.getAsLong() - start));
    return e;
  }

  /**
   * Reads L2 within the read timeout; completes with the answer (which then fills L1) or null on a
   * miss, an expired or unreadable value, an error or a timeout. Never completes exceptionally.
   */
  private CompletableFuture<ChatResponse> l2Get(String key, String requestId, String group) {
    if (store == null) {
      return CompletableFuture.completedFuture(null);
    }
    long start = ticker.getAsLong();
    CompletableFuture<byte[]> read;
    try {
      read = store.get(key);
      if (read == null) {
        throw new NullPointerException(store.getClass().getName() + ".get returned null");
      }
    } catch (RuntimeException e) {
      error(CacheLevel.L2, "get", e);
      read = CompletableFuture.completedFuture(null);
    }
    CompletableFuture<byte[]> bounded = new CompletableFuture<>();
    java.util.concurrent.atomic.AtomicBoolean decided = new java.util.concurrent.atomic.AtomicBoolean();
    Future<?> timer = null;
    if (!read.isDone()) {
      try {
        timer = scheduler.schedule(() -> {
          if (decided.compareAndSet(false, true)) { // report first: completing runs the rest of the call
            error(CacheLevel.L2, "get", new TimeoutException("the cache store did not answer within "
                + l2ReadTimeout.toMillis() + " ms"));
            bounded.complete(null);
          }
        }, l2ReadTimeout);
      } catch (RuntimeException e) { // the engine is closing: no timer, the store's own budget applies
        timer = null;
      }
    }
    Future<?> t = timer;
    read.whenComplete((value, error) -> {
      if (t != null) {
        t.cancel(false);
      }
      if (!decided.compareAndSet(false, true)) {
        return;
      }
      if (error != null) {
        error(CacheLevel.L2, "get", unwrap(error));
        bounded.complete(null);
      } else {
        bounded.complete(value);
      }
    });
    return bounded.thenApply(value -> {
      ChatResponse found = value == null ? null : decodeL2(key, value);
      listener.cacheLookup(requestId, group, CacheLevel.L2, found != null,
          Duration.ofNanos(ticker.getAsLong() - start));
      return found;
    });
  }

  private ChatResponse decodeL2(String key, byte[] value) {
    try {
      CacheCodec.Decoded decoded = CacheCodec.decode(value);
      long remainingMillis = decoded.expiresAtMillis - clock.millis();
      if (remainingMillis <= 0) {
        return null; // the store kept it a little longer than we promised
      }
      ChatResponse response = OpenAiJson.readChatResponse(decoded.json);
      l1Put(key, response, decoded.json.length, Duration.ofMillis(remainingMillis).toNanos());
      return response;
    } catch (RuntimeException e) {
      error(CacheLevel.L2, "decode", e);
      return null;
    }
  }

  /** Stores an answer in both levels, in the form every later hit sees. */
  private void put(String key, ChatResponse response, Duration ttl) {
    if (response == null || response.choices().isEmpty()) {
      return;
    }
    byte[] json;
    ChatResponse stored;
    try {
      json = OpenAiJson.writeChatResponse(response);
      // What a hit from either level returns, so that L1 and L2 hits are identical.
      stored = OpenAiJson.readChatResponse(json);
    } catch (RuntimeException e) {
      error(CacheLevel.L1, "put", e);
      return;
    }
    l1Put(key, stored, json.length, ttl.toNanos());
    if (store == null) {
      return;
    }
    try {
      byte[] value = CacheCodec.encode(json, clock.millis() + ttl.toMillis());
      CompletableFuture<Void> write = store.put(key, value, ttl);
      if (write != null) {
        write.whenComplete((v, e) -> {
          if (e != null) {
            error(CacheLevel.L2, "put", unwrap(e));
          }
        });
      }
    } catch (RuntimeException e) {
      error(CacheLevel.L2, "put", e);
    }
  }

  private void l1Put(String key, ChatResponse response, int bytes, long ttlNanos) {
    if (l1 == null) {
      return;
    }
    l1Bytes.addAndGet(bytes);
    l1.put(key, new Entry(response, bytes, ttlNanos));
  }

  private void error(CacheLevel level, String operation, Throwable e) {
    listener.cacheError(level, operation, e);
    errorLog.warn("response cache " + level.tag() + " " + operation + " failed; the call went on without it", e);
  }

  // ------------------------------------------------------------------ helpers

  private static ChatResponse withRoute(ChatResponse response, RouteInfo route) {
    return response.toBuilder().route(route).build();
  }

  private static ChatResponse relabel(ChatResponse response, String cache) {
    RouteInfo route = response.route() != null ? response.route() : RouteInfo.builder().build();
    return response.toBuilder().route(route.toBuilder().cache(cache).build()).build();
  }

  private static CompletableFuture<ChatResponse> relabel(CompletableFuture<ChatResponse> source, String cache) {
    return map(source, null, cache);
  }

  /** What to do when the source completes, before relabelling. */
  @FunctionalInterface
  private interface OnDone {
    void accept(ChatResponse response, Throwable error);
  }

  /** The source relabelled; cancelling the result cancels the source (and so the upstream call). */
  private static CompletableFuture<ChatResponse> map(CompletableFuture<ChatResponse> source, OnDone onDone,
      String cache) {
    CompletableFuture<ChatResponse> out = new CompletableFuture<>();
    source.whenComplete((response, error) -> {
      Throwable cause = unwrap(error);
      if (onDone != null) {
        onDone.accept(response, cause);
      }
      if (cause != null) {
        out.completeExceptionally(cause);
      } else {
        out.complete(relabel(response, cache));
      }
    });
    out.whenComplete((r, e) -> {
      if (out.isCancelled()) {
        source.cancel(true);
      }
    });
    return out;
  }

  private static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}

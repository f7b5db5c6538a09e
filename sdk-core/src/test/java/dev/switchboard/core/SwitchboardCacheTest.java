package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.cache.CacheControl;
import dev.switchboard.core.cache.CacheMode;
import dev.switchboard.core.cache.CacheSettings;
import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.InvalidRequestException;
import dev.switchboard.core.error.UpstreamException;
import dev.switchboard.core.internal.cache.CacheKeys;
import dev.switchboard.core.metrics.SwitchboardMetrics;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.RouteInfo;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.testing.FakeProvider;
import dev.switchboard.core.testing.InMemoryCacheStore;
import dev.switchboard.core.testing.ManualClock;
import dev.switchboard.core.testing.RecordingListener;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SwitchboardCacheTest {

  private final FakeProvider a = new FakeProvider("a");
  private final ManualClock clock = new ManualClock();
  private final RecordingListener events = new RecordingListener();
  private final InMemoryCacheStore store = new InMemoryCacheStore(clock);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<Switchboard> clients = new ArrayList<>();

  @AfterEach
  void close() {
    clients.forEach(Switchboard::close);
  }

  private Switchboard.Builder builder() {
    return Switchboard.builder().provider("a", a).clock(clock).listener(events).meterRegistry(meters)
        .retryPolicy(RetryPolicy.none())
        .modelGroup(ModelGroup.builder("g").deployment("a", "model-a").build());
  }

  private Switchboard build(Switchboard.Builder builder) {
    Switchboard s = builder.build();
    clients.add(s);
    return s;
  }

  private static ChatRequest deterministic(String text) {
    return ChatRequest.builder().model("g").temperature(0.0).addMessage(Message.user(text)).build();
  }

  private static RequestOptions control(CacheControl control) {
    return RequestOptions.builder().cacheControl(control).build();
  }

  private double cacheRequests(String level, String result) {
    var c = meters.find(SwitchboardMetrics.CACHE_REQUESTS).tags("level", level, "result", result).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void chat_sameDeterministicRequestTwice_secondIsL1HitWithoutUpstreamCall() {
    Switchboard s = build(builder().cache(CacheSettings.ofDefaults()));

    ChatResponse first = s.chatBlocking(deterministic("hi"));
    events.events.clear();
    ChatResponse second = s.chatBlocking(deterministic("hi"));

    assertThat(a.calls()).isEqualTo(1);
    assertThat(first.route().cache()).isEqualTo(RouteInfo.CACHE_MISS);
    assertThat(first.route().provider()).isEqualTo("a");
    assertThat(second.route().cache()).isEqualTo(RouteInfo.CACHE_HIT_L1);
    assertThat(second.route().provider()).isNull();
    assertThat(second.route().attempts()).isZero();
    assertThat(second.text()).isEqualTo("a says hi");
    assertThat(second.usage()).isEqualTo(Usage.of(10, 5));
    assertThat(second.toBuilder().route(null).build()).isEqualTo(first.toBuilder().route(null).build());
    assertThat(events.events).containsExactly("requestStart g", "cacheLookup l1 hit", "requestEnd g ok");
    assertThat(events.lastEndUsage).isEqualTo(Usage.of(10, 5));
    assertThat(events.lastEndRoute.cache()).isEqualTo(RouteInfo.CACHE_HIT_L1);
    assertThat(cacheRequests("l1", "hit")).isEqualTo(1);
    assertThat(cacheRequests("l1", "miss")).isEqualTo(1);
    // A hit spent no tokens upstream: the token counter counts only the first call.
    assertThat(meters.find(SwitchboardMetrics.TOKENS).tags("direction", "input").counter().count()).isEqualTo(10);
    assertThat(meters.find(SwitchboardMetrics.CACHE_BYTES).gauge().value()).isPositive();
    assertThat(meters.find(SwitchboardMetrics.CACHE_ENTRIES).gauge().value()).isEqualTo(1);
  }

  @Test
  void chat_firstMiss_reportsLookupLoadAndMissRoute() {
    Switchboard s = build(builder().cache(CacheSettings.ofDefaults()));

    s.chatBlocking(deterministic("hi"));

    assertThat(events.events).containsExactly("requestStart g", "cacheLookup l1 miss", "attemptStart a/model-a #1",
        "attemptEnd a/model-a #1 ok", "cacheLoad g ok", "requestEnd g ok");
    assertThat(meters.find(SwitchboardMetrics.CACHE_LOAD).tags("group", "g", "outcome", "success").timer().count())
        .isEqualTo(1);
  }

  @Test
  void chat_differentRequests_bothGoUpstream() {
    Switchboard s = build(builder().cache(CacheSettings.ofDefaults()));

    s.chatBlocking(deterministic("hi"));
    s.chatBlocking(deterministic("hello"));

    assertThat(a.calls()).isEqualTo(2);
  }

  @Test
  void chat_noCacheConfigured_isNotCachedAndRouteSaysNone() {
    Switchboard s = build(builder());

    s.chatBlocking(deterministic("hi"));
    ChatResponse second = s.chatBlocking(deterministic("hi"));

    assertThat(a.calls()).isEqualTo(2);
    assertThat(second.route().cache()).isEqualTo(RouteInfo.CACHE_NONE);
  }

  @Test
  void chat_sampledRequestInDeterministicMode_bypassesTheCache() {
    Switchboard s = build(builder().cache(CacheSettings.ofDefaults()));
    ChatRequest sampled = ChatRequest.builder().model("g").temperature(0.7).addMessage(Message.user("hi")).build();

    s.chatBlocking(sampled);
    ChatResponse second = s.chatBlocking(sampled);

    assertThat(a.calls()).isEqualTo(2);
    assertThat(second.route().cache()).isEqualTo(RouteInfo.CACHE_BYPASS);
  }

  @Test
  void chat_seedSetInDeterministicMode_isCached() {
    Switchboard s = build(builder().cache(CacheSettings.ofDefaults()));
    ChatRequest seeded = ChatRequest.builder().model("g").seed(42L).addMessage(Message.user("hi")).build();

    s.chatBlocking(seeded);
    ChatResponse second = s.chatBlocking(seeded);

    assertThat(a.calls()).isEqualTo(1);
    assertThat(second.route().cache()).isEqualTo(RouteInfo.CACHE_HIT_L1);
  }

  @Test
  void chat_modeAll_cachesSampledRequests() {
    Switchboard s = build(builder().cache(CacheSettings.builder().mode(CacheMode.ALL).build()));
    ChatRequest sampled = ChatRequest.builder().model("g").addMessage(Message.user("hi")).build();

    s.chatBlocking(sampled);
    ChatResponse second = s.chatBlocking(sampled);

    assertThat(a.calls()).isEqualTo(1);
    assertThat(second.route().cache()).isEqualTo(RouteInfo.CACHE_HIT_L1);
  }

  @Test
  void chat_groupOverridesClientSettings_eachGroupFollowsItsOwn() {
    Switchboard s = build(Switchboard.builder().provider("a", a).clock(clock)
        .cache(CacheSettings.ofDefaults())
        .modelGroup(ModelGroup.builder("g").deployment("a", "m").cache(CacheSettings.off()).build())
        .modelGroup(ModelGroup.builder("h").deployment("a", "m").build()));
    ChatRequest toG = deterministic("hi");
    ChatRequest toH = toG.toBuilder().model("h").build();

    s.chatBlocking(toG);
    ChatResponse g2 = s.chatBlocking(toG);
    s.chatBlocking(toH);
    ChatResponse h2 = s.chatBlocking(toH);

    assertThat(g2.route().cache()).isEqualTo(RouteInfo.CACHE_NONE);
    assertThat(h2.route().cache()).isEqualTo(RouteInfo.CACHE_HIT_L1);
    assertThat(a.calls()).isEqualTo(3);
  }

  @Test
  void chat_onlyAGroupSetsACache_thatGroupIsCached() {
    Switchboard s = build(Switchboard.builder().provider("a", a).clock(clock)
        .modelGroup(ModelGroup.builder("g").deployment("a", "m")
            .cache(CacheSettings.builder().mode(CacheMode.ALL).build()).build()));
    ChatRequest sampled = ChatRequest.builder().model("g").addMessage(Message.user("hi")).build();

    s.chatBlocking(sampled);

    assertThat(s.chatBlocking(sampled).route().cache()).isEqualTo(RouteInfo.CACHE_HIT_L1);
    assertThat(a.calls()).isEqualTo(1);
  }

  @Test
  void chat_ttlPassed_missesAndGoesUpstreamAgain() {
    Switchboard s = build(builder().cache(CacheSettings.builder().ttl(Duration.ofMinutes(10)).build()));

    s.chatBlocking(deterministic("hi"));
    clock.advance(Duration.ofMinutes(10).minusMillis(1));
    assertThat(s.chatBlocking(deterministic("hi")).route().cache()).isEqualTo(RouteInfo.CACHE_HIT_L1);
    clock.advance(Duration.ofMillis(1));
    ChatResponse afterTtl = s.chatBlocking(deterministic("hi"));

    assertThat(afterTtl.route().cache()).isEqualTo(RouteInfo.CACHE_MISS);
    assertThat(a.calls()).isEqualTo(2);
    assertThat(events.events).contains("cacheEviction l1 expired");
  }

  @Test
  void chat_requestTtlOverride_isUsedForThatAnswer() {
    Switchboard s = build(builder().cache(CacheSettings.builder().ttl(Duration.ofHours(1)).build()));

    s.chatBlocking(deterministic("hi"), control(CacheControl.builder().ttl(Duration.ofSeconds(30)).build()));
    clock.advance(Duration.ofSeconds(30));
    ChatResponse later = s.chatBlocking(deterministic("hi"));

    assertThat(later.route().cache()).isEqualTo(RouteInfo.CACHE_MISS);
  }

  @Test
  void chat_noCache_skipsTheReadButRefreshesTheEntry() {
    Switchboard s = build(builder().cache(CacheSettings.ofDefaults()));
    a.thenAnswer("old").thenAnswer("new");

    s.chatBlocking(deterministic("hi"));
    ChatResponse fresh = s.chatBlocking(deterministic("hi"), control(CacheControl.builder().noCache(true).build()));
    ChatResponse cached = s.chatBlocking(deterministic("hi"));

    assertThat(fresh.text()).isEqualTo("new");
    assertThat(fresh.route().cache()).isEqualTo(RouteInfo.CACHE_BYPASS);
    assertThat(cached.text()).isEqualTo("new");
    assertThat(cached.route().cache()).isEqualTo(RouteInfo.CACHE_HIT_L1);
    assertThat(a.calls()).isEqualTo(2);
  }

  @Test
  void chat_noStore_answerIsNotStored() {
    Switchboard s = build(builder().cache(CacheSettings.ofDefaults()));

    s.chatBlocking(deterministic("hi"), control(CacheControl.builder().noStore(true).build()));
    ChatResponse second = s.chatBlocking(deterministic("hi"));

    assertThat(second.route().cache()).isEqualTo(RouteInfo.CACHE_MISS);
    assertThat(a.calls()).isEqualTo(2);
  }

  @Test
  void chat_l1FullByBytes_evictsOldEntries() {
    // Each answer is ~250 bytes of JSON; 600 bytes hold two of them.
    Switchboard s = build(builder().cache(CacheSettings.builder().l1MaxBytes(600).l1MaxEntries(1000).build()));

    for (int i = 0; i < 10; i++) {
      s.chatBlocking(deterministic("question " + i));
    }
    s.engine().cache().cleanUp();

    assertThat(s.engine().cache().l1Entries()).isBetween(1L, 2L);
    assertThat(s.engine().cache().l1Bytes()).isPositive().isLessThanOrEqualTo(600);
    assertThat(events.events).contains("cacheEviction l1 size");
    assertThat(meters.find(SwitchboardMetrics.CACHE_EVICTIONS).tags("cause", "size").counter().count())
        .isGreaterThanOrEqualTo(8);
    assertThat(s.chatBlocking(deterministic("question 0")).route().cache()).isEqualTo(RouteInfo.CACHE_MISS);
  }

  @Test
  void chat_l1FullByEntries_keepsAtMostMaxEntries() {
    Switchboard s = build(builder().cache(CacheSettings.builder().l1MaxEntries(3).build()));

    for (int i = 0; i < 20; i++) {
      s.chatBlocking(deterministic("question " + i));
    }
    s.engine().cache().cleanUp();

    assertThat(s.engine().cache().l1Entries()).isLessThanOrEqualTo(3);
  }

  @Test
  void chat_upstreamFails_failureIsNotCached() {
    Switchboard s = build(builder().cache(CacheSettings.ofDefaults()));
    a.thenFail(new UpstreamException("boom", ErrorDetails.builder().upstreamStatus(500).build()));

    assertThatThrownBy(() -> s.chatBlocking(deterministic("hi"))).isInstanceOf(UpstreamException.class);
    ChatResponse second = s.chatBlocking(deterministic("hi"));

    assertThat(second.route().cache()).isEqualTo(RouteInfo.CACHE_MISS);
    assertThat(a.calls()).isEqualTo(2);
    assertThat(events.events).contains("cacheLoad g UpstreamException");
  }

  @Test
  void chat_invalidRequest_isRejectedBeforeTheCache() {
    Switchboard s = build(builder().cache(CacheSettings.ofDefaults()));
    ChatRequest invalid = ChatRequest.builder().model("g").temperature(0.0).build();

    assertThatThrownBy(() -> s.chatBlocking(invalid)).isInstanceOf(InvalidRequestException.class);
    assertThat(events.events).noneMatch(e -> e.startsWith("cache"));
  }

  @Test
  void chat_embedderInterceptor_runsBeforeTheCacheAndSeesHits() {
    List<String> seen = new ArrayList<>();
    Switchboard s = build(builder().cache(CacheSettings.ofDefaults()).interceptor(new Interceptor() {
      @Override
      public CompletableFuture<ChatResponse> interceptChat(Chain chain) {
        return chain.proceed(chain.request()).thenApply(r -> {
          seen.add(r.route().cache());
          return r;
        });
      }
    }));

    s.chatBlocking(deterministic("hi"));
    s.chatBlocking(deterministic("hi"));

    assertThat(seen).containsExactly(RouteInfo.CACHE_MISS, RouteInfo.CACHE_HIT_L1);
  }

  // ------------------------------------------------------------------ L2

  @Test
  void chat_l2HoldsTheAnswer_hitFromL2FillsL1() {
    Switchboard writer = build(builder().cache(CacheSettings.ofDefaults()).cacheStore(store));
    writer.chatBlocking(deterministic("hi"));
    assertThat(store.values()).containsOnlyKeys(CacheKeys.key(deterministic("hi")));

    Switchboard reader = build(builder().cache(CacheSettings.ofDefaults()).cacheStore(store));
    events.events.clear();
    ChatResponse fromL2 = reader.chatBlocking(deterministic("hi"));
    ChatResponse fromL1 = reader.chatBlocking(deterministic("hi"));

    assertThat(a.calls()).isEqualTo(1);
    assertThat(fromL2.route().cache()).isEqualTo(RouteInfo.CACHE_HIT_L2);
    assertThat(fromL1.route().cache()).isEqualTo(RouteInfo.CACHE_HIT_L1);
    assertThat(fromL2.toBuilder().route(null).build()).isEqualTo(fromL1.toBuilder().route(null).build());
    assertThat(fromL2.text()).isEqualTo("a says hi");
    assertThat(events.events).containsExactly("requestStart g", "cacheLookup l1 miss", "cacheLookup l2 hit",
        "requestEnd g ok", "requestStart g", "cacheLookup l1 hit", "requestEnd g ok");
  }

  @Test
  void chat_l2FillsL1_onlyForTheTimeTheEntryHasLeft() {
    Switchboard writer = build(builder().cache(CacheSettings.builder().ttl(Duration.ofMinutes(10)).build())
        .cacheStore(store));
    writer.chatBlocking(deterministic("hi"));
    clock.advance(Duration.ofMinutes(9));

    Switchboard reader = build(builder().cache(CacheSettings.builder().ttl(Duration.ofMinutes(10)).build())
        .cacheStore(store));
    assertThat(reader.chatBlocking(deterministic("hi")).route().cache()).isEqualTo(RouteInfo.CACHE_HIT_L2);
    clock.advance(Duration.ofMinutes(1));

    assertThat(reader.chatBlocking(deterministic("hi")).route().cache()).isEqualTo(RouteInfo.CACHE_MISS);
  }

  @Test
  void chat_storeThrows_answeredAsMissAndErrorCounted() {
    store.mode(InMemoryCacheStore.Mode.THROWING);
    Switchboard s = build(builder().cache(CacheSettings.ofDefaults()).cacheStore(store));

    ChatResponse response = s.chatBlocking(deterministic("hi"));

    assertThat(response.text()).isEqualTo("a says hi");
    assertThat(response.route().cache()).isEqualTo(RouteInfo.CACHE_MISS);
    assertThat(events.events).contains("cacheError l2 get", "cacheLookup l2 miss", "cacheError l2 put");
    assertThat(meters.find(SwitchboardMetrics.CACHE_ERRORS).tags("level", "l2", "operation", "get").counter().count())
        .isEqualTo(1);
    assertThat(cacheRequests("l2", "miss")).isEqualTo(1);
  }

  @Test
  void chat_storeFailsItsFutures_answeredAsMiss() {
    store.mode(InMemoryCacheStore.Mode.FAILING_FUTURES);
    Switchboard s = build(builder().cache(CacheSettings.ofDefaults()).cacheStore(store));

    ChatResponse response = s.chatBlocking(deterministic("hi"));

    assertThat(response.route().cache()).isEqualTo(RouteInfo.CACHE_MISS);
    assertThat(events.events).contains("cacheError l2 get", "cacheError l2 put");
  }

  @Test
  void chat_storeNeverAnswers_readGivesUpAfterTimeoutAndCallGoesOn() {
    store.mode(InMemoryCacheStore.Mode.HANGING);
    Switchboard s = build(builder().cacheStore(store)
        .cache(CacheSettings.builder().l2ReadTimeout(Duration.ofMillis(50)).build()));

    ChatResponse response = s.chat(deterministic("hi")).orTimeout(5, TimeUnit.SECONDS).join();

    assertThat(response.route().cache()).isEqualTo(RouteInfo.CACHE_MISS);
    assertThat(events.events).contains("cacheError l2 get");
  }

  @Test
  void chat_storeBackAfterFailing_hitsResume() {
    Switchboard s = build(builder().cache(CacheSettings.builder().l1MaxEntries(0).build()).cacheStore(store));
    store.mode(InMemoryCacheStore.Mode.FAILING_FUTURES);
    s.chatBlocking(deterministic("hi"));

    store.mode(InMemoryCacheStore.Mode.WORKING);
    s.chatBlocking(deterministic("hi"));
    ChatResponse hit = s.chatBlocking(deterministic("hi"));

    assertThat(hit.route().cache()).isEqualTo(RouteInfo.CACHE_HIT_L2);
    assertThat(a.calls()).isEqualTo(2);
  }

  @Test
  void chat_corruptValueInStore_isAMissAndCounted() throws Exception {
    Switchboard s = build(builder().cache(CacheSettings.ofDefaults()).cacheStore(store));
    store.put(CacheKeys.key(deterministic("hi")), new byte[] {42, 0, 0, 0, 0, 0, 0, 0, 0, 1}, Duration.ofHours(1))
        .get();

    ChatResponse response = s.chatBlocking(deterministic("hi"));

    assertThat(response.route().cache()).isEqualTo(RouteInfo.CACHE_MISS);
    assertThat(events.events).contains("cacheError l2 decode");
  }

  @Test
  void build_storeWithoutCache_isRejected() {
    assertThatThrownBy(() -> builder().cacheStore(store).build()).isInstanceOf(IllegalStateException.class)
        .hasMessage("a cacheStore is set but no cache is configured: add cache(CacheSettings)");
  }

  // ------------------------------------------------------------------ single-flight

  @Test
  void chat_100ConcurrentIdenticalMisses_makeExactlyOneUpstreamCall() throws Exception {
    Switchboard s = build(builder().cache(CacheSettings.ofDefaults()).cacheStore(store));
    CompletableFuture<ChatResponse> upstream = new CompletableFuture<>();
    a.thenChat((r, c) -> upstream);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<CompletableFuture<ChatResponse>>> calls = new ArrayList<>();
    try {
      for (int i = 0; i < 100; i++) {
        calls.add(pool.submit(() -> {
          go.await();
          return s.chat(deterministic("hi"));
        }));
      }
      go.countDown();
      List<CompletableFuture<ChatResponse>> answers = new ArrayList<>();
      for (Future<CompletableFuture<ChatResponse>> f : calls) {
        answers.add(f.get(10, TimeUnit.SECONDS));
      }
      assertThat(answers).noneMatch(CompletableFuture::isDone);

      upstream.complete(FakeProvider.response("model-a", "shared"));

      List<String> labels = new ArrayList<>();
      for (CompletableFuture<ChatResponse> f : answers) {
        ChatResponse r = f.get(10, TimeUnit.SECONDS);
        assertThat(r.text()).isEqualTo("shared");
        labels.add(r.route().cache());
      }
      assertThat(a.calls()).isEqualTo(1);
      assertThat(labels).containsOnly(RouteInfo.CACHE_MISS, RouteInfo.CACHE_COALESCED);
      assertThat(labels).filteredOn(RouteInfo.CACHE_MISS::equals).hasSize(1);
      assertThat(meters.find(SwitchboardMetrics.CACHE_COALESCED).counter().count()).isEqualTo(99);
      assertThat(store.gets()).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void chat_sharedUpstreamFails_everyWaiterGetsTheErrorAndNothingIsCached() throws Exception {
    Switchboard s = build(builder().cache(CacheSettings.ofDefaults()));
    CompletableFuture<ChatResponse> upstream = new CompletableFuture<>();
    a.thenChat((r, c) -> upstream);
    List<CompletableFuture<ChatResponse>> answers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      answers.add(s.chat(deterministic("hi")));
    }

    upstream.completeExceptionally(new UpstreamException("boom", ErrorDetails.builder().upstreamStatus(500).build()));

    for (CompletableFuture<ChatResponse> f : answers) {
      assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(UpstreamException.class).hasRootCauseMessage("boom");
    }
    assertThat(a.calls()).isEqualTo(1);
    assertThat(s.chatBlocking(deterministic("hi")).route().cache()).isEqualTo(RouteInfo.CACHE_MISS);
    assertThat(a.calls()).isEqualTo(2);
  }

  @Test
  void chat_oneWaiterCancels_sharedUpstreamCallGoesOnForTheOthers() throws Exception {
    Switchboard s = build(builder().cache(CacheSettings.ofDefaults()));
    CompletableFuture<ChatResponse> upstream = new CompletableFuture<>();
    a.thenChat((r, c) -> upstream);
    CompletableFuture<ChatResponse> leader = s.chat(deterministic("hi"));
    CompletableFuture<ChatResponse> follower = s.chat(deterministic("hi"));

    leader.cancel(true);
    upstream.complete(FakeProvider.response("model-a", "still here"));

    assertThat(upstream.isCancelled()).isFalse();
    assertThat(follower.get(5, TimeUnit.SECONDS).text()).isEqualTo("still here");
    assertThat(s.chatBlocking(deterministic("hi")).route().cache()).isEqualTo(RouteInfo.CACHE_HIT_L1);
  }

  @Test
  void chat_everyWaiterCancels_sharedUpstreamCallIsCancelledAndNextCallStartsAfresh() {
    Switchboard s = build(builder().cache(CacheSettings.ofDefaults()));
    a.thenHang();
    CompletableFuture<ChatResponse> first = s.chat(deterministic("hi"));
    CompletableFuture<ChatResponse> second = s.chat(deterministic("hi"));

    first.cancel(true);
    second.cancel(true);

    assertThat(a.futures()).singleElement().matches(CompletableFuture::isCancelled);
    assertThat(s.chatBlocking(deterministic("hi")).route().cache()).isEqualTo(RouteInfo.CACHE_MISS);
    assertThat(a.calls()).isEqualTo(2);
  }

  @Test
  void chat_cancelledWithoutCache_stillCancelsUpstream() {
    Switchboard s = build(builder().cache(CacheSettings.ofDefaults()));
    a.thenHang();
    ChatRequest sampled = ChatRequest.builder().model("g").temperature(1.0).addMessage(Message.user("hi")).build();

    s.chat(sampled).cancel(true);

    assertThat(a.futures()).singleElement().matches(CompletableFuture::isCancelled);
  }
}

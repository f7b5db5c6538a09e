package dev.switchboard.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.Health;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.core.auth.InMemoryKeyStore;
import dev.switchboard.core.auth.KeyStore;
import dev.switchboard.core.auth.VirtualKey;
import dev.switchboard.core.routing.ModelGroup;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Routes with stores that behave unlike the in-memory ones: slow to answer, or down. */
class GatewayRoutesTest {

  private final DemoProvider demo = new DemoProvider(Clock.systemUTC());
  private final Switchboard switchboard = Switchboard.builder().provider("demo", demo)
      .modelGroup(ModelGroup.builder("demo").deployment("demo", "demo").build()).build();
  private final HttpClient http = HttpClient.newHttpClient();
  private GatewayServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    switchboard.close();
  }

  private void start(KeyStore keys, List<StatusHandler.Component> components) {
    Authenticator auth = new Authenticator(true, null, keys, switchboard.budgets(), Clock.systemUTC());
    server = GatewayServer.start(new GatewayRouter.Routes(switchboard, null, 1024 * 1024, auth, null, components,
        Map.of(), null, TrustedProxies.NONE), "127.0.0.1", 0, Duration.ofSeconds(5));
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  @Test
  void keyStoreAnsweringLater_bodyIsStillReadWhole() throws Exception {
    String secret = ApiKeys.generate();
    InMemoryKeyStore memory = InMemoryKeyStore.create();
    memory.create(VirtualKey.builder("key_a", ApiKeys.hash(secret), ApiKeys.displayPrefix(secret), Instant.now())
        .build()).join();
    KeyStore slow = new DelegatingKeyStore(memory) {
      @Override
      public CompletableFuture<Optional<VirtualKey>> findByHash(String hash) {
        // answers from another thread after the request's body has arrived
        return memory.findByHash(hash).thenApplyAsync(k -> k,
            CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));
      }
    };
    start(slow, List.of());
    String big = "x".repeat(200_000); // many TCP segments: they must wait for the key, not be lost

    HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
        .header("Authorization", "Bearer " + secret).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\""
            + big + "\"}]}")));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("You said");
  }

  @Test
  void keyStoreFailing_answers503WithoutDetails() throws Exception {
    KeyStore broken = new DelegatingKeyStore(InMemoryKeyStore.create()) {
      @Override
      public CompletableFuture<Optional<VirtualKey>> findByHash(String hash) {
        return CompletableFuture.failedFuture(new IllegalStateException("connection refused to 10.0.0.7"));
      }
    };
    start(broken, List.of());

    HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v1/models")).header("Authorization", "Bearer sk-sb-x"));

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).isEqualTo("{\"error\":{\"message\":\"The key store is unavailable; try again shortly\","
        + "\"type\":\"server_error\",\"param\":null,\"code\":\"key_store_unavailable\"}}");
  }

  @Test
  void ready_requiredComponentDown_answers503Unavailable_optionalDown_isDegraded() throws Exception {
    AtomicReference<Health> keyStore = new AtomicReference<>(Health.up());
    AtomicReference<Health> cache = new AtomicReference<>(Health.up());
    start(InMemoryKeyStore.create(), List.of(new StatusHandler.Component("key-store", keyStore::get, true),
        new StatusHandler.Component("cache-store", cache::get, false)));

    assertThat(send(HttpRequest.newBuilder(uri("/health/ready"))).body()).startsWith("{\"status\":\"ready\"");

    cache.set(Health.down("redis unreachable"));
    HttpResponse<String> degraded = send(HttpRequest.newBuilder(uri("/health/ready")));
    assertThat(degraded.statusCode()).isEqualTo(200);
    assertThat(degraded.body()).startsWith("{\"status\":\"degraded\"")
        .contains("\"cache-store\":{\"status\":\"down\",\"detail\":\"redis unreachable\",\"required\":false}");

    keyStore.set(Health.down("cannot write key file"));
    HttpResponse<String> down = send(HttpRequest.newBuilder(uri("/health/ready")));
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(down.body()).startsWith("{\"status\":\"unavailable\"")
        .contains("\"key-store\":{\"status\":\"down\",\"detail\":\"cannot write key file\",\"required\":true}")
        .contains("\"deployments\":{\"demo/demo\":{\"status\":\"up\",\"circuit\":\"closed\",\"required\":false}}");
  }

  /** Passes every call to another store; tests override what they change. */
  private static class DelegatingKeyStore implements KeyStore {
    private final KeyStore delegate;

    DelegatingKeyStore(KeyStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletableFuture<Void> create(VirtualKey key) {
      return delegate.create(key);
    }

    @Override
    public CompletableFuture<Optional<VirtualKey>> findByHash(String hash) {
      return delegate.findByHash(hash);
    }

    @Override
    public CompletableFuture<Optional<VirtualKey>> findById(String id) {
      return delegate.findById(id);
    }

    @Override
    public CompletableFuture<List<VirtualKey>> list() {
      return delegate.list();
    }

    @Override
    public CompletableFuture<Optional<VirtualKey>> revoke(String id, Instant at) {
      return delegate.revoke(id, at);
    }

    @Override
    public Health health() {
      return delegate.health();
    }
  }
}

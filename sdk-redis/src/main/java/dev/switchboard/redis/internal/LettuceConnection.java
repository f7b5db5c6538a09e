package dev.switchboard.redis.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Lettuce client and its one shared connection (binary keys and values), standalone, Sentinel
 * or Cluster. Connects in the background: an application starts even while Redis is down, and a
 * failed first connection is tried again, at most once per {@code retryInterval}, when a command
 * needs it. Once connected, Lettuce reconnects by itself; while a standalone or Sentinel connection
 * is disconnected commands are rejected at once instead of queueing, so callers fall back without
 * waiting. A Cluster connection queues (bounded) instead, because its node connections open lazily.
 * Thread-safe.
 */
public final class LettuceConnection implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LettuceConnection.class);
  /** Commands a cluster connection queues while a node reconnects; beyond this they fail at once. */
  static final int MAX_QUEUED_COMMANDS = 10_000;

  private final ClientResources resources;
  private final RedisClient client;
  private final RedisClusterClient clusterClient;
  private final List<RedisURI> uris;
  private final Duration retryInterval;
  private final AtomicReference<CompletableFuture<StatefulConnection<byte[], byte[]>>> connection =
      new AtomicReference<>();
  private final AtomicLong lastAttemptNanos = new AtomicLong();
  private volatile boolean closed;

  /**
   * @param tlsCaCertificates a PEM file of CA certificates to trust for TLS, or null for the JVM's
   */
  public LettuceConnection(List<RedisURI> uris, boolean cluster, Duration commandTimeout, Duration connectTimeout,
      Duration maxReconnectDelay, java.nio.file.Path tlsCaCertificates) {
    this.uris = List.copyOf(uris);
    this.retryInterval = maxReconnectDelay;
    // A cache must come back soon after Redis does: cap Lettuce's reconnect backoff (default 30 s).
    this.resources = DefaultClientResources.builder()
        .reconnectDelay(Delay.exponential(Duration.ofMillis(10), maxReconnectDelay, 2, TimeUnit.MILLISECONDS))
        .build();
    SocketOptions socket = SocketOptions.builder().connectTimeout(connectTimeout).keepAlive(true).build();
    TimeoutOptions timeouts = TimeoutOptions.enabled(commandTimeout);
    SslOptions ssl = tlsCaCertificates == null ? SslOptions.create()
        : SslOptions.builder().jdkSslProvider().trustManager(tlsCaCertificates.toFile()).build();
    if (cluster) {
      this.client = null;
      this.clusterClient = RedisClusterClient.create(resources, this.uris);
      clusterClient.setOptions(ClusterClientOptions.builder()
          .socketOptions(socket)
          .sslOptions(ssl)
          .timeoutOptions(timeouts)
          .autoReconnect(true)
          // Node connections open lazily on the first command routed to them; rejecting while
          // "disconnected" would fail that first command. Queue instead, bounded in size and by the
          // command timeout (cache reads have their own, shorter budget).
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
          .requestQueueSize(MAX_QUEUED_COMMANDS)
          // Lettuce 7 refreshes the topology on every adaptive trigger (MOVED, ASK, reconnects, …) by
          // default; a periodic refresh also catches changes no command ran into.
          .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
              .enablePeriodicRefresh(Duration.ofSeconds(30))
              .build())
          .build());
    } else {
      this.clusterClient = null;
      this.client = RedisClient.create(resources);
      client.setOptions(ClientOptions.builder()
          .socketOptions(socket)
          .sslOptions(ssl)
          .timeoutOptions(timeouts)
          .autoReconnect(true)
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
          .build());
    }
    connect();
  }

  private CompletableFuture<StatefulConnection<byte[], byte[]>> connect() {
    lastAttemptNanos.set(System.nanoTime());
    CompletableFuture<StatefulConnection<byte[], byte[]>> attempt;
    try {
      if (clusterClient != null) {
        // connectAsync needs the topology loaded first ("Partitions not initialized" otherwise);
        // the blocking getPartitions() would stall the caller while Redis is down.
        attempt = clusterClient.refreshPartitionsAsync().toCompletableFuture()
            .thenCompose(loaded -> clusterClient.connectAsync(ByteArrayCodec.INSTANCE))
            .thenApply(c -> (StatefulConnection<byte[], byte[]>) c);
      } else {
        attempt = client.connectAsync(ByteArrayCodec.INSTANCE, uris.get(0)).toCompletableFuture()
            .thenApply(c -> (StatefulConnection<byte[], byte[]>) c);
      }
    } catch (RuntimeException e) {
      attempt = CompletableFuture.failedFuture(e);
    }
    attempt.whenComplete((c, e) -> {
      if (e != null) {
        log.warn("could not connect to Redis at {}: {}; commands fail over until it answers", describe(), e.toString());
      } else if (closed) {
        c.closeAsync();
      }
    });
    connection.set(attempt);
    return attempt;
  }

  /** The commands of the shared connection; fails while Redis could not be reached yet. */
  public CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> commands() {
    CompletableFuture<StatefulConnection<byte[], byte[]>> current = connection.get();
    if (current.isCompletedExceptionally() && !closed) {
      long last = lastAttemptNanos.get();
      if (System.nanoTime() - last >= retryInterval.toNanos() && lastAttemptNanos.compareAndSet(last, System.nanoTime())) {
        current = connect();
      }
    }
    return current.thenApply(LettuceConnection::async);
  }

  @SuppressWarnings("unchecked")
  private static RedisClusterAsyncCommands<byte[], byte[]> async(StatefulConnection<byte[], byte[]> c) {
    if (c instanceof StatefulRedisClusterConnection) {
      return ((StatefulRedisClusterConnection<byte[], byte[]>) c).async();
    }
    return ((StatefulRedisConnection<byte[], byte[]>) c).async();
  }

  /** Whether the connection is up right now. */
  public boolean isConnected() {
    CompletableFuture<StatefulConnection<byte[], byte[]>> current = connection.get();
    return current.isDone() && !current.isCompletedExceptionally() && current.join().isOpen();
  }

  /** The URIs without credentials, for logs and health. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (RedisURI u : uris) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(redact(u));
    }
    return sb.toString();
  }

  static String redact(RedisURI uri) {
    String scheme;
    if (!uri.getSentinels().isEmpty()) {
      scheme = uri.isSsl() ? "rediss-sentinel" : "redis-sentinel";
      StringBuilder hosts = new StringBuilder();
      for (RedisURI s : uri.getSentinels()) {
        if (hosts.length() > 0) {
          hosts.append(',');
        }
        hosts.append(s.getHost()).append(':').append(s.getPort());
      }
      return scheme + "://" + hosts + "/" + uri.getDatabase() + "#" + uri.getSentinelMasterId();
    }
    scheme = uri.isSsl() ? "rediss" : "redis";
    return scheme + "://" + uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase();
  }

  @Override
  public void close() {
    closed = true;
    CompletableFuture<StatefulConnection<byte[], byte[]>> current = connection.get();
    if (current != null && current.isDone() && !current.isCompletedExceptionally()) {
      current.join().close();
    }
    if (clusterClient != null) {
      clusterClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    } else {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }
}

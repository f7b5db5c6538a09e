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
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 *
 * <p><b>At most once.</b> A command queued while disconnected, or in flight when the connection
 * drops, is sent again after the reconnect when the connection accepts commands while disconnected
 * (Lettuce's at-least-once mode). That is harmless for the cache's idempotent GET and SET but not for
 * a counter: a rate limiter's give-back sent twice would count twice. {@link #atMostOnceCommands()}
 * is for such writes: on a standalone or Sentinel connection it is the shared connection (it rejects
 * while disconnected, and Lettuce fails what was in flight when it drops); on a Cluster it is a
 * second connection on the same client resources that rejects while disconnected, opened on first
 * use, with a connection to every master opened up front so that the first command to a node is not
 * rejected for finding its connection still opening.
 *
 * <p><b>Pub/sub.</b> {@link #subscribe} opens a pub/sub connection per subscription on the same client
 * (a connection that subscribed can run no other command), closed with the subscription or with this
 * connection at the latest.
 *
 * <p>Thread-safe.
 */
public final class LettuceConnection implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LettuceConnection.class);
  /** Commands a cluster connection queues while a node reconnects; beyond this they fail at once. */
  static final int MAX_QUEUED_COMMANDS = 10_000;

  private final ClientResources resources;
  private final List<RedisURI> uris;
  private final Duration retryInterval;
  private final Link shared;
  private final Link atMostOnce; // the shared link unless this is a cluster
  private final Set<ChannelSubscription> subscriptions = ConcurrentHashMap.newKeySet();
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
      RedisClusterClient sharedClient = RedisClusterClient.create(resources, this.uris);
      sharedClient.setOptions(clusterOptions(socket, ssl, timeouts)
          // Node connections open lazily on the first command routed to them; rejecting while
          // "disconnected" would fail that first command. Queue instead, bounded in size and by the
          // command timeout (cache reads have their own, shorter budget).
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
          .requestQueueSize(MAX_QUEUED_COMMANDS)
          .build());
      this.shared = new ClusterLink(sharedClient, false);
      RedisClusterClient rejectingClient = RedisClusterClient.create(resources, this.uris);
      rejectingClient.setOptions(clusterOptions(socket, ssl, timeouts)
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
          .build());
      this.atMostOnce = new ClusterLink(rejectingClient, true);
    } else {
      RedisClient client = RedisClient.create(resources);
      client.setOptions(ClientOptions.builder()
          .socketOptions(socket)
          .sslOptions(ssl)
          .timeoutOptions(timeouts)
          .autoReconnect(true)
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
          .build());
      this.shared = new StandaloneLink(client);
      this.atMostOnce = shared;
    }
    shared.connect();
  }

  private static ClusterClientOptions.Builder clusterOptions(SocketOptions socket, SslOptions ssl,
      TimeoutOptions timeouts) {
    return ClusterClientOptions.builder()
        .socketOptions(socket)
        .sslOptions(ssl)
        .timeoutOptions(timeouts)
        .autoReconnect(true)
        // Lettuce 7 refreshes the topology on every adaptive trigger (MOVED, ASK, reconnects, …) by
        // default; a periodic refresh also catches changes no command ran into.
        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
            .enablePeriodicRefresh(Duration.ofSeconds(30))
            .build());
  }

  /** The commands of the shared connection; fails while Redis could not be reached yet. */
  public CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> commands() {
    return shared.commands();
  }

  /**
   * The commands of a connection that never sends a command twice: rejected at once while
   * disconnected, failed (not re-sent) when in flight as the connection drops. For writes that must
   * not count twice; see the class comment.
   */
  public CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> atMostOnceCommands() {
    return atMostOnce.commands();
  }

  /** Whether the connection is up right now. */
  public boolean isConnected() {
    return shared.isConnected();
  }

  /** What a channel subscription receives; called on Lettuce's I/O thread, must not block or throw. */
  public interface ChannelListener {

    /** A message published on the channel. */
    void message(byte[] message);

    /**
     * The subscription is in place: first when it is made, then again each time Lettuce subscribed
     * again after a reconnect. Messages published in between were lost.
     */
    void subscribed();
  }

  /** A subscription to a channel; closing it closes its connection. */
  public interface Subscription extends AutoCloseable {

    /** Unsubscribes and closes the connection, without waiting. Idempotent. */
    @Override
    void close();
  }

  /**
   * Subscribes to {@code channel} on a pub/sub connection of its own, opened in the background. A
   * first connection that fails is tried again every retry interval until it opens; once open,
   * Lettuce reconnects it and subscribes again by itself. Closed with this connection at the latest.
   */
  public Subscription subscribe(byte[] channel, ChannelListener listener) {
    ChannelSubscription s = new ChannelSubscription(channel.clone(), listener);
    subscriptions.add(s);
    if (closed) {
      s.close();
    } else {
      s.connect();
    }
    return s;
  }

  /**
   * Fails {@code future} with a {@link TimeoutException} unless it completes within {@code nanos}.
   * The timer runs on Lettuce's computation threads, so what callers chain on a timed-out future
   * runs there, not on the JDK's single shared delay thread that {@code orTimeout} would use.
   *
   * @return {@code future}
   */
  public <T> CompletableFuture<T> within(CompletableFuture<T> future, long nanos) {
    if (future.isDone()) {
      return future;
    }
    try {
      ScheduledFuture<?> timer = resources.eventExecutorGroup().schedule(
          () -> future.completeExceptionally(new TimeoutException()), nanos, TimeUnit.NANOSECONDS);
      future.whenComplete((v, e) -> timer.cancel(false));
    } catch (RejectedExecutionException closed) {
      // the connection is closed, so is every command on it: the future fails on its own
    }
    return future;
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
    // Subscriptions first, and wait for them: the client's shutdown would close a connection whose own
    // close is still under way a second time (Lettuce warns "Connection is already closed").
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    for (ChannelSubscription s : subscriptions) {
      closing.add(s.closeAsync());
    }
    try {
      CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0])).get(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // the client's shutdown closes what is left
    }
    shared.close();
    if (atMostOnce != shared) {
      atMostOnce.close();
    }
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  /**
   * One client and its connection, opened in the background and opened again (at most once per
   * retry interval) after a failed first attempt.
   */
  private abstract class Link {
    private final AtomicReference<CompletableFuture<StatefulConnection<byte[], byte[]>>> connection =
        new AtomicReference<>();
    private final AtomicLong lastAttemptNanos = new AtomicLong();

    abstract CompletableFuture<StatefulConnection<byte[], byte[]>> open();

    abstract CompletableFuture<StatefulRedisPubSubConnection<byte[], byte[]>> openPubSub();

    abstract void shutdown();

    final CompletableFuture<StatefulConnection<byte[], byte[]>> connect() {
      lastAttemptNanos.set(System.nanoTime());
      CompletableFuture<StatefulConnection<byte[], byte[]>> attempt;
      try {
        attempt = open();
      } catch (RuntimeException e) {
        attempt = CompletableFuture.failedFuture(e);
      }
      attempt.whenComplete((c, e) -> {
        if (e != null) {
          log.warn("could not connect to Redis at {}: {}; commands fail over until it answers", describe(),
              e.toString());
        } else if (closed) {
          c.closeAsync();
        }
      });
      connection.set(attempt);
      return attempt;
    }

    final CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> commands() {
      CompletableFuture<StatefulConnection<byte[], byte[]>> current = connection.get();
      if (current == null) { // a link opened on first use
        synchronized (this) {
          current = connection.get();
          if (current == null && !closed) {
            current = connect();
          }
        }
        if (current == null) {
          return CompletableFuture.failedFuture(new IllegalStateException("the Redis connection is closed"));
        }
      }
      if (current.isCompletedExceptionally() && !closed) {
        long last = lastAttemptNanos.get();
        if (System.nanoTime() - last >= retryInterval.toNanos()
            && lastAttemptNanos.compareAndSet(last, System.nanoTime())) {
          current = connect();
        }
      }
      return current.thenApply(LettuceConnection::async);
    }

    final boolean isConnected() {
      CompletableFuture<StatefulConnection<byte[], byte[]>> current = connection.get();
      return current != null && current.isDone() && !current.isCompletedExceptionally() && current.join().isOpen();
    }

    final void close() {
      CompletableFuture<StatefulConnection<byte[], byte[]>> current;
      synchronized (this) {
        current = connection.get();
      }
      if (current != null && current.isDone() && !current.isCompletedExceptionally()) {
        current.join().close();
      }
      shutdown();
    }
  }

  private final class StandaloneLink extends Link {
    private final RedisClient client;

    StandaloneLink(RedisClient client) {
      this.client = client;
    }

    @Override
    CompletableFuture<StatefulConnection<byte[], byte[]>> open() {
      return client.connectAsync(ByteArrayCodec.INSTANCE, uris.get(0)).toCompletableFuture()
          .thenApply(c -> (StatefulConnection<byte[], byte[]>) c);
    }

    @Override
    CompletableFuture<StatefulRedisPubSubConnection<byte[], byte[]>> openPubSub() {
      return client.connectPubSubAsync(ByteArrayCodec.INSTANCE, uris.get(0)).toCompletableFuture();
    }

    @Override
    void shutdown() {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  private final class ClusterLink extends Link {
    private final RedisClusterClient client;
    private final boolean openNodeConnections;

    ClusterLink(RedisClusterClient client, boolean openNodeConnections) {
      this.client = client;
      this.openNodeConnections = openNodeConnections;
    }

    @Override
    CompletableFuture<StatefulConnection<byte[], byte[]>> open() {
      // connectAsync needs the topology loaded first ("Partitions not initialized" otherwise);
      // the blocking getPartitions() would stall the caller while Redis is down.
      CompletableFuture<StatefulRedisClusterConnection<byte[], byte[]>> connected =
          client.refreshPartitionsAsync().toCompletableFuture()
              .thenCompose(loaded -> client.connectAsync(ByteArrayCodec.INSTANCE));
      if (openNodeConnections) {
        connected = connected.thenCompose(LettuceConnection::openMasterConnections);
      }
      return connected.thenApply(c -> (StatefulConnection<byte[], byte[]>) c);
    }

    @Override
    CompletableFuture<StatefulRedisPubSubConnection<byte[], byte[]>> openPubSub() {
      // Subscribes on one node; Redis Cluster forwards every PUBLISH to every node.
      return client.refreshPartitionsAsync().toCompletableFuture()
          .thenCompose(loaded -> client.connectPubSubAsync(ByteArrayCodec.INSTANCE))
          .thenApply(c -> (StatefulRedisPubSubConnection<byte[], byte[]>) c);
    }

    @Override
    void shutdown() {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  /**
   * One channel subscription on a pub/sub connection of its own. Opening it (connect, then
   * {@code SUBSCRIBE}) is retried every retry interval until it succeeds; from then on Lettuce keeps
   * it: it reconnects and, once reconnected, subscribes to the channel again, which calls
   * {@link ChannelListener#subscribed()} again.
   */
  private final class ChannelSubscription extends RedisPubSubAdapter<byte[], byte[]> implements Subscription {
    private final byte[] channel;
    private final ChannelListener listener;
    private final String name;
    // guarded by this
    private StatefulRedisPubSubConnection<byte[], byte[]> connection;
    private ScheduledFuture<?> retry;
    private boolean stopped;
    private boolean warned;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    ChannelSubscription(byte[] channel, ChannelListener listener) {
      this.channel = channel;
      this.listener = listener;
      this.name = new String(channel, StandardCharsets.UTF_8);
    }

    void connect() {
      CompletableFuture<StatefulRedisPubSubConnection<byte[], byte[]>> opening;
      try {
        opening = shared.openPubSub();
      } catch (RuntimeException e) {
        opening = CompletableFuture.failedFuture(e);
      }
      opening.thenCompose(c -> {
        synchronized (this) {
          if (stopped) {
            c.closeAsync();
            return CompletableFuture.completedFuture(false);
          }
          connection = c;
        }
        c.addListener(this);
        return c.async().subscribe(channel).toCompletableFuture().thenApply(v -> true);
      }).whenComplete((subscribed, error) -> {
        if (error == null) {
          synchronized (this) {
            if (warned && subscribed) {
              log.info("subscribed to Redis channel {} at {}", name, describe());
            }
            warned = false;
          }
          return;
        }
        // A SUBSCRIBE that failed is not one Lettuce repeats after a reconnect: start over.
        StatefulRedisPubSubConnection<byte[], byte[]> failed;
        boolean warn;
        synchronized (this) {
          failed = connection;
          connection = null;
          if (stopped) {
            return;
          }
          try {
            retry = resources.eventExecutorGroup().schedule(this::connect, retryInterval.toNanos(),
                TimeUnit.NANOSECONDS);
          } catch (RejectedExecutionException closing) {
            return; // the client is shutting down
          }
          warn = !warned;
          warned = true;
        }
        if (failed != null) {
          failed.closeAsync();
        }
        if (warn) {
          log.warn("could not subscribe to Redis channel {} at {}: {}; trying again every {} ms", name, describe(),
              OrderedCommands.unwrap(error).toString(), retryInterval.toMillis());
        }
      });
    }

    @Override
    public void message(byte[] from, byte[] message) {
      if (Arrays.equals(from, channel)) {
        listener.message(message);
      }
    }

    @Override
    public void subscribed(byte[] to, long count) {
      if (Arrays.equals(to, channel)) {
        listener.subscribed();
      }
    }

    @Override
    public void close() {
      closeAsync();
    }

    /** Closes the connection; the future completes once it is closed. Idempotent. */
    CompletableFuture<Void> closeAsync() {
      StatefulRedisPubSubConnection<byte[], byte[]> c;
      synchronized (this) {
        if (stopped) {
          return closed;
        }
        stopped = true;
        c = connection;
        connection = null;
        if (retry != null) {
          retry.cancel(false);
        }
      }
      if (c == null) {
        done();
      } else {
        c.removeListener(this);
        c.closeAsync().whenComplete((v, e) -> done());
      }
      return closed;
    }

    private void done() {
      subscriptions.remove(this);
      closed.complete(null);
    }
  }

  /**
   * Opens the connection to every master now: a connection that rejects commands while disconnected
   * would otherwise reject the first command to each node, whose connection opens lazily. A node
   * that cannot be reached now is skipped (its commands fail until it can).
   */
  private static CompletableFuture<StatefulRedisClusterConnection<byte[], byte[]>> openMasterConnections(
      StatefulRedisClusterConnection<byte[], byte[]> c) {
    List<CompletableFuture<?>> opening = new ArrayList<>();
    for (RedisClusterNode node : c.getPartitions()) {
      if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
        // By host and port, as Lettuce keys the connections that commands routed by slot use.
        opening.add(c.getConnectionAsync(node.getUri().getHost(), node.getUri().getPort()).handle((n, e) -> null));
      }
    }
    return CompletableFuture.allOf(opening.toArray(new CompletableFuture<?>[0])).thenApply(v -> c);
  }

  @SuppressWarnings("unchecked")
  private static RedisClusterAsyncCommands<byte[], byte[]> async(StatefulConnection<byte[], byte[]> c) {
    if (c instanceof StatefulRedisClusterConnection) {
      return ((StatefulRedisClusterConnection<byte[], byte[]>) c).async();
    }
    return ((StatefulRedisConnection<byte[], byte[]>) c).async();
  }
}

package dev.switchboard.redis;

import dev.switchboard.core.Health;
import dev.switchboard.redis.internal.LettuceConnection;
import io.lettuce.core.RedisURI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The connection to Redis that every Redis-backed Switchboard component shares: one client, one
 * multiplexed connection, sensible timeouts. A {@link RedisKeyStore} with change listeners adds a
 * pub/sub connection of its own on the same client, closed with this one at the latest.
 *
 * <p>Built from Redis URIs:
 * <ul>
 *   <li>standalone: {@code redis://host:6379/0}
 *   <li>TLS: {@code rediss://host:6380} (the JVM's trusted CAs, or {@link Builder#tlsCaCertificates(Path)})
 *   <li>password or ACL user: {@code redis://:password@host} or {@code redis://user:password@host}
 *   <li>Sentinel: {@code redis-sentinel://:password@sentinel1:26379,sentinel2:26379/0#mymaster}
 *   <li>Cluster: several seed URIs, or one with {@link Builder#cluster(boolean) cluster(true)}
 * </ul>
 *
 * <p><b>Create one and share it</b>; {@link #close()} it after the components that use it. It
 * connects in the background, so an application starts while Redis is down; until Redis answers,
 * components treat every command as failed (the cache misses) and {@link #health()} is
 * {@code DEGRADED}. After a lost connection it reconnects on its own with a backoff capped at
 * {@link Builder#maxReconnectDelay(Duration)}; meanwhile commands fail at once instead of queueing.
 * Thread-safe.
 */
public final class RedisConnection implements AutoCloseable {

  /** One second: a command that takes longer is failed (a cache read has its own, shorter budget). */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(1);
  /** Two seconds to open a TCP (and TLS) connection. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  /** Two seconds: the longest wait between two reconnection attempts. */
  public static final Duration DEFAULT_MAX_RECONNECT_DELAY = Duration.ofSeconds(2);

  private final LettuceConnection lettuce;
  private final boolean cluster;

  private RedisConnection(Builder b, List<RedisURI> uris, boolean cluster) {
    this.cluster = cluster;
    this.lettuce = new LettuceConnection(uris, cluster, b.commandTimeout, b.connectTimeout, b.maxReconnectDelay,
        b.tlsCaCertificates);
  }

  /**
   * A connection to the Redis at {@code uri} with default timeouts.
   *
   * @throws NullPointerException if {@code uri} is null
   * @throws IllegalArgumentException if {@code uri} is not a Redis URI
   */
  public static RedisConnection create(String uri) {
    return builder().uri(uri).build();
  }

  /** A builder with no URI and the default timeouts. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether the connection to Redis is up right now. */
  public boolean isConnected() {
    return lettuce.isConnected();
  }

  /** Whether this is a Redis Cluster connection. */
  public boolean isCluster() {
    return cluster;
  }

  /** {@code UP} while connected, {@code DEGRADED} otherwise; never blocks. */
  public Health health() {
    return isConnected() ? Health.up(lettuce.describe()) : Health.degraded("not connected to " + lettuce.describe());
  }

  /** The Redis URIs without credentials, e.g. {@code redis://localhost:6379/0}. */
  @Override
  public String toString() {
    return "RedisConnection{" + lettuce.describe() + (cluster ? ", cluster" : "") + "}";
  }

  /** The Lettuce side, for the Redis components of this module. */
  LettuceConnection lettuce() {
    return lettuce;
  }

  /** Closes the connection and the client's threads; components using it fail over from then on. */
  @Override
  public void close() {
    lettuce.close();
  }

  /** Builds a {@link RedisConnection}. Not thread-safe; setters validate at once. */
  public static final class Builder {
    private final List<String> uris = new ArrayList<>();
    private boolean cluster;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration maxReconnectDelay = DEFAULT_MAX_RECONNECT_DELAY;
    private Path tlsCaCertificates;

    private Builder() {}

    /**
     * Adds a Redis URI; several are seed nodes of a Cluster.
     *
     * @throws IllegalArgumentException if {@code uri} is not a Redis URI
     */
    public Builder uri(String uri) {
      Objects.requireNonNull(uri, "uri");
      parse(uri); // fail now, naming the URI, not at build time
      uris.add(uri);
      return this;
    }

    /** Treats the URIs as Redis Cluster seed nodes even when there is one. Default: cluster when several. */
    public Builder cluster(boolean cluster) {
      this.cluster = cluster;
      return this;
    }

    /** Default {@link #DEFAULT_COMMAND_TIMEOUT}. @throws IllegalArgumentException if not positive */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = positive(timeout, "commandTimeout");
      return this;
    }

    /** Default {@link #DEFAULT_CONNECT_TIMEOUT}. @throws IllegalArgumentException if not positive */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** Default {@link #DEFAULT_MAX_RECONNECT_DELAY}. @throws IllegalArgumentException if not positive */
    public Builder maxReconnectDelay(Duration delay) {
      this.maxReconnectDelay = positive(delay, "maxReconnectDelay");
      return this;
    }

    /**
     * Trusts the CA certificates in this PEM file for {@code rediss://} connections instead of the
     * JVM's default trust store (e.g. a self-hosted Redis with a private CA). The server's host name
     * or IP must still match its certificate. Default: the JVM's trust store.
     *
     * @throws IllegalArgumentException if the file does not exist
     */
    public Builder tlsCaCertificates(Path pemFile) {
      Objects.requireNonNull(pemFile, "tlsCaCertificates");
      if (!Files.isRegularFile(pemFile)) {
        throw new IllegalArgumentException("tlsCaCertificates file " + pemFile + " does not exist");
      }
      this.tlsCaCertificates = pemFile;
      return this;
    }

    /**
     * Creates the client and starts connecting; does not wait for Redis.
     *
     * @throws IllegalStateException if no URI was given, or several are given for Sentinel
     */
    public RedisConnection build() {
      if (uris.isEmpty()) {
        throw new IllegalStateException("no Redis URI configured: add one with uri(...)");
      }
      List<RedisURI> parsed = new ArrayList<>();
      for (String u : uris) {
        parsed.add(parse(u));
      }
      boolean isCluster = cluster || parsed.size() > 1;
      if (isCluster && parsed.stream().anyMatch(u -> !u.getSentinels().isEmpty())) {
        throw new IllegalStateException("a Sentinel URI cannot be a Cluster seed: give one redis-sentinel:// URI "
            + "listing every sentinel");
      }
      return new RedisConnection(this, parsed, isCluster);
    }

    static RedisURI parse(String uri) {
      try {
        return RedisURI.create(uri);
      } catch (RuntimeException e) {
        // never echo the URI itself: it may hold a password
        throw new IllegalArgumentException("not a Redis URI (expected redis://, rediss:// or redis-sentinel://): "
            + e.getMessage().replace(uri, "<uri>"), e);
      }
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive but was " + d);
      }
      return d;
    }
  }
}

package dev.switchboard.server;

import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.UpstreamErrors;
import dev.switchboard.providers.http.HttpRequest;
import dev.switchboard.providers.http.HttpResponse;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.http.OkHttpTransport;
import dev.switchboard.providers.http.StreamingHttpResponse;
import dev.switchboard.providers.internal.http.ResponseBodyTooLargeException;
import dev.switchboard.server.internal.FlushBatching;
import dev.switchboard.server.internal.VertxCall;
import dev.switchboard.server.internal.VertxFailures;
import dev.switchboard.server.internal.VertxStreamingResponse;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.TrustOptions;
import java.net.MalformedURLException;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link HttpTransport} on the Vert.x HTTP client: upstream calls run on Vert.x event loops and
 * hold no thread while they wait, so that thousands of streams in flight cost sockets and memory,
 * not threads. The gateway hands one to every provider it creates; a Vert.x application that
 * embeds the SDK can do the same with {@code Switchboard.builder().providerComponent(HttpTransport.class, transport)}.
 *
 * <p><b>Threads.</b> Each call runs on the Vert.x context of the thread that starts it: on an event
 * loop (e.g. inside a gateway request) the upstream call stays on that event loop; from any other
 * thread it is handed to one. Futures complete, and body signals arrive, on that event loop: what
 * depends on them must not block (the {@link HttpTransport} contract asks the same). Cancelling a
 * future, {@code request(n)}, {@code cancel()} and {@code close()} may be called from any thread.
 *
 * <p><b>Streaming and demand.</b> A streamed response is paused as soon as its head arrives, and
 * the body is fetched from Vert.x one network buffer at a time, only while the subscriber has
 * demand (each buffer is passed on in pieces of at most {@value #MAX_BUFFER_BYTES} bytes). With no
 * demand, Vert.x stops reading the socket once its small inbound queue is full, and TCP flow control
 * slows the upstream: a slow subscriber never makes the gateway buffer without bound.
 *
 * <p><b>Cancellation.</b> Cancelling a future before its response arrived, cancelling a body's
 * subscription, or closing an unread response resets the request: over HTTP/1.1 the connection is
 * closed (the upstream sees it go and stops generating), over HTTP/2 the stream is reset.
 *
 * <p>Defaults, each changeable through {@link #builder(Vertx)}:
 * <ul>
 *   <li>up to {@value #DEFAULT_MAX_CONNECTIONS_PER_HOST} HTTP/1.1 connections per upstream host and
 *       port: an HTTP/1.1 call holds its connection until its answer has ended, so the cap must lie
 *       above the calls a gateway has in flight, or they queue (Vert.x's own default of 5 would queue
 *       nearly all; 1024 queued three quarters of the load benchmark's 5,000 concurrent streams). It
 *       is there against a runaway, not to shape load; more calls wait for a free connection;
 *   <li>keep-alive, with idle pooled connections closed after {@link #DEFAULT_KEEP_ALIVE 30 s},
 *       before the idle timeout of common load balancers and API front ends (60 s and more) would
 *       close them under a request;
 *   <li>{@code TCP_NODELAY}: small SSE frames and requests go out at once;
 *   <li>flushes batched per pass of the event loop ({@code FlushBatching}): a request written while
 *       the event loop handles its ready sockets goes out when that pass is done, so that the
 *       upstream is woken once per pass;
 *   <li>a {@link #DEFAULT_CONNECT_TIMEOUT 10 s} connect timeout, and no read or idle timeout: the
 *       engine enforces first-token and total timeouts itself, and a slow stream must not be cut by
 *       the transport;
 *   <li>whole bodies ({@link #execute}) of at most {@link #DEFAULT_MAX_RESPONSE_BODY_BYTES 256 MiB}:
 *       a longer one fails the call with an {@link dev.switchboard.core.error.UpstreamException}
 *       (502) and resets it (over HTTP/1.1 its connection is closed), before reading when
 *       {@code Content-Length} announces it, else as soon as the bytes read pass the limit; the same
 *       for a streamed body read whole with {@link StreamingHttpResponse#readAll()}. A gateway runs
 *       with {@code -XX:+ExitOnOutOfMemoryError}: one upstream that never ends its body must not take
 *       every other call down with it;
 *   <li>HTTP/1.1; {@link Builder#http2(boolean) http2(true)} offers HTTP/2 through ALPN on
 *       {@code https} upstreams (with HTTP/1.1 as the fallback), up to
 *       {@value #DEFAULT_HTTP2_CONNECTIONS_PER_HOST} connections per host;
 *   <li>TLS with the JDK's trust store (or {@link Builder#trustOptions the certificates given}) and
 *       host name verification; no redirects (an API does not
 *       redirect, and following one could forward credential headers to another host), no
 *       decompression, no retries (the engine owns retries and fallback).
 * </ul>
 *
 * <p>The transport does not own its {@link Vertx}: close the transport first, then Vert.x. Closing
 * the transport fails the calls in flight with {@link IllegalStateException} and closes its
 * connections; it does not wait for them.
 *
 * <p>Thread-safe. Create one per Vert.x instance, share it between every provider, and close it
 * when the application stops.
 */
public final class VertxHttpTransport implements HttpTransport {

  /** HTTP/1.1 connections per upstream host and port when not configured. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_HOST = 16_384;
  /** HTTP/2 connections per upstream host and port when not configured (each carries many streams). */
  public static final int DEFAULT_HTTP2_CONNECTIONS_PER_HOST = 16;
  /** How long an idle pooled connection is kept when not configured. */
  public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(30);
  /** Connect timeout when not configured. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /**
   * The longest whole response body read into memory when not configured: 256 MiB, as
   * {@link OkHttpTransport#DEFAULT_MAX_RESPONSE_BODY_BYTES} (see there why: the largest embedding
   * answers are up to about 145 MB of JSON). The limit holds per call; the heap must still be sized
   * for the largest answers expected at once.
   */
  public static final long DEFAULT_MAX_RESPONSE_BODY_BYTES = OkHttpTransport.DEFAULT_MAX_RESPONSE_BODY_BYTES;
  /** The largest {@link java.nio.ByteBuffer} a streamed body delivers in one {@code onNext}. */
  public static final int MAX_BUFFER_BYTES = VertxStreamingResponse.MAX_BUFFER_BYTES;

  private static final int URL_CACHE_SIZE = 256;
  private static final Set<String> METHODS_REQUIRING_BODY = Set.of("POST", "PUT", "PATCH", "PROPPATCH", "REPORT");

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final boolean http2;
  private final long maxResponseBodyBytes;
  private final Set<VertxCall<?>> openCalls = ConcurrentHashMap.newKeySet();
  private final AtomicInteger openConnections = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final String description;
  // Parsed upstream URLs: a transport calls a handful of distinct ones, and parsing costs a
  // microsecond per call. Cleared when it grows past URL_CACHE_SIZE (URLs with per-call parts): a
  // Caffeine cache measured 1-2 us more per request in two A/B/A/B runs on the load set-up
  // (52.3-53.0 against 49.6-51.4 us; this VM moves by about 1 us).
  private final Map<String, URL> urls = new ConcurrentHashMap<>();

  private VertxHttpTransport(Builder b) {
    this.vertx = b.vertx;
    this.http2 = b.http2;
    this.maxResponseBodyBytes = Math.min(b.maxResponseBodyBytes, ResponseBodyTooLargeException.MAX_ARRAY_BYTES);
    HttpClientOptions options = new HttpClientOptions()
        .setName("switchboard-upstream")
        .setProtocolVersion(HttpVersion.HTTP_1_1)
        .setKeepAlive(true)
        .setKeepAliveTimeout(seconds(b.keepAlive))
        .setHttp2KeepAliveTimeout(seconds(b.keepAlive))
        .setTcpNoDelay(true)
        .setTcpKeepAlive(true)
        .setConnectTimeout(Math.toIntExact(b.connectTimeout.toMillis()))
        .setIdleTimeout(0)
        .setPipelining(false)
        .setDecompressionSupported(false)
        .setMaxChunkSize(MAX_BUFFER_BYTES)
        .setVerifyHost(true)
        .setTrustAll(false);
    if (b.trustOptions != null) {
      options.setTrustOptions(b.trustOptions.copy());
    }
    if (b.http2) {
      options.setUseAlpn(true)
          .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
          .setHttp2ClearTextUpgrade(false); // plain http:// upstreams stay on HTTP/1.1, see toOptions
    }
    PoolOptions pool = new PoolOptions()
        .setHttp1MaxSize(b.maxConnectionsPerHost)
        .setHttp2MaxSize(b.http2ConnectionsPerHost)
        .setMaxWaitQueueSize(-1);
    this.client = vertx.httpClientBuilder()
        .with(options)
        .with(pool)
        .withConnectHandler(connection -> {
          openConnections.incrementAndGet();
          FlushBatching.install(connection);
          connection.closeHandler(v -> openConnections.decrementAndGet());
        })
        .build();
    this.description = "VertxHttpTransport{maxConnectionsPerHost=" + b.maxConnectionsPerHost + ", http2=" + b.http2
        + ", http2ConnectionsPerHost=" + b.http2ConnectionsPerHost + ", keepAlive=" + b.keepAlive
        + ", connectTimeout=" + b.connectTimeout + ", readTimeout=none, trust="
        + (b.trustOptions == null ? "jdk" : "custom") + ", maxResponseBodyBytes=" + maxResponseBodyBytes + "}";
  }

  /**
   * A builder for a transport on {@code vertx}, with the defaults listed on this class.
   *
   * @throws NullPointerException if {@code vertx} is null
   */
  public static Builder builder(Vertx vertx) {
    return new Builder(Objects.requireNonNull(vertx, "vertx"));
  }

  /**
   * {@inheritDoc}
   *
   * <p>The future completes on the call's event loop, once the whole body has arrived. A body longer
   * than {@link Builder#maxResponseBodyBytes maxResponseBodyBytes} fails the future with an
   * {@link dev.switchboard.core.error.UpstreamException} whose message gives the limit (and no byte
   * of the body), and resets the request.
   */
  @Override
  public CompletableFuture<HttpResponse> execute(HttpRequest request) {
    Objects.requireNonNull(request, "request");
    CompletableFuture<HttpResponse> future = new CompletableFuture<>();
    start(request, future, false);
    return future;
  }

  /**
   * {@inheritDoc}
   *
   * <p>The future completes, and body signals arrive, on the call's event loop.
   */
  @Override
  public CompletableFuture<StreamingHttpResponse> stream(HttpRequest request) {
    Objects.requireNonNull(request, "request");
    CompletableFuture<StreamingHttpResponse> future = new CompletableFuture<>();
    start(request, future, true);
    return future;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Calls in flight fail with {@link IllegalStateException}, their requests are reset, and the
   * client's connections are closed. Does not wait for any of it, and leaves the {@link Vertx}
   * instance running.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    IllegalStateException failure = closedException(null);
    for (VertxCall<?> call : openCalls) {
      call.abort(failure);
    }
    client.close();
  }

  @Override
  public String toString() {
    return description;
  }

  // ---- for tests in this package: leak checks and load figures ----

  /** Calls started by this transport whose upstream stream is not over yet (including unread bodies). */
  int openCallsCount() {
    return openCalls.size();
  }

  /** TCP connections the client has open, in use or idle in the pool. */
  int openConnectionsCount() {
    return openConnections.get();
  }

  // ---- internals ----

  @SuppressWarnings("unchecked")
  private void start(HttpRequest request, CompletableFuture<?> future, boolean streaming) {
    if (closed.get()) {
      future.completeExceptionally(closedException(null));
      return;
    }
    byte[] bytes = request.body();
    RequestOptions options;
    try {
      options = toOptions(request, bytes != null);
    } catch (IllegalArgumentException e) { // e.g. a header value with a line break: nothing is sent
      future.completeExceptionally(e);
      return;
    }
    Buffer body = bodyOf(request.method(), bytes);
    VertxCall<?> call = streaming
        ? VertxCall.streaming(vertx.getOrCreateContext(), client, options, body, maxResponseBodyBytes,
            (CompletableFuture<StreamingHttpResponse>) future, this::failure, openCalls::remove)
        : VertxCall.whole(vertx.getOrCreateContext(), client, options, body, maxResponseBodyBytes,
            (CompletableFuture<HttpResponse>) future, this::failure, openCalls::remove);
    openCalls.add(call);
    if (closed.get()) { // close() ran between the check above and the registration: it may have missed us
      call.abort(closedException(null));
    }
    call.start();
  }

  private RequestOptions toOptions(HttpRequest request, boolean hasBody) {
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.valueOf(requireToken(request.method(), "method")))
        .setFollowRedirects(false);
    options.setAbsoluteURI(parsedUrl(request.url()));
    if (http2 && request.url().regionMatches(true, 0, "https:", 0, 6)) {
      // ALPN picks HTTP/2 when the upstream offers it; a plain http:// upstream (a local server)
      // would need prior knowledge or an upgrade that few of them support.
      options.setProtocolVersion(HttpVersion.HTTP_2);
    }
    for (Map.Entry<String, String> header : request.headers().entrySet()) {
      options.putHeader(requireToken(header.getKey(), "header name"), requireValue(header.getKey(), header.getValue()));
    }
    if (hasBody) {
      options.putHeader("Content-Type", requireValue("Content-Type", request.contentType()));
    }
    return options;
  }

  private URL parsedUrl(String url) {
    URL parsed = urls.get(url);
    if (parsed == null) {
      parsed = parseUrl(url);
      if (urls.size() >= URL_CACHE_SIZE) {
        urls.clear();
      }
      urls.put(url, parsed);
    }
    return parsed;
  }

  // HttpRequest already refused anything but http:// and https://.
  private static URL parseUrl(String url) {
    try {
      return new URL(url);
    } catch (MalformedURLException | RuntimeException e) {
      throw new IllegalArgumentException("url cannot be parsed: " + e.getMessage(), e);
    }
  }

  private static Buffer bodyOf(String method, byte[] bytes) {
    if (bytes != null) {
      return Buffer.buffer(bytes);
    }
    // Like OkHttp: a POST without a body still says Content-Length: 0.
    return METHODS_REQUIRING_BODY.contains(method.toUpperCase(Locale.ROOT)) ? Buffer.buffer() : null;
  }

  private Throwable failure(Throwable cause) {
    if (closed.get()) {
      return closedException(cause);
    }
    return UpstreamErrors.fromTransportFailure(VertxFailures.normalize(cause), ErrorDetails.none());
  }

  private static IllegalStateException closedException(Throwable cause) {
    return new IllegalStateException("VertxHttpTransport is closed", cause);
  }

  /** RFC 9110 token: what a method or a header name may consist of. */
  private static String requireToken(String value, String what) {
    if (value.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean token = c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
      if (!token) {
        throw new IllegalArgumentException(what + " '" + printable(value) + "' has a character not allowed in an HTTP "
            + "token at index " + i);
      }
    }
    return value;
  }

  /** No control characters but tab: a line break would let a value inject headers. The value is never echoed. */
  private static String requireValue(String name, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        throw new IllegalArgumentException("header " + printable(name) + " has a control character in its value at "
            + "index " + i);
      }
    }
    return value;
  }

  private static String printable(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return out.toString();
  }

  private static int seconds(Duration d) {
    return Math.toIntExact(Math.max(1, d.toSeconds()));
  }

  /** Builds a {@link VertxHttpTransport}. Each setter validates at once. Not thread-safe. */
  public static final class Builder {
    private final Vertx vertx;
    private int maxConnectionsPerHost = DEFAULT_MAX_CONNECTIONS_PER_HOST;
    private int http2ConnectionsPerHost = DEFAULT_HTTP2_CONNECTIONS_PER_HOST;
    private boolean http2;
    private Duration keepAlive = DEFAULT_KEEP_ALIVE;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private TrustOptions trustOptions;
    private long maxResponseBodyBytes = DEFAULT_MAX_RESPONSE_BODY_BYTES;

    private Builder(Vertx vertx) {
      this.vertx = vertx;
    }

    /**
     * HTTP/1.1 connections per upstream host and port (default
     * {@value VertxHttpTransport#DEFAULT_MAX_CONNECTIONS_PER_HOST}). Each call in flight, streamed or
     * not, holds one; more calls wait for a free one.
     *
     * @throws IllegalArgumentException if {@code maxConnectionsPerHost < 1}
     */
    public Builder maxConnectionsPerHost(int maxConnectionsPerHost) {
      if (maxConnectionsPerHost < 1) {
        throw new IllegalArgumentException("maxConnectionsPerHost must be >= 1 but was " + maxConnectionsPerHost);
      }
      this.maxConnectionsPerHost = maxConnectionsPerHost;
      return this;
    }

    /**
     * Whether to offer HTTP/2 through ALPN to {@code https} upstreams (default false: HTTP/1.1 only).
     * Upstreams that do not speak HTTP/2 are still reached over HTTP/1.1; {@code http://} upstreams
     * always are.
     */
    public Builder http2(boolean http2) {
      this.http2 = http2;
      return this;
    }

    /**
     * HTTP/2 connections per upstream host and port, each multiplexing as many streams as the upstream
     * allows (default {@value VertxHttpTransport#DEFAULT_HTTP2_CONNECTIONS_PER_HOST}).
     *
     * @throws IllegalArgumentException if {@code http2ConnectionsPerHost < 1}
     */
    public Builder http2ConnectionsPerHost(int http2ConnectionsPerHost) {
      if (http2ConnectionsPerHost < 1) {
        throw new IllegalArgumentException("http2ConnectionsPerHost must be >= 1 but was " + http2ConnectionsPerHost);
      }
      this.http2ConnectionsPerHost = http2ConnectionsPerHost;
      return this;
    }

    /**
     * How long an idle pooled connection is kept (default 30 s), in whole seconds.
     *
     * @throws NullPointerException if {@code keepAlive} is null
     * @throws IllegalArgumentException if {@code keepAlive} is shorter than one second
     */
    public Builder keepAlive(Duration keepAlive) {
      Objects.requireNonNull(keepAlive, "keepAlive");
      if (keepAlive.toSeconds() < 1) {
        throw new IllegalArgumentException("keepAlive must be at least 1 second but was " + keepAlive);
      }
      this.keepAlive = keepAlive;
      return this;
    }

    /**
     * Connect timeout (default 10 s).
     *
     * @throws NullPointerException if {@code connectTimeout} is null
     * @throws IllegalArgumentException if {@code connectTimeout} is not positive
     */
    public Builder connectTimeout(Duration connectTimeout) {
      Objects.requireNonNull(connectTimeout, "connectTimeout");
      if (connectTimeout.isZero() || connectTimeout.isNegative() || connectTimeout.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("connectTimeout must be positive but was " + connectTimeout);
      }
      this.connectTimeout = connectTimeout;
      return this;
    }

    /**
     * The certificates that {@code https} upstreams are verified against, instead of the JDK's trust
     * store (default), e.g. {@code new PemTrustOptions().addCertPath("/etc/ssl/private-ca.pem")} for
     * a model server behind a private CA. Copied; host names are verified either way.
     *
     * @throws NullPointerException if {@code trustOptions} is null
     */
    public Builder trustOptions(TrustOptions trustOptions) {
      this.trustOptions = Objects.requireNonNull(trustOptions, "trustOptions").copy();
      return this;
    }

    /**
     * The longest whole response body {@link VertxHttpTransport#execute execute}, or
     * {@link StreamingHttpResponse#readAll()} of a streamed one, reads into memory (default
     * {@value VertxHttpTransport#DEFAULT_MAX_RESPONSE_BODY_BYTES}, 256 MiB; see there why).
     * A longer body fails the call with an {@link dev.switchboard.core.error.UpstreamException} (502)
     * and resets it. A body is one byte array, so no more than {@code Integer.MAX_VALUE - 8} bytes
     * are read whatever is set.
     *
     * @throws IllegalArgumentException if {@code maxResponseBodyBytes < 1}
     */
    public Builder maxResponseBodyBytes(long maxResponseBodyBytes) {
      if (maxResponseBodyBytes < 1) {
        throw new IllegalArgumentException("maxResponseBodyBytes must be >= 1 but was " + maxResponseBodyBytes);
      }
      this.maxResponseBodyBytes = maxResponseBodyBytes;
      return this;
    }

    /** Builds the transport and its HTTP client on the builder's {@link Vertx}. */
    public VertxHttpTransport build() {
      return new VertxHttpTransport(this);
    }
  }
}

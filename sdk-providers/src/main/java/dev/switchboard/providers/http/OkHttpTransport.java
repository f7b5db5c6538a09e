package dev.switchboard.providers.http;

import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.UpstreamErrors;
import dev.switchboard.providers.internal.http.ResponseBodyTooLargeException;
import dev.switchboard.providers.internal.http.ResponseHeaders;
import dev.switchboard.providers.internal.okhttp.OkHttpStreamingResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;

/**
 * The default {@link HttpTransport}, on OkHttp, sized for a gateway.
 *
 * <p>Calls are enqueued on OkHttp's dispatcher and never block the caller's thread. A whole
 * response ({@link #execute}) is read on a dispatcher thread. A streaming body ({@link #stream}) is
 * read with blocking reads on a separate pool, and only while its subscriber has demand: an idle or
 * slow stream holds no thread and, through TCP flow control, slows the upstream.
 *
 * <p>Defaults, each changeable through {@link #builder()}:
 * <ul>
 *   <li>{@value #DEFAULT_MAX_REQUESTS} concurrent requests in total and per host (OkHttp's own
 *       default of 5 per host would queue a gateway's calls to one provider). These limits count
 *       calls waiting for their response headers; bodies being streamed do not count.
 *   <li>a connection pool of {@value #DEFAULT_MAX_IDLE_CONNECTIONS} idle connections kept alive for
 *       {@link #DEFAULT_KEEP_ALIVE 5 minutes};
 *   <li>a {@link #DEFAULT_CONNECT_TIMEOUT 10 s} connect timeout, and no read, write or call timeout:
 *       the engine enforces first-token and total timeouts itself, and a slow stream must not be cut
 *       by the transport;
 *   <li>whole bodies ({@link #execute}) of at most {@link #DEFAULT_MAX_RESPONSE_BODY_BYTES 256 MiB}:
 *       a longer one fails the call with an {@link dev.switchboard.core.error.UpstreamException}
 *       (502) and closes its connection, before reading when {@code Content-Length} announces it,
 *       else as soon as the bytes read pass the limit. The same holds for a streamed body read whole
 *       with {@link StreamingHttpResponse#readAll()} (e.g. an error answer to a streamed call); one
 *       read as it comes is not limited here (its decoder limits what it holds at once);
 *   <li>no retries of failed connections (the engine owns retries and fallback), no redirects (an
 *       API does not redirect, and following one could forward credential headers to another host),
 *       no cookies, no cache.
 * </ul>
 *
 * <p>Thread-safe. Create one, share it between every provider, and {@link #close()} it when the
 * application stops.
 */
public final class OkHttpTransport implements HttpTransport {

  /** Concurrent requests in total when not configured. */
  public static final int DEFAULT_MAX_REQUESTS = 1024;
  /** Concurrent requests per host when not configured. */
  public static final int DEFAULT_MAX_REQUESTS_PER_HOST = 1024;
  /** Idle pooled connections kept when not configured. */
  public static final int DEFAULT_MAX_IDLE_CONNECTIONS = 256;
  /** How long an idle pooled connection is kept when not configured. */
  public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofMinutes(5);
  /** Connect timeout when not configured. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** Read timeout when not configured: none. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ZERO;
  /** Write timeout when not configured: none. */
  public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ZERO;
  /** Whole-call timeout when not configured: none. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ZERO;
  /**
   * The longest whole response body read into memory when not configured: 256 MiB. The largest
   * answers real APIs give are embeddings: 2,048 inputs (OpenAI's most per request) of 3,072
   * dimensions, as JSON numbers of 12 to 23 bytes each with the indentation, come to 75 to 145 MB.
   * 256 MiB leaves room above that, and still stops an upstream that never ends its body long before
   * it has used up a gateway's heap. The limit holds per call, not for all calls together.
   */
  public static final long DEFAULT_MAX_RESPONSE_BODY_BYTES = 256L * 1024 * 1024;

  private static final Set<String> METHODS_REQUIRING_BODY = Set.of("POST", "PUT", "PATCH", "PROPPATCH", "REPORT");
  private static final byte[] NO_BYTES = new byte[0];
  /** Parsed URLs kept; a gateway calls a handful of endpoints, so more than this are parsed each time. */
  static final int MAX_PARSED_URLS = 256;

  private final OkHttpClient client;
  private final ExecutorService dispatcherThreads;
  private final ExecutorService readerThreads;
  private final Set<Call> openCalls = ConcurrentHashMap.newKeySet();
  // OkHttp parses a URL string on every request (IDN mapping included); the same few URLs come back on every call.
  private final ConcurrentHashMap<String, HttpUrl> parsedUrls = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final long maxResponseBodyBytes;
  private final String description;

  private OkHttpTransport(Builder b) {
    this.dispatcherThreads = newThreadPool("switchboard-okhttp-dispatcher-");
    this.readerThreads = newThreadPool("switchboard-okhttp-body-reader-");
    Dispatcher dispatcher = new Dispatcher(dispatcherThreads);
    dispatcher.setMaxRequests(b.maxRequests);
    dispatcher.setMaxRequestsPerHost(b.maxRequestsPerHost);
    this.client = new OkHttpClient.Builder()
        .dispatcher(dispatcher)
        .connectionPool(new ConnectionPool(b.maxIdleConnections, b.keepAlive.toNanos(), TimeUnit.NANOSECONDS))
        .connectTimeout(b.connectTimeout)
        .readTimeout(b.readTimeout)
        .writeTimeout(b.writeTimeout)
        .callTimeout(b.callTimeout)
        .retryOnConnectionFailure(false)
        .followRedirects(false)
        .followSslRedirects(false)
        .build();
    this.maxResponseBodyBytes = Math.min(b.maxResponseBodyBytes, ResponseBodyTooLargeException.MAX_ARRAY_BYTES);
    this.description = "OkHttpTransport{maxRequests=" + b.maxRequests + ", maxRequestsPerHost=" + b.maxRequestsPerHost
        + ", maxIdleConnections=" + b.maxIdleConnections + ", keepAlive=" + b.keepAlive
        + ", connectTimeout=" + b.connectTimeout + ", readTimeout=" + b.readTimeout
        + ", writeTimeout=" + b.writeTimeout + ", callTimeout=" + b.callTimeout
        + ", maxResponseBodyBytes=" + maxResponseBodyBytes + "}";
  }

  /** A builder with the defaults listed on this class. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@inheritDoc}
   *
   * <p>The body is read on an OkHttp dispatcher thread; the future completes there. A body longer
   * than {@link Builder#maxResponseBodyBytes maxResponseBodyBytes} fails the future with an
   * {@link dev.switchboard.core.error.UpstreamException} whose message gives the limit (and no byte
   * of the body), and closes the connection.
   */
  @Override
  public CompletableFuture<HttpResponse> execute(HttpRequest request) {
    Objects.requireNonNull(request, "request");
    CompletableFuture<HttpResponse> future = new CompletableFuture<>();
    Call call = newCall(request, future);
    if (call == null) {
      return future;
    }
    call.enqueue(new Callback() {
      @Override
      public void onFailure(Call c, IOException e) {
        openCalls.remove(call);
        future.completeExceptionally(failure(e));
      }

      @Override
      public void onResponse(Call c, Response response) {
        try {
          HttpResponse whole = HttpResponse.ofOwned(response.code(), headersOf(response.headers()), readBody(response));
          response.close();
          openCalls.remove(call);
          future.complete(whole);
        } catch (IOException | RuntimeException e) {
          // Cancelled first, the connection is closed: close() alone would read on through the rest
          // of a broken body, or of one too long, to give the connection back to the pool.
          call.cancel();
          response.close();
          openCalls.remove(call);
          future.completeExceptionally(e instanceof IOException ? failure(e) : e);
        }
      }
    });
    return future;
  }

  /**
   * {@inheritDoc}
   *
   * <p>The future completes on an OkHttp dispatcher thread; body signals arrive on the transport's
   * body-reader threads.
   */
  @Override
  public CompletableFuture<StreamingHttpResponse> stream(HttpRequest request) {
    Objects.requireNonNull(request, "request");
    CompletableFuture<StreamingHttpResponse> future = new CompletableFuture<>();
    Call call = newCall(request, future);
    if (call == null) {
      return future;
    }
    call.enqueue(new Callback() {
      @Override
      public void onFailure(Call c, IOException e) {
        openCalls.remove(call);
        future.completeExceptionally(failure(e));
      }

      @Override
      public void onResponse(Call c, Response response) {
        OkHttpStreamingResponse streaming = new OkHttpStreamingResponse(call, response, headersOf(response.headers()),
            readerThreads, () -> openCalls.remove(call), OkHttpTransport.this::failure, maxResponseBodyBytes);
        if (!future.complete(streaming)) {
          streaming.close(); // the caller cancelled in the meantime: nobody will read it
        }
      }
    });
    return future;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Calls in flight fail with {@link IllegalStateException} (the cause is OkHttp's cancellation);
   * reader and dispatcher threads end once idle. Does not wait for them.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (Call call : openCalls) {
      call.cancel();
    }
    client.dispatcher().cancelAll();
    dispatcherThreads.shutdown();
    readerThreads.shutdown();
    client.connectionPool().evictAll();
  }

  @Override
  public String toString() {
    return description;
  }

  // ---- for tests in this package: leak checks ----

  /** Calls started by this transport whose connection is not yet released (including unread bodies). */
  int openCallsCount() {
    return openCalls.size();
  }

  /** Calls OkHttp's dispatcher is running (waiting for or reading a response in its callback). */
  int runningCallsCount() {
    return client.dispatcher().runningCallsCount() + client.dispatcher().queuedCallsCount();
  }

  /** Pooled connections currently carrying a call. */
  int inUseConnectionCount() {
    return client.connectionPool().connectionCount() - client.connectionPool().idleConnectionCount();
  }

  int maxRequestsPerHost() {
    return client.dispatcher().getMaxRequestsPerHost();
  }

  // ---- internals ----

  /** Creates and registers the call, or fails {@code future} and returns null. */
  private Call newCall(HttpRequest request, CompletableFuture<?> future) {
    if (closed.get()) {
      future.completeExceptionally(new IllegalStateException("OkHttpTransport is closed"));
      return null;
    }
    Request okRequest;
    try {
      okRequest = toOkHttp(request);
    } catch (IllegalArgumentException e) { // e.g. a header value with a line break
      future.completeExceptionally(e);
      return null;
    }
    Call call = client.newCall(okRequest);
    openCalls.add(call);
    future.whenComplete((result, failure) -> {
      if (future.isCancelled()) {
        call.cancel(); // OkHttp then fails the callback, which unregisters the call
      }
    });
    return call;
  }

  private Request toOkHttp(HttpRequest request) {
    Request.Builder builder = new Request.Builder().url(parsedUrl(request.url()));
    for (Map.Entry<String, String> header : request.headers().entrySet()) {
      builder.header(header.getKey(), header.getValue());
    }
    byte[] bytes = request.bodyArray();
    RequestBody body = null;
    if (bytes != null) {
      MediaType type = MediaType.parse(request.contentType());
      if (type == null) {
        throw new IllegalArgumentException("contentType is not a media type: " + request.contentType());
      }
      body = RequestBody.create(bytes, type);
    } else if (METHODS_REQUIRING_BODY.contains(request.method().toUpperCase(Locale.ROOT))) {
      body = RequestBody.create(NO_BYTES, null);
    }
    return builder.method(request.method(), body).build();
  }

  /** @throws IllegalArgumentException if {@code url} is not an http(s) URL, as OkHttp's own parsing */
  private HttpUrl parsedUrl(String url) {
    HttpUrl parsed = parsedUrls.get(url);
    if (parsed == null) {
      parsed = HttpUrl.get(url);
      if (parsedUrls.size() < MAX_PARSED_URLS) {
        parsedUrls.putIfAbsent(url, parsed);
      }
    }
    return parsed;
  }

  /** URLs whose parsed form is kept; for tests in this package. */
  int parsedUrlCount() {
    return parsedUrls.size();
  }

  /** The whole body, or a failure as soon as it is known to be longer than the limit. */
  private byte[] readBody(Response response) throws IOException {
    ResponseBodyTooLargeException announced = ResponseBodyTooLargeException.ifAnnounced(response.request().method(),
        response.code(), response.header("Content-Length"), maxResponseBodyBytes);
    if (announced != null) {
      throw announced;
    }
    // No Content-Length (chunked, or decompressed by OkHttp): read up to one byte past the limit.
    BufferedSource source = response.body().source();
    if (source.request(maxResponseBodyBytes + 1)) {
      throw ResponseBodyTooLargeException.exceeded(maxResponseBodyBytes);
    }
    return source.readByteArray();
  }

  private static ResponseHeaders headersOf(Headers headers) {
    ResponseHeaders.Builder builder = ResponseHeaders.builder();
    for (int i = 0, n = headers.size(); i < n; i++) {
      builder.add(headers.name(i), headers.value(i));
    }
    return builder.build();
  }

  private Throwable failure(Throwable e) {
    if (closed.get()) {
      return new IllegalStateException("OkHttpTransport is closed", e);
    }
    return UpstreamErrors.fromTransportFailure(e, ErrorDetails.none());
  }

  private static ExecutorService newThreadPool(String namePrefix) {
    AtomicInteger count = new AtomicInteger();
    ThreadFactory threads = runnable -> {
      Thread thread = new Thread(runnable, namePrefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
    // Cached and unbounded like OkHttp's own: the dispatcher's limits bound the calls.
    return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), threads);
  }

  /** Builds an {@link OkHttpTransport}. Each setter validates at once. Not thread-safe. */
  public static final class Builder {
    private int maxRequests = DEFAULT_MAX_REQUESTS;
    private int maxRequestsPerHost = DEFAULT_MAX_REQUESTS_PER_HOST;
    private int maxIdleConnections = DEFAULT_MAX_IDLE_CONNECTIONS;
    private Duration keepAlive = DEFAULT_KEEP_ALIVE;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private Duration writeTimeout = DEFAULT_WRITE_TIMEOUT;
    private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
    private long maxResponseBodyBytes = DEFAULT_MAX_RESPONSE_BODY_BYTES;

    private Builder() {}

    /**
     * Concurrent requests in total (default {@value OkHttpTransport#DEFAULT_MAX_REQUESTS}); more wait in a queue.
     *
     * @throws IllegalArgumentException if {@code maxRequests < 1}
     */
    public Builder maxRequests(int maxRequests) {
      if (maxRequests < 1) {
        throw new IllegalArgumentException("maxRequests must be >= 1 but was " + maxRequests);
      }
      this.maxRequests = maxRequests;
      return this;
    }

    /**
     * Concurrent requests per host (default {@value OkHttpTransport#DEFAULT_MAX_REQUESTS_PER_HOST}).
     *
     * @throws IllegalArgumentException if {@code maxRequestsPerHost < 1}
     */
    public Builder maxRequestsPerHost(int maxRequestsPerHost) {
      if (maxRequestsPerHost < 1) {
        throw new IllegalArgumentException("maxRequestsPerHost must be >= 1 but was " + maxRequestsPerHost);
      }
      this.maxRequestsPerHost = maxRequestsPerHost;
      return this;
    }

    /**
     * Idle connections the pool keeps (default {@value OkHttpTransport#DEFAULT_MAX_IDLE_CONNECTIONS}).
     *
     * @throws IllegalArgumentException if {@code maxIdleConnections < 0}
     */
    public Builder maxIdleConnections(int maxIdleConnections) {
      if (maxIdleConnections < 0) {
        throw new IllegalArgumentException("maxIdleConnections must be >= 0 but was " + maxIdleConnections);
      }
      this.maxIdleConnections = maxIdleConnections;
      return this;
    }

    /**
     * How long an idle connection stays in the pool (default 5 minutes).
     *
     * @throws NullPointerException if {@code keepAlive} is null
     * @throws IllegalArgumentException if {@code keepAlive} is not positive
     */
    public Builder keepAlive(Duration keepAlive) {
      this.keepAlive = positive(keepAlive, "keepAlive");
      return this;
    }

    /**
     * Connect timeout (default 10 s).
     *
     * @throws NullPointerException if {@code connectTimeout} is null
     * @throws IllegalArgumentException if {@code connectTimeout} is not positive
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive(connectTimeout, "connectTimeout");
      return this;
    }

    /**
     * Longest wait between two reads of the response, or {@link Duration#ZERO} for none (default).
     *
     * @throws NullPointerException if {@code readTimeout} is null
     * @throws IllegalArgumentException if {@code readTimeout} is negative
     */
    public Builder readTimeout(Duration readTimeout) {
      this.readTimeout = notNegative(readTimeout, "readTimeout");
      return this;
    }

    /**
     * Longest wait between two writes of the request, or {@link Duration#ZERO} for none (default).
     *
     * @throws NullPointerException if {@code writeTimeout} is null
     * @throws IllegalArgumentException if {@code writeTimeout} is negative
     */
    public Builder writeTimeout(Duration writeTimeout) {
      this.writeTimeout = notNegative(writeTimeout, "writeTimeout");
      return this;
    }

    /**
     * Limit for a whole call including reading its body, or {@link Duration#ZERO} for none (default;
     * the engine enforces its own timeouts).
     *
     * @throws NullPointerException if {@code callTimeout} is null
     * @throws IllegalArgumentException if {@code callTimeout} is negative
     */
    public Builder callTimeout(Duration callTimeout) {
      this.callTimeout = notNegative(callTimeout, "callTimeout");
      return this;
    }

    /**
     * The longest whole response body {@link OkHttpTransport#execute execute}, or
     * {@link StreamingHttpResponse#readAll()} of a streamed one, reads into memory (default {@value OkHttpTransport#DEFAULT_MAX_RESPONSE_BODY_BYTES}, 256 MiB; see there why). A
     * longer body fails the call with an {@link dev.switchboard.core.error.UpstreamException} (502)
     * and closes its connection. A body is one byte array, so no more than
     * {@code Integer.MAX_VALUE - 8} bytes are read whatever is set.
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

    /** Builds a transport that owns its threads and connections until {@link OkHttpTransport#close()}. */
    public OkHttpTransport build() {
      return new OkHttpTransport(this);
    }

    private static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive but was " + value);
      }
      return value;
    }

    private static Duration notNegative(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative but was " + value);
      }
      return value;
    }
  }
}

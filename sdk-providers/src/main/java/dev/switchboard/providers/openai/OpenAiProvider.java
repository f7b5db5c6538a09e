package dev.switchboard.providers.openai;

import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.ModelInfo;
import dev.switchboard.core.spi.CallContext;
import dev.switchboard.core.spi.Provider;
import dev.switchboard.core.wire.OpenAiJson;
import dev.switchboard.providers.http.HttpRequest;
import dev.switchboard.providers.http.HttpResponse;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.http.OkHttpTransport;
import dev.switchboard.providers.internal.http.ProviderTransports;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * A {@link Provider} for OpenAI's API and every server that speaks it (Groq, Mistral, vLLM, Ollama,
 * …): {@code POST /chat/completions} (whole and streamed), {@code POST /embeddings} and
 * {@code GET /models} under a base URL.
 *
 * <p>Requests carry {@code Authorization: Bearer <key>} (none without a key, e.g. for Ollama),
 * {@code OpenAI-Organization} and {@code OpenAI-Project} when set, the configured extra headers,
 * the call's {@link CallContext#headers()}, and the request id as {@code X-Client-Request-Id}
 * (OpenAI's header for a client-chosen id; sent only when it is printable ASCII of at most 512
 * characters, as OpenAI requires). Call headers cannot replace the credential headers. Streams ask for
 * {@code stream_options.include_usage}, so that their last chunk reports usage.
 *
 * <p>Failures complete the future or stream with the {@link SwitchboardException} that
 * {@link dev.switchboard.core.error.UpstreamErrors} maps from the status and OpenAI's error body,
 * with provider, deployment, model, request id, code, param and retry-after (from
 * {@code retry-after-ms}, else {@code Retry-After}). A stream completes normally on {@code [DONE]},
 * or at the end of the body if a finish reason was seen (some compatible servers omit {@code [DONE]});
 * a body that ends otherwise fails with {@link dev.switchboard.core.error.UpstreamException}, so a cut
 * connection never looks like a complete answer.
 *
 * <p>The API key never appears in a message, log or {@link #toString()}.
 *
 * <p>Services that speak OpenAI's wire format with other addresses, credentials or error details
 * (e.g. Azure OpenAI) are reached through the same provider with their {@link OpenAiDialect}.
 *
 * <p>Thread-safe; create one per upstream account and share it. {@link #close()} closes the
 * transport only if the provider created it.
 */
public final class OpenAiProvider implements Provider {

  /** OpenAI's API, the base URL when none is configured. */
  public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
  /** The provider name in error details when none is configured. */
  public static final String DEFAULT_PROVIDER_NAME = "openai";

  private static final String JSON = "application/json";
  private static final String EVENT_STREAM = "text/event-stream";
  private static final int MAX_CLIENT_REQUEST_ID_LENGTH = 512;

  private final String baseUrl;
  private final String apiKey;
  private final String organization;
  private final String project;
  private final Map<String, String> headers;
  private final HttpTransport transport;
  private final boolean ownsTransport;
  private final String providerName;
  private final Clock clock;
  private final OpenAiDialect dialect;
  private final AtomicBoolean closed = new AtomicBoolean();

  private OpenAiProvider(Builder b) {
    this.baseUrl = b.baseUrl;
    this.apiKey = b.apiKey;
    this.organization = b.organization;
    this.project = b.project;
    this.headers = Map.copyOf(b.headers);
    this.providerName = b.providerName;
    this.clock = b.clock;
    this.dialect = b.dialect;
    this.transport = ProviderTransports.givenOrOwn(b.transport, b.connectTimeout);
    this.ownsTransport = b.transport == null;
  }

  /** A builder for OpenAI's API at {@link #DEFAULT_BASE_URL}, without a key and with its own transport. */
  public static Builder builder() {
    return new Builder();
  }

  /** The base URL, without a trailing slash; never null. */
  public String baseUrl() {
    return baseUrl;
  }

  /** The provider name used in error details when the call context names none; never null. */
  public String providerName() {
    return providerName;
  }

  /**
   * {@inheritDoc}
   *
   * @throws NullPointerException if an argument is null
   */
  @Override
  public CompletableFuture<ChatResponse> chat(ChatRequest request, CallContext context) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(context, "context");
    OpenAiErrors errors = errors(context, request.model());
    return call(() -> post(OpenAiDialect.Operation.CHAT_COMPLETIONS, request.model(),
        OpenAiJson.writeChatRequest(request, false), context, false), errors, OpenAiJson::readChatResponse);
  }

  /**
   * {@inheritDoc}
   *
   * @throws NullPointerException if an argument is null
   */
  @Override
  public Flow.Publisher<ChatChunk> stream(ChatRequest request, CallContext context) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(context, "context");
    OpenAiErrors errors = errors(context, request.model());
    return new ChunkStream(transport, () -> {
      requireOpen();
      return post(OpenAiDialect.Operation.CHAT_COMPLETIONS, request.model(), OpenAiJson.writeChatRequest(request, true),
          context, true);
    }, errors, dialect);
  }

  /**
   * {@inheritDoc}
   *
   * @throws NullPointerException if an argument is null
   */
  @Override
  public CompletableFuture<EmbeddingResponse> embed(EmbeddingRequest request, CallContext context) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(context, "context");
    OpenAiErrors errors = errors(context, request.model());
    return call(() -> post(OpenAiDialect.Operation.EMBEDDINGS, request.model(),
        OpenAiJson.writeEmbeddingRequest(request), context, false), errors, OpenAiJson::readEmbeddingResponse);
  }

  /**
   * {@inheritDoc}
   *
   * @throws NullPointerException if {@code context} is null
   */
  @Override
  public CompletableFuture<List<ModelInfo>> models(CallContext context) {
    Objects.requireNonNull(context, "context");
    OpenAiErrors errors = errors(context, null);
    return call(() -> headers(HttpRequest.builder().method("GET")
        .url(dialect.url(baseUrl, OpenAiDialect.Operation.MODELS, null)), context, false).build(),
        errors, dialect::readModels);
  }

  /** Closes the transport if this provider created it; a transport handed in stays open. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && ownsTransport) {
      transport.close();
    }
  }

  /** Name, base URL, whether a key is set, and the transport; never the key. */
  @Override
  public String toString() {
    return "OpenAiProvider{name=" + providerName + ", baseUrl=" + baseUrl
        + ", apiKey=" + (apiKey == null ? "none" : "****")
        + (organization == null ? "" : ", organization=" + organization)
        + (project == null ? "" : ", project=" + project)
        + (dialect == OpenAiDialect.OPENAI ? "" : ", dialect=" + dialect)
        + ", transport=" + (ownsTransport ? "own" : "shared") + "}";
  }

  // ---- internals

  /** The request to send, built lazily so that a failure to build fails the future instead of throwing. */
  @FunctionalInterface
  interface RequestSupplier {
    HttpRequest get();
  }

  private <T> CompletableFuture<T> call(RequestSupplier request, OpenAiErrors errors, Function<byte[], T> reader) {
    CompletableFuture<T> result = new CompletableFuture<>();
    CompletableFuture<HttpResponse> http;
    try {
      requireOpen();
      http = transport.execute(request.get());
    } catch (RuntimeException e) {
      http = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<HttpResponse> running = http;
    result.whenComplete((value, failure) -> {
      if (result.isCancelled()) {
        running.cancel(true); // the transport cancels the call and frees its connection
      }
    });
    running.whenComplete((response, failure) -> {
      if (result.isDone()) {
        return;
      }
      if (failure != null) {
        result.completeExceptionally(errors.fromTransport(failure));
      } else if (!response.isSuccessful()) {
        result.completeExceptionally(errors.fromStatus(response.status(), response::header, response.body()));
      } else {
        try {
          result.complete(reader.apply(response.body()));
        } catch (SwitchboardException malformed) {
          result.completeExceptionally(errors.malformed(malformed));
        } catch (RuntimeException e) { // a reader must not throw anything else, but if it does the future must end
          result.completeExceptionally(errors.fromTransport(e));
        }
      }
    });
    return result;
  }

  private void requireOpen() {
    if (closed.get()) {
      throw new IllegalStateException("OpenAiProvider '" + providerName + "' is closed");
    }
  }

  private OpenAiErrors errors(CallContext context, String model) {
    ErrorDetails details = ErrorDetails.builder()
        .provider(context.providerName() != null ? context.providerName() : providerName)
        .deployment(context.deploymentId())
        .model(model)
        .requestId(context.requestId())
        .build();
    return new OpenAiErrors(details, apiKey, clock, dialect);
  }

  private HttpRequest post(OpenAiDialect.Operation operation, String model, byte[] body, CallContext context,
      boolean stream) {
    return headers(HttpRequest.builder().method("POST").url(dialect.url(baseUrl, operation, model)).body(body)
        .contentType(JSON), context, stream).build();
  }

  private HttpRequest.Builder headers(HttpRequest.Builder b, CallContext context, boolean stream) {
    dialect.credentialHeaders(apiKey).forEach(b::header);
    if (organization != null) {
      b.header("OpenAI-Organization", organization);
    }
    if (project != null) {
      b.header("OpenAI-Project", project);
    }
    b.header("Accept", stream ? EVENT_STREAM : JSON);
    if (isUsableClientRequestId(context.requestId())) {
      b.header("X-Client-Request-Id", context.requestId());
    }
    headers.forEach(b::header); // the account's own headers may replace any of the above
    Set<String> credentials = dialect.protectedHeaders(); // per-call headers must not swap the account's credentials
    context.headers().forEach((name, value) -> {
      if (!credentials.contains(name.toLowerCase(Locale.ROOT))) {
        b.header(name, value);
      }
    });
    return b;
  }

  // OpenAI rejects (400) an X-Client-Request-Id that is not ASCII or longer than 512 characters: don't send those.
  private static boolean isUsableClientRequestId(String id) {
    if (id.isEmpty() || id.length() > MAX_CLIENT_REQUEST_ID_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /** Builds an {@link OpenAiProvider}. Each setter validates at once. Not thread-safe. */
  public static final class Builder {
    private String baseUrl = DEFAULT_BASE_URL;
    private String apiKey;
    private String organization;
    private String project;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private HttpTransport transport;
    private Duration connectTimeout;
    private String providerName = DEFAULT_PROVIDER_NAME;
    private Clock clock = Clock.systemUTC();
    private OpenAiDialect dialect = OpenAiDialect.OPENAI;

    private Builder() {}

    /**
     * The API's base URL, e.g. {@code https://api.groq.com/openai/v1} (default
     * {@link #DEFAULT_BASE_URL}); paths such as {@code /chat/completions} are appended to it.
     *
     * @throws NullPointerException if {@code baseUrl} is null
     * @throws IllegalArgumentException if it is not an {@code http://} or {@code https://} URL
     */
    public Builder baseUrl(String baseUrl) {
      Objects.requireNonNull(baseUrl, "baseUrl");
      String lower = baseUrl.toLowerCase(Locale.ROOT);
      if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
        throw new IllegalArgumentException("baseUrl must start with http:// or https:// but was " + baseUrl);
      }
      String url = baseUrl;
      while (url.endsWith("/")) {
        url = url.substring(0, url.length() - 1);
      }
      this.baseUrl = url;
      return this;
    }

    /** The API key sent as a bearer token; null or blank for none (default none). */
    public Builder apiKey(String apiKey) {
      this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
      return this;
    }

    /** Sent as {@code OpenAI-Organization}; null or blank for none (default none). */
    public Builder organization(String organization) {
      this.organization = organization == null || organization.isBlank() ? null : organization;
      return this;
    }

    /** Sent as {@code OpenAI-Project}; null or blank for none (default none). */
    public Builder project(String project) {
      this.project = project == null || project.isBlank() ? null : project;
      return this;
    }

    /**
     * A header sent on every call, replacing one of the same name set by this provider.
     *
     * @throws NullPointerException if {@code name} or {@code value} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (name.isBlank()) {
        throw new IllegalArgumentException("header name must not be blank");
      }
      headers.put(name, value);
      return this;
    }

    /**
     * Adds every header of {@code headers} as {@link #header(String, String)} does.
     *
     * @throws NullPointerException if {@code headers} or a name or value in it is null
     */
    public Builder headers(Map<String, String> headers) {
      Objects.requireNonNull(headers, "headers").forEach(this::header);
      return this;
    }

    /**
     * The transport to send through, shared with others: the provider does not close it. Default: a
     * new {@link OkHttpTransport} that the provider owns and closes.
     *
     * @throws NullPointerException if {@code transport} is null
     */
    public Builder transport(HttpTransport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /**
     * The connect timeout of the transport the provider creates (default
     * {@link OkHttpTransport#DEFAULT_CONNECT_TIMEOUT}); not allowed together with {@link #transport}.
     *
     * @throws NullPointerException if {@code connectTimeout} is null
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder connectTimeout(Duration connectTimeout) {
      Objects.requireNonNull(connectTimeout, "connectTimeout");
      if (connectTimeout.isNegative() || connectTimeout.isZero()) {
        throw new IllegalArgumentException("connectTimeout must be positive but was " + connectTimeout);
      }
      this.connectTimeout = connectTimeout;
      return this;
    }

    /**
     * The account name errors report when the call context names none (default
     * {@link #DEFAULT_PROVIDER_NAME}).
     *
     * @throws NullPointerException if {@code providerName} is null
     * @throws IllegalArgumentException if it is blank
     */
    public Builder providerName(String providerName) {
      Objects.requireNonNull(providerName, "providerName");
      if (providerName.isBlank()) {
        throw new IllegalArgumentException("providerName must not be blank");
      }
      this.providerName = providerName;
      return this;
    }

    /**
     * The clock that turns a {@code Retry-After} HTTP date into a delay (default: the system UTC clock).
     *
     * @throws NullPointerException if {@code clock} is null
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How the upstream differs from OpenAI's API (addresses, credentials, error details), default
     * {@link OpenAiDialect#OPENAI}. For adapters of services that speak OpenAI's wire format.
     *
     * @throws NullPointerException if {@code dialect} is null
     */
    public Builder dialect(OpenAiDialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /**
     * Builds the provider, creating its own transport unless one was given.
     *
     * @throws IllegalStateException if both {@link #transport} and {@link #connectTimeout} were set
     */
    public OpenAiProvider build() {
      ProviderTransports.requireNotBoth(transport, connectTimeout);
      return new OpenAiProvider(this);
    }
  }
}

package dev.switchboard.providers.anthropic;

import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.InvalidRequestException;
import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.ModelInfo;
import dev.switchboard.core.spi.CallContext;
import dev.switchboard.core.spi.Provider;
import dev.switchboard.providers.http.HttpRequest;
import dev.switchboard.providers.http.HttpResponse;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.http.OkHttpTransport;
import dev.switchboard.providers.internal.http.ProviderTransports;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A {@link Provider} for Anthropic's Messages API: {@code POST /messages} (whole and streamed) and
 * {@code GET /models} under a base URL, translated to and from the OpenAI-shaped model.
 *
 * <p>Requests carry {@code x-api-key} (none without a key, e.g. behind a proxy that adds it),
 * {@code anthropic-version} (default {@link #DEFAULT_ANTHROPIC_VERSION}), the configured extra headers
 * (e.g. {@code anthropic-beta}) and the call's {@link CallContext#headers()}; call headers cannot
 * replace the credential or version headers. How a {@link ChatRequest} becomes a Messages request —
 * system lifted, turns merged, tools and images translated, {@code max_tokens} always sent, what is
 * ignored and what is refused — is described in the package documentation. A parameter Anthropic
 * cannot honour fails the call with {@link InvalidRequestException} naming the provider and the
 * parameter, unless {@link Builder#dropUnsupportedParams(boolean)} is set.
 *
 * <p>Answers: text and tool calls, finish reasons ({@code end_turn}/{@code stop_sequence} → stop,
 * {@code max_tokens} → length, {@code tool_use} → tool_calls, {@code refusal} → content_filter, others
 * passed through), usage with prompt tokens counting cache reads and writes. Streams become
 * OpenAI-style chunks: role first, text and tool-call deltas, the finish reason, then a usage-only
 * chunk; a stream completes on {@code message_stop} and fails otherwise, so a cut connection never
 * looks like a complete answer.
 *
 * <p>Failures complete the future or stream with the {@link SwitchboardException} that
 * {@link dev.switchboard.core.error.UpstreamErrors} maps from the status (or, for an {@code error}
 * event in a stream, the status its type stands for) and Anthropic's error body, with provider,
 * deployment, model, request id, code and retry-after: e.g. 429 {@code rate_limit_error} →
 * {@link dev.switchboard.core.error.RateLimitedException}, 529 {@code overloaded_error} → retryable
 * {@link dev.switchboard.core.error.UpstreamUnavailableException}, "prompt is too long" →
 * {@link dev.switchboard.core.error.ContextWindowExceededException}. Anthropic has no embeddings API:
 * {@link #embed} fails with {@link InvalidRequestException}.
 *
 * <p>The API key never appears in a message, log or {@link #toString()}.
 *
 * <p>Thread-safe; create one per upstream account and share it. {@link #close()} closes the
 * transport only if the provider created it.
 */
public final class AnthropicProvider implements Provider {

  /** Anthropic's API, the base URL when none is configured. */
  public static final String DEFAULT_BASE_URL = "https://api.anthropic.com/v1";
  /** The provider name in error details when none is configured. */
  public static final String DEFAULT_PROVIDER_NAME = "anthropic";
  /** The {@code anthropic-version} header sent when none is configured. */
  public static final String DEFAULT_ANTHROPIC_VERSION = "2023-06-01";
  /** The {@code max_tokens} sent when the request sets neither max_completion_tokens nor max_tokens. */
  public static final int DEFAULT_MAX_TOKENS = 4096;

  private static final String JSON = "application/json";
  private static final String EVENT_STREAM = "text/event-stream";
  // The most a models page may hold (API reference, "List Models": limit 1 to 1000).
  private static final int MODELS_PAGE_SIZE = 1000;
  // Per-call headers must not swap the account's credentials or API version.
  private static final Set<String> PROTECTED_HEADERS = Set.of("x-api-key", "authorization", "anthropic-version");

  private final String baseUrl;
  private final String apiKey;
  private final String anthropicVersion;
  private final int defaultMaxTokens;
  private final boolean dropUnsupportedParams;
  private final Map<String, String> headers;
  private final HttpTransport transport;
  private final boolean ownsTransport;
  private final String providerName;
  private final Clock clock;
  private final AtomicBoolean closed = new AtomicBoolean();

  private AnthropicProvider(Builder b) {
    this.baseUrl = b.baseUrl;
    this.apiKey = b.apiKey;
    this.anthropicVersion = b.anthropicVersion;
    this.defaultMaxTokens = b.defaultMaxTokens;
    this.dropUnsupportedParams = b.dropUnsupportedParams;
    this.headers = Map.copyOf(b.headers);
    this.providerName = b.providerName;
    this.clock = b.clock;
    this.transport = ProviderTransports.givenOrOwn(b.transport, b.connectTimeout);
    this.ownsTransport = b.transport == null;
  }

  /** A builder for Anthropic's API at {@link #DEFAULT_BASE_URL}, without a key and with its own transport. */
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
    AnthropicErrors errors = errors(context, request.model());
    AnthropicRequests.Prepared prepared;
    try {
      prepared = translate(request, false, errors);
    } catch (SwitchboardException refused) {
      return CompletableFuture.failedFuture(refused);
    }
    long created = clock.instant().getEpochSecond();
    return call(() -> post("/messages", prepared.body(), context, false), errors,
        body -> AnthropicResponses.readMessage(body, prepared.jsonOutputTool(), created));
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
    AnthropicErrors errors = errors(context, request.model());
    AnthropicRequests.Prepared prepared;
    SwitchboardException refused;
    try {
      prepared = translate(request, true, errors);
      refused = null;
    } catch (SwitchboardException e) {
      prepared = null;
      refused = e;
    }
    AnthropicRequests.Prepared ready = prepared;
    SwitchboardException refusal = refused;
    return new AnthropicStream(transport, () -> {
      if (refusal != null) {
        throw refusal; // reported to the subscriber on first demand; nothing is sent
      }
      requireOpen();
      return post("/messages", ready.body(), context, true);
    }, () -> new AnthropicEvents(ready != null && ready.jsonOutputTool(), clock.instant().getEpochSecond(), errors),
        errors);
  }

  /**
   * Fails: Anthropic has no embeddings API. The future completes with {@link InvalidRequestException}
   * naming the provider.
   *
   * @throws NullPointerException if an argument is null
   */
  @Override
  public CompletableFuture<EmbeddingResponse> embed(EmbeddingRequest request, CallContext context) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(context, "context");
    AnthropicErrors errors = errors(context, request.model());
    String provider = errors.details().provider();
    return CompletableFuture.failedFuture(new InvalidRequestException(provider + " (Anthropic) has no embeddings "
        + "API; route embeddings to a provider that has one",
        errors.details().toBuilder().code("unsupported_operation").build()));
  }

  /**
   * {@inheritDoc} Reads every page of {@code GET /models} ({@code id}, {@code created_at} as
   * {@code created}, owner {@code anthropic}). Cancelling the future cancels the page in flight.
   *
   * @throws NullPointerException if {@code context} is null
   */
  @Override
  public CompletableFuture<List<ModelInfo>> models(CallContext context) {
    Objects.requireNonNull(context, "context");
    AnthropicErrors errors = errors(context, null);
    CompletableFuture<List<ModelInfo>> result = new CompletableFuture<>();
    AtomicReference<CompletableFuture<?>> page = new AtomicReference<>();
    result.whenComplete((value, failure) -> {
      CompletableFuture<?> running = page.get();
      if (result.isCancelled() && running != null) {
        running.cancel(true);
      }
    });
    modelPage(null, new ArrayList<>(), context, errors, result, page);
    return result;
  }

  private void modelPage(String afterId, List<ModelInfo> collected, CallContext context, AnthropicErrors errors,
      CompletableFuture<List<ModelInfo>> result, AtomicReference<CompletableFuture<?>> page) {
    String url = baseUrl + "/models?limit=" + MODELS_PAGE_SIZE
        + (afterId == null ? "" : "&after_id=" + URLEncoder.encode(afterId, StandardCharsets.UTF_8));
    CompletableFuture<AnthropicResponses.ModelPage> next = call(
        () -> headers(HttpRequest.builder().method("GET").url(url), context, false).build(), errors,
        AnthropicResponses::readModelPage);
    page.set(next);
    if (result.isCancelled()) {
      next.cancel(true);
      return;
    }
    next.whenComplete((p, failure) -> {
      if (failure != null) {
        result.completeExceptionally(failure);
        return;
      }
      collected.addAll(p.models());
      // A page that claims more but names no new cursor would loop forever: stop there.
      if (p.hasMore() && p.lastId() != null && !p.lastId().equals(afterId) && !p.models().isEmpty()) {
        modelPage(p.lastId(), collected, context, errors, result, page);
      } else {
        result.complete(List.copyOf(collected));
      }
    });
  }

  /** Closes the transport if this provider created it; a transport handed in stays open. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && ownsTransport) {
      transport.close();
    }
  }

  /** Name, base URL, version, whether a key is set, and the transport; never the key. */
  @Override
  public String toString() {
    return "AnthropicProvider{name=" + providerName + ", baseUrl=" + baseUrl + ", anthropicVersion="
        + anthropicVersion + ", apiKey=" + (apiKey == null ? "none" : "****") + ", defaultMaxTokens="
        + defaultMaxTokens + (dropUnsupportedParams ? ", dropUnsupportedParams" : "")
        + ", transport=" + (ownsTransport ? "own" : "shared") + "}";
  }

  // ---- internals

  /** The request to send, built lazily so that a failure to build fails the future instead of throwing. */
  @FunctionalInterface
  private interface RequestSupplier {
    HttpRequest get();
  }

  private AnthropicRequests.Prepared translate(ChatRequest request, boolean stream, AnthropicErrors errors) {
    return AnthropicRequests.translate(request, stream, errors.details(), defaultMaxTokens, dropUnsupportedParams);
  }

  private <T> CompletableFuture<T> call(RequestSupplier request, AnthropicErrors errors, Function<byte[], T> reader) {
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
      throw new IllegalStateException("AnthropicProvider '" + providerName + "' is closed");
    }
  }

  private AnthropicErrors errors(CallContext context, String model) {
    ErrorDetails details = ErrorDetails.builder()
        .provider(context.providerName() != null ? context.providerName() : providerName)
        .deployment(context.deploymentId())
        .model(model)
        .requestId(context.requestId())
        .build();
    return new AnthropicErrors(details, apiKey, clock);
  }

  private HttpRequest post(String path, byte[] body, CallContext context, boolean stream) {
    return headers(HttpRequest.builder().method("POST").url(baseUrl + path).body(body).contentType(JSON), context,
        stream).build();
  }

  private HttpRequest.Builder headers(HttpRequest.Builder b, CallContext context, boolean stream) {
    if (apiKey != null) {
      b.header("x-api-key", apiKey);
    }
    b.header("anthropic-version", anthropicVersion);
    b.header("Accept", stream ? EVENT_STREAM : JSON);
    headers.forEach(b::header); // the account's own headers may replace any of the above
    context.headers().forEach((name, value) -> {
      if (!PROTECTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        b.header(name, value);
      }
    });
    return b;
  }

  /** Builds an {@link AnthropicProvider}. Each setter validates at once. Not thread-safe. */
  public static final class Builder {
    private String baseUrl = DEFAULT_BASE_URL;
    private String apiKey;
    private String anthropicVersion = DEFAULT_ANTHROPIC_VERSION;
    private int defaultMaxTokens = DEFAULT_MAX_TOKENS;
    private boolean dropUnsupportedParams;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private HttpTransport transport;
    private Duration connectTimeout;
    private String providerName = DEFAULT_PROVIDER_NAME;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * The API's base URL (default {@link #DEFAULT_BASE_URL}); {@code /messages} and {@code /models}
     * are appended to it.
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

    /** The API key sent as {@code x-api-key}; null or blank for none (default none). */
    public Builder apiKey(String apiKey) {
      this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
      return this;
    }

    /**
     * The {@code anthropic-version} header (default {@link #DEFAULT_ANTHROPIC_VERSION}).
     *
     * @throws NullPointerException if {@code anthropicVersion} is null
     * @throws IllegalArgumentException if it is blank
     */
    public Builder anthropicVersion(String anthropicVersion) {
      Objects.requireNonNull(anthropicVersion, "anthropicVersion");
      if (anthropicVersion.isBlank()) {
        throw new IllegalArgumentException("anthropicVersion must not be blank");
      }
      this.anthropicVersion = anthropicVersion.strip();
      return this;
    }

    /**
     * The {@code max_tokens} sent when a request sets neither {@code max_completion_tokens} nor
     * {@code max_tokens}; Anthropic requires one (default {@link #DEFAULT_MAX_TOKENS}).
     *
     * @throws IllegalArgumentException if it is less than 1
     */
    public Builder defaultMaxTokens(int defaultMaxTokens) {
      if (defaultMaxTokens < 1) {
        throw new IllegalArgumentException("defaultMaxTokens must be >= 1 but was " + defaultMaxTokens);
      }
      this.defaultMaxTokens = defaultMaxTokens;
      return this;
    }

    /**
     * Whether OpenAI parameters Anthropic cannot honour ({@code n > 1}, {@code seed}, penalties,
     * {@code logprobs}, unknown parameters, unsupported content parts, …) are dropped instead of
     * failing the call with {@link InvalidRequestException} (default false: fail).
     */
    public Builder dropUnsupportedParams(boolean dropUnsupportedParams) {
      this.dropUnsupportedParams = dropUnsupportedParams;
      return this;
    }

    /**
     * A header sent on every call (e.g. {@code anthropic-beta}), replacing one of the same name set
     * by this provider.
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
     * The clock that stamps answers' {@code created} (Anthropic's messages carry no timestamp) and
     * turns a {@code retry-after} HTTP date into a delay (default: the system UTC clock).
     *
     * @throws NullPointerException if {@code clock} is null
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the provider, creating its own transport unless one was given.
     *
     * @throws IllegalStateException if both {@link #transport} and {@link #connectTimeout} were set
     */
    public AnthropicProvider build() {
      ProviderTransports.requireNotBoth(transport, connectTimeout);
      return new AnthropicProvider(this);
    }
  }
}

package dev.switchboard.providers.cohere;

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
import dev.switchboard.providers.http.HttpRequest;
import dev.switchboard.providers.http.HttpResponse;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.http.OkHttpTransport;
import dev.switchboard.providers.internal.http.ProviderTransports;
import dev.switchboard.providers.internal.flow.FlatMapIterablePublisher;
import dev.switchboard.providers.internal.http.DeferredResponseBody;
import dev.switchboard.providers.internal.sse.SsePublisher;
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
import java.util.function.Supplier;

/**
 * A {@link Provider} for Cohere's v2 API: {@code POST /v2/chat} (whole and streamed),
 * {@code POST /v2/embed} and {@code GET /v1/models}, with {@code Authorization: Bearer <key>}.
 *
 * <p><b>Requests</b> are translated from OpenAI's shape: system and developer messages to
 * {@code system}; user text and images ({@code image_url}, web or data URLs, with {@code detail});
 * assistant text, tool calls, and the {@code tool_plan} and {@code reasoning_content} extras (sent as
 * Cohere's {@code tool_plan} and {@code thinking} content); tool results by {@code tool_call_id};
 * function tools (any strict tool sets {@code strict_tools}); {@code tool_choice} {@code none} and
 * {@code required} as {@code NONE}/{@code REQUIRED}, a named function by offering only that function
 * with {@code REQUIRED}; {@code temperature}; {@code top_p} as {@code p}, clamped to Cohere's 0.01 to
 * 0.99; {@code max_completion_tokens} or {@code max_tokens} as {@code max_tokens}; {@code stop} as
 * {@code stop_sequences}; {@code seed}; {@code frequency_penalty} and {@code presence_penalty}
 * within Cohere's 0 to 1; {@code json_object} and {@code json_schema} as Cohere's
 * {@code json_object} (with its {@code json_schema}). The extra parameters {@code k},
 * {@code safety_mode}, {@code documents}, {@code citation_options}, {@code thinking},
 * {@code priority} and {@code strict_tools} are sent as they are. {@code user} and {@code metadata}
 * are not sent: Cohere has no such fields and they do not change the answer.
 *
 * <p><b>What Cohere cannot do</b> ({@code n} other than 1, {@code parallel_tool_calls: false},
 * penalties outside 0 to 1, message names, content parts or roles Cohere has no place for, other
 * extra parameters such as {@code logprobs} or {@code logit_bias}) fails the call before it is sent
 * with an {@link dev.switchboard.core.error.InvalidRequestException} naming the provider and the
 * parameter (code {@code unsupported_parameter}), unless {@link Builder#dropUnsupportedParams} is
 * set, in which case those parameters are left out.
 *
 * <p><b>Responses and streams</b> are translated as {@link CohereResponses} and
 * {@link CohereStreamMapper} describe: text, tool calls, the tool plan (as the message's or delta's
 * {@code tool_plan} extra), thinking (as {@code reasoning_content}), finish reasons and billed usage;
 * a stream ends with a finish chunk and a usage-only chunk. Failures map to typed errors as
 * {@link CohereErrors} describes. The API key never appears in a message, log or
 * {@link #toString()}.
 *
 * <p>Thread-safe; create one per account and share it. {@link #close()} closes the transport only
 * if the provider created it.
 */
public final class CohereProvider implements Provider {

  /** Cohere's API, the base URL when none is configured. */
  public static final String DEFAULT_BASE_URL = "https://api.cohere.com";
  /** The provider name in error details when none is configured. */
  public static final String DEFAULT_PROVIDER_NAME = "cohere";
  /** The {@code input_type} of embeddings when neither the provider nor the request sets one. */
  public static final String DEFAULT_EMBEDDING_INPUT_TYPE = "search_document";
  /** How many models {@link #models} asks for: the most one page of {@code GET /v1/models} holds. */
  static final int MODELS_PAGE_SIZE = 1000;

  private static final String JSON = "application/json";
  private static final String EVENT_STREAM = "text/event-stream";
  // Per-call headers must not swap the account's credentials.
  private static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization");

  private final String baseUrl;
  private final String apiKey;
  private final Map<String, String> headers;
  private final HttpTransport transport;
  private final boolean ownsTransport;
  private final String providerName;
  private final Clock clock;
  private final boolean dropUnsupportedParams;
  private final String embeddingInputType;
  private final AtomicBoolean closed = new AtomicBoolean();

  private CohereProvider(Builder b) {
    this.baseUrl = b.baseUrl;
    this.apiKey = b.apiKey;
    this.headers = Map.copyOf(b.headers);
    this.providerName = b.providerName;
    this.clock = b.clock;
    this.dropUnsupportedParams = b.dropUnsupportedParams;
    this.embeddingInputType = b.embeddingInputType;
    this.transport = ProviderTransports.givenOrOwn(b.transport, b.connectTimeout);
    this.ownsTransport = b.transport == null;
  }

  /** A builder for Cohere's API at {@link #DEFAULT_BASE_URL}, without a key and with its own transport. */
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
    CohereErrors errors = errors(context, request.model());
    long created = clock.instant().getEpochSecond();
    return call(() -> post("/v2/chat", CohereRequests.chat(request, false, unsupported(errors)), context, false),
        errors, body -> CohereResponses.chat(body, request.model(), created));
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
    CohereErrors errors = errors(context, request.model());
    byte[] body;
    try {
      body = CohereRequests.chat(request, true, unsupported(errors));
    } catch (SwitchboardException refused) { // a parameter Cohere cannot honour: nothing is sent
      return new Failed<>(refused);
    }
    long created = clock.instant().getEpochSecond();
    DeferredResponseBody bytes = new DeferredResponseBody(transport, () -> {
      requireOpen();
      return post("/v2/chat", body, context, true);
    }, errors);
    return new FlatMapIterablePublisher<>(new SsePublisher(bytes),
        () -> new CohereStreamMapper(errors, request.model(), created));
  }

  /**
   * Creates float embeddings with the request's {@code input_type} extra parameter, else the
   * provider's (default {@link #DEFAULT_EMBEDDING_INPUT_TYPE}); {@code dimensions} is sent as
   * {@code output_dimension}. Usage reports the billed input tokens.
   *
   * @throws NullPointerException if an argument is null
   */
  @Override
  public CompletableFuture<EmbeddingResponse> embed(EmbeddingRequest request, CallContext context) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(context, "context");
    CohereErrors errors = errors(context, request.model());
    return call(() -> post("/v2/embed", CohereRequests.embed(request, embeddingInputType, unsupported(errors)),
        context, false), errors, body -> CohereResponses.embed(body, request.model()));
  }

  /**
   * Lists the account's models ({@code GET /v1/models}, one page of up to 1000).
   *
   * @throws NullPointerException if {@code context} is null
   */
  @Override
  public CompletableFuture<List<ModelInfo>> models(CallContext context) {
    Objects.requireNonNull(context, "context");
    CohereErrors errors = errors(context, null);
    return call(() -> headers(HttpRequest.builder().method("GET")
        .url(baseUrl + "/v1/models?page_size=" + MODELS_PAGE_SIZE), context, false).build(),
        errors, CohereResponses::models);
  }

  /** Closes the transport if this provider created it; a transport handed in stays open. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && ownsTransport) {
      transport.close();
    }
  }

  /** Name, base URL, whether a key is set, the options and the transport; never the key. */
  @Override
  public String toString() {
    return "CohereProvider{name=" + providerName + ", baseUrl=" + baseUrl
        + ", apiKey=" + (apiKey == null ? "none" : "****")
        + ", dropUnsupportedParams=" + dropUnsupportedParams + ", embeddingInputType=" + embeddingInputType
        + ", transport=" + (ownsTransport ? "own" : "shared") + "}";
  }

  // ---- internals

  private <T> CompletableFuture<T> call(Supplier<HttpRequest> request, CohereErrors errors,
      Function<byte[], T> reader) {
    CompletableFuture<HttpResponse> http;
    try {
      requireOpen();
      http = transport.execute(request.get());
    } catch (SwitchboardException refused) { // already typed: a parameter Cohere cannot honour
      return CompletableFuture.failedFuture(refused);
    } catch (RuntimeException e) {
      http = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<T> result = new CompletableFuture<>();
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

  private CohereRequests.Unsupported unsupported(CohereErrors errors) {
    return (param, why) -> {
      if (!dropUnsupportedParams) {
        throw errors.unsupported(param, why);
      }
    };
  }

  private void requireOpen() {
    if (closed.get()) {
      throw new IllegalStateException("CohereProvider '" + providerName + "' is closed");
    }
  }

  private CohereErrors errors(CallContext context, String model) {
    ErrorDetails details = ErrorDetails.builder()
        .provider(context.providerName() != null ? context.providerName() : providerName)
        .deployment(context.deploymentId())
        .model(model)
        .requestId(context.requestId())
        .build();
    return new CohereErrors(details, apiKey, clock);
  }

  private HttpRequest post(String path, byte[] body, CallContext context, boolean stream) {
    return headers(HttpRequest.builder().method("POST").url(baseUrl + path).body(body).contentType(JSON), context,
        stream).build();
  }

  private HttpRequest.Builder headers(HttpRequest.Builder b, CallContext context, boolean stream) {
    if (apiKey != null) {
      b.header("Authorization", "Bearer " + apiKey);
    }
    b.header("Accept", stream ? EVENT_STREAM : JSON);
    headers.forEach(b::header); // the account's own headers may replace any of the above
    context.headers().forEach((name, value) -> {
      if (!CREDENTIAL_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        b.header(name, value);
      }
    });
    return b;
  }

  /** A stream refused before any call: the subscriber gets the error at once. */
  private static final class Failed<T> implements Flow.Publisher<T> {
    private final Throwable error;

    Failed(Throwable error) {
      this.error = error;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super T> subscriber) {
      Objects.requireNonNull(subscriber, "subscriber");
      subscriber.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      });
      subscriber.onError(error);
    }
  }

  /** Builds a {@link CohereProvider}. Each setter validates at once. Not thread-safe. */
  public static final class Builder {
    private String baseUrl = DEFAULT_BASE_URL;
    private String apiKey;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private HttpTransport transport;
    private Duration connectTimeout;
    private String providerName = DEFAULT_PROVIDER_NAME;
    private Clock clock = Clock.systemUTC();
    private boolean dropUnsupportedParams;
    private String embeddingInputType = DEFAULT_EMBEDDING_INPUT_TYPE;

    private Builder() {}

    /**
     * The API's base URL (default {@link #DEFAULT_BASE_URL}), e.g. a private deployment's; the paths
     * {@code /v2/chat}, {@code /v2/embed} and {@code /v1/models} are appended to it.
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

    /**
     * A header sent on every call (e.g. Cohere's {@code X-Client-Name}), replacing one of the same
     * name set by this provider.
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
     * The connect timeout of the transport the provider creates; not allowed together with
     * {@link #transport}.
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
     * The clock that stamps responses' {@code created} (Cohere reports none) and turns a
     * {@code Retry-After} HTTP date into a delay (default: the system UTC clock).
     *
     * @throws NullPointerException if {@code clock} is null
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Whether parameters Cohere cannot honour are left out of the request instead of failing it
     * (default false: they fail it with an {@link dev.switchboard.core.error.InvalidRequestException}
     * naming the parameter).
     */
    public Builder dropUnsupportedParams(boolean dropUnsupportedParams) {
      this.dropUnsupportedParams = dropUnsupportedParams;
      return this;
    }

    /**
     * The {@code input_type} of embeddings whose request sets none (default
     * {@link #DEFAULT_EMBEDDING_INPUT_TYPE}): {@code search_document}, {@code search_query},
     * {@code classification}, {@code clustering} or {@code image}.
     *
     * @throws NullPointerException if {@code inputType} is null
     * @throws IllegalArgumentException if it is blank
     */
    public Builder embeddingInputType(String inputType) {
      Objects.requireNonNull(inputType, "inputType");
      if (inputType.isBlank()) {
        throw new IllegalArgumentException("embeddingInputType must not be blank");
      }
      this.embeddingInputType = inputType.strip();
      return this;
    }

    /**
     * Builds the provider, creating its own transport unless one was given.
     *
     * @throws IllegalStateException if both {@link #transport} and {@link #connectTimeout} were set
     */
    public CohereProvider build() {
      ProviderTransports.requireNotBoth(transport, connectTimeout);
      return new CohereProvider(this);
    }
  }
}

package dev.switchboard.providers.gemini;

import dev.switchboard.core.error.AuthenticationException;
import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.InvalidRequestException;
import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.error.UpstreamErrors;
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
import java.nio.charset.StandardCharsets;
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
 * A {@link Provider} for Google's Gemini models, through either of Google's two APIs:
 * <ul>
 *   <li><b>the Gemini API</b> (Google AI Studio, {@link #builder()}): {@code POST
 *       {base}/models/{model}:generateContent} and {@code :streamGenerateContent?alt=sse} under
 *       {@link #DEFAULT_BASE_URL}, the API key in the {@code x-goog-api-key} header;
 *       embeddings through {@code :embedContent} (one input) and {@code :batchEmbedContents}
 *       (several); models through {@code GET {base}/models};
 *   <li><b>Vertex AI</b> ({@link #vertexAiBuilder(String, String)}): {@code POST
 *       https://{location}-aiplatform.googleapis.com/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:generateContent}
 *       (and {@code :streamGenerateContent?alt=sse}; location {@code global} uses the host
 *       {@code aiplatform.googleapis.com}) with {@code Authorization: Bearer <access token>}. The
 *       token is supplied by the embedder (a fixed value or a {@link Supplier} asked before every
 *       call, e.g. backed by Google's auth library); this SDK fetches none. Embeddings use Vertex
 *       AI's {@code :predict} for text embedding models; listing models is not offered.
 * </ul>
 * A model name without a slash is prefixed with {@code models/} (Gemini API) or
 * {@code publishers/google/models/} (Vertex AI); a name with a slash ({@code tunedModels/x},
 * {@code publishers/anthropic/models/y}, {@code endpoints/123}) is used as it is.
 *
 * <p><b>Requests.</b> System and developer messages become {@code systemInstruction} (in order,
 * wherever they stand); user and tool messages become {@code user} turns, assistant messages
 * {@code model} turns, and consecutive turns of one role are merged into one, as Gemini expects
 * turns to alternate. Assistant tool calls become {@code functionCall} parts (arguments parsed to an
 * object); tool messages become {@code functionResponse} parts named after the function of the
 * tool call they answer (found by {@code tool_call_id} among the earlier assistant messages) with a
 * JSON-object result sent as it is and any other result as {@code {"output": <text>}}. Call ids are
 * not sent: Gemini matches results by name and order, and its {@code id} field is optional. Images:
 * {@code data:} URLs become {@code inlineData}; Gemini Files API URIs and {@code gs://} URIs become
 * {@code fileData}; other web URLs are refused with an {@link InvalidRequestException} naming the
 * part (Gemini does not fetch them). {@code input_audio} parts and {@code file} parts with
 * {@code file_data} become {@code inlineData}. Tools become {@code functionDeclarations} with the
 * parameters converted to Gemini's OpenAPI subset (see {@link SchemaMode}); {@code tool_choice}
 * becomes {@code toolConfig.functionCallingConfig} ({@code auto} → {@code AUTO}, {@code none} →
 * {@code NONE}, {@code required} → {@code ANY}, a named function → {@code ANY} with
 * {@code allowedFunctionNames}). {@code response_format} {@code json_object} sets
 * {@code responseMimeType: application/json}, {@code json_schema} also {@code responseSchema}.
 * {@code generationConfig} takes {@code temperature}, {@code top_p}, {@code max_completion_tokens}
 * (else {@code max_tokens}) as {@code maxOutputTokens}, {@code stop} as {@code stopSequences},
 * {@code n} as {@code candidateCount}, {@code seed}, {@code presence_penalty} and
 * {@code frequency_penalty}. Extra parameters with a Gemini meaning: {@code top_k} →
 * {@code topK}, {@code thinking_config} → {@code generationConfig.thinkingConfig} (Gemini's own
 * shape, sent as it is), {@code safety_settings} → {@code safetySettings}, {@code cached_content}
 * → {@code cachedContent}. {@code user} and {@code metadata} describe the caller and are not sent.
 * Anything else ({@code logit_bias}, {@code logprobs: true}, {@code top_logprobs},
 * {@code reasoning_effort}, {@code service_tier}, {@code parallel_tool_calls: false}, …) fails with
 * an {@link InvalidRequestException} naming the parameter, unless the provider drops unsupported
 * parameters ({@link Builder#dropUnsupportedParams(boolean)}).
 *
 * <p><b>Responses</b> are translated as {@link GeminiResponses} describes: candidates to choices,
 * {@code functionCall} parts to tool calls with ids {@code call_<n>} when Gemini sends none,
 * finish reasons ({@code SAFETY}, {@code RECITATION}, {@code BLOCKLIST},
 * {@code PROHIBITED_CONTENT}, {@code SPII} → {@code content_filter}; {@code STOP} with function
 * calls → {@code tool_calls}), and {@code usageMetadata} to usage with thoughts counted in the
 * completion tokens and reported as reasoning tokens, cached content as cached tokens. A prompt
 * that Gemini blocks ({@code promptFeedback.blockReason}, no candidates) fails with
 * {@link dev.switchboard.core.error.ContentPolicyException}. Streams give the role first, text
 * deltas, complete tool-call deltas, the finish reason and a last usage chunk.
 *
 * <p><b>Errors</b> ({@code {"error":{"code","message","status","details"}}}) are mapped by HTTP
 * status through {@link UpstreamErrors}: 429 {@code RESOURCE_EXHAUSTED} is a retryable
 * {@link dev.switchboard.core.error.RateLimitedException} whose retry-after comes from
 * {@code Retry-After} or Google's {@code RetryInfo.retryDelay}; a message saying the input
 * "exceeds the maximum number of tokens" is a
 * {@link dev.switchboard.core.error.ContextWindowExceededException}. The error code is Google's
 * {@code status}; the param is the first {@code BadRequest} field violation.
 *
 * <p>The API key or access token never appears in a message, log or {@link #toString()}.
 *
 * <p>Thread-safe; create one per upstream account and share it. {@link #close()} closes the
 * transport only if the provider created it.
 */
public final class GeminiProvider implements Provider {

  /** The Gemini API ({@code v1beta}), the base URL of {@link #builder()} when none is configured. */
  public static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com/v1beta";
  /** The provider name in error details when none is configured. */
  public static final String DEFAULT_PROVIDER_NAME = "gemini";
  /** The Vertex AI API version used in the default Vertex AI base URL. */
  public static final String DEFAULT_VERTEX_API_VERSION = "v1";
  /** Models listed per {@code GET models} call (the Gemini API's maximum page size). */
  public static final int MODELS_PAGE_SIZE = 1000;

  /**
   * How JSON Schemas (tool parameters and {@code json_schema} response formats) are sent to Gemini.
   */
  public enum SchemaMode {
    /**
     * Converted to the OpenAPI 3.0 subset of Gemini's {@code Schema} and sent as
     * {@code parameters} / {@code responseSchema}: keywords Gemini rejects (such as
     * {@code additionalProperties}, {@code $schema}, {@code exclusiveMinimum}) are dropped, local
     * {@code $ref}s inlined. Works with every Gemini model on both APIs. The default.
     */
    OPENAPI,
    /**
     * Sent verbatim as {@code parametersJsonSchema} / {@code responseJsonSchema}, Gemini's
     * JSON Schema fields, which accept more of JSON Schema (e.g. {@code additionalProperties},
     * {@code $ref}) on the models that support them.
     */
    JSON_SCHEMA
  }

  private static final String JSON = "application/json";
  private static final String EVENT_STREAM = "text/event-stream";
  private static final String API_KEY_HEADER = "x-goog-api-key";
  // Per-call headers must not swap the account's credentials.
  private static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", API_KEY_HEADER);

  private final boolean vertex;
  private final String baseUrl;
  private final String resourcePrefix;
  private final String apiKey;
  private final Supplier<String> accessToken;
  private final Map<String, String> headers;
  private final HttpTransport transport;
  private final boolean ownsTransport;
  private final String providerName;
  private final Clock clock;
  private final GeminiRequests.Settings settings;
  private final AtomicBoolean closed = new AtomicBoolean();

  private GeminiProvider(Builder b) {
    this.vertex = b.project != null;
    if (vertex) {
      this.baseUrl = b.baseUrl != null ? b.baseUrl : vertexBaseUrl(b.location);
      this.resourcePrefix = "/projects/" + encode(b.project) + "/locations/" + encode(b.location);
    } else {
      this.baseUrl = b.baseUrl != null ? b.baseUrl : DEFAULT_BASE_URL;
      this.resourcePrefix = "";
    }
    this.apiKey = b.apiKey;
    this.accessToken = b.accessToken;
    this.headers = Map.copyOf(b.headers);
    this.providerName = b.providerName;
    this.clock = b.clock;
    this.settings = new GeminiRequests.Settings(b.dropUnsupportedParams, b.schemaMode);
    this.transport = ProviderTransports.givenOrOwn(b.transport, b.connectTimeout);
    this.ownsTransport = b.transport == null;
  }

  /** A builder for the Gemini API at {@link #DEFAULT_BASE_URL}, without a key and with its own transport. */
  public static Builder builder() {
    return new Builder(null, null);
  }

  /**
   * A builder for Vertex AI in {@code project} and {@code location} (e.g. {@code us-central1} or
   * {@code global}); set the access token with {@link Builder#accessToken(String)} or
   * {@link Builder#accessToken(Supplier)}.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if an argument is blank or contains a slash
   */
  public static Builder vertexAiBuilder(String project, String location) {
    return new Builder(requireSegment(project, "project"), requireSegment(location, "location"));
  }

  /** The base URL, without a trailing slash; never null. */
  public String baseUrl() {
    return baseUrl;
  }

  /** Whether this provider speaks Vertex AI (else the Gemini API). */
  public boolean isVertexAi() {
    return vertex;
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
    GeminiErrors errors = errors(context, request.model());
    HttpRequest http;
    try {
      requireOpen();
      errors = withCredential(errors);
      http = post(modelUrl(request.model(), ":generateContent", errors), GeminiRequests.chat(request, settings,
          errors), context, false, errors);
    } catch (SwitchboardException | IllegalStateException e) {
      return CompletableFuture.failedFuture(e);
    }
    GeminiErrors callErrors = errors;
    GeminiResponses.CallInfo info = callInfo(request, context);
    return call(http, callErrors, body -> GeminiResponses.chat(body, info, callErrors));
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
    GeminiErrors errors = errors(context, request.model());
    HttpRequest http;
    try {
      requireOpen();
      errors = withCredential(errors);
      http = post(modelUrl(request.model(), ":streamGenerateContent?alt=sse", errors),
          GeminiRequests.chat(request, settings, errors), context, true, errors);
    } catch (SwitchboardException | IllegalStateException e) {
      return new FailedPublisher<>(e);
    }
    GeminiErrors callErrors = errors;
    GeminiResponses.CallInfo info = callInfo(request, context);
    return new GeminiChunkStream(transport, http, callErrors,
        () -> new GeminiResponses.StreamMapper(info, callErrors));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Gemini API: one input through {@code :embedContent}, several through
   * {@code :batchEmbedContents}; {@code dimensions} becomes {@code outputDimensionality} and the
   * extra parameter {@code task_type} {@code taskType}. Vertex AI: {@code :predict}. Usage is
   * reported only where Google reports it (Vertex AI's token counts), else absent.
   *
   * @throws NullPointerException if an argument is null
   */
  @Override
  public CompletableFuture<EmbeddingResponse> embed(EmbeddingRequest request, CallContext context) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(context, "context");
    GeminiErrors errors = errors(context, request.model());
    int inputs = request.input().size();
    HttpRequest http;
    try {
      requireOpen();
      if (inputs == 0) {
        throw errors.invalid("input must contain at least one text", "input");
      }
      errors = withCredential(errors);
      String method = vertex ? ":predict" : inputs == 1 ? ":embedContent" : ":batchEmbedContents";
      byte[] body = vertex ? GeminiRequests.vertexEmbed(request, settings, errors)
          : inputs == 1 ? GeminiRequests.embedOne(request, settings, errors)
          : GeminiRequests.embedBatch(request, modelPath(request.model(), errors), settings, errors);
      http = post(modelUrl(request.model(), method, errors), body, context, false, errors);
    } catch (SwitchboardException | IllegalStateException e) {
      return CompletableFuture.failedFuture(e);
    }
    GeminiErrors callErrors = errors;
    Function<byte[], EmbeddingResponse> reader = vertex
        ? body -> GeminiResponses.vertexEmbed(body, request.model(), inputs, callErrors)
        : inputs == 1 ? body -> GeminiResponses.embedOne(body, request.model(), callErrors)
        : body -> GeminiResponses.embedBatch(body, request.model(), inputs, callErrors);
    return call(http, callErrors, reader);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Gemini API: one {@code GET models?pageSize=1000} call; ids without the {@code models/}
   * prefix, owned by {@code google}. Vertex AI: fails with {@link InvalidRequestException} (model
   * listing is not offered for Vertex AI).
   *
   * @throws NullPointerException if {@code context} is null
   */
  @Override
  public CompletableFuture<List<ModelInfo>> models(CallContext context) {
    Objects.requireNonNull(context, "context");
    GeminiErrors errors = errors(context, null);
    HttpRequest http;
    try {
      requireOpen();
      if (vertex) {
        throw errors.invalid("listing models is not offered for Vertex AI", null);
      }
      errors = withCredential(errors);
      http = headers(HttpRequest.builder().method("GET").url(baseUrl + "/models?pageSize=" + MODELS_PAGE_SIZE),
          context, false, errors).build();
    } catch (SwitchboardException | IllegalStateException e) {
      return CompletableFuture.failedFuture(e);
    }
    GeminiErrors callErrors = errors;
    return call(http, callErrors, body -> GeminiResponses.models(body, callErrors));
  }

  /** Closes the transport if this provider created it; a transport handed in stays open. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && ownsTransport) {
      transport.close();
    }
  }

  /** Name, API, base URL, whether a credential is set, and the transport; never the credential. */
  @Override
  public String toString() {
    return "GeminiProvider{name=" + providerName + ", api=" + (vertex ? "vertex-ai" : "gemini")
        + ", baseUrl=" + baseUrl + resourcePrefix
        + (vertex ? ", accessToken=" + (accessToken == null ? "none" : "****")
            : ", apiKey=" + (apiKey == null ? "none" : "****"))
        + ", transport=" + (ownsTransport ? "own" : "shared") + "}";
  }

  // ---- internals

  private <T> CompletableFuture<T> call(HttpRequest request, GeminiErrors errors, Function<byte[], T> reader) {
    CompletableFuture<T> result = new CompletableFuture<>();
    CompletableFuture<HttpResponse> http;
    try {
      http = transport.execute(request);
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
        } catch (SwitchboardException e) {
          // the JSON reader reports bad JSON without context; our own checks already carry it
          result.completeExceptionally(e.details().equals(ErrorDetails.none()) ? errors.malformed(e) : e);
        } catch (RuntimeException e) { // a reader must not throw anything else, but if it does the future must end
          result.completeExceptionally(errors.fromTransport(e));
        }
      }
    });
    return result;
  }

  private void requireOpen() {
    if (closed.get()) {
      throw new IllegalStateException("GeminiProvider '" + providerName + "' is closed");
    }
  }

  private GeminiErrors errors(CallContext context, String model) {
    ErrorDetails details = ErrorDetails.builder()
        .provider(context.providerName() != null ? context.providerName() : providerName)
        .deployment(context.deploymentId())
        .model(model)
        .requestId(context.requestId())
        .build();
    return new GeminiErrors(details, null, clock);
  }

  // The credential is read once per call, so that the one sent is the one kept out of messages.
  private GeminiErrors withCredential(GeminiErrors errors) {
    return errors.withSecret(vertex ? token(errors) : apiKey);
  }

  private GeminiResponses.CallInfo callInfo(ChatRequest request, CallContext context) {
    return new GeminiResponses.CallInfo(request.model(), "gemini-" + context.requestId(),
        clock.instant().getEpochSecond());
  }

  private String modelUrl(String model, String method, GeminiErrors errors) {
    return baseUrl + resourcePrefix + "/" + modelPath(model, errors) + method;
  }

  private String modelPath(String model, GeminiErrors errors) {
    if (model == null || model.isBlank()) {
      throw errors.invalid("a model is required", "model");
    }
    String path = model.contains("/") ? model : (vertex ? "publishers/google/models/" : "models/") + model;
    StringBuilder sb = new StringBuilder();
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty()) {
        throw errors.invalid("model '" + model + "' is not a valid model name", "model");
      }
      sb.append(sb.length() == 0 ? "" : "/").append(encode(segment));
    }
    return sb.toString();
  }

  private HttpRequest post(String url, byte[] body, CallContext context, boolean stream, GeminiErrors errors) {
    return headers(HttpRequest.builder().method("POST").url(url).body(body).contentType(JSON), context, stream, errors)
        .build();
  }

  private HttpRequest.Builder headers(HttpRequest.Builder b, CallContext context, boolean stream,
      GeminiErrors errors) {
    if (vertex) {
      b.header("Authorization", "Bearer " + errors.secret());
    } else if (errors.secret() != null) {
      b.header(API_KEY_HEADER, errors.secret());
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

  private String token(GeminiErrors errors) {
    String token;
    try {
      token = accessToken == null ? null : accessToken.get();
    } catch (RuntimeException e) {
      throw new AuthenticationException(errors.provider() + " could not get a Vertex AI access token: "
          + e.getClass().getSimpleName(), errors.details(), e);
    }
    if (token == null || token.isBlank()) {
      throw new AuthenticationException(errors.provider() + " has no Vertex AI access token: configure one "
          + "(apiKey, the VERTEX_ACCESS_TOKEN variable, or a token supplier)", errors.details());
    }
    return token.strip();
  }

  private static String vertexBaseUrl(String location) {
    String host = "global".equals(location) ? "aiplatform.googleapis.com" : location + "-aiplatform.googleapis.com";
    return "https://" + host + "/" + DEFAULT_VERTEX_API_VERSION;
  }

  // Percent-encodes what may not stand in a URL path segment; model names are plain, this guards the odd one.
  private static String encode(String segment) {
    StringBuilder sb = new StringBuilder();
    for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~@".indexOf(c) >= 0) {
        sb.append(c);
      } else {
        sb.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return sb.toString();
  }

  private static String requireSegment(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank() || value.contains("/")) {
      throw new IllegalArgumentException(name + " must be a non-blank name without '/' but was '" + value + "'");
    }
    return value;
  }

  /** A publisher that fails its subscriber at once: a request that could not be built. */
  private static final class FailedPublisher<T> implements Flow.Publisher<T> {
    private final Throwable error;

    FailedPublisher(Throwable error) {
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

  /** Builds a {@link GeminiProvider}. Each setter validates at once. Not thread-safe. */
  public static final class Builder {
    private final String project;
    private final String location;
    private String baseUrl;
    private String apiKey;
    private Supplier<String> accessToken;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private HttpTransport transport;
    private Duration connectTimeout;
    private String providerName = DEFAULT_PROVIDER_NAME;
    private Clock clock = Clock.systemUTC();
    private boolean dropUnsupportedParams;
    private SchemaMode schemaMode = SchemaMode.OPENAPI;

    private Builder(String project, String location) {
      this.project = project;
      this.location = location;
    }

    /**
     * The API's base URL. Gemini API: default {@link #DEFAULT_BASE_URL}, and
     * {@code /models/{model}:generateContent} etc. are appended. Vertex AI: default
     * {@code https://{location}-aiplatform.googleapis.com/v1}, and
     * {@code /projects/{project}/locations/{location}/publishers/google/models/{model}:generateContent}
     * etc. are appended (e.g. to use {@code v1beta1} or a private endpoint).
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

    /**
     * The Gemini API key, sent as {@code x-goog-api-key}; null or blank for none (default none).
     *
     * @throws IllegalStateException on a Vertex AI builder, which authenticates with an access token
     */
    public Builder apiKey(String apiKey) {
      if (project != null) {
        throw new IllegalStateException("Vertex AI authenticates with an access token: use accessToken(...)");
      }
      this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
      return this;
    }

    /**
     * A fixed Vertex AI OAuth access token, sent as {@code Authorization: Bearer <token>}. Google's
     * access tokens expire (typically after an hour): for a long-lived provider prefer
     * {@link #accessToken(Supplier)}.
     *
     * @throws IllegalStateException on a Gemini API builder
     */
    public Builder accessToken(String accessToken) {
      String token = accessToken == null || accessToken.isBlank() ? null : accessToken.strip();
      return accessToken(token == null ? null : () -> token);
    }

    /**
     * A source of Vertex AI OAuth access tokens, asked before every call (it should cache and refresh
     * them itself); null for none. A supplier that throws or returns blank fails the call with
     * {@link AuthenticationException}.
     *
     * @throws IllegalStateException on a Gemini API builder
     */
    public Builder accessToken(Supplier<String> accessToken) {
      if (project == null) {
        throw new IllegalStateException("the Gemini API authenticates with an API key: use apiKey(...)");
      }
      this.accessToken = accessToken;
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
     * The clock for {@code created} timestamps and for turning a {@code Retry-After} HTTP date into
     * a delay (default: the system UTC clock).
     *
     * @throws NullPointerException if {@code clock} is null
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Whether OpenAI parameters that Gemini cannot honour are dropped (true) or refused with an
     * {@link InvalidRequestException} naming them (false, the default).
     */
    public Builder dropUnsupportedParams(boolean dropUnsupportedParams) {
      this.dropUnsupportedParams = dropUnsupportedParams;
      return this;
    }

    /**
     * How JSON Schemas are sent (default {@link SchemaMode#OPENAPI}).
     *
     * @throws NullPointerException if {@code schemaMode} is null
     */
    public Builder schemaMode(SchemaMode schemaMode) {
      this.schemaMode = Objects.requireNonNull(schemaMode, "schemaMode");
      return this;
    }

    /**
     * Builds the provider, creating its own transport unless one was given.
     *
     * @throws IllegalStateException if both {@link #transport} and {@link #connectTimeout} were set
     */
    public GeminiProvider build() {
      ProviderTransports.requireNotBoth(transport, connectTimeout);
      return new GeminiProvider(this);
    }
  }
}

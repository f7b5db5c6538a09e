package dev.switchboard.providers.bedrock;

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
import dev.switchboard.providers.internal.aws.AwsCredentials;
import dev.switchboard.providers.internal.aws.SigV4Signer;
import java.net.URI;
import java.net.URISyntaxException;
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
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A {@link Provider} for Amazon Bedrock's Converse API: {@code POST /model/{modelId}/converse} and
 * {@code /converse-stream} on {@code https://bedrock-runtime.{region}.amazonaws.com}, translating the
 * OpenAI-shaped model both ways (what maps where: {@code ConverseRequests}, {@code ConverseResponses},
 * {@code ConverseChunks} in this package).
 *
 * <p><b>Authentication</b>, one of:
 * <ul>
 *   <li>AWS Signature Version 4 with an access key pair (and the session token of temporary
 *       credentials, sent as {@code X-Amz-Security-Token}), service {@code bedrock}, the configured
 *       region, the time from the injected {@link Clock}. Signed: {@code content-type}, {@code host},
 *       {@code x-amz-date} (and the token) and the body's SHA-256;
 *   <li>a Bedrock API key, sent as {@code Authorization: Bearer <key>}.
 * </ul>
 * The model id (a model id, an inference-profile id or an ARN) is URL-encoded into the path, so that
 * {@code :} and {@code /} survive; SigV4 signs that path encoded once more, as AWS requires.
 *
 * <p>Requests also carry the configured extra headers and the call's {@link CallContext#headers()},
 * which can replace neither the credential headers ({@code Authorization}, {@code X-Amz-Date},
 * {@code X-Amz-Security-Token}) nor {@code Host}. Converse has no header for a client request id, so
 * the call's request id is not sent; it is the response's id when Bedrock's {@code x-amzn-RequestId} is
 * missing.
 *
 * <p>Not supported, by design: {@link #embed} (Converse has no embeddings; Titan and Cohere embeddings
 * through InvokeModel are out of scope) fails with {@link InvalidRequestException};
 * {@link #models} returns the models configured with {@link Builder#models(List)}, because the runtime
 * endpoint cannot list models, and fails with {@link InvalidRequestException} when none are configured.
 *
 * <p>Failures complete the future or stream with the {@link SwitchboardException} that
 * {@link dev.switchboard.core.error.UpstreamErrors} maps from the status and Bedrock's error type (see
 * {@code BedrockErrors}). The API key, secret access key and session token never appear in a message,
 * log or {@link #toString()}.
 *
 * <p>Thread-safe; create one per account and region and share it. {@link #close()} closes the transport
 * only if the provider created it.
 */
public final class BedrockProvider implements Provider {

  /** The provider name in error details when none is configured. */
  public static final String DEFAULT_PROVIDER_NAME = "bedrock";
  /** The signing name of Bedrock's runtime API. */
  public static final String SIGNING_SERVICE = "bedrock";

  private static final String JSON = "application/json";
  private static final String EVENT_STREAM = "application/vnd.amazon.eventstream";
  private static final Pattern REGION = Pattern.compile("[a-z0-9-]{1,30}");
  // Per-call and account headers must not swap the credentials or break the signature.
  private static final Set<String> PROTECTED_HEADERS =
      Set.of("authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256", "host");

  private final String region;
  private final URI baseUri;
  private final String baseUrl;
  private final String hostHeader;
  private final String apiKey;
  private final AwsCredentials credentials;
  private final SigV4Signer signer;
  private final Map<String, String> headers;
  private final HttpTransport transport;
  private final boolean ownsTransport;
  private final String providerName;
  private final Clock clock;
  private final boolean dropUnsupportedParams;
  private final List<String> models;
  private final List<String> secrets;
  private final AtomicBoolean closed = new AtomicBoolean();

  private BedrockProvider(Builder b, URI baseUri) {
    this.region = b.region;
    this.baseUri = baseUri;
    this.baseUrl = stripTrailingSlashes(baseUri.toString());
    this.hostHeader = hostHeader(baseUri);
    this.apiKey = b.apiKey;
    this.credentials = b.credentials;
    this.signer = b.credentials == null ? null : new SigV4Signer(SIGNING_SERVICE, b.region);
    this.headers = Map.copyOf(b.headers);
    this.providerName = b.providerName;
    this.clock = b.clock;
    this.dropUnsupportedParams = b.dropUnsupportedParams;
    this.models = List.copyOf(b.models);
    List<String> s = new ArrayList<>();
    if (apiKey != null) {
      s.add(apiKey);
    }
    if (credentials != null) {
      s.add(credentials.secretAccessKey());
      if (credentials.sessionToken() != null) {
        s.add(credentials.sessionToken());
      }
    }
    this.secrets = List.copyOf(s);
    this.transport = ProviderTransports.givenOrOwn(b.transport, b.connectTimeout);
    this.ownsTransport = b.transport == null;
  }

  /** A builder; set a region and either an API key or credentials before {@link Builder#build()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The default endpoint of {@code region}: {@code https://bedrock-runtime.{region}.amazonaws.com}. */
  public static String defaultBaseUrl(String region) {
    return "https://bedrock-runtime." + Objects.requireNonNull(region, "region") + ".amazonaws.com";
  }

  /** The region; never null. */
  public String region() {
    return region;
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
    BedrockErrors errors = errors(context, request.model());
    CompletableFuture<ChatResponse> result = new CompletableFuture<>();
    CompletableFuture<HttpResponse> http;
    try {
      requireOpen();
      http = transport.execute(post(request, "/converse", context, errors, false));
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
          result.complete(ConverseResponses.read(response.body(), responseId(response::header, context),
              clock.instant().getEpochSecond(), request.model()));
        } catch (SwitchboardException malformed) {
          result.completeExceptionally(errors.malformed(malformed));
        } catch (RuntimeException e) { // a reader must not throw anything else, but if it does the future must end
          result.completeExceptionally(errors.fromTransport(e));
        }
      }
    });
    return result;
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
    BedrockErrors errors = errors(context, request.model());
    return new ConverseStream(transport, () -> {
      requireOpen();
      return post(request, "/converse-stream", context, errors, true);
    }, errors, response -> new ConverseChunks(responseId(response::header, context),
        clock.instant().getEpochSecond(), request.model(), errors));
  }

  /**
   * Fails: the Converse API has no embeddings (Titan and Cohere embeddings through InvokeModel are not
   * supported by this adapter).
   *
   * @throws NullPointerException if an argument is null
   */
  @Override
  public CompletableFuture<EmbeddingResponse> embed(EmbeddingRequest request, CallContext context) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(context, "context");
    BedrockErrors errors = errors(context, request.model());
    return CompletableFuture.failedFuture(new InvalidRequestException(errors.provider()
        + " (Bedrock Converse) has no embeddings: the Converse API offers none, and Titan or Cohere embeddings "
        + "through InvokeModel are not supported by this adapter", errors.details().toBuilder()
        .code("unsupported_operation").build()));
  }

  /**
   * The models configured with {@link Builder#models(List)} (owner {@code bedrock}); fails with
   * {@link InvalidRequestException} when none are, because Bedrock's runtime endpoint has no operation
   * that lists models (that is the control-plane {@code ListFoundationModels}).
   *
   * @throws NullPointerException if {@code context} is null
   */
  @Override
  public CompletableFuture<List<ModelInfo>> models(CallContext context) {
    Objects.requireNonNull(context, "context");
    if (models.isEmpty()) {
      BedrockErrors errors = errors(context, null);
      return CompletableFuture.failedFuture(new InvalidRequestException(errors.provider()
          + " cannot list models: the Bedrock runtime API has no model listing; configure the models of this "
          + "account (option 'models')", errors.details().toBuilder().code("unsupported_operation").build()));
    }
    List<ModelInfo> list = new ArrayList<>();
    for (String id : models) {
      list.add(ModelInfo.builder().id(id).ownedBy("bedrock").build());
    }
    return CompletableFuture.completedFuture(List.copyOf(list));
  }

  /** Closes the transport if this provider created it; a transport handed in stays open. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && ownsTransport) {
      transport.close();
    }
  }

  /** Name, region, base URL, the kind of authentication and the transport; never a secret. */
  @Override
  public String toString() {
    return "BedrockProvider{name=" + providerName + ", region=" + region + ", baseUrl=" + baseUrl
        + ", auth=" + (apiKey != null ? "apiKey ****" : "sigv4 " + credentials)
        + ", transport=" + (ownsTransport ? "own" : "shared") + "}";
  }

  // ---- internals

  /** The request to send, built lazily so that a failure to build fails the stream instead of throwing. */
  @FunctionalInterface
  interface RequestSupplier {
    HttpRequest get();
  }

  private void requireOpen() {
    if (closed.get()) {
      throw new IllegalStateException("BedrockProvider '" + providerName + "' is closed");
    }
  }

  private BedrockErrors errors(CallContext context, String model) {
    ErrorDetails details = ErrorDetails.builder()
        .provider(context.providerName() != null ? context.providerName() : providerName)
        .deployment(context.deploymentId())
        .model(model)
        .requestId(context.requestId())
        .build();
    return new BedrockErrors(details, secrets, clock);
  }

  private static String responseId(Function<String, String> headers, CallContext context) {
    String id = headers.apply("x-amzn-requestid");
    return id == null || id.isBlank() ? context.requestId() : id;
  }

  private HttpRequest post(ChatRequest request, String operation, CallContext context, BedrockErrors errors,
      boolean stream) {
    if (request.model() == null || request.model().isBlank()) {
      throw new InvalidRequestException(errors.provider() + " needs a Bedrock model id", errors.details()
          .toBuilder().param("model").build());
    }
    byte[] body = ConverseRequests.write(request, dropUnsupportedParams, errors);
    String path = basePath() + "/model/" + SigV4Signer.uriEncode(request.model(), true) + operation;
    HttpRequest.Builder b = HttpRequest.builder().method("POST").url(origin() + path).body(body).contentType(JSON);
    b.header("Accept", stream ? EVENT_STREAM : JSON);
    headers.forEach((name, value) -> {
      if (!PROTECTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        b.header(name, value);
      }
    });
    context.headers().forEach((name, value) -> {
      if (!PROTECTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        b.header(name, value);
      }
    });
    if (apiKey != null) {
      b.header("Authorization", "Bearer " + apiKey);
    } else {
      SigV4Signer.Request toSign = SigV4Signer.Request.builder().method("POST").path(path)
          .header("Content-Type", JSON)
          .header("Host", hostHeader)
          .body(body)
          .build();
      signer.sign(toSign, credentials, clock.instant()).headers().forEach(b::header);
    }
    return b.build();
  }

  private String origin() {
    return baseUri.getScheme() + "://" + baseUri.getRawAuthority();
  }

  private String basePath() {
    String path = baseUri.getRawPath();
    return path == null ? "" : stripTrailingSlashes(path);
  }

  /** The Host header an HTTP client derives from the URL: host, and the port unless the scheme's default. */
  private static String hostHeader(URI uri) {
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    boolean defaultPort = port == -1 || ("https".equalsIgnoreCase(uri.getScheme()) && port == 443)
        || ("http".equalsIgnoreCase(uri.getScheme()) && port == 80);
    return defaultPort ? host : host + ":" + port;
  }

  private static String stripTrailingSlashes(String s) {
    String out = s;
    while (out.endsWith("/")) {
      out = out.substring(0, out.length() - 1);
    }
    return out;
  }

  /** Builds a {@link BedrockProvider}. Each setter validates at once. Not thread-safe. */
  public static final class Builder {
    private String region;
    private String baseUrl;
    private String apiKey;
    private AwsCredentials credentials;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private HttpTransport transport;
    private Duration connectTimeout;
    private String providerName = DEFAULT_PROVIDER_NAME;
    private Clock clock = Clock.systemUTC();
    private boolean dropUnsupportedParams;
    private final List<String> models = new ArrayList<>();

    private Builder() {}

    /**
     * The AWS region, e.g. {@code us-east-1}: the signing region and, unless {@link #baseUrl} is set,
     * part of the endpoint. Required.
     *
     * @throws NullPointerException if {@code region} is null
     * @throws IllegalArgumentException if it is not a region name (lower-case letters, digits, dashes)
     */
    public Builder region(String region) {
      Objects.requireNonNull(region, "region");
      if (!REGION.matcher(region).matches()) {
        throw new IllegalArgumentException("region must be an AWS region name such as us-east-1 but was " + region);
      }
      this.region = region;
      return this;
    }

    /**
     * The endpoint, e.g. a VPC endpoint or a test server (default
     * {@link BedrockProvider#defaultBaseUrl(String) https://bedrock-runtime.{region}.amazonaws.com});
     * {@code /model/{modelId}/converse} is appended to it. Null for the default.
     *
     * @throws IllegalArgumentException if it is not an {@code http://} or {@code https://} URL with a host
     */
    public Builder baseUrl(String baseUrl) {
      if (baseUrl != null) {
        parseBaseUrl(baseUrl);
      }
      this.baseUrl = baseUrl;
      return this;
    }

    /**
     * A Bedrock API key, sent as {@code Authorization: Bearer <key>} instead of SigV4 signing; null or
     * blank for none. Not allowed together with {@link #credentials}.
     */
    public Builder apiKey(String apiKey) {
      this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
      return this;
    }

    /**
     * AWS credentials for SigV4 signing. Not allowed together with {@link #apiKey}.
     *
     * @param sessionToken the session token of temporary credentials; null or blank for none
     * @throws NullPointerException if {@code accessKeyId} or {@code secretAccessKey} is null
     * @throws IllegalArgumentException if {@code accessKeyId} or {@code secretAccessKey} is blank
     */
    public Builder credentials(String accessKeyId, String secretAccessKey, String sessionToken) {
      this.credentials = AwsCredentials.of(accessKeyId, secretAccessKey, sessionToken);
      return this;
    }

    /**
     * A header sent on every call; it cannot replace {@code Authorization}, {@code Host} or the
     * {@code X-Amz-*} signing headers.
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
     * The clock that dates SigV4 signatures, stamps responses' {@code created} and turns a
     * {@code Retry-After} date into a delay (default: the system UTC clock).
     *
     * @throws NullPointerException if {@code clock} is null
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Whether request parameters that Converse cannot honour ({@code n > 1}, {@code logprobs},
     * {@code response_format: json_object}, …; see the package documentation) are left out instead of
     * failing the call with an {@link InvalidRequestException} naming them (default {@code false}).
     */
    public Builder dropUnsupportedParams(boolean drop) {
      this.dropUnsupportedParams = drop;
      return this;
    }

    /**
     * The model ids {@link BedrockProvider#models} reports (default none, and then it fails).
     *
     * @throws NullPointerException if {@code models} or an element is null
     * @throws IllegalArgumentException if an element is blank
     */
    public Builder models(List<String> models) {
      Objects.requireNonNull(models, "models");
      List<String> copy = new ArrayList<>();
      for (String m : models) {
        Objects.requireNonNull(m, "model id");
        if (m.isBlank()) {
          throw new IllegalArgumentException("model ids must not be blank");
        }
        copy.add(m.strip());
      }
      this.models.clear();
      this.models.addAll(copy);
      return this;
    }

    /**
     * Builds the provider, creating its own transport unless one was given.
     *
     * @throws IllegalStateException if no region is set, if neither or both of an API key and credentials
     *     are set, or if both {@link #transport} and {@link #connectTimeout} were set
     */
    public BedrockProvider build() {
      if (region == null) {
        throw new IllegalStateException("region is required: the AWS region of the Bedrock endpoint, e.g. us-east-1");
      }
      if (apiKey == null && credentials == null) {
        throw new IllegalStateException("Bedrock needs credentials: an API key (apiKey) or an AWS access key pair "
            + "(credentials)");
      }
      if (apiKey != null && credentials != null) {
        throw new IllegalStateException("set either an API key or AWS credentials, not both");
      }
      ProviderTransports.requireNotBoth(transport, connectTimeout);
      URI uri = parseBaseUrl(baseUrl != null ? baseUrl : defaultBaseUrl(region));
      return new BedrockProvider(this, uri);
    }

    private static URI parseBaseUrl(String url) {
      String lower = url.toLowerCase(Locale.ROOT);
      if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
        throw new IllegalArgumentException("baseUrl must start with http:// or https:// but was " + url);
      }
      try {
        URI uri = new URI(url);
        if (uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
          throw new IllegalArgumentException("baseUrl must have a host and no query or fragment but was " + url);
        }
        return uri;
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("baseUrl is not a URL: " + url + " (" + e.getReason() + ")", e);
      }
    }
  }
}

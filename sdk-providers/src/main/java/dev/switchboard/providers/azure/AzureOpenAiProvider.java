package dev.switchboard.providers.azure;

import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.ModelInfo;
import dev.switchboard.core.spi.CallContext;
import dev.switchboard.core.spi.Provider;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.http.OkHttpTransport;
import dev.switchboard.providers.openai.OpenAiProvider;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Supplier;

/**
 * A {@link Provider} for Azure OpenAI (an Azure OpenAI or Azure AI Foundry resource): OpenAI's wire
 * format at deployment URLs, {@code POST {endpoint}/openai/deployments/{deployment}/chat/completions}
 * and {@code …/embeddings}, and {@code GET {endpoint}/openai/models}, each with
 * {@code ?api-version=}. The deployment is the request's model, which the engine sets to the
 * deployment's upstream model.
 *
 * <p>Calls carry {@code api-key: <key>} or, with Entra ID, {@code Authorization: Bearer <token>}
 * (a fixed token or one read from a {@link Builder#entraTokenProvider provider} for every call).
 * Everything else is {@link OpenAiProvider}'s: request and response translation, streaming with
 * {@code stream_options.include_usage}, the request id header, and the mapping of failures to typed
 * errors. On top of that:
 * <ul>
 *   <li>a prompt rejected by Azure's content filter (400, code {@code content_filter}, inner error
 *       {@code ResponsibleAIPolicyViolation}) fails with
 *       {@link dev.switchboard.core.error.ContentPolicyException}; a completion it filtered ends with
 *       {@link dev.switchboard.core.model.FinishReason#CONTENT_FILTER};
 *   <li>"This model's maximum context length…" fails with
 *       {@link dev.switchboard.core.error.ContextWindowExceededException};
 *   <li>the wait a 429 asks for is read from {@code retry-after-ms}, {@code Retry-After}, or else the
 *       {@code x-ratelimit-reset-*} headers;
 *   <li>Azure's annotations ({@code prompt_filter_results}, {@code content_filter_results}) do not
 *       disturb parsing, and stream chunks that carry only annotations are not passed on.
 * </ul>
 *
 * <p>The API key or token never appears in a message, log or {@link #toString()}.
 *
 * <p>Thread-safe; create one per Azure resource and share it. {@link #close()} closes the transport
 * only if the provider created it.
 */
public final class AzureOpenAiProvider implements Provider {

  /**
   * The {@code api-version} when none is configured: the latest generally available data-plane
   * version when this was written, which accepts {@code stream_options.include_usage}.
   */
  public static final String DEFAULT_API_VERSION = "2024-10-21";
  /** The provider name in error details when none is configured. */
  public static final String DEFAULT_PROVIDER_NAME = "azure";

  private final OpenAiProvider delegate;
  private final String endpoint;
  private final AzureDialect dialect;
  private final String providerName;
  private final boolean ownsTransport;

  private AzureOpenAiProvider(Builder b, AzureDialect dialect, String secret) {
    this.endpoint = b.endpoint;
    this.dialect = dialect;
    this.providerName = b.providerName;
    this.ownsTransport = b.transport == null;
    OpenAiProvider.Builder openAi = OpenAiProvider.builder()
        .baseUrl(b.endpoint)
        .apiKey(secret) // the dialect decides the header; OpenAiProvider keeps it out of every message
        .providerName(b.providerName)
        .headers(b.headers)
        .clock(b.clock)
        .dialect(dialect);
    if (b.transport != null) {
      openAi.transport(b.transport);
    }
    if (b.connectTimeout != null) {
      openAi.connectTimeout(b.connectTimeout);
    }
    this.delegate = openAi.build();
  }

  /** A builder; {@link Builder#endpoint} and one credential are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The resource endpoint, e.g. {@code https://my-resource.openai.azure.com}, without a trailing slash. */
  public String endpoint() {
    return endpoint;
  }

  /** The {@code api-version} sent on every call; never null. */
  public String apiVersion() {
    return dialect.apiVersion();
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
    return delegate.chat(request, context);
  }

  /**
   * {@inheritDoc}
   *
   * @throws NullPointerException if an argument is null
   */
  @Override
  public Flow.Publisher<ChatChunk> stream(ChatRequest request, CallContext context) {
    return delegate.stream(request, context);
  }

  /**
   * {@inheritDoc}
   *
   * @throws NullPointerException if an argument is null
   */
  @Override
  public CompletableFuture<EmbeddingResponse> embed(EmbeddingRequest request, CallContext context) {
    return delegate.embed(request, context);
  }

  /**
   * Lists the models the resource offers ({@code GET /openai/models}): base and fine-tuned models,
   * not deployments.
   *
   * @throws NullPointerException if {@code context} is null
   */
  @Override
  public CompletableFuture<List<ModelInfo>> models(CallContext context) {
    return delegate.models(context);
  }

  /** Closes the transport if this provider created it; a transport handed in stays open. Idempotent. */
  @Override
  public void close() {
    delegate.close();
  }

  /** Name, endpoint, api-version, the kind of credential and the transport; never the credential. */
  @Override
  public String toString() {
    return "AzureOpenAiProvider{name=" + providerName + ", endpoint=" + endpoint + ", apiVersion="
        + dialect.apiVersion() + ", auth=" + dialect.auth().optionValue() + ", transport="
        + (ownsTransport ? "own" : "shared") + "}";
  }

  /** Builds an {@link AzureOpenAiProvider}. Each setter validates at once. Not thread-safe. */
  public static final class Builder {
    private String endpoint;
    private String apiKey;
    private String entraToken;
    private Supplier<String> entraTokenProvider;
    private String apiVersion = DEFAULT_API_VERSION;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private HttpTransport transport;
    private Duration connectTimeout;
    private String providerName = DEFAULT_PROVIDER_NAME;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * The resource endpoint, e.g. {@code https://my-resource.openai.azure.com} (required). A trailing
     * slash or {@code /openai} is removed: the provider adds the paths.
     *
     * @throws NullPointerException if {@code endpoint} is null
     * @throws IllegalArgumentException if it is not an {@code http://} or {@code https://} URL
     */
    public Builder endpoint(String endpoint) {
      Objects.requireNonNull(endpoint, "endpoint");
      String lower = endpoint.toLowerCase(Locale.ROOT);
      if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
        throw new IllegalArgumentException("endpoint must start with http:// or https:// but was " + endpoint);
      }
      String url = endpoint;
      while (url.endsWith("/")) {
        url = url.substring(0, url.length() - 1);
      }
      if (url.toLowerCase(Locale.ROOT).endsWith("/openai")) {
        url = url.substring(0, url.length() - "/openai".length());
      }
      this.endpoint = url;
      return this;
    }

    /**
     * The resource's API key, sent as {@code api-key}; null or blank for none. Exclusive with the
     * Entra ID credentials.
     */
    public Builder apiKey(String apiKey) {
      this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
      return this;
    }

    /**
     * A Microsoft Entra ID access token (scope {@code https://cognitiveservices.azure.com/.default}),
     * sent as {@code Authorization: Bearer}; null or blank for none. Tokens expire: prefer
     * {@link #entraTokenProvider} for a long-lived provider. Exclusive with the other credentials.
     */
    public Builder entraToken(String entraToken) {
      this.entraToken = entraToken == null || entraToken.isBlank() ? null : entraToken;
      return this;
    }

    /**
     * Supplies a current Entra ID access token for every call, e.g. from a credential that caches and
     * refreshes it. It is called on the calling thread and must return quickly; a null or blank token,
     * or an exception, fails that call. Exclusive with the other credentials.
     *
     * @throws NullPointerException if {@code tokenProvider} is null
     */
    public Builder entraTokenProvider(Supplier<String> tokenProvider) {
      this.entraTokenProvider = Objects.requireNonNull(tokenProvider, "tokenProvider");
      return this;
    }

    /**
     * The {@code api-version} query parameter (default {@link #DEFAULT_API_VERSION}); a preview
     * version such as {@code 2025-04-01-preview} unlocks newer parameters.
     *
     * @throws NullPointerException if {@code apiVersion} is null
     * @throws IllegalArgumentException if it is blank
     */
    public Builder apiVersion(String apiVersion) {
      Objects.requireNonNull(apiVersion, "apiVersion");
      if (apiVersion.isBlank()) {
        throw new IllegalArgumentException("apiVersion must not be blank");
      }
      this.apiVersion = apiVersion.strip();
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
     * The clock that turns a {@code Retry-After} HTTP date into a delay (default: the system UTC clock).
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
     * @throws IllegalStateException if no endpoint is set, if not exactly one of {@link #apiKey},
     *     {@link #entraToken} and {@link #entraTokenProvider} is set, or if both {@link #transport}
     *     and {@link #connectTimeout} are set
     */
    public AzureOpenAiProvider build() {
      if (endpoint == null) {
        throw new IllegalStateException("endpoint is required, e.g. https://my-resource.openai.azure.com");
      }
      int credentials = (apiKey != null ? 1 : 0) + (entraToken != null ? 1 : 0) + (entraTokenProvider != null ? 1 : 0);
      if (credentials != 1) {
        throw new IllegalStateException("exactly one of apiKey, entraToken and entraTokenProvider must be set, but "
            + (credentials == 0 ? "none was" : credentials + " were"));
      }
      AzureDialect dialect = new AzureDialect(apiVersion,
          apiKey != null ? AzureDialect.Auth.API_KEY : AzureDialect.Auth.ENTRA, entraTokenProvider);
      return new AzureOpenAiProvider(this, dialect, apiKey != null ? apiKey : entraToken);
    }
  }
}

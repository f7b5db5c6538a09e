package dev.switchboard.providers.openai;

import dev.switchboard.core.error.UpstreamErrors;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ModelInfo;
import dev.switchboard.core.wire.ErrorBody;
import dev.switchboard.core.wire.OpenAiJson;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * How an upstream that speaks OpenAI's wire format differs from OpenAI's own API: where each
 * operation is addressed, how the account is authenticated, and how its error bodies, rate-limit
 * headers, stream chunks and model lists read. {@link OpenAiProvider} uses {@link #OPENAI} unless
 * {@link OpenAiProvider.Builder#dialect(OpenAiDialect) given another}; adapters for services such as
 * Azure OpenAI supply their own, so that the OpenAI wire format is implemented once.
 *
 * <p>Every method's default is OpenAI's behaviour; a subclass overrides what differs.
 * Implementations must be immutable and thread-safe, and their methods must not block.
 *
 * <p>This is an extension point for provider adapters: methods (with OpenAI's behaviour as their
 * default) may be added in minor releases.
 */
public abstract class OpenAiDialect {

  /** OpenAI's API itself: every default below. */
  public static final OpenAiDialect OPENAI = new OpenAiDialect() {
    @Override
    public String toString() {
      return "OpenAiDialect.OPENAI";
    }
  };

  private static final Set<String> OPENAI_CREDENTIAL_HEADERS =
      Set.of("authorization", "openai-organization", "openai-project");

  /** For subclasses. */
  protected OpenAiDialect() {}

  /** The calls {@link OpenAiProvider} makes, each with its path under an OpenAI base URL. */
  public enum Operation {
    /** {@code POST /chat/completions}, whole or streamed. */
    CHAT_COMPLETIONS("/chat/completions"),
    /** {@code POST /embeddings}. */
    EMBEDDINGS("/embeddings"),
    /** {@code GET /models}. */
    MODELS("/models");

    private final String path;

    Operation(String path) {
      this.path = path;
    }

    /** The path OpenAI's API serves the operation at, e.g. {@code /chat/completions}. */
    public String path() {
      return path;
    }
  }

  /**
   * The URL of one call. Default: {@code baseUrl + operation.path()}.
   *
   * @param baseUrl the provider's base URL, without a trailing slash
   * @param operation the call
   * @param model the request's model (the deployment's upstream model), or null for
   *     {@link Operation#MODELS} and requests without one
   * @return the absolute URL; never null
   * @throws IllegalArgumentException if the call cannot be addressed (e.g. the URL needs a model
   *     and there is none); the call then fails with an
   *     {@link dev.switchboard.core.error.InvalidRequestException} carrying the message
   */
  public String url(String baseUrl, Operation operation, String model) {
    return baseUrl + operation.path();
  }

  /**
   * The headers that carry the account's credential. Called for every call, so a credential that
   * changes (a refreshed token) may be read here. Default: {@code Authorization: Bearer <apiKey>},
   * nothing without a key.
   *
   * @param apiKey the configured key, or null when none is configured
   * @return header names to values; never null
   */
  public Map<String, String> credentialHeaders(String apiKey) {
    return apiKey == null ? Map.of() : Map.of("Authorization", "Bearer " + apiKey);
  }

  /**
   * The lower-case names of the headers a call's
   * {@link dev.switchboard.core.spi.CallContext#headers()} may not set, so that a call cannot swap the
   * account's credentials. Default: {@code authorization}, {@code openai-organization},
   * {@code openai-project}.
   */
  public Set<String> protectedHeaders() {
    return OPENAI_CREDENTIAL_HEADERS;
  }

  /**
   * Reads an error: the body of a non-2xx answer, or the data of an error event inside a stream.
   * Adapters normalise provider-specific signals here to OpenAI's codes (e.g. to
   * {@link UpstreamErrors#CONTEXT_LENGTH_EXCEEDED}), which {@link UpstreamErrors} maps to typed
   * errors. Default: {@link OpenAiJson#readErrorBody(byte[])}. Must not throw.
   *
   * @param body the bytes; may be empty, never null
   */
  public ErrorBody readError(byte[] body) {
    return OpenAiJson.readErrorBody(body);
  }

  /**
   * How long the upstream asks callers to wait, read from a failed answer's headers. Default:
   * OpenAI's {@code retry-after-ms}, else the standard {@code Retry-After} (seconds or an HTTP date).
   * Must not throw.
   *
   * @param headers a header name (any case) to its first value, or null when absent
   * @param clock the clock that turns an HTTP date into a delay
   * @return the delay, or null when the headers say nothing usable
   */
  public Duration retryAfter(Function<String, String> headers, Clock clock) {
    Duration ms = UpstreamErrors.parseRetryAfterMillis(headers.apply("retry-after-ms"));
    return ms != null ? ms : UpstreamErrors.parseRetryAfter(headers.apply("retry-after"), clock);
  }

  /**
   * The chunk to hand to the stream's subscriber for one chunk read from the upstream, or null to
   * hand none for it (the stream then reads the next event). Lets a dialect drop events that carry
   * nothing the model represents, such as annotation-only chunks. Default: the chunk itself.
   */
  public ChatChunk adaptChunk(ChatChunk chunk) {
    return chunk;
  }

  /**
   * Reads the body of a successful {@link Operation#MODELS} call. Default:
   * {@link OpenAiJson#readModelList(byte[])}.
   *
   * @throws dev.switchboard.core.error.SwitchboardException (an
   *     {@link dev.switchboard.core.error.UpstreamException}) if the body is malformed
   */
  public List<ModelInfo> readModels(byte[] body) {
    return OpenAiJson.readModelList(body);
  }
}

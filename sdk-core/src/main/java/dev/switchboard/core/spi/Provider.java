package dev.switchboard.core.spi;

import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.ModelInfo;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * One upstream account speaking one provider's API, translated to and from the OpenAI-shaped model.
 *
 * <p>Implementations are thread-safe and long-lived: one instance per configured provider account,
 * shared by every call. The engine owns routing, retries, fallback, circuit breaking and timeouts;
 * a provider makes exactly one upstream call per method invocation and never retries on its own.
 *
 * <p>Failures are reported through the returned future or publisher, never thrown, as a
 * {@link dev.switchboard.core.error.SwitchboardException} built by
 * {@link dev.switchboard.core.error.UpstreamErrors} so that the engine can tell retryable from final.
 *
 * <p>The {@code request.model()} passed in is already the upstream model name of the deployment.
 */
public interface Provider extends AutoCloseable {

  /**
   * Sends one chat completion. Cancelling the returned future aborts the upstream call and releases
   * its connection.
   */
  CompletableFuture<ChatResponse> chat(ChatRequest request, CallContext context);

  /**
   * Streams one chat completion. The publisher accepts one subscriber; the upstream call starts when
   * demand is first signalled, reads are driven by demand (a slow subscriber slows the upstream
   * read), and {@link Flow.Subscription#cancel()} closes the upstream connection. The last chunk
   * carries usage when the upstream reports it. A stream cut before its natural end completes with
   * an error, never silently.
   */
  Flow.Publisher<ChatChunk> stream(ChatRequest request, CallContext context);

  /**
   * Creates embeddings. A provider without an embeddings API fails the future with
   * {@link dev.switchboard.core.error.InvalidRequestException}.
   */
  CompletableFuture<EmbeddingResponse> embed(EmbeddingRequest request, CallContext context);

  /** Lists the models this account can use, as the upstream reports them. */
  CompletableFuture<List<ModelInfo>> models(CallContext context);

  /**
   * Releases what this provider owns (not what was handed to it through
   * {@link ProviderConfig#component(Class)}). Idempotent.
   */
  @Override
  void close();
}

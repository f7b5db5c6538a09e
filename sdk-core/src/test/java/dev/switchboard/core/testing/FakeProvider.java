package dev.switchboard.core.testing;

import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.Delta;
import dev.switchboard.core.model.Embedding;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ModelInfo;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.spi.CallContext;
import dev.switchboard.core.spi.Provider;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

/**
 * A provider whose every answer the test scripts. Unscripted calls answer with a fixed text. Records
 * every request and context it saw, and every future it handed out (to check cancellation).
 */
public final class FakeProvider implements Provider {

  private final String name;
  private final Queue<BiFunction<ChatRequest, CallContext, CompletableFuture<ChatResponse>>> chatScript =
      new ConcurrentLinkedQueue<>();
  private final Queue<Flow.Publisher<ChatChunk>> streamScript = new ConcurrentLinkedQueue<>();
  private final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
  private final List<CallContext> contexts = new CopyOnWriteArrayList<>();
  private final List<CompletableFuture<ChatResponse>> futures = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  public FakeProvider(String name) {
    this.name = name;
  }

  /** Next chat call answers with {@code text}. */
  public FakeProvider thenAnswer(String text) {
    chatScript.add((r, c) -> CompletableFuture.completedFuture(response(r.model(), text)));
    return this;
  }

  /** Next chat call fails with {@code error}. */
  public FakeProvider thenFail(SwitchboardException error) {
    chatScript.add((r, c) -> CompletableFuture.failedFuture(error));
    return this;
  }

  /** Next chat call never completes on its own (until cancelled). */
  public FakeProvider thenHang() {
    chatScript.add((r, c) -> new CompletableFuture<>());
    return this;
  }

  /** Next chat call is answered by {@code behaviour}. */
  public FakeProvider thenChat(BiFunction<ChatRequest, CallContext, CompletableFuture<ChatResponse>> behaviour) {
    chatScript.add(behaviour);
    return this;
  }

  /** Next stream call returns {@code publisher}. */
  public FakeProvider thenStream(Flow.Publisher<ChatChunk> publisher) {
    streamScript.add(publisher);
    return this;
  }

  public static ChatResponse response(String model, String text) {
    return ChatResponse.builder()
        .id("chatcmpl-test")
        .created(1_700_000_000L)
        .model(model)
        .addChoice(Choice.builder().index(0).message(Message.assistant(text)).finishReason(FinishReason.STOP).build())
        .usage(Usage.of(10, 5))
        .build();
  }

  public static ChatChunk chunk(String text) {
    return ChatChunk.builder().id("chatcmpl-test").created(1_700_000_000L).model("m")
        .addChoice(ChunkChoice.builder().index(0).delta(Delta.builder().content(text).build()).build())
        .build();
  }

  @Override
  public CompletableFuture<ChatResponse> chat(ChatRequest request, CallContext context) {
    requests.add(request);
    contexts.add(context);
    BiFunction<ChatRequest, CallContext, CompletableFuture<ChatResponse>> next = chatScript.poll();
    CompletableFuture<ChatResponse> f = next != null ? next.apply(request, context)
        : CompletableFuture.completedFuture(response(request.model(), name + " says hi"));
    futures.add(f);
    return f;
  }

  @Override
  public Flow.Publisher<ChatChunk> stream(ChatRequest request, CallContext context) {
    requests.add(request);
    contexts.add(context);
    Flow.Publisher<ChatChunk> next = streamScript.poll();
    if (next == null) {
      throw new AssertionError(name + ": unscripted stream call");
    }
    return next;
  }

  @Override
  public CompletableFuture<EmbeddingResponse> embed(EmbeddingRequest request, CallContext context) {
    contexts.add(context);
    return CompletableFuture.completedFuture(EmbeddingResponse.builder().model(request.model())
        .addData(Embedding.of(0, new float[] {0.1f, 0.2f})).usage(Usage.of(3, 0)).build());
  }

  @Override
  public CompletableFuture<List<ModelInfo>> models(CallContext context) {
    return CompletableFuture.completedFuture(List.of(ModelInfo.builder().id("m").ownedBy(name).build()));
  }

  @Override
  public void close() {
    closed.set(true);
  }

  public int calls() {
    return contexts.size();
  }

  public List<ChatRequest> requests() {
    return requests;
  }

  public List<CallContext> contexts() {
    return contexts;
  }

  public List<CompletableFuture<ChatResponse>> futures() {
    return futures;
  }

  public boolean isClosed() {
    return closed.get();
  }
}

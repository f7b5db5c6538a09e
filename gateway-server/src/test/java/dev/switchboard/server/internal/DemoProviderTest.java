package dev.switchboard.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Role;
import dev.switchboard.core.spi.CallContext;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class DemoProviderTest {

  private final DemoProvider demo = new DemoProvider(Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC));
  private final CallContext context = CallContext.builder("req-1").build();

  private static ChatRequest ask(String text) {
    return ChatRequest.builder().model("demo").addMessage(Message.system("be nice"))
        .addMessage(Message.user("first")).addMessage(Message.assistant("ok")).addMessage(Message.user(text)).build();
  }

  @Test
  void chat_severalMessages_echoesTheLastUserMessageDeterministically() {
    ChatResponse answer = demo.chat(ask("ping"), context).join();

    assertThat(answer.text()).isEqualTo("This is the Switchboard demo provider, offline. You said: \"ping\"");
    assertThat(answer.id()).isEqualTo("chatcmpl-demo-req-1");
    assertThat(answer.created()).isEqualTo(1_700_000_000L);
    assertThat(answer.model()).isEqualTo("demo");
    assertThat(answer.choices().get(0).finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(answer.usage().completionTokens()).isEqualTo(10);
    assertThat(answer.usage().promptTokens()).isEqualTo(4 * 3 + 2 + 2 + 1 + 1);
    assertThat(demo.chat(ask("ping"), context).join()).isEqualTo(answer);
  }

  @Test
  void chat_longMessage_isShortenedInTheEcho() {
    String answer = demo.chat(ask("y".repeat(500)), context).join().text();

    assertThat(answer).endsWith("y".repeat(200) + "…\"");
  }

  @Test
  void chat_noUserMessage_explainsItself() {
    ChatRequest request = ChatRequest.builder().model("demo").addMessage(Message.system("s")).build();

    assertThat(demo.chat(request, context).join().text()).contains("Send a user message");
  }

  @Test
  void stream_allDemand_chunksConcatenateToTheChatAnswerThenUsage() {
    List<ChatChunk> chunks = collect(demo.stream(ask("ping"), context));

    assertThat(chunks.get(0).choices().get(0).delta().role()).isEqualTo(Role.ASSISTANT);
    StringBuilder text = new StringBuilder();
    chunks.stream().filter(c -> c.text() != null).forEach(c -> text.append(c.text()));
    assertThat(text).hasToString(demo.chat(ask("ping"), context).join().text());
    ChatChunk finish = chunks.get(chunks.size() - 2);
    assertThat(finish.choices().get(0).finishReason()).isEqualTo(FinishReason.STOP);
    ChatChunk usage = chunks.get(chunks.size() - 1);
    assertThat(usage.choices()).isEmpty();
    assertThat(usage.usage().completionTokens()).isEqualTo(10);
  }

  @Test
  void stream_partialDemandThenCancel_emitsOnlyWhatWasRequested() {
    List<ChatChunk> received = new ArrayList<>();
    Flow.Subscription[] subscription = new Flow.Subscription[1];
    AtomicBoolean completed = new AtomicBoolean();
    demo.stream(ask("ping"), context).subscribe(new Flow.Subscriber<ChatChunk>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        subscription[0] = s;
      }

      @Override
      public void onNext(ChatChunk item) {
        received.add(item);
      }

      @Override
      public void onError(Throwable t) {
        throw new AssertionError(t);
      }

      @Override
      public void onComplete() {
        completed.set(true);
      }
    });

    assertThat(received).isEmpty();
    subscription[0].request(2);
    assertThat(received).hasSize(2);
    subscription[0].cancel();
    subscription[0].request(5);
    assertThat(received).hasSize(2);
    assertThat(completed).isFalse();
  }

  @Test
  void stream_maxTokens_cutsTheAnswerWithLength() {
    ChatRequest request = ask("ping").toBuilder().maxTokens(2).build();

    List<ChatChunk> chunks = collect(demo.stream(request, context));

    assertThat(chunks).hasSize(1 + 2 + 2);
    assertThat(chunks.get(3).choices().get(0).finishReason()).isEqualTo(FinishReason.LENGTH);
    assertThat(chunks.get(4).usage().completionTokens()).isEqualTo(2);
  }

  @Test
  void embed_sameInput_isDeterministicUnitLengthAndHonoursDimensions() {
    EmbeddingResponse first = demo.embed(EmbeddingRequest.builder().model("demo").input(List.of("a", "b")).build(),
        context).join();
    EmbeddingResponse wide = demo.embed(EmbeddingRequest.builder().model("demo").input("a").dimensions(20).build(),
        context).join();

    assertThat(first.data()).hasSize(2);
    assertThat(first.data().get(0).dimensions()).isEqualTo(DemoProvider.DEFAULT_DIMENSIONS);
    assertThat(first.data().get(0).vector()).isEqualTo(DemoProvider.vector("a", 8));
    assertThat(first.data().get(0).vector()).isNotEqualTo(first.data().get(1).vector());
    assertThat(wide.data().get(0).dimensions()).isEqualTo(20);
    double norm = 0;
    for (float x : wide.data().get(0).vector()) {
      norm += x * x;
    }
    assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    assertThat(first.usage().promptTokens()).isEqualTo(2);
  }

  private static List<ChatChunk> collect(Flow.Publisher<ChatChunk> publisher) {
    List<ChatChunk> chunks = new ArrayList<>();
    AtomicBoolean completed = new AtomicBoolean();
    publisher.subscribe(new Flow.Subscriber<ChatChunk>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(ChatChunk item) {
        chunks.add(item);
      }

      @Override
      public void onError(Throwable t) {
        throw new AssertionError(t);
      }

      @Override
      public void onComplete() {
        completed.set(true);
      }
    });
    assertThat(completed).as("completed synchronously").isTrue();
    return chunks;
  }
}

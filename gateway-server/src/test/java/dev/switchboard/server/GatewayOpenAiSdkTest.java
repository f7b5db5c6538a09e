package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gateway on the embedded default, driven by the official OpenAI Java SDK as any client would. */
class GatewayOpenAiSdkTest {

  private static Gateway gateway;
  private static OpenAIClient client;

  @BeforeAll
  static void start() {
    gateway = Gateway.start(GatewaySettings.builder().port(0).build());
    client = OpenAIOkHttpClient.builder()
        .baseUrl("http://127.0.0.1:" + gateway.port() + "/v1")
        .apiKey("unused")
        .maxRetries(0)
        .timeout(Duration.ofSeconds(30))
        .build();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void chat_demoModel_answersEchoingTheLastUserMessage() {
    ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("demo")
        .addSystemMessage("Be brief.")
        .addUserMessage("What is a switchboard?")
        .build());

    assertThat(completion.model()).isEqualTo("demo");
    assertThat(completion.choices()).hasSize(1);
    assertThat(completion.choices().get(0).message().content())
        .hasValue("This is the Switchboard demo provider, offline. You said: \"What is a switchboard?\"");
    assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(completion.usage()).hasValueSatisfying(u -> {
      assertThat(u.completionTokens()).isEqualTo(13);
      assertThat(u.totalTokens()).isEqualTo(u.promptTokens() + u.completionTokens());
    });
  }

  @Test
  void chat_maxTokensBelowAnswerLength_stopsWithLength() {
    ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("demo").addUserMessage("hello").maxCompletionTokens(3).build());

    assertThat(completion.choices().get(0).message().content()).hasValue("This is the");
    assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
  }

  @Test
  void stream_includeUsage_deliversTextChunksThenAUsageChunk() {
    List<ChatCompletionChunk> chunks;
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder()
            .model("demo")
            .addUserMessage("stream me")
            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
            .build())) {
      chunks = stream.stream().collect(Collectors.toList());
    }

    String text = chunks.stream()
        .filter(c -> !c.choices().isEmpty())
        .map(c -> c.choices().get(0).delta().content().orElse(""))
        .collect(Collectors.joining());
    assertThat(text).isEqualTo("This is the Switchboard demo provider, offline. You said: \"stream me\"");
    assertThat(chunks.size()).isGreaterThan(3);
    ChatCompletionChunk last = chunks.get(chunks.size() - 1);
    assertThat(last.choices()).isEmpty();
    assertThat(last.usage()).hasValueSatisfying(u -> assertThat(u.completionTokens()).isEqualTo(11));
    assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c -> assertThat(c.usage()).isEmpty());
  }

  @Test
  void stream_withoutStreamOptions_sendsNoUsageChunk() {
    List<ChatCompletionChunk> chunks;
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model("demo").addUserMessage("x").build())) {
      chunks = stream.stream().collect(Collectors.toList());
    }

    assertThat(chunks).isNotEmpty().allSatisfy(c -> {
      assertThat(c.choices()).hasSize(1);
      assertThat(c.usage()).isEmpty();
    });
  }

  @Test
  void embeddings_sameInput_returnsTheSameUnitVector() {
    EmbeddingCreateParams params = EmbeddingCreateParams.builder()
        .model("demo").inputOfArrayOfStrings(List.of("alpha", "beta")).build();

    CreateEmbeddingResponse first = client.embeddings().create(params);
    CreateEmbeddingResponse second = client.embeddings().create(params);

    assertThat(first.data()).hasSize(2);
    List<Float> alpha = first.data().get(0).embedding();
    assertThat(alpha).hasSize(8).isEqualTo(second.data().get(0).embedding());
    assertThat(alpha).isNotEqualTo(first.data().get(1).embedding());
    double norm = Math.sqrt(alpha.stream().mapToDouble(f -> f * f).sum());
    assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    assertThat(first.usage().promptTokens()).isPositive();
  }

  @Test
  void embeddings_base64EncodingFormat_decodesToTheSameVector() {
    CreateEmbeddingResponse floats = client.embeddings().create(EmbeddingCreateParams.builder()
        .model("demo").input("alpha").encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
    CreateEmbeddingResponse base64 = client.embeddings().create(EmbeddingCreateParams.builder()
        .model("demo").input("alpha").encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64).build());

    assertThat(base64.data().get(0).embedding()).isEqualTo(floats.data().get(0).embedding());
  }

  @Test
  void models_list_noProviderKeys_containsOnlyTheDemoGroup() {
    List<Model> models = client.models().list().data();

    assertThat(models).extracting(Model::id).containsExactly("demo");
    assertThat(models.get(0).ownedBy()).isEqualTo("switchboard");
  }

  @Test
  void models_retrieve_existingGroup_returnsIt() {
    Model model = client.models().retrieve("demo");

    assertThat(model.id()).isEqualTo("demo");
  }

  @Test
  void models_retrieve_unknownGroup_throwsNotFoundException() {
    assertThatThrownBy(() -> client.models().retrieve("gpt-7"))
        .isInstanceOfSatisfying(NotFoundException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(404);
          assertThat(e.code()).hasValue("model_not_found");
        });
  }

  @Test
  void chat_unknownModel_throwsNotFoundException() {
    assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("no-such-group").addUserMessage("hi").build()))
        .isInstanceOfSatisfying(NotFoundException.class, e -> {
          assertThat(e.code()).hasValue("model_not_found");
          assertThat(e.param()).hasValue("model");
          assertThat(e.headers().values("x-request-id")).hasSize(1);
        });
  }

  @Test
  void stream_unknownModel_throwsNotFoundExceptionBeforeAnyChunk() {
    assertThatThrownBy(() -> {
      try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
          ChatCompletionCreateParams.builder().model("no-such-group").addUserMessage("hi").build())) {
        stream.stream().count();
      }
    }).isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.code()).hasValue("model_not_found"));
  }

  @Test
  void chat_noMessages_throwsBadRequestExceptionNamingMessages() {
    assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("demo").messages(List.of()).build()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(400);
          assertThat(e.param()).hasValue("messages");
          assertThat(e.type()).hasValue("invalid_request_error");
        });
  }
}

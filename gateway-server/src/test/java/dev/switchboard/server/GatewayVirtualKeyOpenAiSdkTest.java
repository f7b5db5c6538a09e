package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official OpenAI Java SDK, authenticated with a virtual key the admin API created. */
class GatewayVirtualKeyOpenAiSdkTest {

  @TempDir
  static Path dir;
  private static TestGateway gw;
  private static String key;

  @BeforeAll
  static void start() throws Exception {
    gw = TestGateway.start(dir, TestGateway.config(dir));
    key = gw.createKey("{\"models\":[\"demo\"],\"user\":\"sdk-user\"}").get("key").asText();
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  private static OpenAIClient client(String apiKey) {
    return gw.openAiClient(apiKey);
  }

  @Test
  void chat_withAVirtualKey_answers() {
    OpenAIClient client = client(key);
    try {
      ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
          .model("demo").addUserMessage("hello").build());

      assertThat(completion.choices().get(0).message().content()).hasValueSatisfying(t ->
          assertThat(t).contains("hello"));
    } finally {
      client.close();
    }
  }

  @Test
  void chat_groupTheKeyMayNotUse_isPermissionDenied() {
    OpenAIClient client = client(key);
    try {
      assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
          .model("premium").addUserMessage("hello").build()))
          .isInstanceOfSatisfying(PermissionDeniedException.class, e -> assertThat(e.statusCode()).isEqualTo(403));
    } finally {
      client.close();
    }
  }

  @Test
  void chat_unknownKey_isUnauthorized() {
    OpenAIClient client = client("sk-sb-notAKeyThisGatewayEverIssued000000000000");
    try {
      assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
          .model("demo").addUserMessage("hello").build()))
          .isInstanceOf(UnauthorizedException.class);
    } finally {
      client.close();
    }
  }

  @Test
  void models_listsOnlyTheKeysGroups() {
    OpenAIClient client = client(key);
    try {
      List<String> ids = client.models().list().data().stream().map(Model::id).collect(Collectors.toList());

      assertThat(ids).containsExactly("demo");
    } finally {
      client.close();
    }
  }
}

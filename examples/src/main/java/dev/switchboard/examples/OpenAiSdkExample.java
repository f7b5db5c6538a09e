package dev.switchboard.examples;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.io.PrintStream;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Calls a running Switchboard gateway with the official OpenAI Java SDK: the gateway is just another
 * OpenAI base URL. Asks once for a whole answer and once for a streamed one.
 *
 * <p>Environment: {@code SWITCHBOARD_BASE_URL} (default {@value #DEFAULT_BASE_URL}),
 * {@code SWITCHBOARD_API_KEY} (a virtual key or the master key; any value for a gateway without
 * authentication) and {@code SWITCHBOARD_MODEL} (default {@value #DEFAULT_MODEL}, the gateway's
 * offline demo). Start a gateway with {@code java -jar gateway-server/target/switchboard-gateway.jar}.
 * The build runs this example against a gateway it starts (see {@code OpenAiSdkExampleTest}).
 */
public final class OpenAiSdkExample {

  static final String DEFAULT_BASE_URL = "http://localhost:8080/v1";
  static final String DEFAULT_MODEL = "demo";

  public static void main(String[] args) {
    run(System.getenv(), System.out);
  }

  static void run(Map<String, String> environment, PrintStream out) {
    String baseUrl = environment.getOrDefault("SWITCHBOARD_BASE_URL", DEFAULT_BASE_URL);
    String apiKey = environment.getOrDefault("SWITCHBOARD_API_KEY", "no-key-for-a-local-gateway");
    String model = environment.getOrDefault("SWITCHBOARD_MODEL", DEFAULT_MODEL);
    OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(baseUrl).apiKey(apiKey).build();
    try {
      out.println(ask(client, model, "What is a switchboard?"));
      stream(client, model, "Say it word by word.", out::print);
      out.println();
    } finally {
      client.close();
    }
  }

  static String ask(OpenAIClient client, String model, String question) {
    ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model(model)
        .addUserMessage(question)
        .build());
    return completion.choices().get(0).message().content().orElse("");
  }

  /** Streams the answer, handing each piece of text to {@code onText} as it arrives. */
  static void stream(OpenAIClient client, String model, String question, Consumer<String> onText) {
    try (StreamResponse<ChatCompletionChunk> chunks = client.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model(model).addUserMessage(question).build())) {
      chunks.stream()
          .filter(chunk -> !chunk.choices().isEmpty())
          .forEach(chunk -> chunk.choices().get(0).delta().content().ifPresent(onText));
    }
  }

  private OpenAiSdkExample() {}
}

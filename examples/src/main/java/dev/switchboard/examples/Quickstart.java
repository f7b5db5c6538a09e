package dev.switchboard.examples;

import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.spi.ProviderConfig;

/**
 * The README quickstart: one model group, two providers, fallback from the first to the second.
 *
 * <p>Run with {@code OPENAI_API_KEY} and {@code GROQ_API_KEY} set. The build runs it against local
 * mock servers (see {@code QuickstartTest}).
 */
public final class Quickstart {

  public static void main(String[] args) {
    try (Switchboard switchboard = create("https://api.openai.com/v1", System.getenv("OPENAI_API_KEY"),
        "https://api.groq.com/openai/v1", System.getenv("GROQ_API_KEY"))) {
      System.out.println(ask(switchboard, "Say hello in one word."));
    }
  }

  static Switchboard create(String openAiUrl, String openAiKey, String groqUrl, String groqKey) {
    return Switchboard.builder()
        .provider(ProviderConfig.builder().name("openai").type("openai").baseUrl(openAiUrl).apiKey(openAiKey).build())
        .provider(ProviderConfig.builder().name("groq").type("groq").baseUrl(groqUrl).apiKey(groqKey).build())
        .modelGroup(ModelGroup.builder("fast")              // the name callers use
            .deployment("openai", "gpt-4o-mini")            // tried first
            .deployment("groq", "llama-3.1-8b-instant")     // on 429, 5xx, timeouts, connection failures
            .build())
        .retryPolicy(RetryPolicy.custom().maxRetries(1).build())
        .build();
  }

  static String ask(Switchboard switchboard, String question) {
    ChatResponse answer = switchboard.chatBlocking(ChatRequest.builder()
        .model("fast")
        .addMessage(Message.user(question))
        .build());
    return answer.text() + "  (answered by " + answer.route().deployment() + ")";
  }

  private Quickstart() {}
}

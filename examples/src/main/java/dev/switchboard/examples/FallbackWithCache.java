package dev.switchboard.examples;

import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.cache.CacheMode;
import dev.switchboard.core.cache.CacheSettings;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.RouteInfo;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.spi.ProviderConfig;
import java.time.Duration;

/**
 * The SDK embedded in a plain {@code main}, with fallback and a response cache: one model group over
 * two providers, and the same deterministic question asked twice, the second time answered from
 * the cache without an upstream call.
 *
 * <p>Run with {@code OPENAI_API_KEY} and {@code GROQ_API_KEY} set. The build runs it against local
 * mock servers, with OpenAI failing (see {@code FallbackWithCacheTest}).
 */
public final class FallbackWithCache {

  public static void main(String[] args) {
    try (Switchboard switchboard = create("https://api.openai.com/v1", System.getenv("OPENAI_API_KEY"),
        "https://api.groq.com/openai/v1", System.getenv("GROQ_API_KEY"))) {
      ChatRequest question = question("What is the capital of France? One word.");
      System.out.println(ask(switchboard, question)); // from a provider
      System.out.println(ask(switchboard, question)); // from the cache
    }
  }

  static Switchboard create(String openAiUrl, String openAiKey, String groqUrl, String groqKey) {
    return Switchboard.builder()
        .provider(ProviderConfig.builder().name("openai").type("openai").baseUrl(openAiUrl).apiKey(openAiKey).build())
        .provider(ProviderConfig.builder().name("groq").type("groq").baseUrl(groqUrl).apiKey(groqKey).build())
        .modelGroup(ModelGroup.builder("fast")
            .deployment("openai", "gpt-4o-mini")            // tried first
            .deployment("groq", "llama-3.1-8b-instant")     // on 429, 5xx, timeouts, connection failures
            .build())
        .retryPolicy(RetryPolicy.custom().maxRetries(1).build())
        // Deterministic calls (temperature 0 or a seed) are answered from memory for ten minutes.
        .cache(CacheSettings.builder().mode(CacheMode.DETERMINISTIC_ONLY).ttl(Duration.ofMinutes(10)).build())
        .build();
  }

  /** A question with temperature 0: the same question gets the same answer, so it may be cached. */
  static ChatRequest question(String text) {
    return ChatRequest.builder().model("fast").temperature(0.0).addMessage(Message.user(text)).build();
  }

  static String ask(Switchboard switchboard, ChatRequest question) {
    ChatResponse answer = switchboard.chatBlocking(question);
    RouteInfo route = answer.route();
    String from = route.cache().startsWith("hit")
        ? "from the cache (" + route.cache() + ")"
        : "answered by " + route.deployment() + " after " + route.fallbacks() + " fallback(s), cache " + route.cache();
    return answer.text() + "  (" + from + ")";
  }

  private FallbackWithCache() {}
}

package dev.switchboard.providers.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.spi.ProviderConfig;
import java.time.Duration;

/** OpenAI-shaped upstream answers and the Switchboard pieces the end-to-end tests share. */
final class Upstreams {

  static final String CHAT_PATH = "/v1/chat/completions";

  private Upstreams() {}

  /** An account {@code name} of type {@code openai} at the server's {@code /v1}, key {@code sk-test-<name>}. */
  static ProviderConfig account(String name, WireMockExtension server) {
    return account(name, server.baseUrl() + "/v1");
  }

  static ProviderConfig account(String name, String baseUrl) {
    return ProviderConfig.builder().name(name).type("openai").baseUrl(baseUrl).apiKey("sk-test-" + name).build();
  }

  /** Retries without waiting, so that tests never wait for backoff. */
  static RetryPolicy retries(int maxRetries) {
    return RetryPolicy.custom().maxRetries(maxRetries).initialBackoff(Duration.ZERO).maxBackoff(Duration.ZERO)
        .jitter(0).build();
  }

  static ChatRequest hello(String group) {
    return ChatRequest.builder().model(group).addMessage(Message.user("Say this is a test")).build();
  }

  static MappingBuilder chat() {
    return post(urlEqualTo(CHAT_PATH));
  }

  static com.github.tomakehurst.wiremock.matching.RequestPatternBuilder chatRequests() {
    return postRequestedFor(urlEqualTo(CHAT_PATH));
  }

  /** A 200 chat completion whose message says {@code text}. */
  static ResponseDefinitionBuilder completion(String text) {
    return okJson("{\"id\":\"chatcmpl-e2e\",\"object\":\"chat.completion\",\"created\":1741569952,"
        + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
        + "\"content\":\"" + text + "\",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,"
        + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5,\"total_tokens\":17,"
        + "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},\"completion_tokens_details\":"
        + "{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,"
        + "\"rejected_prediction_tokens\":0}},\"service_tier\":\"default\",\"system_fingerprint\":\"fp_e2e\"}");
  }

  /** An OpenAI error answer. */
  static ResponseDefinitionBuilder error(int status, String message, String type, String code) {
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
        .withBody("{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type + "\",\"param\":null,\"code\":"
            + (code == null ? "null" : "\"" + code + "\"") + "}}");
  }

  /** One SSE event carrying a content delta. */
  static String contentEvent(String text) {
    return "data: {\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,"
        + "\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_e2e\",\"choices\":[{\"index\":0,"
        + "\"delta\":{\"content\":\"" + text + "\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n";
  }

  /** A whole OpenAI stream: role, the words, finish, usage-only chunk, [DONE]. */
  static ResponseDefinitionBuilder textStream(String... words) {
    StringBuilder body = new StringBuilder();
    body.append("data: {\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,"
        + "\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_e2e\",\"choices\":[{\"index\":0,"
        + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}],"
        + "\"usage\":null}\n\n");
    for (String word : words) {
      body.append(contentEvent(word));
    }
    body.append("data: {\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,"
        + "\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_e2e\",\"choices\":[{\"index\":0,\"delta\":{},"
        + "\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null}\n\n");
    body.append("data: {\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,"
        + "\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_e2e\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,"
        + "\"completion_tokens\":" + words.length + ",\"total_tokens\":" + (9 + words.length) + "}}\n\n");
    body.append("data: [DONE]\n\n");
    return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(body.toString());
  }
}

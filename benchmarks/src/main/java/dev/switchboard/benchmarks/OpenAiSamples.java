package dev.switchboard.benchmarks;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI wire samples as {@code api.openai.com} sends them today (field order, {@code logprobs: null},
 * {@code usage: null} on every chunk of a stream that asked for usage, {@code service_tier},
 * {@code system_fingerprint}, the usage details): the answers of the mock upstream and the input of
 * the SSE parse benchmark, so that both see the bytes a real provider sends.
 */
public final class OpenAiSamples {

  /** The id of every sample answer. */
  public static final String ID = "chatcmpl-BmockQx7f3aLr9Yk2hZp0TnWc4s";
  /** The model every sample answer names. */
  public static final String MODEL = "gpt-4o-mini-2024-07-18";

  private static final long CREATED = 1_750_000_000L;
  private static final String FINGERPRINT = "fp_34a54ae93c";
  private static final String HEAD = "{\"id\":\"" + ID + "\",\"object\":\"chat.completion.chunk\",\"created\":" + CREATED
      + ",\"model\":\"" + MODEL + "\",\"service_tier\":\"default\",\"system_fingerprint\":\"" + FINGERPRINT
      + "\",\"choices\":[";
  /** Tokens of a typical answer, as OpenAI splits them into content deltas (about one token each). */
  private static final String[] TOKENS = {"Paris", " is", " the", " capital", " of", " France", ",", " known",
      " for", " the", " Eiffel", " Tower", ",", " the", " Louvre", " museum", " and", " its", " caf\u00e9s", ".",
      " It", " has", " been", " a", " centre", " of", " art", ",", " fashion", " and", " science", " for",
      " centuries", ";", " about", " 2", ".1", " million", " people", " live", " in", " the", " city", " proper",
      " and", " over", " 12", " million", " in", " its", " metropolitan", " area", "."};

  private OpenAiSamples() {}

  /** A whole {@code chat.completion} answer of {@code completionTokens} tokens (at least 1), as JSON bytes. */
  public static byte[] chatCompletion(int completionTokens) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < Math.max(1, completionTokens); i++) {
      text.append(TOKENS[i % TOKENS.length]);
    }
    String json = "{\"id\":\"" + ID + "\",\"object\":\"chat.completion\",\"created\":" + CREATED + ",\"model\":\""
        + MODEL + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + text
        + "\",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
        + usage(completionTokens) + ",\"service_tier\":\"default\",\"system_fingerprint\":\"" + FINGERPRINT + "\"}";
    return json.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The server-sent events of a streamed answer with {@code contentChunks} content deltas (at least
   * 1), one element per event ({@code data: …\n\n}): the role, the content deltas, the finish
   * reason, the usage chunk ({@code choices: []}) and {@code data: [DONE]}.
   */
  public static List<byte[]> streamEvents(int contentChunks) {
    int n = Math.max(1, contentChunks);
    List<byte[]> events = new ArrayList<>(n + 4);
    events.add(event(HEAD + "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
        + "\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}"));
    for (int i = 0; i < n; i++) {
      events.add(event(HEAD + "{\"index\":0,\"delta\":{\"content\":\"" + TOKENS[i % TOKENS.length] + "\"},"
          + "\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}"));
    }
    events.add(event(HEAD + "{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
        + "\"usage\":null}"));
    events.add(event(HEAD + "]," + usage(n) + "}"));
    events.add("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    return events;
  }

  /** {@link #streamEvents} as one body. */
  public static byte[] stream(int contentChunks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] e : streamEvents(contentChunks)) {
      out.writeBytes(e);
    }
    return out.toByteArray();
  }

  private static String usage(int completionTokens) {
    return "\"usage\":{\"prompt_tokens\":42,\"completion_tokens\":" + completionTokens + ",\"total_tokens\":"
        + (42 + completionTokens) + ",\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
        + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
        + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}";
  }

  private static byte[] event(String json) {
    return ("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
  }
}

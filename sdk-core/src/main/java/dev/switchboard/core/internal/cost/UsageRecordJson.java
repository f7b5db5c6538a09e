package dev.switchboard.core.internal.cost;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.switchboard.core.cost.UsageRecord;
import dev.switchboard.core.internal.json.PlainJson;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;

/** One {@link UsageRecord} as a single-line JSON object (the JSON-lines sink's format). */
public final class UsageRecordJson {

  private UsageRecordJson() {}

  public static String write(UsageRecord r) {
    StringWriter w = new StringWriter(512);
    try (JsonGenerator g = PlainJson.FACTORY.createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("id", r.id());
      g.writeStringField("request_id", r.requestId());
      g.writeStringField("time", r.time().toString());
      g.writeStringField("operation", r.operation().name().toLowerCase(java.util.Locale.ROOT));
      g.writeBooleanField("stream", r.stream());
      g.writeStringField("key_id", r.keyId());
      g.writeStringField("user", r.user());
      g.writeStringField("team", r.team());
      g.writeStringField("model_group", r.modelGroup());
      g.writeStringField("downgraded_from", r.downgradedFrom());
      g.writeStringField("deployment", r.deployment());
      g.writeStringField("provider", r.provider());
      g.writeStringField("upstream_model", r.upstreamModel());
      g.writeNumberField("prompt_tokens", r.usage().promptTokens());
      g.writeNumberField("completion_tokens", r.usage().completionTokens());
      g.writeNumberField("cached_tokens", r.usage().cachedTokens());
      g.writeNumberField("cache_creation_tokens", r.usage().cacheCreationTokens());
      g.writeNumberField("reasoning_tokens", r.usage().reasoningTokens());
      g.writeBooleanField("estimated", r.estimated());
      // a string, so that no JSON reader turns the exact amount into a binary double
      g.writeStringField("cost", r.cost().isKnown() ? r.cost().money().amount().toPlainString() : null);
      g.writeBooleanField("cost_known", r.cost().isKnown());
      g.writeNumberField("latency_ms", r.latency().toMillis());
      Duration ttft = r.timeToFirstToken();
      if (ttft == null) {
        g.writeNullField("time_to_first_token_ms");
      } else {
        g.writeNumberField("time_to_first_token_ms", ttft.toMillis());
      }
      g.writeStringField("status", r.status().name().toLowerCase(java.util.Locale.ROOT));
      g.writeStringField("error_type", r.errorType());
      g.writeStringField("cache", r.cache());
      g.writeNumberField("attempts", r.attempts());
      g.writeNumberField("fallbacks", r.fallbacks());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }
}

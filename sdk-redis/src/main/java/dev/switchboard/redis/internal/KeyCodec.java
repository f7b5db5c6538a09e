package dev.switchboard.redis.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.auth.VirtualKey;
import dev.switchboard.core.cost.Budget;
import dev.switchboard.core.cost.Money;
import dev.switchboard.core.cost.SpendPeriod;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link VirtualKey} without its revocation time as JSON, field by field (never by reflection, so
 * that renaming a Java field cannot change what is stored):
 * {@code {"v":1,"id","hash","displayPrefix","createdAt","models":[],"tier","limits":{},"budget":{…},
 * "user","team","expiresAt"}}, absent optional fields left out. Times are ISO-8601 instants, money
 * nano-dollars, thresholds decimal strings (their scale kept). The revocation time is stored apart, so
 * that revoking is one {@code HSETNX}. Stateless.
 */
public final class KeyCodec {

  static final int VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  private KeyCodec() {}

  /** The key's fields but {@link VirtualKey#revokedAt()}. */
  public static String write(VirtualKey k) {
    ObjectNode o = JSON.createObjectNode();
    o.put("v", VERSION);
    o.put("id", k.id());
    o.put("hash", k.hash());
    o.put("displayPrefix", k.displayPrefix());
    o.put("createdAt", k.createdAt().toString());
    ArrayNode models = o.putArray("models");
    k.models().forEach(models::add);
    if (k.tier() != null) {
      o.put("tier", k.tier());
    }
    ObjectNode limits = o.putObject("limits");
    k.limits().forEach(limits::put);
    Budget b = k.budget();
    if (b != null) {
      ObjectNode budget = o.putObject("budget");
      budget.put("period", b.period().name());
      budget.put("limitNanos", b.limit().nanos());
      ArrayNode thresholds = budget.putArray("thresholds");
      b.thresholds().forEach(t -> thresholds.add(t.toString()));
      if (b.downgradeTo() != null) {
        budget.put("downgradeTo", b.downgradeTo());
      }
    }
    if (k.user() != null) {
      o.put("user", k.user());
    }
    if (k.team() != null) {
      o.put("team", k.team());
    }
    if (k.expiresAt() != null) {
      o.put("expiresAt", k.expiresAt().toString());
    }
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The key stored as {@code json}, revoked at {@code revokedAt} (null: not revoked).
   *
   * @throws IllegalStateException if {@code json} is not a stored key
   */
  public static VirtualKey read(String json, Instant revokedAt) {
    JsonNode o;
    try {
      o = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored key is not JSON: " + e.getOriginalMessage(), e);
    }
    if (o == null || o.path("v").asInt() != VERSION) {
      throw new IllegalStateException("a stored key has version " + (o == null ? null : o.path("v"))
          + "; this version reads " + VERSION);
    }
    try {
      String id = o.get("id").asText();
      VirtualKey.Builder k = VirtualKey.builder(id, o.get("hash").asText(), o.get("displayPrefix").asText(),
          Instant.parse(o.get("createdAt").asText()));
      List<String> models = new ArrayList<>();
      o.path("models").forEach(m -> models.add(m.asText()));
      k.models(models);
      k.tier(text(o, "tier"));
      Map<String, Long> limits = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = o.path("limits").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        limits.put(e.getKey(), e.getValue().asLong());
      }
      k.limits(limits);
      JsonNode b = o.get("budget");
      if (b != null) {
        Budget.Builder budget = Budget.builder(Budget.Scope.KEY, SpendPeriod.valueOf(b.get("period").asText()),
            Money.ofNanos(b.get("limitNanos").asLong())).subject(id);
        List<BigDecimal> thresholds = new ArrayList<>();
        b.path("thresholds").forEach(t -> thresholds.add(new BigDecimal(t.asText())));
        budget.thresholds(thresholds.toArray(new BigDecimal[0]));
        String downgradeTo = text(b, "downgradeTo");
        if (downgradeTo != null) {
          budget.downgradeTo(downgradeTo);
        }
        k.budget(budget.build());
      }
      k.user(text(o, "user"));
      k.team(text(o, "team"));
      String expiresAt = text(o, "expiresAt");
      k.expiresAt(expiresAt == null ? null : Instant.parse(expiresAt));
      k.revokedAt(revokedAt);
      return k.build();
    } catch (RuntimeException e) {
      throw new IllegalStateException("a stored key cannot be read: " + e, e);
    }
  }

  private static String text(JsonNode o, String field) {
    JsonNode n = o.get(field);
    return n == null || n.isNull() ? null : n.asText();
  }
}

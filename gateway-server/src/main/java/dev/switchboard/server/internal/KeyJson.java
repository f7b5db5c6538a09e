package dev.switchboard.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.auth.VirtualKey;
import dev.switchboard.core.cost.Budget;
import dev.switchboard.core.cost.Money;
import dev.switchboard.core.cost.SpendPeriod;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A virtual key as JSON, in the admin API's and the key file's names ({@code models}, {@code limits},
 * {@code budget: {limit-usd, period, on-exceeded}}, {@code expires-at}, …). Never the key itself: the
 * file adds the hash ({@code sha256}), the admin API adds nothing.
 */
final class KeyJson {

  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private KeyJson() {}

  /** The fields every view shows; {@code withHash} adds the SHA-256 (for the file only). */
  static ObjectNode write(VirtualKey k, boolean withHash) {
    ObjectNode o = NODES.objectNode();
    o.put("id", k.id());
    if (withHash) {
      o.put("sha256", k.hash());
    }
    o.put("key-prefix", k.displayPrefix());
    ArrayNode models = o.putArray("models");
    k.models().forEach(models::add);
    o.put("tier", k.tier());
    ObjectNode limits = o.putObject("limits");
    k.limits().forEach(limits::put);
    if (k.budget() == null) {
      o.putNull("budget");
    } else {
      o.set("budget", budget(k.budget()));
    }
    o.put("user", k.user());
    o.put("team", k.team());
    o.put("created-at", k.createdAt().toString());
    o.put("expires-at", k.expiresAt() == null ? null : k.expiresAt().toString());
    o.put("revoked-at", k.revokedAt() == null ? null : k.revokedAt().toString());
    return o;
  }

  static ObjectNode budget(Budget b) {
    ObjectNode o = NODES.objectNode();
    o.put("limit-usd", b.limit().amount().stripTrailingZeros());
    o.put("period", b.period().name().toLowerCase(Locale.ROOT));
    o.put("on-exceeded", b.downgradeTo() == null ? "reject" : "downgrade:" + b.downgradeTo());
    ArrayNode alertAt = o.putArray("alert-at");
    b.thresholds().forEach(alertAt::add);
    return o;
  }

  /**
   * Reads a key as {@link #write(VirtualKey, boolean) write(k, true)} wrote it.
   *
   * @throws IllegalArgumentException naming the field when the JSON is not such a key
   */
  static VirtualKey read(JsonNode o) {
    if (!o.isObject()) {
      throw new IllegalArgumentException("a key must be an object");
    }
    String id = text(o, "id", true);
    VirtualKey.Builder b = VirtualKey.builder(id, text(o, "sha256", true), text(o, "key-prefix", true),
        instant(o, "created-at", true));
    List<String> models = new ArrayList<>();
    JsonNode m = o.get("models");
    if (m != null && m.isArray()) {
      m.forEach(n -> models.add(n.asText()));
    }
    b.models(models);
    b.tier(text(o, "tier", false));
    JsonNode limits = o.get("limits");
    if (limits != null && limits.isObject()) {
      for (Map.Entry<String, JsonNode> e : limits.properties()) {
        b.limit(e.getKey(), e.getValue().asLong());
      }
    }
    JsonNode budget = o.get("budget");
    if (budget != null && budget.isObject()) {
      b.budget(readBudget(id, budget));
    }
    b.user(text(o, "user", false)).team(text(o, "team", false));
    b.expiresAt(instant(o, "expires-at", false)).revokedAt(instant(o, "revoked-at", false));
    return b.build();
  }

  private static Budget readBudget(String keyId, JsonNode o) {
    Budget.Builder b = Budget.builder(Budget.Scope.KEY,
        SpendPeriod.valueOf(text(o, "period", true).toUpperCase(Locale.ROOT)),
        Money.of(new BigDecimal(text(o, "limit-usd", true)))).subject(keyId);
    String onExceeded = text(o, "on-exceeded", true);
    if (onExceeded.startsWith("downgrade:")) {
      b.downgradeTo(onExceeded.substring("downgrade:".length()));
    }
    JsonNode alertAt = o.get("alert-at");
    if (alertAt != null && alertAt.isArray() && !alertAt.isEmpty()) {
      BigDecimal[] t = new BigDecimal[alertAt.size()];
      for (int i = 0; i < t.length; i++) {
        t[i] = new BigDecimal(alertAt.get(i).asText());
      }
      b.thresholds(t);
    }
    return b.build();
  }

  private static String text(JsonNode o, String field, boolean required) {
    JsonNode n = o.get(field);
    if (n == null || n.isNull()) {
      if (required) {
        throw new IllegalArgumentException("field '" + field + "' is missing");
      }
      return null;
    }
    return n.asText();
  }

  private static Instant instant(JsonNode o, String field, boolean required) {
    String s = text(o, field, required);
    return s == null ? null : Instant.parse(s);
  }
}

package dev.switchboard.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.core.auth.KeyStore;
import dev.switchboard.core.auth.VirtualKey;
import dev.switchboard.core.cost.Budget;
import dev.switchboard.core.cost.Money;
import dev.switchboard.core.cost.SpendPeriod;
import dev.switchboard.core.cost.UsageDimension;
import dev.switchboard.core.cost.UsageTotals;
import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.InvalidRequestException;
import dev.switchboard.core.error.NotFoundException;
import dev.switchboard.core.model.ModelInfo;
import dev.switchboard.core.ratelimit.Limit;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The admin API, for the master key only (the router checks that):
 * <ul>
 *   <li>{@code POST /admin/keys} with {@code {"models", "limits", "budget": {"limit-usd", "period",
 *       "on-exceeded"}, "tier", "user", "team", "expires-at"}}: creates a virtual key and returns it,
 *       the only time it is ever shown, with its id and metadata (201).
 *   <li>{@code GET /admin/keys}, {@code GET /admin/keys/{id}}: keys without secrets.
 *   <li>{@code DELETE /admin/keys/{id}}: revokes the key, effective for the next request.
 *   <li>{@code GET /admin/spend?group-by=key|user|team|model|upstream-model|provider&from=&to=}:
 *       spend and tokens per value over UTC days (ISO dates, both included; default: this month so
 *       far).
 * </ul>
 * Errors are OpenAI-shaped and name the parameter.
 */
final class AdminHandler {

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .setNodeFactory(KeyJson.NODES);
  private static final Set<String> CREATE_FIELDS = new LinkedHashSet<>(List.of("models", "limits", "budget", "tier",
      "user", "team", "expires-at"));
  private static final Set<String> BUDGET_FIELDS = new LinkedHashSet<>(List.of("limit-usd", "period",
      "on-exceeded"));
  private static final Map<String, UsageDimension> GROUP_BY = new LinkedHashMap<>();

  static {
    GROUP_BY.put("key", UsageDimension.KEY);
    GROUP_BY.put("user", UsageDimension.USER);
    GROUP_BY.put("team", UsageDimension.TEAM);
    GROUP_BY.put("model", UsageDimension.GROUP);
    GROUP_BY.put("upstream-model", UsageDimension.MODEL);
    GROUP_BY.put("provider", UsageDimension.PROVIDER);
  }

  private final Switchboard switchboard;
  private final KeyStore keys;
  private final List<BigDecimal> alertAt; // null: the SDK's default thresholds
  private final Clock clock;

  AdminHandler(Switchboard switchboard, KeyStore keys, List<BigDecimal> alertAt, Clock clock) {
    this.switchboard = switchboard;
    this.keys = keys;
    this.alertAt = alertAt == null ? null : List.copyOf(alertAt);
    this.clock = clock;
  }

  // ---- keys

  void createKey(RoutingContext ctx) {
    String requestId = ctx.get(GatewayRouter.REQUEST_ID_KEY);
    String secret = ApiKeys.generate();
    VirtualKey key;
    try {
      key = parseCreate(GatewayRouter.bodyBytes(ctx), secret, requestId);
    } catch (InvalidRequestException e) {
      ErrorResponses.send(ctx, e);
      return;
    }
    CompletableFuture<Void> stored = keys.create(key).thenRun(() -> {
      if (key.budget() != null) {
        switchboard.budgets().put(key.budget());
      }
    });
    reply(ctx, stored, v -> {
      ObjectNode out = JSON.createObjectNode();
      out.put("object", "key");
      out.put("key", secret);
      out.setAll(KeyJson.write(key, false));
      ctx.response().setStatusCode(201);
      return out;
    });
  }

  void listKeys(RoutingContext ctx) {
    reply(ctx, keys.list(), list -> {
      ObjectNode out = JSON.createObjectNode();
      out.put("object", "list");
      ArrayNode data = out.putArray("data");
      list.forEach(k -> data.add(keyView(k)));
      return out;
    });
  }

  void getKey(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String requestId = ctx.get(GatewayRouter.REQUEST_ID_KEY);
    reply(ctx, keys.findById(id), found -> keyView(found.orElseThrow(() -> keyNotFound(id, requestId))));
  }

  void revokeKey(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String requestId = ctx.get(GatewayRouter.REQUEST_ID_KEY);
    reply(ctx, keys.revoke(id, clock.instant()), revoked -> {
      VirtualKey k = revoked.orElseThrow(() -> keyNotFound(id, requestId));
      if (k.budget() != null) {
        switchboard.budgets().remove(k.budget().name());
      }
      return keyView(k);
    });
  }

  private static ObjectNode keyView(VirtualKey k) {
    ObjectNode out = JSON.createObjectNode();
    out.put("object", "key");
    out.setAll(KeyJson.write(k, false));
    return out;
  }

  private static NotFoundException keyNotFound(String id, String requestId) {
    return new NotFoundException("No key with id '" + id + "'",
        ErrorDetails.builder().param("id").code("key_not_found").requestId(requestId).build());
  }

  private VirtualKey parseCreate(byte[] body, String secret, String requestId) {
    JsonNode root;
    try {
      root = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new InvalidRequestException("the request body is not valid JSON: " + e.getOriginalMessage(),
          ErrorDetails.builder().code("invalid_json").requestId(requestId).build());
    } catch (java.io.IOException e) {
      throw new InvalidRequestException("the request body cannot be read", ErrorDetails.builder()
          .code("invalid_json").requestId(requestId).build());
    }
    if (root == null || !root.isObject()) {
      throw invalid("the request body must be a JSON object", null, requestId);
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!CREATE_FIELDS.contains(f)) {
        throw invalid("unknown parameter '" + f + "'; expected " + String.join(", ", CREATE_FIELDS), f, requestId);
      }
    }
    Instant now = clock.instant();
    String id = ApiKeys.newId();
    VirtualKey.Builder b = VirtualKey.builder(id, ApiKeys.hash(secret), ApiKeys.displayPrefix(secret), now);

    JsonNode models = root.get("models");
    if (models != null && !models.isNull()) {
      if (!models.isArray()) {
        throw invalid("'models' must be a list of model group names", "models", requestId);
      }
      Set<String> configured = new LinkedHashSet<>();
      for (ModelInfo m : switchboard.models()) {
        configured.add(m.id());
      }
      List<String> list = new ArrayList<>();
      for (int i = 0; i < models.size(); i++) {
        JsonNode m = models.get(i);
        if (!m.isTextual() || m.textValue().isBlank()) {
          throw invalid("models[" + i + "] must be a model group name", "models[" + i + "]", requestId);
        }
        if (!configured.contains(m.textValue())) {
          throw invalid("unknown model group '" + m.textValue() + "'; configured: " + String.join(", ", configured),
              "models[" + i + "]", requestId);
        }
        list.add(m.textValue());
      }
      b.models(list);
    }

    JsonNode limits = root.get("limits");
    if (limits != null && !limits.isNull()) {
      if (!limits.isObject()) {
        throw invalid("'limits' must be an object such as {\"requests-per-minute\": 10}", "limits", requestId);
      }
      for (Map.Entry<String, JsonNode> e : limits.properties()) {
        String param = "limits." + e.getKey();
        if (!Limit.SETTING_NAMES.contains(e.getKey())) {
          throw invalid("unknown limit '" + e.getKey() + "'; expected one of " + String.join(", ",
              Limit.SETTING_NAMES), param, requestId);
        }
        JsonNode v = e.getValue();
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 1) {
          throw invalid(param + " must be a whole number >= 1", param, requestId);
        }
        try { // the key's limits become these at every call: one that cannot be built is refused now
          Limit.ofSetting(e.getKey(), v.longValue());
        } catch (IllegalArgumentException tooLarge) {
          throw invalid(param + ": " + tooLarge.getMessage(), param, requestId);
        }
        b.limit(e.getKey(), v.longValue());
      }
    }

    JsonNode budget = root.get("budget");
    if (budget != null && !budget.isNull()) {
      b.budget(parseBudget(budget, id, requestId));
    }
    b.tier(text(root, "tier", requestId)).user(text(root, "user", requestId)).team(text(root, "team", requestId));

    String expires = text(root, "expires-at", requestId);
    if (expires != null) {
      Instant at;
      try {
        at = java.time.OffsetDateTime.parse(expires).toInstant();
      } catch (DateTimeParseException e) {
        throw invalid("'expires-at' must be an ISO-8601 time with offset such as 2026-12-31T23:59:59Z but was '"
            + expires + "'", "expires-at", requestId);
      }
      if (!at.isAfter(now)) {
        throw invalid("'expires-at' must be in the future but was " + at, "expires-at", requestId);
      }
      b.expiresAt(at);
    }
    return b.build();
  }

  private Budget parseBudget(JsonNode budget, String keyId, String requestId) {
    if (!budget.isObject()) {
      throw invalid("'budget' must be an object such as {\"limit-usd\": 5, \"period\": \"month\"}", "budget",
          requestId);
    }
    for (Iterator<String> it = budget.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!BUDGET_FIELDS.contains(f)) {
        throw invalid("unknown budget parameter '" + f + "'; expected " + String.join(", ", BUDGET_FIELDS),
            "budget." + f, requestId);
      }
    }
    JsonNode limitNode = budget.get("limit-usd");
    if (limitNode == null || !limitNode.isNumber() || limitNode.decimalValue().signum() <= 0) {
      throw invalid("budget.limit-usd must be a number of US dollars above 0", "budget.limit-usd", requestId);
    }
    String periodText = text(budget, "period", requestId);
    SpendPeriod period = SpendPeriod.MONTH;
    if (periodText != null) {
      try {
        period = SpendPeriod.valueOf(periodText.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw invalid("budget.period must be day, month or total but was '" + periodText + "'", "budget.period",
            requestId);
      }
    }
    Money limit;
    try {
      limit = Money.of(limitNode.decimalValue());
    } catch (ArithmeticException e) {
      throw invalid("budget.limit-usd is too large", "budget.limit-usd", requestId);
    }
    if (limit.isZero()) {
      throw invalid("budget.limit-usd must be a number of US dollars above 0", "budget.limit-usd", requestId);
    }
    Budget.Builder b = Budget.builder(Budget.Scope.KEY, period, limit).subject(keyId);
    if (alertAt != null) {
      b.thresholds(alertAt.toArray(new BigDecimal[0]));
    }
    String onExceeded = text(budget, "on-exceeded", requestId);
    if (onExceeded != null && !onExceeded.equals("reject")) {
      String group = onExceeded.startsWith("downgrade:") ? onExceeded.substring("downgrade:".length()) : null;
      if (group == null || group.isBlank()) {
        throw invalid("budget.on-exceeded must be reject or downgrade:<model group> but was '" + onExceeded + "'",
            "budget.on-exceeded", requestId);
      }
      if (switchboard.models().stream().noneMatch(m -> m.id().equals(group))) {
        throw invalid("budget.on-exceeded downgrades to unknown model group '" + group + "'", "budget.on-exceeded",
            requestId);
      }
      b.downgradeTo(group);
    }
    return b.build();
  }

  // ---- spend

  void spend(RoutingContext ctx) {
    String requestId = ctx.get(GatewayRouter.REQUEST_ID_KEY);
    String groupBy = ctx.request().getParam("group-by", "key");
    UsageDimension dimension = GROUP_BY.get(groupBy);
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    LocalDate from;
    LocalDate to;
    try {
      if (dimension == null) {
        throw invalid("group-by must be one of " + String.join(", ", GROUP_BY.keySet()) + " but was '" + groupBy
            + "'", "group-by", requestId);
      }
      from = date(ctx.request().getParam("from"), today.withDayOfMonth(1), "from", requestId);
      to = date(ctx.request().getParam("to"), today, "to", requestId);
      if (from.isAfter(to)) {
        throw invalid("from (" + from + ") must not be after to (" + to + ")", "from", requestId);
      }
    } catch (InvalidRequestException e) {
      ErrorResponses.send(ctx, e);
      return;
    }
    // Read your writes: calls that ended before this request are counted (within a short wait).
    CompletableFuture<Map<String, UsageTotals>> totals = switchboard.costs().flush()
        .completeOnTimeout(null, 2, TimeUnit.SECONDS)
        .exceptionally(e -> null)
        .thenCompose(v -> switchboard.costs().totals(dimension, from, to));
    CompletableFuture<Map<String, String>> prefixes = dimension == UsageDimension.KEY
        ? keys.list().thenApply(list -> {
          Map<String, String> m = new HashMap<>();
          list.forEach(k -> m.put(k.id(), k.displayPrefix()));
          return m;
        }) : CompletableFuture.completedFuture(Map.of());
    reply(ctx, totals.thenCombine(prefixes, (t, p) -> {
      ObjectNode out = JSON.createObjectNode();
      out.put("object", "spend");
      out.put("group-by", groupBy);
      out.put("from", from.toString());
      out.put("to", to.toString());
      ArrayNode data = out.putArray("data");
      List<Map.Entry<String, UsageTotals>> rows = new ArrayList<>(t.entrySet());
      rows.sort(Comparator.<Map.Entry<String, UsageTotals>, Money>comparing(e -> e.getValue().cost()).reversed()
          .thenComparing(Map.Entry::getKey));
      UsageTotals sum = UsageTotals.ZERO;
      for (Map.Entry<String, UsageTotals> e : rows) {
        ObjectNode row = data.addObject();
        row.put(groupBy, e.getKey());
        if (p.containsKey(e.getKey())) {
          row.put("key-prefix", p.get(e.getKey()));
        }
        totals(row, e.getValue());
        sum = sum.plus(e.getValue());
      }
      totals(out.putObject("total"), sum);
      return out;
    }), o -> o);
  }

  private static void totals(ObjectNode row, UsageTotals t) {
    row.put("requests", t.requests());
    row.put("prompt-tokens", t.promptTokens());
    row.put("completion-tokens", t.completionTokens());
    row.put("total-tokens", t.totalTokens());
    BigDecimal cost = t.cost().amount().stripTrailingZeros();
    row.put("cost-usd", cost.signum() == 0 ? "0" : cost.toPlainString());
    row.put("unknown-cost-requests", t.unknownCostRequests());
  }

  private static LocalDate date(String value, LocalDate fallback, String param, String requestId) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return LocalDate.parse(value.strip());
    } catch (DateTimeParseException e) {
      throw invalid(param + " must be an ISO date such as 2026-01-31 but was '" + value + "'", param, requestId);
    }
  }

  // ---- plumbing

  private static String text(JsonNode parent, String field, String requestId) {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw invalid("'" + field + "' must be a string", field, requestId);
    }
    String s = n.textValue().strip();
    return s.isEmpty() ? null : s;
  }

  private static InvalidRequestException invalid(String message, String param, String requestId) {
    return new InvalidRequestException(message, ErrorDetails.builder().param(param).requestId(requestId).build());
  }

  private <T> void reply(RoutingContext ctx, CompletableFuture<T> future, java.util.function.Function<T, JsonNode> view) {
    Future.fromCompletionStage(future, ctx.vertx().getOrCreateContext()).onComplete(result -> {
      if (ctx.response().closed()) {
        return;
      }
      try {
        if (result.failed()) {
          throw result.cause();
        }
        byte[] json = JSON.writeValueAsBytes(view.apply(result.result()));
        GatewayRouter.sendJson(ctx.response(), json);
      } catch (Throwable e) {
        Throwable t = ErrorResponses.unwrap(e);
        if (t instanceof IllegalArgumentException) {
          // the store refused (e.g. a duplicate): a conflict, not a gateway failure
          ErrorResponses.send(ctx, 409, t.getMessage(), ErrorResponses.INVALID_REQUEST, null, "conflict");
        } else {
          ErrorResponses.send(ctx, t);
        }
      }
    });
  }
}

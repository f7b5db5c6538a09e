package dev.switchboard.server.internal;

import dev.switchboard.core.Switchboard;
import dev.switchboard.core.auth.InMemoryKeyStore;
import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.ModelNotFoundException;
import dev.switchboard.core.error.PermissionDeniedException;
import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.model.ModelInfo;
import dev.switchboard.core.model.RouteInfo;
import dev.switchboard.core.wire.OpenAiJson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's routes: the OpenAI-compatible API, the admin API, health and metrics, and
 * OpenAI-shaped answers for unknown routes (404), wrong methods (405), bodies over the limit (413),
 * missing or bad keys (401) and keys without the right (403).
 *
 * <p>Every response carries {@code x-request-id}: the client's when usable, else a generated one,
 * which is also the id the SDK reports in errors and events. {@code /v1/*} and {@code /admin/*}
 * authenticate first (before the body is read); {@code /admin/*} and {@code /v1/providers/status}
 * need the master key; {@code /health/*} and {@code /metrics} are open, for probes and scrapers.
 */
final class GatewayRouter {

  private static final Logger log = LoggerFactory.getLogger(GatewayRouter.class);

  static final String REQUEST_ID_KEY = "switchboard.requestId";
  static final String PRINCIPAL_KEY = "switchboard.principal";
  static final String ACCESS_KEY = "switchboard.access";
  static final String CLIENT_IP_KEY = "switchboard.clientIp";
  private static final String MODELS_PREFIX = "/v1/models/";
  private static final Buffer LIVE = Buffer.buffer("{\"status\":\"up\"}");

  private GatewayRouter() {}

  /** What the routes serve with; {@link #open} is the unauthenticated set the first version had. */
  static final class Routes {
    final Switchboard switchboard;
    final PrometheusMeterRegistry metrics; // null: no /metrics
    final long maxBodyBytes;
    final Authenticator auth;
    final AdminHandler admin; // null: the admin API answers 403 (no master key)
    final List<StatusHandler.Component> components;
    final Map<String, String> providerTypes;
    final AccessLog accessLog; // null: no access log
    final TrustedProxies trustedProxies;

    Routes(Switchboard switchboard, PrometheusMeterRegistry metrics, long maxBodyBytes, Authenticator auth,
        AdminHandler admin, List<StatusHandler.Component> components, Map<String, String> providerTypes,
        AccessLog accessLog, TrustedProxies trustedProxies) {
      this.switchboard = switchboard;
      this.metrics = metrics;
      this.maxBodyBytes = maxBodyBytes;
      this.auth = auth;
      this.admin = admin;
      this.components = List.copyOf(components);
      this.providerTypes = Map.copyOf(providerTypes);
      this.accessLog = accessLog;
      this.trustedProxies = Objects.requireNonNull(trustedProxies, "trustedProxies");
    }

    static Routes open(Switchboard switchboard, PrometheusMeterRegistry metrics, long maxBodyBytes) {
      return new Routes(switchboard, metrics, maxBodyBytes, new Authenticator(false, null,
          InMemoryKeyStore.create(), switchboard.budgets(), Clock.systemUTC()),
          null, List.of(), Map.of(), null, TrustedProxies.NONE);
    }
  }

  /**
   * @param ready whether the server accepts calls; {@code /health/ready} answers 503 while it does not
   */
  static Router create(Vertx vertx, Routes r, BooleanSupplier ready) {
    Switchboard switchboard = r.switchboard;
    long maxBodyBytes = r.maxBodyBytes;
    Router router = Router.router(vertx);
    router.route().handler(GatewayRouter::assignRequestId);
    if (!r.trustedProxies.isEmpty()) {
      // Only with trusted proxies: without, the peer is the client and a request pays nothing for this.
      TrustedProxies proxies = r.trustedProxies;
      router.route().handler(ctx -> {
        ctx.put(CLIENT_IP_KEY, proxies.clientIp(peerIp(ctx), ctx.request().headers().getAll(proxies.header().name)));
        ctx.next();
      });
    }
    if (r.accessLog != null) {
      router.route("/v1/*").handler(ctx -> beginAccessLog(ctx, r.accessLog));
      router.route("/admin/*").handler(ctx -> beginAccessLog(ctx, r.accessLog));
    }
    router.route("/v1/*").handler(ctx -> authenticate(ctx, r.auth));
    router.route("/admin/*").handler(ctx -> authenticate(ctx, r.auth));
    router.route("/admin/*").handler(ctx -> requireMaster(ctx, r.auth, r.admin != null));
    router.route("/v1/providers/status").handler(ctx -> requireMaster(ctx, r.auth, true));

    BodyHandler body = BodyHandler.create(false).setBodyLimit(maxBodyBytes);
    router.post("/v1/chat/completions").handler(body).handler(new ChatCompletionsHandler(switchboard));
    router.post("/v1/embeddings").handler(body).handler(new EmbeddingsHandler(switchboard));
    router.get("/v1/models").handler(ctx -> sendJson(ctx.response(),
        OpenAiJson.writeModelList(allowedModels(ctx, switchboard.models()))));
    router.get("/v1/models/*").handler(ctx -> retrieveModel(ctx, allowedModels(ctx, switchboard.models())));

    StatusHandler status = new StatusHandler(switchboard, r.components, r.providerTypes, ready);
    router.get("/v1/providers/status").handler(status::providers);
    router.get("/health/live").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json").end(LIVE));
    router.get("/health/ready").handler(status::ready);
    if (r.metrics != null) {
      PrometheusMeterRegistry metrics = r.metrics;
      router.get("/metrics").handler(ctx -> ctx.response()
          .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
          .end(metrics.scrape()));
    }

    if (r.admin != null) {
      AdminHandler admin = r.admin;
      router.post("/admin/keys").handler(body).handler(admin::createKey);
      router.get("/admin/keys").handler(admin::listKeys);
      router.get("/admin/keys/:id").handler(admin::getKey);
      router.delete("/admin/keys/:id").handler(admin::revokeKey);
      router.get("/admin/spend").handler(admin::spend);
    }

    router.errorHandler(404, ctx -> ErrorResponses.send(ctx, 404,
        "Unknown request URL: " + ctx.request().method() + " " + ctx.request().path(),
        ErrorResponses.INVALID_REQUEST, null, "unknown_url"));
    router.errorHandler(405, ctx -> ErrorResponses.send(ctx, 405,
        "Method " + ctx.request().method() + " is not allowed for " + ctx.request().path(),
        ErrorResponses.INVALID_REQUEST, null, "method_not_allowed"));
    router.errorHandler(413, ctx -> ErrorResponses.send(ctx, 413,
        "The request body exceeds the limit of " + maxBodyBytes + " bytes", ErrorResponses.INVALID_REQUEST, null,
        "request_too_large"));
    router.errorHandler(400, ctx -> ErrorResponses.send(ctx, 400, "The request could not be read",
        ErrorResponses.INVALID_REQUEST, null, null));
    router.errorHandler(500, ctx -> ErrorResponses.send(ctx, ctx.failure() != null ? ctx.failure()
        : new IllegalStateException("request failed with status " + ctx.statusCode())));
    return router;
  }

  private static void assignRequestId(RoutingContext ctx) {
    String id = RequestIds.acceptOrGenerate(ctx.request().getHeader(RequestIds.HEADER));
    ctx.put(REQUEST_ID_KEY, id);
    ctx.response().putHeader(RequestIds.HEADER, id);
    ctx.next();
  }

  private static void beginAccessLog(RoutingContext ctx, AccessLog log) {
    if (ctx.get(ACCESS_KEY) == null) {
      AccessLog.Entry entry = log.begin(ctx.get(REQUEST_ID_KEY), ctx.request().method().name(),
          ctx.request().path(), clientIp(ctx));
      ctx.put(ACCESS_KEY, entry);
      ctx.addEndHandler(v -> log.end(entry, ctx.response().getStatusCode()));
    }
    ctx.next();
  }

  /** The request's access log line, or null when there is no access log. */
  static AccessLog.Entry access(RoutingContext ctx) {
    return ctx.get(ACCESS_KEY);
  }

  /**
   * The client's IP: the socket peer's, or with {@code server.trusted-proxies} the one its trusted
   * proxies forwarded (see {@link TrustedProxies}). What rate limits and the access log see.
   */
  static String clientIp(RoutingContext ctx) {
    String forwarded = ctx.get(CLIENT_IP_KEY);
    return forwarded != null ? forwarded : peerIp(ctx);
  }

  private static String peerIp(RoutingContext ctx) {
    return ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
  }

  /** Sets the request's {@link Principal}, or answers 401. Also used for requests that need no key. */
  private static void authenticate(RoutingContext ctx, Authenticator auth) {
    if (ctx.get(PRINCIPAL_KEY) != null) {
      ctx.next();
      return;
    }
    CompletableFuture<Principal> result;
    try {
      result = auth.authenticate(ctx.request().getHeader("Authorization"), clientIp(ctx), ctx.get(REQUEST_ID_KEY));
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    if (result.isDone()) {
      authenticated(ctx, result.handle((p, e) -> e == null ? p : null).join(), result);
      return;
    }
    // A store that answers later (e.g. over the network): hold the body back until the key is known.
    ctx.request().pause();
    CompletableFuture<Principal> pending = result;
    Future.fromCompletionStage(result, ctx.vertx().getOrCreateContext()).onComplete(done -> {
      authenticated(ctx, done.succeeded() ? done.result() : null, pending);
      ctx.request().resume();
    });
  }

  private static void authenticated(RoutingContext ctx, Principal principal, CompletableFuture<Principal> result) {
    if (principal == null) {
      Throwable error = result.handle((p, e) -> e).join();
      Throwable t = ErrorResponses.unwrap(error);
      if (t instanceof SwitchboardException) {
        ErrorResponses.send(ctx, t);
      } else {
        log.error("request {}: the key store failed",
            ctx.<String>get(REQUEST_ID_KEY), t);
        ErrorResponses.send(ctx, 503, "The key store is unavailable; try again shortly", "server_error", null,
            "key_store_unavailable");
      }
      return;
    }
    ctx.put(PRINCIPAL_KEY, principal);
    AccessLog.Entry entry = access(ctx);
    if (entry != null) {
      entry.keyPrefix = principal.keyPrefix();
      entry.keyId = principal.caller().keyId();
    }
    ctx.next();
  }

  private static void requireMaster(RoutingContext ctx, Authenticator auth, boolean adminEnabled) {
    Principal p = ctx.get(PRINCIPAL_KEY);
    String requestId = ctx.get(REQUEST_ID_KEY);
    if (!adminEnabled || !auth.hasMasterKey()) {
      if (ctx.request().path().startsWith("/admin/") || auth.required()) {
        ErrorResponses.send(ctx, 403, "The admin API needs a master key: set SWITCHBOARD_MASTER_KEY or "
            + "auth.master-key", "permission_error", null, "admin_disabled");
        return;
      }
      ctx.next(); // no authentication at all (loopback or auth.mode none): the status page is open too
      return;
    }
    if (p == null || !p.isMaster()) {
      ErrorResponses.send(ctx, new PermissionDeniedException(
          "This endpoint needs the master key", ErrorDetails.builder()
              .code("master_key_required").requestId(requestId).build()));
      return;
    }
    ctx.next();
  }

  /** The model groups the request's principal may call. */
  static List<ModelInfo> allowedModels(RoutingContext ctx, List<ModelInfo> models) {
    Principal p = ctx.get(PRINCIPAL_KEY);
    if (p == null || p.key() == null || p.key().models().isEmpty()) {
      return models;
    }
    List<ModelInfo> out = new ArrayList<>();
    for (ModelInfo m : models) {
      if (p.allowsModel(m.id())) {
        out.add(m);
      }
    }
    return out;
  }

  /** The caller of a request, {@link Principal#open} when the route needs none. */
  static Principal principal(RoutingContext ctx) {
    Principal p = ctx.get(PRINCIPAL_KEY);
    return p != null ? p : Principal.open(clientIp(ctx));
  }

  private static void retrieveModel(RoutingContext ctx, List<ModelInfo> models) {
    String path = ctx.request().path();
    String id = percentDecode(path.substring(path.indexOf(MODELS_PREFIX) + MODELS_PREFIX.length()));
    for (ModelInfo m : models) {
      if (m.id().equals(id)) {
        JsonObject json = new JsonObject().put("id", m.id()).put("object", ModelInfo.OBJECT)
            .put("created", m.created()).put("owned_by", m.ownedBy());
        sendJson(ctx.response(), json.toBuffer());
        return;
      }
    }
    ErrorResponses.send(ctx, new ModelNotFoundException("The model '" + id + "' does not exist",
        ErrorDetails.builder().param("model").model(id).requestId(ctx.get(REQUEST_ID_KEY)).build()));
  }

  /** The request body; empty when there is none. */
  static byte[] bodyBytes(RoutingContext ctx) {
    Buffer buffer = ctx.body().buffer();
    return buffer == null ? new byte[0] : buffer.getBytes();
  }

  /** Adds the provider and deployment that answered, when known. */
  static void routeHeaders(HttpServerResponse response, RouteInfo route) {
    if (route == null) {
      return;
    }
    if (route.provider() != null) {
      response.putHeader(ErrorResponses.PROVIDER_HEADER, route.provider());
    }
    if (route.deployment() != null) {
      response.putHeader(ErrorResponses.DEPLOYMENT_HEADER, route.deployment());
    }
    response.putHeader(CacheControls.HEADER, route.cache());
  }

  static final String COST_HEADER = "x-switchboard-cost";

  /** Adds {@value #COST_HEADER} (US dollars) when the call's cost is known. */
  static void costHeader(HttpServerResponse response, AccessLog.Entry entry) {
    String cost = entry == null ? null : AccessLog.costText(entry.record());
    if (cost != null) {
      response.putHeader(COST_HEADER, cost);
    }
  }

  static void sendJson(HttpServerResponse response, byte[] json) {
    sendJson(response, Buffer.buffer(json));
  }

  static void sendJson(HttpServerResponse response, Buffer json) {
    response.putHeader("Content-Type", "application/json").end(json);
  }

  /** Decodes %XX escapes as UTF-8; '+' stays '+' (this is a path, not a form). Bad escapes stay as they are. */
  static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    byte[] raw = s.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == '%' && i + 2 < raw.length) {
        int hi = Character.digit(raw[i + 1], 16);
        int lo = Character.digit(raw[i + 2], 16);
        if (hi >= 0 && lo >= 0) {
          out.write(hi * 16 + lo);
          i += 2;
          continue;
        }
      }
      out.write(raw[i]);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}

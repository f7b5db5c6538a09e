package dev.switchboard.server.internal;

import dev.switchboard.core.Switchboard;
import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.ModelNotFoundException;
import dev.switchboard.core.model.ModelInfo;
import dev.switchboard.core.model.RouteInfo;
import dev.switchboard.core.wire.OpenAiJson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The gateway's routes: the OpenAI-compatible API, health and metrics, and OpenAI-shaped answers
 * for unknown routes (404), wrong methods (405) and bodies over the limit (413).
 *
 * <p>Every response carries {@code x-request-id}: the client's when usable, else a generated one,
 * which is also the id the SDK reports in errors and events.
 */
final class GatewayRouter {

  static final String REQUEST_ID_KEY = "switchboard.requestId";
  private static final String MODELS_PREFIX = "/v1/models/";
  private static final Buffer LIVE = Buffer.buffer("{\"status\":\"up\"}");
  private static final Buffer READY = Buffer.buffer("{\"status\":\"ready\"}");
  private static final Buffer NOT_READY = Buffer.buffer("{\"status\":\"unavailable\"}");

  private GatewayRouter() {}

  /**
   * @param metrics the registry behind {@code /metrics}, or null to answer 404 there
   * @param ready whether {@code /health/ready} answers 200 (else 503)
   */
  static Router create(Vertx vertx, Switchboard switchboard, PrometheusMeterRegistry metrics,
      long maxBodyBytes, BooleanSupplier ready) {
    Router router = Router.router(vertx);
    router.route().handler(GatewayRouter::assignRequestId);

    BodyHandler body = BodyHandler.create(false).setBodyLimit(maxBodyBytes);
    router.post("/v1/chat/completions").handler(body).handler(new ChatCompletionsHandler(switchboard));
    router.post("/v1/embeddings").handler(body).handler(new EmbeddingsHandler(switchboard));
    router.get("/v1/models").handler(ctx -> sendJson(ctx.response(), OpenAiJson.writeModelList(switchboard.models())));
    router.get("/v1/models/*").handler(ctx -> retrieveModel(ctx, switchboard.models()));

    router.get("/health/live").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json").end(LIVE));
    router.get("/health/ready").handler(ctx -> {
      boolean up = ready.getAsBoolean();
      ctx.response().setStatusCode(up ? 200 : 503).putHeader("Content-Type", "application/json")
          .end(up ? READY : NOT_READY);
    });
    if (metrics != null) {
      router.get("/metrics").handler(ctx -> ctx.response()
          .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
          .end(metrics.scrape()));
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

package dev.switchboard.server.internal;

import dev.switchboard.core.RequestOptions;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.ratelimit.RateLimitStatus;
import dev.switchboard.core.cache.CacheControl;
import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.wire.OpenAiJson;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/** {@code POST /v1/chat/completions}: a JSON answer, or server-sent events when {@code stream} is true. */
final class ChatCompletionsHandler implements Handler<RoutingContext> {

  private final Switchboard switchboard;

  ChatCompletionsHandler(Switchboard switchboard) {
    this.switchboard = switchboard;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String requestId = ctx.get(GatewayRouter.REQUEST_ID_KEY);
    byte[] body = GatewayRouter.bodyBytes(ctx);
    ChatRequest request;
    StreamFlags flags;
    CacheControl cache;
    try {
      request = OpenAiJson.readChatRequest(body);
      flags = StreamFlags.read(body, requestId);
      cache = CacheControls.read(request, ctx.request().getHeader(CacheControls.HEADER),
          ctx.request().getHeader("Cache-Control"), requestId);
      request = CacheControls.stripped(request);
    } catch (SwitchboardException e) {
      ErrorResponses.send(ctx, e);
      return;
    }
    AccessLog.Entry entry = GatewayRouter.access(ctx);
    if (entry != null) {
      entry.model = request.model();
      entry.stream = flags.stream();
    }
    Principal principal = GatewayRouter.principal(ctx);
    if (request.model() != null && !principal.allowsModel(request.model())) {
      ErrorResponses.send(ctx, Authenticator.modelNotAllowed(principal, request.model(), requestId));
      return;
    }
    // The limiter reports the caller's status before any upstream call; the headers go out with whatever
    // answer follows (JSON, the SSE head or an error), as OpenAI sends them.
    AtomicReference<RateLimitStatus> limits = new AtomicReference<>();
    ctx.addHeadersEndHandler(v -> {
      RateLimitStatus status = limits.get();
      if (status != null) {
        status.openAiHeaders().forEach(ctx.response()::putHeader);
      }
    });
    RequestOptions options = RequestOptions.builder().requestId(requestId).caller(principal.caller())
        .cacheControl(cache).onRateLimitStatus(limits::set).build();
    if (flags.stream()) {
      SseResponse.stream(ctx, switchboard.stream(request, options), flags.includeUsage());
      return;
    }
    CompletableFuture<ChatResponse> call = switchboard.chat(request, options);
    HttpServerResponse response = ctx.response();
    response.closeHandler(v -> call.cancel(true)); // the client left: stop the upstream call
    Future.fromCompletionStage(call, ctx.vertx().getOrCreateContext()).onComplete(result -> {
      if (response.closed()) {
        return;
      }
      if (result.failed()) {
        ErrorResponses.send(ctx, result.cause());
        return;
      }
      try {
        ChatResponse answer = result.result();
        GatewayRouter.routeHeaders(response, answer.route());
        GatewayRouter.costHeader(response, entry);
        GatewayRouter.sendJson(response, OpenAiJson.writeChatResponse(answer));
      } catch (RuntimeException e) { // never leave the client waiting on a response that cannot be written
        ErrorResponses.send(ctx, e);
      }
    });
  }
}

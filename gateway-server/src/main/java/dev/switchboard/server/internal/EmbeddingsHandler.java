package dev.switchboard.server.internal;

import dev.switchboard.core.RequestOptions;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.wire.OpenAiJson;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletableFuture;

/** {@code POST /v1/embeddings}; vectors as float arrays, or base64 when {@code encoding_format} asks for it. */
final class EmbeddingsHandler implements Handler<RoutingContext> {

  private final Switchboard switchboard;

  EmbeddingsHandler(Switchboard switchboard) {
    this.switchboard = switchboard;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String requestId = ctx.get(GatewayRouter.REQUEST_ID_KEY);
    EmbeddingRequest request;
    try {
      request = OpenAiJson.readEmbeddingRequest(GatewayRouter.bodyBytes(ctx));
    } catch (SwitchboardException e) {
      ErrorResponses.send(ctx, e);
      return;
    }
    AccessLog.Entry entry = GatewayRouter.access(ctx);
    if (entry != null) {
      entry.model = request.model();
    }
    Principal principal = GatewayRouter.principal(ctx);
    if (request.model() != null && !principal.allowsModel(request.model())) {
      ErrorResponses.send(ctx, Authenticator.modelNotAllowed(principal, request.model(), requestId));
      return;
    }
    boolean base64 = "base64".equals(request.encodingFormat());
    CompletableFuture<EmbeddingResponse> call = switchboard.embed(request,
        RequestOptions.builder().requestId(requestId).caller(principal.caller()).build());
    HttpServerResponse response = ctx.response();
    response.closeHandler(v -> call.cancel(true));
    Future.fromCompletionStage(call, ctx.vertx().getOrCreateContext()).onComplete(result -> {
      if (response.closed()) {
        return;
      }
      if (result.failed()) {
        ErrorResponses.send(ctx, result.cause());
        return;
      }
      try {
        EmbeddingResponse answer = result.result();
        GatewayRouter.routeHeaders(response, answer.route());
        GatewayRouter.costHeader(response, entry);
        GatewayRouter.sendJson(response, OpenAiJson.writeEmbeddingResponse(answer, base64));
      } catch (RuntimeException e) { // never leave the client waiting on a response that cannot be written
        ErrorResponses.send(ctx, e);
      }
    });
  }
}

package dev.switchboard.server.internal;

import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.wire.OpenAiJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every error the gateway answers with in OpenAI's shape,
 * {@code {"error":{"message","type","param","code"}}}: the one place that turns a
 * {@link SwitchboardException} into an HTTP status and headers. Call on the request's event loop.
 */
final class ErrorResponses {

  static final String PROVIDER_HEADER = "x-switchboard-provider";
  static final String DEPLOYMENT_HEADER = "x-switchboard-deployment";
  static final String INVALID_REQUEST = "invalid_request_error";

  private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);

  private ErrorResponses() {}

  /** Answers with {@code error}: its own status when it is a SwitchboardException, else a logged 500. */
  static void send(RoutingContext ctx, Throwable error) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten() || response.closed()) {
      return;
    }
    Throwable t = unwrap(error);
    if (t instanceof SwitchboardException) {
      SwitchboardException e = (SwitchboardException) t;
      ErrorDetails details = e.details();
      if (details.provider() != null) {
        response.putHeader(PROVIDER_HEADER, details.provider());
      }
      if (details.deployment() != null) {
        response.putHeader(DEPLOYMENT_HEADER, details.deployment());
      }
      if (e.httpStatus() == 429 && e.retryAfter() != null) {
        response.putHeader("Retry-After", Long.toString(ceilSeconds(e.retryAfter())));
      }
      send(response, e.httpStatus(), body(e));
      return;
    }
    log.error("request {} failed inside the gateway", ctx.<String>get(GatewayRouter.REQUEST_ID_KEY), t);
    send(response, 500, OpenAiJson.writeErrorBody("the gateway failed to handle the request", "server_error", null,
        null));
  }

  /** Answers with an error the gateway itself decides on (unknown route, wrong method, body too large). */
  static void send(RoutingContext ctx, int status, String message, String type, String param, String code) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten() || response.closed()) {
      return;
    }
    send(response, status, OpenAiJson.writeErrorBody(message, type, param, code));
  }

  /** The OpenAI error body of {@code error}. */
  static byte[] body(SwitchboardException error) {
    return OpenAiJson.writeErrorBody(error.getMessage(), error.type(), error.param(), error.code());
  }

  /** The error inside the wrappers that futures add. */
  static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** Whole seconds, rounded up, so that a client waiting that long is never early. */
  static long ceilSeconds(Duration d) {
    return d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
  }

  private static void send(HttpServerResponse response, int status, byte[] body) {
    response.setStatusCode(status).putHeader("Content-Type", "application/json").end(Buffer.buffer(body));
  }
}

package dev.switchboard.server.internal;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.StreamResetException;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;

/**
 * Turns what the Vert.x HTTP client fails with into the JDK I/O exceptions that
 * {@link dev.switchboard.core.error.UpstreamErrors#fromTransportFailure} classifies, so that a
 * failure means the same whichever transport saw it: a connect timeout is a timeout, a connection
 * closed under a response is an I/O error (never a silent end). The original failure is the cause.
 */
public final class VertxFailures {

  private VertxFailures() {}

  /** The failure to classify: {@code failure} itself unless it is one of Vert.x's or Netty's own. */
  public static Throwable normalize(Throwable failure) {
    if (failure instanceof ConnectTimeoutException) { // Netty's, a ConnectException: OkHttp reports a timeout
      return withCause(new SocketTimeoutException("connect timed out: " + failure.getMessage()), failure);
    }
    if (failure instanceof HttpClosedException) {
      return withCause(new EOFException("the upstream closed the connection before the response ended"), failure);
    }
    if (failure instanceof StreamResetException) {
      return withCause(new IOException("the upstream reset the HTTP/2 stream with error code "
          + ((StreamResetException) failure).getCode()), failure);
    }
    return failure;
  }

  private static <T extends Throwable> T withCause(T exception, Throwable cause) {
    exception.initCause(cause);
    return exception;
  }
}

package dev.switchboard.providers.testing;

import dev.switchboard.providers.http.HttpRequest;
import dev.switchboard.providers.http.HttpResponse;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.http.StreamingHttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A transport for streamed calls that the test answers by hand: every call returns {@link #answer},
 * which the test completes with a {@link ManualResponse} or a failure. Records the requests sent.
 */
public final class ManualTransport implements HttpTransport {

  /** The requests handed to {@link #stream}, in order. */
  public final List<HttpRequest> sent = new CopyOnWriteArrayList<>();

  /** What every streamed call returns; replace it before the call to change how it behaves. */
  public volatile CompletableFuture<StreamingHttpResponse> answer = new CompletableFuture<>();

  /** Completes the call with a response of {@code status} and returns it. */
  public ManualResponse respond(int status) {
    ManualResponse response = new ManualResponse(status);
    answer.complete(response);
    return response;
  }

  /** Makes {@link #answer} a call the transport cannot cancel in time: {@code cancel} does nothing. */
  public void answerEvenIfCancelled() {
    answer = new CompletableFuture<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        return false;
      }
    };
  }

  @Override
  public CompletableFuture<HttpResponse> execute(HttpRequest request) {
    throw new UnsupportedOperationException("streamed calls only");
  }

  @Override
  public CompletableFuture<StreamingHttpResponse> stream(HttpRequest request) {
    sent.add(request);
    return answer;
  }

  @Override
  public void close() {}
}

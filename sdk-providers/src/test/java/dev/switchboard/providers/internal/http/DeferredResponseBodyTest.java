package dev.switchboard.providers.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.providers.http.HttpRequest;
import dev.switchboard.providers.http.HttpResponse;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.http.StreamingHttpResponse;
import dev.switchboard.providers.testing.ManualPublisher;
import dev.switchboard.providers.testing.TestSubscriber;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class DeferredResponseBodyTest {

  /** A transport whose one streamed call the test completes by hand. */
  private static final class ManualTransport implements HttpTransport {
    final CompletableFuture<StreamingHttpResponse> call = new CompletableFuture<>();
    final AtomicInteger streams = new AtomicInteger();

    @Override
    public CompletableFuture<HttpResponse> execute(HttpRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<StreamingHttpResponse> stream(HttpRequest request) {
      streams.incrementAndGet();
      return call;
    }

    @Override
    public void close() {}
  }

  /** A response whose body is a {@link ManualPublisher}. */
  private static final class ManualResponse implements StreamingHttpResponse {
    final int status;
    final ManualPublisher<ByteBuffer> body = new ManualPublisher<>();
    final AtomicBoolean closed = new AtomicBoolean();

    ManualResponse(int status) {
      this.status = status;
    }

    @Override
    public int status() {
      return status;
    }

    @Override
    public String header(String name) {
      return "x-reason".equalsIgnoreCase(name) ? "testing" : null;
    }

    @Override
    public Map<String, List<String>> headers() {
      return Map.of("x-reason", List.of("testing"));
    }

    @Override
    public Flow.Publisher<ByteBuffer> body() {
      return body;
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }

  /** Records what it was asked to map; returns recognisable errors. */
  private static final class RecordingFailures implements DeferredResponseBody.Failures {
    @Override
    public Throwable transportFailure(Throwable failure) {
      return new IllegalStateException("transport: " + failure.getMessage(), failure);
    }

    @Override
    public Throwable errorStatus(int status, Function<String, String> headers, byte[] body) {
      return new IllegalStateException("status " + status + " (" + headers.apply("X-Reason") + "): "
          + new String(body, StandardCharsets.UTF_8));
    }
  }

  private final ManualTransport transport = new ManualTransport();
  private final AtomicInteger requestsBuilt = new AtomicInteger();
  private final DeferredResponseBody publisher = new DeferredResponseBody(transport, () -> {
    requestsBuilt.incrementAndGet();
    return HttpRequest.builder().url("http://localhost/stream").body(new byte[0]).build();
  }, new RecordingFailures());

  private static ByteBuffer utf8(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void subscribe_noDemand_makesNoCall() {
    TestSubscriber<ByteBuffer> subscriber = TestSubscriber.withoutDemand();

    publisher.subscribe(subscriber);

    assertThat(transport.streams.get()).isZero();
    assertThat(requestsBuilt.get()).isZero();
  }

  @Test
  void request_demandBeforeTheResponse_makesOneCallAndPassesAllOfItToTheBody() {
    TestSubscriber<ByteBuffer> subscriber = TestSubscriber.withoutDemand();
    publisher.subscribe(subscriber);
    subscriber.request(2);
    subscriber.request(3);
    ManualResponse response = new ManualResponse(200);

    transport.call.complete(response);

    assertThat(transport.streams.get()).isEqualTo(1);
    assertThat(response.body.requested()).isEqualTo(5);
    response.body.emit(utf8("data: a\n\n"));
    subscriber.request(1);
    assertThat(response.body.requested()).as("later demand goes straight to the body").isEqualTo(6);
    response.body.complete();
    assertThat(subscriber.items()).hasSize(1);
    assertThat(subscriber.isCompleted()).isTrue();
    subscriber.assertNoViolations();
  }

  @Test
  void request_insideOnSubscribe_startsTheCallOnlyAfterOnSubscribeReturned() {
    AtomicInteger callsDuringOnSubscribe = new AtomicInteger(-1);
    publisher.subscribe(new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.request(1);
        callsDuringOnSubscribe.set(transport.streams.get());
      }

      @Override
      public void onNext(ByteBuffer item) {}

      @Override
      public void onError(Throwable throwable) {}

      @Override
      public void onComplete() {}
    });

    assertThat(callsDuringOnSubscribe.get()).isZero();
    assertThat(transport.streams.get()).isEqualTo(1);
  }

  @Test
  void response_errorStatus_readsTheWholeBodyAndFailsWithTheStatusError() {
    TestSubscriber<ByteBuffer> subscriber = TestSubscriber.unbounded();
    publisher.subscribe(subscriber);
    ManualResponse response = new ManualResponse(429);

    transport.call.complete(response);
    response.body.emit(utf8("{\"message\":"));
    response.body.emit(utf8("\"slow down\"}"));
    response.body.complete();

    assertThat(subscriber.items()).isEmpty();
    assertThat(subscriber.error()).isInstanceOf(IllegalStateException.class)
        .hasMessage("status 429 (testing): {\"message\":\"slow down\"}");
  }

  @Test
  void call_failsOrTheRequestCannotBeBuilt_failsThroughTransportFailure() {
    TestSubscriber<ByteBuffer> failed = TestSubscriber.unbounded();
    publisher.subscribe(failed);
    transport.call.completeExceptionally(new java.net.ConnectException("refused"));
    assertThat(failed.error()).hasMessage("transport: refused");

    DeferredResponseBody unbuildable = new DeferredResponseBody(transport, () -> {
      throw new IllegalArgumentException("bad header");
    }, new RecordingFailures());
    TestSubscriber<ByteBuffer> refused = TestSubscriber.unbounded();
    unbuildable.subscribe(refused);
    assertThat(refused.error()).hasMessage("transport: bad header");
  }

  @Test
  void body_failsMidway_deliversWhatArrivedThenTheTransportFailure() {
    TestSubscriber<ByteBuffer> subscriber = TestSubscriber.unbounded();
    publisher.subscribe(subscriber);
    ManualResponse response = new ManualResponse(200);
    transport.call.complete(response);

    response.body.emit(utf8("data: a\n\n"));
    response.body.error(new java.net.SocketException("reset"));

    assertThat(subscriber.items()).hasSize(1);
    assertThat(subscriber.error()).hasMessage("transport: reset");
  }

  @Test
  void cancel_beforeTheResponse_cancelsTheCallAndSignalsNothing() {
    TestSubscriber<ByteBuffer> subscriber = new TestSubscriber<>(1);
    publisher.subscribe(subscriber);

    subscriber.cancel();

    assertThat(transport.call.isCancelled()).isTrue();
    assertThat(subscriber.isTerminated()).isFalse();
  }

  @Test
  void cancel_whileReadingTheBody_cancelsTheBodySubscription() {
    TestSubscriber<ByteBuffer> subscriber = new TestSubscriber<>(1);
    publisher.subscribe(subscriber);
    ManualResponse response = new ManualResponse(200);
    transport.call.complete(response);

    subscriber.cancel();

    assertThat(response.body.isCancelled()).isTrue();
    assertThat(subscriber.isTerminated()).isFalse();
  }

  @Test
  void subscribe_secondSubscriber_isRefusedWithoutASecondCall() {
    TestSubscriber<ByteBuffer> first = new TestSubscriber<>(1);
    TestSubscriber<ByteBuffer> second = new TestSubscriber<>(1);
    publisher.subscribe(first);

    publisher.subscribe(second);

    assertThat(second.error()).isInstanceOf(IllegalStateException.class)
        .hasMessage("a streamed response body accepts one subscriber");
    assertThat(transport.streams.get()).isEqualTo(1);
  }

  @Test
  void request_nonPositive_failsWithIllegalArgumentAndCancelsTheCall() {
    TestSubscriber<ByteBuffer> subscriber = new TestSubscriber<>(1);
    publisher.subscribe(subscriber);

    subscriber.request(0);

    assertThat(subscriber.error()).isInstanceOf(IllegalArgumentException.class);
    assertThat(transport.call.isCancelled()).isTrue();
  }
}

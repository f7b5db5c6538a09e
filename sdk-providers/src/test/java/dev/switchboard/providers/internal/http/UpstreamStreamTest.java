package dev.switchboard.providers.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.UpstreamException;
import dev.switchboard.providers.http.HttpRequest;
import dev.switchboard.providers.http.OkHttpTransport;
import dev.switchboard.providers.http.StreamingHttpResponse;
import dev.switchboard.providers.internal.flow.FlatMapIterablePublisher;
import dev.switchboard.providers.internal.sse.SseEvent;
import dev.switchboard.providers.internal.sse.SsePublisher;
import dev.switchboard.providers.openai.TransportProbe;
import dev.switchboard.providers.testing.ManualResponse;
import dev.switchboard.providers.testing.ManualTransport;
import dev.switchboard.providers.testing.RawHttpServer;
import dev.switchboard.providers.testing.TestSubscriber;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The shared lifecycle of a provider's streamed call, driven by hand: the transport's answer, the
 * body's bytes and the subscriber's demand are the test's. The events are server-sent events mapped
 * by {@link Words}, whose rules stand in for a provider's.
 */
class UpstreamStreamTest {

  private static final String NAME = "a test chat stream";

  private final ManualTransport transport = new ManualTransport();
  private final List<Words> mappers = new ArrayList<>();
  private final UpstreamStream<String> stream = stream(() -> request("/chat"), new LabelledFailures());

  private UpstreamStream<String> stream(Supplier<HttpRequest> request, UpstreamStream.Failures failures) {
    return UpstreamStream.events(NAME, transport, request, failures, SsePublisher::new, () -> {
      Words words = new Words();
      mappers.add(words);
      return words;
    });
  }

  private static HttpRequest request(String path) {
    return HttpRequest.builder().url("http://upstream.test" + path).body(new byte[0]).build();
  }

  private static ByteBuffer sse(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }

  // ---------------------------------------------------------------- the call

  @Test
  void subscribe_noDemand_makesTheMapperButNoCall() {
    TestSubscriber<String> subscriber = TestSubscriber.withoutDemand();

    stream.subscribe(subscriber);

    assertThat(mappers).as("made when the subscriber subscribes").hasSize(1);
    assertThat(transport.sent).isEmpty();
    assertThat(subscriber.isTerminated()).isFalse();
  }

  @Test
  void request_insideOnSubscribe_sendsTheCallOnlyAfterOnSubscribeReturned() {
    List<Integer> sentDuringOnSubscribe = new ArrayList<>();
    stream.subscribe(new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.request(1);
        sentDuringOnSubscribe.add(transport.sent.size());
      }

      @Override
      public void onNext(String item) {}

      @Override
      public void onError(Throwable throwable) {}

      @Override
      public void onComplete() {}
    });

    assertThat(sentDuringOnSubscribe).containsExactly(0);
    assertThat(transport.sent).extracting(HttpRequest::url).containsExactly("http://upstream.test/chat");
  }

  @Test
  void request_cannotBeBuilt_failsThroughRequestFailureWithoutACall() {
    UpstreamStream<String> refused = stream(() -> {
      throw new IllegalArgumentException("no such model");
    }, new LabelledFailures() {
      @Override
      public Throwable requestFailure(RuntimeException failure) {
        return new IllegalStateException("refused: " + failure.getMessage());
      }
    });
    TestSubscriber<String> subscriber = TestSubscriber.unbounded();

    refused.subscribe(subscriber);

    assertThat(subscriber.error()).hasMessage("refused: no such model");
    assertThat(transport.sent).isEmpty();
  }

  @Test
  void request_cannotBeBuiltAndNoRequestFailureOfItsOwn_failsThroughTransportFailure() {
    UpstreamStream<String> refused = stream(() -> {
      throw new IllegalArgumentException("bad header");
    }, new LabelledFailures());
    TestSubscriber<String> subscriber = TestSubscriber.unbounded();

    refused.subscribe(subscriber);

    assertThat(subscriber.error()).hasMessage("transport: bad header");
  }

  @Test
  void call_fails_failsThroughTransportFailure() {
    TestSubscriber<String> subscriber = TestSubscriber.unbounded();
    stream.subscribe(subscriber);

    transport.answer.completeExceptionally(new java.net.ConnectException("refused"));

    assertThat(subscriber.error()).hasMessage("transport: refused");
    assertThat(mappers.get(0).response).as("no response for the mapper").isNull();
  }

  @Test
  void response_errorStatus_readsTheWholeBodyAndFailsBeforeAnyItem() {
    TestSubscriber<String> subscriber = TestSubscriber.unbounded();
    stream.subscribe(subscriber);
    ManualResponse response = new ManualResponse(429);

    transport.answer.complete(response);
    response.body.emit(sse("{\"error\":"));
    response.body.emit(sse("\"slow down\"}"));
    response.body.complete();

    assertThat(subscriber.items()).isEmpty();
    assertThat(subscriber.error()).hasMessage("status 429 (req-7): {\"error\":\"slow down\"}");
    assertThat(mappers.get(0).response).as("the mapper never sees an error response").isNull();
  }

  @Test
  void response_2xx_theMapperSeesItBeforeTheFirstEvent() {
    TestSubscriber<String> subscriber = TestSubscriber.unbounded();
    stream.subscribe(subscriber);
    ManualResponse response = new ManualResponse(200);

    transport.answer.complete(response);

    assertThat(mappers.get(0).response).isSameAs(response);
    response.body.emit(sse("data: hello\n\n"));
    assertThat(subscriber.items()).containsExactly("hello:req-7");
  }

  // ---------------------------------------------------------------- demand and the end

  @Test
  void request_one_readsOneEventAndHoldsItsOtherItemsUntilAskedFor() {
    TestSubscriber<String> subscriber = new TestSubscriber<>(1);
    stream.subscribe(subscriber);
    ManualResponse response = transport.respond(200);
    assertThat(response.body.requested()).isEqualTo(1);

    response.body.emit(sse("data: a b\n\n"));
    assertThat(subscriber.items()).containsExactly("a:req-7");
    assertThat(response.body.requested()).as("no read while an item waits").isEqualTo(1);

    subscriber.request(1);
    assertThat(subscriber.items()).containsExactly("a:req-7", "b:req-7");
    assertThat(response.body.requested()).as("the next event is read for the next demand only").isEqualTo(1);
    subscriber.request(1);
    assertThat(response.body.requested()).isEqualTo(2);
    subscriber.assertNoViolations();
  }

  @Test
  void endMarker_completesAtOnceAndReadsTheRestOfTheBodyToItsEnd() {
    TestSubscriber<String> subscriber = new TestSubscriber<>(2);
    stream.subscribe(subscriber);
    ManualResponse response = transport.respond(200);

    response.body.emit(sse("data: last\n\ndata: END\n\n"));

    assertThat(subscriber.items()).containsExactly("last:req-7");
    assertThat(subscriber.isCompleted()).as("at the marker, before the body ends").isTrue();
    assertThat(response.body.outstanding()).as("the rest of the body is read, not dropped").isPositive();
    response.body.emit(sse("\n"));
    response.body.complete();
    assertThat(response.body.isCancelled()).isFalse();
    assertThat(response.closes.get()).as("a body read to its end needs no close").isZero();
    assertThat(mappers.get(0).finished).isFalse();
    subscriber.assertNoViolations();
  }

  @Test
  void endMarker_moreEventsAfterIt_cancelsTheBody() {
    TestSubscriber<String> subscriber = TestSubscriber.unbounded();
    stream.subscribe(subscriber);
    ManualResponse response = transport.respond(200);

    response.body.emit(sse("data: END\n\n"));
    response.body.emit(sse("data: stray\n\n"));

    assertThat(response.body.isCancelled()).isTrue();
    assertThat(subscriber.items()).isEmpty();
    assertThat(subscriber.isCompleted()).isTrue();
    subscriber.assertNoViolations();
  }

  @Test
  void body_endsBeforeTheEndMarker_failsWithWhatFinishThrows() {
    TestSubscriber<String> subscriber = TestSubscriber.unbounded();
    stream.subscribe(subscriber);
    ManualResponse response = transport.respond(200);

    response.body.emit(sse("data: half\n\n"));
    response.body.complete();

    assertThat(subscriber.items()).containsExactly("half:req-7");
    assertThat(subscriber.error()).isInstanceOf(UpstreamException.class).hasMessage("ended before END");
  }

  // ---------------------------------------------------------------- failures after the headers

  @Test
  void mapper_throwsSwitchboardException_failsWithItAsItIsAndCancelsTheBody() {
    TestSubscriber<String> subscriber = TestSubscriber.unbounded();
    stream.subscribe(subscriber);
    ManualResponse response = transport.respond(200);

    response.body.emit(sse("data: fine\n\ndata: !fail\n\n"));

    assertThat(subscriber.items()).containsExactly("fine:req-7");
    assertThat(subscriber.error()).isInstanceOf(UpstreamException.class).hasMessage("error event: !fail");
    assertThat(response.body.isCancelled()).isTrue();
  }

  @Test
  void mapper_throwsAnythingElse_failsThroughTransportFailure() {
    TestSubscriber<String> subscriber = TestSubscriber.unbounded();
    stream.subscribe(subscriber);
    ManualResponse response = transport.respond(200);

    response.body.emit(sse("data: !bug\n\n"));

    assertThat(subscriber.error()).isInstanceOf(IllegalStateException.class).hasMessage("transport: a bug");
    assertThat(response.body.isCancelled()).isTrue();
  }

  @Test
  void body_failsMidway_deliversWhatArrivedThenTheTransportFailure() {
    TestSubscriber<String> subscriber = TestSubscriber.unbounded();
    stream.subscribe(subscriber);
    ManualResponse response = transport.respond(200);

    response.body.emit(sse("data: one two\n\n"));
    response.body.error(new java.net.SocketException("reset"));

    assertThat(subscriber.items()).containsExactly("one:req-7", "two:req-7");
    assertThat(subscriber.error()).hasMessage("transport: reset");
  }

  @Test
  void decoder_fails_failsThroughTransportFailureAndCancelsTheBody() {
    UpstreamStream<String> undecodable = UpstreamStream.events(NAME, transport, () -> request("/chat"),
        new LabelledFailures(), body -> new FlatMapIterablePublisher<ByteBuffer, SseEvent>(body,
            () -> new FlatMapIterablePublisher.Mapper<>() {
              @Override
              public Iterable<SseEvent> apply(ByteBuffer item) {
                throw new IllegalStateException("message CRC mismatch");
              }

              @Override
              public Iterable<SseEvent> finish() {
                return List.of();
              }
            }), Words::new);
    TestSubscriber<String> subscriber = TestSubscriber.unbounded();
    undecodable.subscribe(subscriber);
    ManualResponse response = transport.respond(200);

    response.body.emit(sse("garbage"));

    assertThat(subscriber.error()).hasMessage("transport: message CRC mismatch");
    assertThat(response.body.isCancelled()).isTrue();
  }

  @Test
  void subscriber_onNextThrows_failsThroughTransportFailureAndCancelsTheBody() {
    TestSubscriber<String> subscriber = TestSubscriber.<String>unbounded().onEachItem((s, item) -> {
      throw new IllegalStateException("subscriber broke");
    });
    stream.subscribe(subscriber);
    ManualResponse response = transport.respond(200);

    response.body.emit(sse("data: one\n\n"));

    assertThat(subscriber.error()).hasMessage("transport: subscriber broke");
    assertThat(response.body.isCancelled()).isTrue();
  }

  // ---------------------------------------------------------------- cancel, refusals

  @Test
  void cancel_beforeTheResponse_cancelsTheCallAndSignalsNothing() {
    TestSubscriber<String> subscriber = new TestSubscriber<>(1);
    stream.subscribe(subscriber);

    subscriber.cancel();

    assertThat(transport.answer.isCancelled()).isTrue();
    assertThat(subscriber.isTerminated()).isFalse();
  }

  @Test
  void cancel_responseArrivesAnyway_closesItOnceUnread() {
    transport.answerEvenIfCancelled();
    TestSubscriber<String> subscriber = new TestSubscriber<>(1);
    stream.subscribe(subscriber);
    subscriber.cancel();
    ManualResponse response = new ManualResponse(200);

    transport.answer.complete(response);

    assertThat(response.closes.get()).isEqualTo(1);
    assertThat(response.body.requested()).isZero();
    assertThat(mappers.get(0).response).isNull();
    assertThat(subscriber.isTerminated()).isFalse();
  }

  @Test
  void cancel_whileReadingTheBody_cancelsItAndSignalsNothingMore() {
    TestSubscriber<String> subscriber = new TestSubscriber<>(1);
    stream.subscribe(subscriber);
    ManualResponse response = transport.respond(200);
    response.body.emit(sse("data: one\n\n"));

    subscriber.cancel();
    response.body.error(new java.util.concurrent.CancellationException("closed"));

    assertThat(response.body.isCancelled()).isTrue();
    assertThat(subscriber.items()).containsExactly("one:req-7");
    assertThat(subscriber.isTerminated()).isFalse();
    subscriber.assertNoViolations();
  }

  @Test
  void cancel_afterTheEndMarker_stopsReadingTheRestOfTheBody() {
    TestSubscriber<String> subscriber = TestSubscriber.unbounded();
    stream.subscribe(subscriber);
    ManualResponse response = transport.respond(200);
    response.body.emit(sse("data: END\n\n"));
    assertThat(response.body.isCancelled()).isFalse();

    subscriber.cancel();

    assertThat(response.body.isCancelled()).isTrue();
  }

  @Test
  void subscribe_secondSubscriber_isRefusedNamingTheStreamWithoutASecondCall() {
    TestSubscriber<String> first = new TestSubscriber<>(1);
    TestSubscriber<String> second = new TestSubscriber<>(1);
    stream.subscribe(first);

    stream.subscribe(second);

    assertThat(second.error()).isInstanceOf(IllegalStateException.class)
        .hasMessage("a test chat stream accepts one subscriber");
    assertThat(transport.sent).hasSize(1);
    assertThat(mappers).hasSize(1);
  }

  @Test
  void request_nonPositive_failsWithIllegalArgumentAndCancelsTheCall() {
    TestSubscriber<String> subscriber = new TestSubscriber<>(1);
    stream.subscribe(subscriber);

    subscriber.request(-1);

    assertThat(subscriber.error()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rule 3.9");
    assertThat(transport.answer.isCancelled()).isTrue();
  }

  // ---------------------------------------------------------------- over a real connection

  @Test
  void endMarker_overOkHttp_completesBeforeTheBodyEndsThenReleasesTheConnection() throws Exception {
    CountDownLatch completed = new CountDownLatch(1);
    try (OkHttpTransport okHttp = OkHttpTransport.builder().build();
        RawHttpServer server = RawHttpServer.start(exchange -> {
          exchange.startChunked(200, "text/event-stream");
          exchange.writeChunk("data: only\n\ndata: END\n\n");
          completed.await(10, TimeUnit.SECONDS); // the body ends only once the stream has completed
          exchange.writeChunk(": trailing comment\n\n");
          exchange.endChunks();
        })) {
      UpstreamStream<String> real = UpstreamStream.events(NAME, okHttp, () -> HttpRequest.builder()
          .url(server.url("/chat")).body(new byte[0]).build(), new LabelledFailures(), SsePublisher::new, Words::new);
      TestSubscriber<String> subscriber = TestSubscriber.unbounded();
      real.subscribe(subscriber);

      subscriber.awaitTerminal();
      completed.countDown();

      assertThat(subscriber.items()).containsExactly("only:none");
      assertThat(subscriber.isCompleted()).isTrue();
      TransportProbe.assertNoOpenCalls(okHttp);
      assertThat(server.handlerFailures()).isEmpty();
    }
  }

  // ---------------------------------------------------------------- fixtures

  /**
   * A provider's rules in small: each event's words become items (tagged with the response's
   * {@code x-request-id}), {@code END} ends the stream, {@code !fail} is an error event and
   * {@code !bug} a bug; a body that ends before {@code END} ended early.
   */
  private static final class Words implements UpstreamStream.EventMapper<SseEvent, String> {
    private volatile StreamingHttpResponse response;
    private String requestId = "none";
    private boolean ended;
    private boolean finished;

    @Override
    public void onResponse(StreamingHttpResponse response) {
      this.response = response;
      if (response.header("X-Request-Id") != null) {
        requestId = response.header("X-Request-Id");
      }
    }

    @Override
    public List<String> apply(SseEvent event) {
      String data = event.data();
      if (data.equals("END")) {
        ended = true;
        return List.of();
      }
      if (data.equals("!fail")) {
        throw new UpstreamException("error event: " + data, ErrorDetails.builder().build());
      }
      if (data.equals("!bug")) {
        throw new IllegalArgumentException("a bug");
      }
      List<String> items = new ArrayList<>();
      for (String word : data.split(" ")) {
        items.add(word + ":" + requestId);
      }
      return items;
    }

    @Override
    public boolean isComplete() {
      return ended;
    }

    @Override
    public List<String> finish() {
      finished = true;
      throw new UpstreamException("ended before END", ErrorDetails.builder().build());
    }
  }

  /** Errors that say which path they came through. */
  private static class LabelledFailures implements UpstreamStream.Failures {
    @Override
    public Throwable transportFailure(Throwable failure) {
      return new IllegalStateException("transport: " + failure.getMessage(), failure);
    }

    @Override
    public Throwable errorStatus(int status, Function<String, String> headers, byte[] body) {
      return new IllegalStateException("status " + status + " (" + headers.apply("x-request-id") + "): "
          + new String(body, StandardCharsets.UTF_8));
    }
  }
}

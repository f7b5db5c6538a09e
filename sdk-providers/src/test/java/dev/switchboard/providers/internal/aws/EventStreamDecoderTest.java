package dev.switchboard.providers.internal.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.error.SwitchboardException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventStreamDecoderTest {

  // One frame captured from Amazon Bedrock (InvokeModelWithResponseStream, a "chunk" event with Bedrock's
  // random-length "p" padding), as recorded in the AI21 Python SDK's tests
  // (ai21-python, tests/unittests/clients/bedrock/test_stream.py, Apache-2.0). Its CRCs were computed by AWS.
  private static final byte[] CAPTURED_BEDROCK_FRAME = HexFormat.of().parseHex(""
      + "0000010b0000004b38a0a5c50b3a6576656e742d747970650700056368756e6b0d3a636f6e74656e742d747970650700"
      + "106170706c69636174696f6e2f6a736f6e0d3a6d6573736167652d747970650700056576656e747b226279746573223a"
      + "2265794a6a614739705932567a496a706265794a70626d526c654349364d4377696257567a6332466e5a53493665794a"
      + "796232786c496a6f6959584e7a61584e305957353049697769593239756447567564434936496b6b6966537769633352"
      + "76634639795a57467a623234694f6d3531624778395858303d222c2270223a226162636465666768696a6b6c6d6e6f70"
      + "7172737475767778797a4142434445464748494a4b227d1106313f");

  private final EventStreamDecoder decoder = new EventStreamDecoder();

  @Test
  void decode_capturedBedrockFrame_yieldsItsHeadersAndPayload() {
    List<EventStreamMessage> messages = decoder.decode(ByteBuffer.wrap(CAPTURED_BEDROCK_FRAME));

    assertThat(messages).singleElement().satisfies(m -> {
      assertThat(m.headers()).containsExactly(Map.entry(":event-type", "chunk"),
          Map.entry(":content-type", "application/json"), Map.entry(":message-type", "event"));
      assertThat(m.payloadText()).startsWith("{\"bytes\":\"eyJjaG9pY2VzIjpb")
          .endsWith(",\"p\":\"abcdefghijklmnopqrstuvwxyzABCDEFGHIJK\"}");
      assertThat(m.payloadLength()).isEqualTo(267 - 12 - 75 - 4);
    });
    assertThat(decoder.finish()).isEmpty();
  }

  @Test
  void decode_capturedFramesFedOneByteAtATime_yieldsEachFrameWhenItsLastByteArrives() {
    byte[] body = EventStreamEncoder.concat(CAPTURED_BEDROCK_FRAME, CAPTURED_BEDROCK_FRAME, CAPTURED_BEDROCK_FRAME);
    List<Integer> completedAt = new ArrayList<>();

    for (int i = 0; i < body.length; i++) {
      if (!decoder.decode(ByteBuffer.wrap(body, i, 1)).isEmpty()) {
        completedAt.add(i + 1);
      }
    }

    assertThat(completedAt).containsExactly(267, 534, 801);
    assertThat(decoder.finish()).isEmpty();
  }

  @Test
  void decode_everyHeaderValueType_roundTripsFromTheEncoder() {
    UUID uuid = UUID.fromString("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("true", true);
    headers.put("false", false);
    headers.put("byte", (byte) -7);
    headers.put("short", (short) -300);
    headers.put("int", 123_456_789);
    headers.put("long", -9_876_543_210L);
    headers.put("bytes", new byte[] {1, 2, 3});
    headers.put("string", "héllo ሴ");
    headers.put("timestamp", Instant.parse("2026-03-01T12:00:00.123Z"));
    headers.put("uuid", uuid);
    byte[] payload = "{\"x\":1}".getBytes(StandardCharsets.UTF_8);

    EventStreamMessage m = decoder.decode(ByteBuffer.wrap(EventStreamEncoder.encode(headers, payload))).get(0);

    assertThat(m.headers()).containsOnlyKeys(headers.keySet());
    assertThat(m.headers()).containsEntry("true", true).containsEntry("false", false)
        .containsEntry("byte", (byte) -7).containsEntry("short", (short) -300).containsEntry("int", 123_456_789)
        .containsEntry("long", -9_876_543_210L).containsEntry("string", "héllo ሴ")
        .containsEntry("timestamp", Instant.parse("2026-03-01T12:00:00.123Z")).containsEntry("uuid", uuid);
    assertThat((byte[]) m.headers().get("bytes")).containsExactly(1, 2, 3);
    assertThat(m.payload()).isEqualTo(payload);
    assertThat(new ArrayList<>(m.headers().keySet())).as("wire order kept")
        .containsExactlyElementsOf(headers.keySet());
  }

  @Test
  void decode_messageSplitAtEveryPosition_decodesTheSameMessages() {
    byte[] body = EventStreamEncoder.concat(
        EventStreamEncoder.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hé\"}}"),
        EventStreamEncoder.event("messageStop", "{\"stopReason\":\"end_turn\"}"),
        EventStreamEncoder.encode(Map.of(), new byte[0]));

    for (int split = 0; split <= body.length; split++) {
      EventStreamDecoder d = new EventStreamDecoder();
      List<EventStreamMessage> messages = new ArrayList<>(d.decode(ByteBuffer.wrap(body, 0, split)));
      messages.addAll(d.decode(ByteBuffer.wrap(body, split, body.length - split)));
      messages.addAll(d.finish());

      assertThat(messages).as("split at %d", split).hasSize(3);
      assertThat(messages.get(0).payloadText()).isEqualTo("{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hé\"}}");
      assertThat(messages.get(1).stringHeader(":event-type")).isEqualTo("messageStop");
      assertThat(messages.get(2).headers()).isEmpty();
      assertThat(messages.get(2).payloadLength()).isZero();
    }
  }

  @Test
  void decode_badPreludeCrc_failsBeforeWaitingForTheRestOfTheMessage() {
    byte[] frame = CAPTURED_BEDROCK_FRAME.clone();
    frame[11] ^= 0x01;

    assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(frame, 0, 12)))
        .isInstanceOf(EventStreamFormatException.class)
        .hasMessage("malformed event stream: prelude CRC mismatch: the message says 0x38a0a5c4 but its prelude "
            + "hashes to 0x38a0a5c5");
  }

  @Test
  void decode_corruptedPayloadByte_failsWithMessageCrcMismatchAsRetryableUpstreamError() {
    byte[] frame = CAPTURED_BEDROCK_FRAME.clone();
    frame[100] ^= 0x20;

    Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> decoder.decode(ByteBuffer.wrap(frame)));

    assertThat(failure).isInstanceOf(EventStreamFormatException.class)
        .hasMessageStartingWith("malformed event stream: message CRC mismatch: the message says 0x1106313f");
    assertThat(((SwitchboardException) failure).isRetryable()).isTrue();
    assertThat(((SwitchboardException) failure).httpStatus()).isEqualTo(502);
    assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(CAPTURED_BEDROCK_FRAME)))
        .isInstanceOf(IllegalStateException.class).hasMessage("decode called after a failure");
  }

  @Test
  void finish_streamEndsInsideAMessage_failsNamingHowMuchArrived() {
    decoder.decode(ByteBuffer.wrap(CAPTURED_BEDROCK_FRAME, 0, 200));

    assertThatThrownBy(decoder::finish).isInstanceOf(EventStreamFormatException.class)
        .hasMessage("malformed event stream: the stream ended inside a message (200 of 267 bytes)");
  }

  @Test
  void finish_streamEndsInsideAPrelude_fails() {
    decoder.decode(ByteBuffer.wrap(CAPTURED_BEDROCK_FRAME, 0, 5));

    assertThatThrownBy(decoder::finish).isInstanceOf(EventStreamFormatException.class)
        .hasMessage("malformed event stream: the stream ended inside a message prelude (5 of 12 bytes)");
  }

  @Test
  void decode_lengthsOutOfBounds_areRefused() {
    assertThatThrownBy(() -> new EventStreamDecoder().decode(ByteBuffer.wrap(prelude(15, 0))))
        .isInstanceOf(EventStreamFormatException.class)
        .hasMessage("malformed event stream: message length 15 is outside 16..16777216");
    assertThatThrownBy(() -> new EventStreamDecoder().decode(ByteBuffer.wrap(prelude(0x7fff_ffff, 0))))
        .isInstanceOf(EventStreamFormatException.class)
        .hasMessage("malformed event stream: message length 2147483647 is outside 16..16777216");
    assertThatThrownBy(() -> new EventStreamDecoder().decode(ByteBuffer.wrap(prelude(40, 25))))
        .isInstanceOf(EventStreamFormatException.class)
        .hasMessage("malformed event stream: headers length 25 does not fit a message of 40 bytes (at most 24)");
  }

  @Test
  void decode_headerRunningPastItsBlock_isRefused() {
    // A string header whose declared length (0x00ff) runs past the 8-byte header block.
    byte[] headers = {1, 'a', 7, 0x00, (byte) 0xff, 'x', 'y', 'z'};
    ByteBuffer b = ByteBuffer.allocate(12 + headers.length + 4);
    b.putInt(12 + headers.length + 4).putInt(headers.length).putInt(crc(b.array(), 0, 8)).put(headers);
    b.putInt(crc(b.array(), 0, b.capacity() - 4));

    assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(b.array())))
        .isInstanceOf(EventStreamFormatException.class)
        .hasMessage("malformed event stream: header 'a' runs past the end of the header block");
  }

  private static byte[] prelude(int total, int headersLength) {
    ByteBuffer b = ByteBuffer.allocate(12);
    b.putInt(total).putInt(headersLength).putInt(crc(b.array(), 0, 8));
    return b.array();
  }

  private static int crc(byte[] bytes, int from, int length) {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(bytes, from, length);
    return (int) crc.getValue();
  }
}

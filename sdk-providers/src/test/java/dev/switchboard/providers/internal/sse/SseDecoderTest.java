package dev.switchboard.providers.internal.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseDecoderTest {

  // A stream with every feature at once: BOM, CRLF/CR/LF, comments, multi-byte characters (2, 3
  // and 4 bytes), multi-line data, event/id/retry fields, a data-less block, no final blank line.
  private static final String SAMPLE = "\uFEFF: keep-alive\r\n"
      + "data: {\"choices\":[{\"delta\":{\"content\":\"Grüße\"}}]}\r\n\r\n"
      + "event: ping\rdata: 1\r\rid: 7\n"
      + "data: first line\n"
      + "data:second line €\n"
      + "data:  two spaces 😀\n\n"
      + "retry: 3000\n\n"
      + ":\n"
      + "event: bye\ndata: [DONE]";

  private static final List<SseEvent> SAMPLE_EVENTS = List.of(
      new SseEvent("message", "{\"choices\":[{\"delta\":{\"content\":\"Grüße\"}}]}", null, null),
      new SseEvent("ping", "1", null, null),
      new SseEvent("message", "first line\nsecond line €\n two spaces 😀", "7", null),
      new SseEvent("bye", "[DONE]", "7", 3000L));

  @Test
  void decode_lfLineEndings_dispatchesEachEvent() {
    assertThat(decodeAll("data: a\n\ndata: b\n\n")).containsExactly(SseEvent.of("a"), SseEvent.of("b"));
  }

  @Test
  void decode_crlfLineEndings_dispatchesEachEvent() {
    assertThat(decodeAll("data: a\r\n\r\ndata: b\r\n\r\n")).containsExactly(SseEvent.of("a"), SseEvent.of("b"));
  }

  @Test
  void decode_crLineEndings_dispatchesEachEvent() {
    assertThat(decodeAll("data: a\r\rdata: b\r\r")).containsExactly(SseEvent.of("a"), SseEvent.of("b"));
  }

  @Test
  void decode_mixedLineEndings_dispatchesEachEvent() {
    assertThat(decodeAll("data: a\r\n\ndata: b\r\rdata: c\n\r\n"))
        .containsExactly(SseEvent.of("a"), SseEvent.of("b"), SseEvent.of("c"));
  }

  @Test
  void decode_crLfCrLf_isTwoLineEndsNotThree() {
    // CR LF CR LF is two line ends: one blank line, one dispatch; an extra blank line is harmless.
    assertThat(decodeAll("data: a\r\n\r\ndata: b\n\n")).containsExactly(SseEvent.of("a"), SseEvent.of("b"));
    SseDecoder decoder = new SseDecoder();
    assertThat(decoder.decode(utf8("data: a\r\n"))).isEmpty();
    assertThat(decoder.decode(utf8("\r\n"))).containsExactly(SseEvent.of("a"));
  }

  @Test
  void decode_multiLineData_joinsLinesWithNewline() {
    assertThat(decodeAll("data: one\ndata: two\ndata:\ndata: four\n\n"))
        .containsExactly(SseEvent.of("one\ntwo\n\nfour"));
  }

  @Test
  void decode_bareDataLine_dispatchesEmptyData() {
    assertThat(decodeAll("data\n\ndata:\n\n")).containsExactly(SseEvent.of(""), SseEvent.of(""));
  }

  @Test
  void decode_valueSpacing_removesExactlyOneLeadingSpace() {
    assertThat(decodeAll("data:x\n\ndata: x\n\ndata:  x\n\n"))
        .containsExactly(SseEvent.of("x"), SseEvent.of("x"), SseEvent.of(" x"));
  }

  @Test
  void decode_commentsAndKeepAlives_areIgnored() {
    assertThat(decodeAll(": OPENROUTER PROCESSING\n\n:\n\n: ping\r\ndata: a\n: inside an event\ndata: b\n\n"))
        .containsExactly(SseEvent.of("a\nb"));
  }

  @Test
  void decode_onlyKeepAlives_dispatchesNothing() {
    SseDecoder decoder = new SseDecoder();
    assertThat(decoder.decode(utf8(": keep-alive\n\n: keep-alive\n\n"))).isEmpty();
    assertThat(decoder.finish()).isEmpty();
  }

  @Test
  void decode_blockWithoutData_isNotDispatchedAndItsTypeIsReset() {
    assertThat(decodeAll("event: ping\n\ndata: a\n\n")).containsExactly(SseEvent.of("a"));
  }

  @Test
  void decode_eventField_namesOnlyItsOwnEvent() {
    assertThat(decodeAll("event: message_start\ndata: {}\n\ndata: plain\n\n"))
        .containsExactly(SseEvent.of("message_start", "{}"), SseEvent.of("plain"));
  }

  @Test
  void decode_idField_persistsUntilChangedOrReset() {
    assertThat(decodeAll("id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\nid\ndata: d\n\n")).containsExactly(
        new SseEvent("message", "a", "1", null),
        new SseEvent("message", "b", "1", null),
        new SseEvent("message", "c", "2", null),
        new SseEvent("message", "d", null, null));
  }

  @Test
  void decode_idWithNul_isIgnored() {
    assertThat(decodeAll("id: 1\ndata: a\n\nid: x\u0000y\ndata: b\n\n")).extracting(SseEvent::id)
        .containsExactly("1", "1");
  }

  @Test
  void decode_retryField_acceptsOnlyDigitsAndPersists() {
    assertThat(decodeAll("retry: 1500\ndata: a\n\nretry: soon\ndata: b\n\nretry: 99999999999999999999\ndata: c\n\n"))
        .extracting(SseEvent::retry)
        .containsExactly(1500L, 1500L, 1500L);
  }

  @Test
  void decode_unknownFieldsAndFieldNamesAreCaseSensitive_areIgnored() {
    assertThat(decodeAll("foo: bar\nData: no\ndata: yes\n\n")).containsExactly(SseEvent.of("yes"));
  }

  @Test
  void decode_leadingBom_isDropped() {
    assertThat(decodeAll("\uFEFFdata: a\n\n")).containsExactly(SseEvent.of("a"));
  }

  @Test
  void decode_bomSplitAcrossBuffers_isDropped() {
    byte[] bytes = "\uFEFFdata: a\n\n".getBytes(StandardCharsets.UTF_8);
    SseDecoder decoder = new SseDecoder();
    List<SseEvent> events = new ArrayList<>();
    for (byte b : bytes) {
      events.addAll(decoder.decode(ByteBuffer.wrap(new byte[] {b})));
    }
    assertThat(events).containsExactly(SseEvent.of("a"));
  }

  @Test
  void decode_bomNotAtStreamStart_isKept() {
    // Only one leading BOM is dropped; a second one makes the first line an unknown field.
    assertThat(decodeAll("\uFEFF\uFEFFdata: a\n\ndata: \uFEFFb\n\n")).containsExactly(SseEvent.of("\uFEFFb"));
  }

  @Test
  void decode_splitInsideMultiByteCharacter_decodesCharacterWhole() {
    byte[] bytes = "data: €😀ü\n\n".getBytes(StandardCharsets.UTF_8);
    int euro = "data: ".length(); // € is 3 bytes, 😀 4, ü 2
    for (int split = euro + 1; split < bytes.length - 2; split++) {
      SseDecoder decoder = new SseDecoder();
      List<SseEvent> events = new ArrayList<>(decoder.decode(ByteBuffer.wrap(bytes, 0, split)));
      events.addAll(decoder.decode(ByteBuffer.wrap(bytes, split, bytes.length - split)));
      assertThat(events).as("split at %d", split).containsExactly(SseEvent.of("€😀ü"));
    }
  }

  @Test
  void decode_crAndLfInSeparateBuffers_areOneLineEnd() {
    SseDecoder decoder = new SseDecoder();
    assertThat(decoder.decode(utf8("data: a\r"))).isEmpty();
    assertThat(decoder.decode(utf8("\n"))).isEmpty(); // the LF of the CRLF, not a blank line
    assertThat(decoder.decode(utf8("\r"))).containsExactly(SseEvent.of("a"));
    assertThat(decoder.decode(utf8("\n"))).isEmpty();
    assertThat(decoder.decode(utf8("data: b\n\n"))).containsExactly(SseEvent.of("b"));
  }

  @Test
  void decode_sampleStream_givesExpectedEvents() {
    assertThat(decodeAll(SAMPLE)).containsExactlyElementsOf(SAMPLE_EVENTS);
  }

  @Test
  void decode_sampleSplitAtEveryBytePosition_givesSameEvents() {
    byte[] bytes = SAMPLE.getBytes(StandardCharsets.UTF_8);
    for (int split = 0; split <= bytes.length; split++) {
      SseDecoder decoder = new SseDecoder();
      List<SseEvent> events = new ArrayList<>(decoder.decode(ByteBuffer.wrap(bytes, 0, split)));
      events.addAll(decoder.decode(ByteBuffer.wrap(bytes, split, bytes.length - split)));
      events.addAll(decoder.finish());
      assertThat(events).as("split at %d", split).containsExactlyElementsOf(SAMPLE_EVENTS);
    }
  }

  @Test
  void decode_sampleSplitAtEveryPairOfPositions_givesSameEvents() {
    byte[] bytes = SAMPLE.getBytes(StandardCharsets.UTF_8);
    for (int first = 0; first <= bytes.length; first++) {
      for (int second = first; second <= bytes.length; second++) {
        SseDecoder decoder = new SseDecoder();
        List<SseEvent> events = new ArrayList<>(decoder.decode(ByteBuffer.wrap(bytes, 0, first)));
        events.addAll(decoder.decode(ByteBuffer.wrap(bytes, first, second - first)));
        events.addAll(decoder.decode(ByteBuffer.wrap(bytes, second, bytes.length - second)));
        events.addAll(decoder.finish());
        assertThat(events).as("split at %d and %d", first, second).containsExactlyElementsOf(SAMPLE_EVENTS);
      }
    }
  }

  @Test
  void decode_sampleOneByteAtATime_givesSameEvents() {
    byte[] bytes = SAMPLE.getBytes(StandardCharsets.UTF_8);
    SseDecoder decoder = new SseDecoder();
    List<SseEvent> events = new ArrayList<>();
    for (byte b : bytes) {
      events.addAll(decoder.decode(ByteBuffer.wrap(new byte[] {b})));
    }
    events.addAll(decoder.finish());
    assertThat(events).containsExactlyElementsOf(SAMPLE_EVENTS);
  }

  @Test
  void decode_bufferWithOffsetPosition_consumesOnlyRemainingBytes() {
    ByteBuffer buffer = ByteBuffer.wrap(utf8Bytes("garbage-data: a\n\n"));
    buffer.position("garbage-".length());
    assertThat(new SseDecoder().decode(buffer)).containsExactly(SseEvent.of("a"));
    assertThat(buffer.hasRemaining()).isFalse();
  }

  @Test
  void decode_malformedUtf8_becomesReplacementCharacter() {
    byte[] bytes = {'d', 'a', 't', 'a', ':', ' ', (byte) 0xFF, 'x', '\n', '\n'};
    assertThat(new SseDecoder().decode(ByteBuffer.wrap(bytes))).containsExactly(SseEvent.of("\uFFFDx"));
  }

  @Test
  void decode_lineLongerThanInitialBuffer_isKeptWhole() {
    String big = "x".repeat(200_000);
    assertThat(decodeAll("data: " + big + "\n\ndata: small\n\n")).containsExactly(SseEvent.of(big), SseEvent.of("small"));
  }

  @Test
  void finish_missingTrailingBlankLine_dispatchesPendingEventWithData() {
    SseDecoder decoder = new SseDecoder();
    assertThat(decoder.decode(utf8("data: a\n\ndata: last\n"))).containsExactly(SseEvent.of("a"));
    assertThat(decoder.finish()).containsExactly(SseEvent.of("last"));
  }

  @Test
  void finish_unterminatedLastLine_isProcessedAsALine() {
    SseDecoder decoder = new SseDecoder();
    assertThat(decoder.decode(utf8("event: done\ndata: [DONE]"))).isEmpty();
    assertThat(decoder.finish()).containsExactly(SseEvent.of("done", "[DONE]"));
  }

  @Test
  void finish_pendingBlockWithoutData_dispatchesNothing() {
    SseDecoder decoder = new SseDecoder();
    assertThat(decoder.decode(utf8("data: a\n\nevent: x\nid: 3\n: comment"))).containsExactly(SseEvent.of("a"));
    assertThat(decoder.finish()).isEmpty();
  }

  @Test
  void finish_calledTwice_secondReturnsNothingAndDecodeThrows() {
    SseDecoder decoder = new SseDecoder();
    decoder.decode(utf8("data: a"));
    assertThat(decoder.finish()).containsExactly(SseEvent.of("a"));
    assertThat(decoder.finish()).isEmpty();
    assertThatThrownBy(() -> decoder.decode(utf8("data: b\n\n")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("decode called after finish");
  }

  @Test
  void decode_openAiStyleStream_givesOneEventPerChunkAndDone() {
    String stream = "data: {\"id\":\"c1\",\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\n"
        + "data: {\"id\":\"c1\",\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n"
        + "data: {\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":3}}\n\n"
        + "data: [DONE]\n\n";
    assertThat(decodeAll(stream)).extracting(SseEvent::data).containsExactly(
        "{\"id\":\"c1\",\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}",
        "{\"id\":\"c1\",\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}",
        "{\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":3}}",
        "[DONE]");
  }

  @Test
  void sseEvent_nullOrEmptyType_becomesMessage() {
    assertThat(new SseEvent(null, "a", null, null).event()).isEqualTo("message");
    assertThat(new SseEvent("", "a", null, null)).isEqualTo(SseEvent.of("a"));
    assertThatThrownBy(() -> new SseEvent("x", null, null, null)).isInstanceOf(NullPointerException.class).hasMessage("data");
  }

  @Test
  void lineAtTheLimit_isDecoded_oneByteMore_failsWithoutGrowingFurther() {
    SseDecoder decoder = new SseDecoder();
    byte[] prefix = utf8Bytes("data: ");
    byte[] piece = new byte[1024 * 1024];
    java.util.Arrays.fill(piece, (byte) 'x');
    decoder.decode(ByteBuffer.wrap(prefix));
    int fed = prefix.length;
    while (fed + piece.length <= SseDecoder.MAX_LINE_BYTES) { // in network-sized pieces, no line break
      decoder.decode(ByteBuffer.wrap(piece));
      fed += piece.length;
    }
    byte[] rest = new byte[SseDecoder.MAX_LINE_BYTES - fed];
    java.util.Arrays.fill(rest, (byte) 'x');
    decoder.decode(ByteBuffer.wrap(rest));

    List<SseEvent> atLimit = decoder.decode(ByteBuffer.wrap(utf8Bytes("\n\n")));
    assertThat(atLimit).hasSize(1);
    assertThat(atLimit.get(0).data()).hasSize(SseDecoder.MAX_LINE_BYTES - prefix.length);

    SseDecoder endless = new SseDecoder();
    byte[] whole = new byte[SseDecoder.MAX_LINE_BYTES];
    java.util.Arrays.fill(whole, (byte) 'x');
    endless.decode(ByteBuffer.wrap(whole));
    assertThatThrownBy(() -> endless.decode(ByteBuffer.wrap(utf8Bytes("x\n"))))
        .isInstanceOf(SseTooLargeException.class)
        .hasMessage("a server-sent event line is longer than 16777216 bytes (no line break where one was due)");
  }

  @Test
  void eventWhoseDataLinesAddUpPastTheLimit_fails() {
    SseDecoder decoder = new SseDecoder();
    String line = "data: " + "y".repeat(1024 * 1024 - 1) + "\n"; // 1 Mi characters of data with the joining \n
    for (int i = 0; i < 15; i++) {
      assertThat(decoder.decode(ByteBuffer.wrap(utf8Bytes(line)))).isEmpty();
    }

    assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(utf8Bytes(line + line))))
        .isInstanceOf(SseTooLargeException.class)
        .hasMessage("a server-sent event's data is longer than 16777216 characters");
  }

  private static List<SseEvent> decodeAll(String text) {
    SseDecoder decoder = new SseDecoder();
    List<SseEvent> events = new ArrayList<>(decoder.decode(utf8(text)));
    events.addAll(decoder.finish());
    return events;
  }

  private static ByteBuffer utf8(String text) {
    return ByteBuffer.wrap(utf8Bytes(text));
  }

  private static byte[] utf8Bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}

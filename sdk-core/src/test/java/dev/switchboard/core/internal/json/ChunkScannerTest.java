package dev.switchboard.core.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.model.ChatChunk;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scanner against the token reader it stands in front of: whatever it accepts, it reads as the
 * token reader does (the same chunk, the same decision to keep the text); it accepts the chunks
 * real upstreams send; and it declines what the token reader refuses.
 */
class ChunkScannerTest {

  private static final String ENVELOPE = "\"id\":\"chatcmpl-BmockQx7f3aLr9Yk2hZp0TnWc4s\",\"object\":\"chat.completion.chunk\","
      + "\"created\":1750000000,\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\","
      + "\"system_fingerprint\":\"fp_34a54ae93c\"";

  /** Chunks as upstreams send them, each of which the scanner must read itself. */
  static Stream<String> usual() {
    return Stream.of(
        // OpenAI: first, content, last with a finish reason, with obfuscation padding
        "{" + ENVELOPE + ",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
            + "\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
        "{" + ENVELOPE + ",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" Paris\"},\"logprobs\":null,"
            + "\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"q3Zx\"}",
        "{" + ENVELOPE + ",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null}",
        // escapes, non-ASCII text, an emoji escaped as a surrogate pair, a lone surrogate
        "{" + ENVELOPE + ",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"```java\\nint x = \\\"a\\\\b\\\";\\n\\t/\\/\"},"
            + "\"logprobs\":null,\"finish_reason\":null}]}",
        "{" + ENVELOPE + ",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Grüße, 日本語 😀 \\u00e9\\ud83d\\ude00 \\ud800\"},"
            + "\"logprobs\":null,\"finish_reason\":null}]}",
        // tool call fragments: the first with name, later ones with escaped argument text
        "{" + ENVELOPE + ",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":"
            + "[{\"index\":0,\"id\":\"call_Dn3k\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
            + "\"arguments\":\"\"}}],\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}]}",
        "{" + ENVELOPE + ",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":"
            + "{\"arguments\":\"{\\\"city\\\": \\\"Par\"}}]},\"logprobs\":null,\"finish_reason\":null}]}",
        "{" + ENVELOPE + ",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"function\":null},{\"index\":1,"
            + "\"extra\":[1,{\"a\":-0.5e+3}]}]},\"finish_reason\":\"tool_calls\"}]}",
        // Azure: filter results in the choice and at the top, fields in another order
        "{\"choices\":[{\"content_filter_results\":{\"hate\":{\"filtered\":false,\"severity\":\"safe\"},"
            + "\"self_harm\":{\"filtered\":false,\"severity\":\"safe\"}},\"delta\":{\"content\":\"Hi\"},"
            + "\"finish_reason\":null,\"index\":0,\"logprobs\":null}],\"created\":1750000000,\"id\":\"chatcmpl-A\","
            + "\"model\":\"gpt-4o-2024-11-20\",\"object\":\"chat.completion.chunk\",\"system_fingerprint\":\"fp_ee1d74bde0\"}",
        "{\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\",\"prompt_filter_results\":"
            + "[{\"prompt_index\":0,\"content_filter_results\":{\"jailbreak\":{\"filtered\":false,\"detected\":false}}}]}",
        // DeepSeek / vLLM: extra delta fields, a stop reason; Groq's x_groq
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"deepseek-reasoner\",\"choices\":"
            + "[{\"index\":0,\"delta\":{\"content\":null,\"reasoning_content\":\"Let me think\",\"flag\":true,\"n\":null,"
            + "\"f\":false},\"stop_reason\":null,\"finish_reason\":null}]}",
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
            + "\"delta\":{},\"finish_reason\":\"stop\"}],\"x_groq\":{\"id\":\"req_1\",\"usage\":{\"queue_time\":0.013}}}",
        // pretty-printed, several choices, nulls read as absent
        " {\n  \"id\" : \"c\" ,\r\n\t\"object\":\"chat.completion.chunk\", \"created\" : -0 , \"model\":\"m\",\n"
            + "  \"choices\" : [ { \"index\" : 1 , \"delta\" : { \"content\" : \"a\" } , \"finish_reason\" : null } ,\n"
            + "   { } , {\"index\":null,\"delta\":null} ] } \n",
        "{\"choices\":null,\"usage\":null,\"id\":null,\"created\":null,\"model\":null,\"object\":7}",
        "{}");
  }

  /** Chunks the scanner leaves to the token reader. */
  static Stream<String> declined() {
    return Stream.of(
        "{\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":12,\"total_tokens\":21}}",
        "{\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":{\"content\":[]},\"finish_reason\":\"stop\"}]}",
        "{\"created\":1.7E9}", "{\"created\":1700000000.0}", "{\"choices\":[{\"index\":0.0}]}",
        "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":{\"arguments\":{\"a\":1}}}]}}]}",
        "{\"choices\":[{\"delta\":{\"n\":1}}]}", "{\"choices\":[{\"delta\":{\"o\":{}}}]}",
        "{\"id\":\"a\",\"id\":\"b\"}", "{\"choices\":[{\"index\":0,\"index\":1}]}",
        "{\"\\u0069d\":\"x\"}", "{\"object\":\"chat.completion.chun\\u006b\"}",
        "\uFEFF{}",
        "{\"created\":1234567890123456789}");
  }

  /** Texts the token reader refuses; the scanner must never accept them. */
  static Stream<String> malformed() {
    return Stream.concat(ChatChunkReaderTest.malformed(), Stream.of(
        "{\"id\":\"a\"", "{\"id\":\"a\",}", "{\"id\":\"a\"}}", "{\"id\"\"a\"}", "{id:\"a\"}", "{\"id\":'a'}",
        "{\"created\":01}", "{\"created\":-}", "{\"created\":+1}", "{\"x\":1.}", "{\"x\":.5}", "{\"x\":1e}",
        "{\"x\":[1,]}", "{\"x\":[,1]}", "{\"x\":{\"a\"}}", "{\"x\":nul}", "{\"x\":truex}", "{\"x\":\"\\x\"}",
        "{\"x\":\"\\u12G4\"}", "{\"x\":\"a\nb\"}", "{\"x\":\"\u0000\"}", "{\"id\":\"\\u12\"}", "{\"id\":\"abc"));
  }

  @ParameterizedTest
  @MethodSource("usual")
  void usualChunks_areReadByTheScanner_asTheTokenReaderReadsThem(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);

    assertThat(agrees(bytes)).as("scanner declined %s", json).isTrue();
  }

  @ParameterizedTest
  @MethodSource("declined")
  void rareOrConvertedForms_areLeftToTheTokenReader(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);

    assertThat(ChunkScanner.read(bytes)).isNull();
    assertThat(ChatChunkReader.read(bytes)).isEqualTo(ChatChunkReader.readTokens(bytes));
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void malformedText_isNeverAccepted(String json) {
    assertThat(ChunkScanner.read(json.getBytes(StandardCharsets.UTF_8))).isNull();
  }

  @ParameterizedTest
  @MethodSource("wellFormedOfTheTokenReaderTest")
  void everyTextTheTokenReaderIsTestedWith_readsTheSame(String json) {
    agrees(json.getBytes(StandardCharsets.UTF_8)); // accepted or declined, never different
  }

  static Stream<String> wellFormedOfTheTokenReaderTest() {
    return ChatChunkReaderTest.wellFormed();
  }

  /**
   * Random damage to real chunks (a byte deleted, inserted, replaced, the text cut short): whatever
   * the scanner still accepts, the token reader reads the same. Seeded, so a failure repeats.
   */
  @Test
  void damagedChunks_areReadTheSameOrDeclined() {
    Random random = new Random(20261122);
    byte[] alphabet = "{}[]\":,\\ \n0123456789-+.eEtrufalsn/ubx".getBytes(StandardCharsets.US_ASCII);
    byte[] high = {(byte) 0xC3, (byte) 0xA9, (byte) 0xE6, (byte) 0x97, (byte) 0xA5, (byte) 0xF0, (byte) 0x9F,
        (byte) 0x80, (byte) 0xED, (byte) 0xA0, (byte) 0xC0, (byte) 0xFF, 0, 0x1F, 0x7F};
    List<byte[]> seeds = usual().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
    int accepted = 0;
    int cases = 0;
    for (byte[] seed : seeds) {
      for (int n = 0; n < 2_500; n++) {
        byte[] text = seed;
        for (int edits = 1 + random.nextInt(2); edits > 0; edits--) {
          text = damage(text, random, random.nextInt(4) == 0 ? high : alphabet);
        }
        cases++;
        if (agrees(text)) {
          accepted++;
        }
      }
    }
    // damage to string contents and whitespace leaves many texts valid: the comparison above ran on them
    assertThat(accepted).as("accepted of %s", cases).isGreaterThan(cases / 10);
  }

  /** Random well-formed strings, written by Jackson's own encoder, inside a usual chunk: read exactly. */
  @Test
  void randomStrings_areReadExactly() {
    Random random = new Random(7);
    String[] pieces = {"a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\r", "\b", "\f", "\u0000", "\u001f", "\u007f", "é",
        "ß", "日", "€", "😀", "\uD83D\uDE00", "\u2028", "\uFFFD", "{", "}", "[", "]", ":", ","};
    JsonStringEncoder encoder = JsonStringEncoder.getInstance();
    for (int n = 0; n < 5_000; n++) {
      StringBuilder content = new StringBuilder();
      for (int k = random.nextInt(12); k > 0; k--) {
        content.append(pieces[random.nextInt(pieces.length)]);
      }
      String quoted = new String(encoder.quoteAsUTF8(content.toString()), StandardCharsets.UTF_8);
      if (random.nextBoolean()) {
        quoted = quoted.replace("/", "\\/").replace("é", "\\u00E9").replace("😀", "\\ud83d\\ude00");
      }
      byte[] bytes = ("{" + ENVELOPE + ",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + quoted
          + "\"},\"logprobs\":null,\"finish_reason\":null}]}").getBytes(StandardCharsets.UTF_8);

      assertThat(agrees(bytes)).as("declined %s", content).isTrue();
      assertThat(ChunkScanner.read(bytes).choices().get(0).delta().content()).isEqualTo(content.toString());
    }
  }

  @Test
  void utf8Check_agreesWithTheJdkDecoder() throws Exception {
    Random random = new Random(11);
    var strict = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    int[] interesting = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1,
        0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF};
    for (int n = 0; n < 200_000; n++) {
      byte[] b = new byte[1 + random.nextInt(6)];
      for (int k = 0; k < b.length; k++) {
        b[k] = (byte) (random.nextInt(3) == 0 ? random.nextInt(256) : interesting[random.nextInt(interesting.length)]);
      }
      boolean jdk;
      try {
        strict.reset().decode(ByteBuffer.wrap(b));
        jdk = true;
      } catch (CharacterCodingException e) {
        jdk = false;
      }
      assertThat(Utf8.isWellFormed(b, 0, b.length)).as(Arrays.toString(b)).isEqualTo(jdk);
    }
  }

  /**
   * Whether the scanner accepted {@code bytes}; when it did, asserts that the token reader reads
   * them too, to an equal chunk, and keeps the text exactly when the scanner does.
   */
  private static boolean agrees(byte[] bytes) {
    ChatChunk scanned = ChunkScanner.read(bytes);
    if (scanned == null) {
      return false;
    }
    ChatChunk reference;
    try {
      reference = ChatChunkReader.readTokens(bytes);
    } catch (SwitchboardException e) {
      return fail("scanner accepted what the token reader refuses (%s): %s", e.getMessage(),
          new String(bytes, StandardCharsets.UTF_8));
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    assertThat(scanned).as(text).isEqualTo(reference);
    assertThat(scanned.toString()).as(text).isEqualTo(reference.toString());
    assertThat(SourceText.of(scanned) != null).as("text kept: %s", text).isEqualTo(SourceText.of(reference) != null);
    return true;
  }

  private static byte[] damage(byte[] text, Random random, byte[] alphabet) {
    int at = random.nextInt(text.length + 1);
    byte insert = alphabet[random.nextInt(alphabet.length)];
    List<Byte> out = new ArrayList<>(text.length + 1);
    for (byte x : text) {
      out.add(x);
    }
    switch (random.nextInt(4)) {
      case 0:
        if (at < out.size()) {
          out.remove(at);
        }
        break;
      case 1:
        out.add(at, insert);
        break;
      case 2:
        if (at < out.size()) {
          out.set(at, insert);
        }
        break;
      default:
        out.subList(at, out.size()).clear();
    }
    byte[] result = new byte[out.size()];
    for (int k = 0; k < result.length; k++) {
      result[k] = out.get(k);
    }
    return result;
  }
}

package dev.switchboard.core.wire;

import static dev.switchboard.core.wire.Json.assertSameJson;
import static dev.switchboard.core.wire.Json.bytes;
import static dev.switchboard.core.wire.Json.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.core.error.InvalidRequestException;
import dev.switchboard.core.error.UpstreamException;
import dev.switchboard.core.model.Embedding;
import dev.switchboard.core.model.EmbeddingRequest;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.ModelInfo;
import dev.switchboard.core.model.Usage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OpenAiJsonEmbeddingsModelsErrorsTest {

  /** The embeddings response of OpenAI's API reference. */
  static final String OPENAI_EMBEDDINGS_RESPONSE = """
      {
        "object": "list",
        "data": [
          {
            "object": "embedding",
            "embedding": [0.0023064255, -0.009327292, -0.0028842222],
            "index": 0
          }
        ],
        "model": "text-embedding-ada-002",
        "usage": {"prompt_tokens": 8, "total_tokens": 8}
      }
      """;

  // ------------------------------------------------------------- embedding requests

  @Test
  void readEmbeddingRequest_inputString_becomesSingleElementList() {
    EmbeddingRequest r = OpenAiJson.readEmbeddingRequest(bytes("""
        {"input": "The food was delicious and the waiter...", "model": "text-embedding-ada-002",
         "encoding_format": "float"}
        """));

    assertThat(r.input()).containsExactly("The food was delicious and the waiter...");
    assertThat(r.model()).isEqualTo("text-embedding-ada-002");
    assertThat(r.encodingFormat()).isEqualTo("float");
  }

  @Test
  void readEmbeddingRequest_inputArray_keepsOrderAndExtras() {
    EmbeddingRequest r = OpenAiJson.readEmbeddingRequest(bytes(
        "{\"model\":\"m\",\"input\":[\"a\",\"b\"],\"dimensions\":256,\"user\":\"u\",\"x_tag\":{\"k\":[1]}}"));

    assertThat(r.input()).containsExactly("a", "b");
    assertThat(r.dimensions()).isEqualTo(256);
    assertThat(r.user()).isEqualTo("u");
    assertThat(r.extraParameters()).isEqualTo(java.util.Map.of("x_tag", java.util.Map.of("k", List.of(1L))));
  }

  @Test
  void readEmbeddingRequest_tokenArrays_throwNamingTheElement() {
    InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
        () -> OpenAiJson.readEmbeddingRequest(bytes("{\"input\":[[1,2,3]]}")));

    assertThat(e.param()).isEqualTo("input[0]");
    assertThat(e.code()).isEqualTo("invalid_type");
    assertThat(e.getMessage()).contains("token arrays are not supported");
  }

  @Test
  void readEmbeddingRequest_inputObject_throwsNamingInput() {
    InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
        () -> OpenAiJson.readEmbeddingRequest(bytes("{\"input\":{}}")));

    assertThat(e.param()).isEqualTo("input");
  }

  @Test
  void readEmbeddingRequest_malformed_throwsInvalidJson() {
    InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
        () -> OpenAiJson.readEmbeddingRequest(bytes("{input")));

    assertThat(e.code()).isEqualTo("invalid_json");
  }

  @Test
  void roundTrip_embeddingRequest_isEqual() {
    EmbeddingRequest r = EmbeddingRequest.builder().model("text-embedding-3-large").input(List.of("a", "b"))
        .dimensions(1024).encodingFormat("base64").user("u").extraParameter("x", List.of(true)).build();

    assertThat(OpenAiJson.readEmbeddingRequest(OpenAiJson.writeEmbeddingRequest(r))).isEqualTo(r);
  }

  @Test
  void writeEmbeddingRequest_extrasNamingModelledFields_areIgnored() {
    EmbeddingRequest r = EmbeddingRequest.builder().model("m").input("a").extraParameter("model", "evil")
        .extraParameter("input", "evil").build();

    assertSameJson(OpenAiJson.writeEmbeddingRequest(r), "{\"model\":\"m\",\"input\":[\"a\"]}");
  }

  // ------------------------------------------------------------- embedding responses

  @Test
  void readEmbeddingResponse_openAiReference_mapsFloatsExactly() {
    EmbeddingResponse r = OpenAiJson.readEmbeddingResponse(bytes(OPENAI_EMBEDDINGS_RESPONSE));

    assertThat(r.model()).isEqualTo("text-embedding-ada-002");
    assertThat(r.data()).hasSize(1);
    assertThat(r.data().get(0).index()).isZero();
    assertThat(r.data().get(0).vector()).containsExactly(0.0023064255f, -0.009327292f, -0.0028842222f);
    assertThat(r.usage()).isEqualTo(Usage.builder().promptTokens(8).totalTokens(8).build());
  }

  @Test
  void writeEmbeddingResponse_openAiReference_isGolden() {
    EmbeddingResponse r = EmbeddingResponse.builder().model("text-embedding-ada-002")
        .addData(Embedding.of(0, new float[] {0.0023064255f, -0.009327292f, -0.0028842222f}))
        .usage(Usage.builder().promptTokens(8).totalTokens(8).build())
        .build();

    assertSameJson(OpenAiJson.writeEmbeddingResponse(r), OPENAI_EMBEDDINGS_RESPONSE);
  }

  @Test
  void readEmbeddingResponse_base64_decodesLittleEndianFloat32() {
    float[] vector = {1.5f, -0.25f, 3.1415927f, Float.MIN_VALUE};
    ByteBuffer buffer = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : vector) {
      buffer.putFloat(f);
    }
    String base64 = Base64.getEncoder().encodeToString(buffer.array());

    EmbeddingResponse r = OpenAiJson.readEmbeddingResponse(bytes(
        "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":\"" + base64 + "\"}],"
            + "\"model\":\"m\",\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}"));

    assertThat(r.data().get(0).vector()).containsExactly(vector);
  }

  @Test
  void roundTrip_embeddingResponse_floatsAndBase64_areEqual() {
    Random random = new Random(42);
    EmbeddingResponse.Builder b = EmbeddingResponse.builder().model("text-embedding-3-small")
        .usage(Usage.builder().promptTokens(5).totalTokens(5).build());
    for (int i = 0; i < 3; i++) {
      float[] v = new float[1536];
      for (int j = 0; j < v.length; j++) {
        v[j] = (float) random.nextGaussian() / 10;
      }
      b.addData(Embedding.of(i, v));
    }
    EmbeddingResponse r = b.build();

    assertThat(OpenAiJson.readEmbeddingResponse(OpenAiJson.writeEmbeddingResponse(r))).isEqualTo(r);
    assertThat(OpenAiJson.readEmbeddingResponse(OpenAiJson.writeEmbeddingResponse(r, true))).isEqualTo(r);
    assertThat(tree(OpenAiJson.writeEmbeddingResponse(r, true)).at("/data/0/embedding").isTextual()).isTrue();
  }

  @Test
  void readEmbeddingResponse_badBase64_throwsUpstreamException() {
    assertThatThrownBy(() -> OpenAiJson.readEmbeddingResponse(bytes(
        "{\"data\":[{\"index\":0,\"embedding\":\"AAA\"}]}")))
        .isInstanceOf(UpstreamException.class)
        .hasMessageStartingWith("malformed response from upstream: ")
        .hasMessageContaining("data[0].embedding");
  }

  @Test
  void readEmbeddingResponse_malformed_throwsUpstreamException() {
    for (String body : List.of("", "[]", "{\"data\":[{\"embedding\":[1,\"x\"]}]}", "{\"data\":[{\"index\":0}]}",
        "{\"data\":{}}", "{\"data\":[", "{} {}")) {
      assertThatThrownBy(() -> OpenAiJson.readEmbeddingResponse(bytes(body)))
          .as(body)
          .isInstanceOf(UpstreamException.class)
          .hasMessageStartingWith("malformed response from upstream: ");
    }
  }

  @Test
  void readEmbeddingResponse_unknownFields_areSkipped() {
    EmbeddingResponse r = OpenAiJson.readEmbeddingResponse(bytes(
        "{\"id\":\"e\",\"extra\":{\"deep\":[1,{\"a\":2}]},\"data\":[{\"embedding\":[1,2],\"meta\":[3]}]}"));

    assertThat(r.data()).containsExactly(Embedding.of(0, new float[] {1f, 2f}));
    assertThat(r.usage()).isNull();
  }

  // ------------------------------------------------------------- models

  @Test
  void readModelList_openAiReference_mapsEveryModel() {
    List<ModelInfo> models = OpenAiJson.readModelList(bytes("""
        {"object": "list", "data": [
          {"id": "model-id-0", "object": "model", "created": 1686935002, "owned_by": "organization-owner"},
          {"id": "model-id-1", "object": "model", "created": 1686935002, "owned_by": "organization-owner"},
          {"id": "model-id-2", "object": "model", "created": 1686935002, "owned_by": "openai"}
        ]}
        """));

    assertThat(models).extracting(ModelInfo::id).containsExactly("model-id-0", "model-id-1", "model-id-2");
    assertThat(models.get(2)).isEqualTo(ModelInfo.builder().id("model-id-2").created(1686935002L)
        .ownedBy("openai").build());
  }

  @Test
  void writeModelList_isGoldenAndRoundTrips() {
    List<ModelInfo> models = List.of(ModelInfo.builder().id("gpt-4o").created(1715367049L).ownedBy("system").build());

    byte[] json = OpenAiJson.writeModelList(models);

    assertSameJson(json, """
        {"object":"list","data":[{"id":"gpt-4o","object":"model","created":1715367049,"owned_by":"system"}]}
        """);
    assertThat(OpenAiJson.readModelList(json)).isEqualTo(models);
  }

  @Test
  void readModelList_malformed_throwsUpstreamException() {
    assertThatThrownBy(() -> OpenAiJson.readModelList(bytes("{\"data\":[1]}")))
        .isInstanceOf(UpstreamException.class).hasMessageContaining("data[0]");
    assertThat(OpenAiJson.readModelList(bytes("{\"object\":\"list\"}"))).isEmpty();
  }

  // ------------------------------------------------------------- errors

  @Test
  void readErrorBody_openAiShape_readsEveryField() {
    ErrorBody e = OpenAiJson.readErrorBody(bytes("""
        {"error": {"message": "Invalid 'messages[0].role'", "type": "invalid_request_error",
                   "param": "messages[0].role", "code": "invalid_value"}}
        """));

    assertThat(e).isEqualTo(new ErrorBody("Invalid 'messages[0].role'", "invalid_request_error", "messages[0].role",
        "invalid_value"));
  }

  @Test
  void readErrorBody_otherProviderShapes_areTolerated() {
    assertThat(OpenAiJson.readErrorBody(bytes(
        "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}")))
        .isEqualTo(new ErrorBody("Overloaded", "overloaded_error", null, null));
    assertThat(OpenAiJson.readErrorBody(bytes(
        "[{\"error\":{\"code\":429,\"message\":\"Quota\",\"status\":\"RESOURCE_EXHAUSTED\"}}]")))
        .isEqualTo(new ErrorBody("Quota", "RESOURCE_EXHAUSTED", null, "429"));
    assertThat(OpenAiJson.readErrorBody(bytes("{\"error\":\"model not found\"}")).message())
        .isEqualTo("model not found");
    assertThat(OpenAiJson.readErrorBody(bytes("{\"object\":\"error\",\"message\":\"bad\",\"type\":\"t\"}")))
        .isEqualTo(new ErrorBody("bad", "t", null, null));
    assertThat(OpenAiJson.readErrorBody(bytes("{\"detail\":\"Not Found\"}")).message()).isEqualTo("Not Found");
  }

  @Test
  void readErrorBody_notJson_usesBodyTextCutAt500() {
    String html = "<html>" + "x".repeat(1000) + "</html>";

    ErrorBody e = OpenAiJson.readErrorBody(html.getBytes(StandardCharsets.UTF_8));

    assertThat(e.message()).hasSize(500).startsWith("<html>xxx");
    assertThat(e.type()).isNull();
    assertThat(OpenAiJson.readErrorBody(bytes("  upstream timeout \n")).message()).isEqualTo("upstream timeout");
    assertThat(OpenAiJson.readErrorBody(new byte[0]).message()).isEmpty();
    assertThat(OpenAiJson.readErrorBody(null).message()).isEmpty();
    assertThat(OpenAiJson.readErrorBody(bytes("{\"unrelated\":true}")).message()).isEqualTo("{\"unrelated\":true}");
  }

  @Test
  void writeErrorBody_writesOpenAiShapeWithNulls() {
    assertSameJson(OpenAiJson.writeErrorBody("Rate limit reached", "rate_limit_error", null, "rate_limit_exceeded"),
        """
        {"error":{"message":"Rate limit reached","type":"rate_limit_error","param":null,"code":"rate_limit_exceeded"}}
        """);
    ErrorBody body = new ErrorBody("m", "t", "p", "c");
    assertThat(OpenAiJson.readErrorBody(OpenAiJson.writeErrorBody(body))).isEqualTo(body);
  }
}

package dev.switchboard.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.switchboard.providers.http.HttpRequest;
import dev.switchboard.providers.http.HttpTransport;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link Gateway} hands its providers for upstream calls, and that closing it closes that too. */
class GatewayUpstreamTransportTest {

  @Test
  void start_providersFromTheEnvironment_callThroughAVertxTransportThatCloseCloses() throws Exception {
    HttpTransport transport;
    try (Gateway gateway = Gateway.start(GatewaySettings.builder().port(0)
        .environment(Map.of("OPENAI_API_KEY", "sk-test-not-used")).build())) {
      transport = gateway.upstreamTransport();
      assertThat(transport).isInstanceOf(VertxHttpTransport.class);
      assertThat(transport.toString()).as("the transport's defaults")
          .contains("maxConnectionsPerHost=" + VertxHttpTransport.DEFAULT_MAX_CONNECTIONS_PER_HOST + ",")
          .contains("maxResponseBodyBytes=" + VertxHttpTransport.DEFAULT_MAX_RESPONSE_BODY_BYTES + "}");
    }

    ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> transport.execute(HttpRequest.builder().url("http://127.0.0.1:9/never").build())
            .get(15, TimeUnit.SECONDS));
    assertThat(failure.getCause()).isInstanceOf(IllegalStateException.class).hasMessage("VertxHttpTransport is closed");
  }

  @Test
  void start_configWithoutAnUpstreamSection_keepsTheTransportsDefaults(@TempDir Path dir) throws Exception {
    try (TestGateway gateway = TestGateway.start(dir, TestGateway.config(dir))) {
      assertThat(gateway.gateway.upstreamTransport().toString())
          .contains("maxConnectionsPerHost=16384,").contains("maxResponseBodyBytes=268435456}");
    }
  }

  @Test
  void start_upstreamSection_limitsTheTransportAndAnAnswerPastTheLimitIs502WithoutItsContent(@TempDir Path dir)
      throws Exception {
    WireMockServer upstream = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    upstream.start();
    try {
      upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
          .withHeader("Content-Type", "application/json")
          .withBody("{\"id\":\"chatcmpl-1\",\"secret\":\"" + "s".repeat(4096) + "\"}")));
      String yaml = String.join("\n",
          "upstream: { max-response-body-bytes: 1024, max-connections-per-host: 2 }",
          "providers:",
          "  up: { type: openai, api-key: sk-test-body-limit, base-url: '" + upstream.baseUrl() + "/v1' }",
          "models:",
          "  mini: { deployments: [ { provider: up, model: gpt-4o-mini } ] }",
          "cache: { mode: off }",
          "");
      try (TestGateway gateway = TestGateway.start(dir, yaml)) {
        assertThat(gateway.gateway.upstreamTransport().toString())
            .startsWith("VertxHttpTransport{maxConnectionsPerHost=2,").endsWith("maxResponseBodyBytes=1024}");

        HttpResponse<String> answer = gateway.chat("mini", "hi", null);

        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(TestGateway.json(answer).at("/error/message").asText())
            .contains("ResponseBodyTooLargeException: the response body exceeded the limit of 1024 bytes");
        assertThat(answer.body()).doesNotContain("secret").doesNotContain("sss");
        assertThat(upstream.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")))).isNotEmpty();
      }
    } finally {
      upstream.stop();
    }
  }
}

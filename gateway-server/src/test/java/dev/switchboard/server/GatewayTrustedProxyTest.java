package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code server.trusted-proxies} on a real server: the test client connects from 127.0.0.1, which is
 * the trusted proxy in some tests and an ordinary client in others. Without a key every caller is
 * in the anonymous tier, which counts per client IP.
 */
class GatewayTrustedProxyTest {

  private static final String CHAT = "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static final String REST = String.join("\n",
      "providers: { demo: { type: demo } }",
      "models: { demo: { deployments: [ { provider: demo, model: demo } ] } }",
      "cache: { mode: off }",
      "limits: { anonymous: { requests-per-minute: 1 } }",
      "");

  @TempDir
  Path dir;

  @Test
  void trustedPeer_twoForwardedClients_getSeparateAnonymousBucketsAndTheirOwnLogLines() throws Exception {
    try (TestGateway gw = TestGateway.start(dir, "server: { trusted-proxies: [10.0.0.0/8, 127.0.0.1] }\n" + REST,
        Map.of())) {
      int refusedAfter = exhaust(gw, "X-Forwarded-For", "198.51.100.1", "a");

      HttpResponse<String> other = chat(gw, "X-Forwarded-For", "203.0.113.7, 10.1.2.3", "b");

      assertThat(refusedAfter).as("calls until 198.51.100.1 is refused").isPositive();
      assertThat(other.statusCode()).as("203.0.113.7 has its own bucket: %s", other.body()).isEqualTo(200);
      assertThat(gw.accessLine(l -> l.path("request_id").asText().equals("a-0")).get("client_ip").asText())
          .isEqualTo("198.51.100.1");
      assertThat(gw.accessLine(l -> l.path("request_id").asText().equals("b")).get("client_ip").asText())
          .isEqualTo("203.0.113.7");
    }
  }

  @Test
  void trustedPeer_clientSpoofsTheLeftPart_isCountedByTheAddressTheProxyAppended() throws Exception {
    try (TestGateway gw = TestGateway.start(dir, "server: { trusted-proxies: [127.0.0.1] }\n" + REST, Map.of())) {
      exhaust(gw, "X-Forwarded-For", "198.51.100.1", "a");

      // The client wrote "192.0.2.99"; the proxy appended the address it saw, 198.51.100.1.
      HttpResponse<String> spoofed = chat(gw, "X-Forwarded-For", "192.0.2.99, 198.51.100.1", "spoof");

      assertThat(spoofed.statusCode()).isEqualTo(429);
      JsonNode line = gw.accessLine(l -> l.path("request_id").asText().equals("spoof"));
      assertThat(line.get("client_ip").asText()).isEqualTo("198.51.100.1");
    }
  }

  @Test
  void trustedPeer_ipv6ForwardedClient_isLoggedInCanonicalForm() throws Exception {
    try (TestGateway gw = TestGateway.start(dir, "server: { trusted-proxies: ['127.0.0.0/8', '::1'] }\n" + REST,
        Map.of())) {
      HttpResponse<String> r = chat(gw, "X-Forwarded-For", "[2001:DB8:0::7]:5555", "v6");

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(gw.accessLine(l -> l.path("request_id").asText().equals("v6")).get("client_ip").asText())
          .isEqualTo("2001:db8::7");
    }
  }

  @Test
  void trustedPeerWithForwardedHeader_readsRfc7239AndIgnoresXForwardedFor() throws Exception {
    try (TestGateway gw = TestGateway.start(dir,
        "server: { trusted-proxies: [127.0.0.1], client-ip-header: forwarded }\n" + REST, Map.of())) {
      exhaust(gw, "Forwarded", "for=\"[2001:db8::1]:4711\";proto=https", "a");

      HttpResponse<String> other = chat(gw, "Forwarded", "for=198.51.100.2", "b");
      HttpResponse<String> xff = gw.post("/v1/chat/completions", CHAT, null, "X-Forwarded-For", "198.51.100.3",
          "x-request-id", "xff");

      assertThat(other.statusCode()).isEqualTo(200);
      assertThat(gw.accessLine(l -> l.path("request_id").asText().equals("a-0")).get("client_ip").asText())
          .isEqualTo("2001:db8::1");
      assertThat(xff.statusCode()).isEqualTo(200);
      assertThat(gw.accessLine(l -> l.path("request_id").asText().equals("xff")).get("client_ip").asText())
          .as("without Forwarded the trusted peer itself is the client").isEqualTo("127.0.0.1");
    }
  }

  @Test
  void untrustedPeer_forwardedHeaderIsIgnored_bothClientsShareThePeersBucket() throws Exception {
    try (TestGateway gw = TestGateway.start(dir, "server: { trusted-proxies: [10.0.0.0/8] }\n" + REST, Map.of())) {
      exhaust(gw, "X-Forwarded-For", "198.51.100.1", "a");

      HttpResponse<String> other = chat(gw, "X-Forwarded-For", "203.0.113.7", "b");

      assertThat(other.statusCode()).as("the header is ignored: one bucket for 127.0.0.1").isEqualTo(429);
      assertThat(gw.accessLine(l -> l.path("request_id").asText().equals("a-0")).get("client_ip").asText())
          .isEqualTo("127.0.0.1");
      assertThat(gw.accessLine(l -> l.path("request_id").asText().equals("b")).get("client_ip").asText())
          .isEqualTo("127.0.0.1");
    }
  }

  @Test
  void noTrustedProxies_default_headerIsIgnored() throws Exception {
    try (TestGateway gw = TestGateway.start(dir, REST, Map.of())) {
      exhaust(gw, "X-Forwarded-For", "198.51.100.1", "a");

      HttpResponse<String> other = chat(gw, "X-Forwarded-For", "203.0.113.7", "b");

      assertThat(other.statusCode()).isEqualTo(429);
      assertThat(gw.accessLine(l -> l.path("request_id").asText().equals("b")).get("client_ip").asText())
          .isEqualTo("127.0.0.1");
    }
  }

  /** Calls as one forwarded client until it is refused; returns how many calls passed. */
  private static int exhaust(TestGateway gw, String header, String value, String idPrefix) throws Exception {
    for (int i = 0; i < 10; i++) { // the clock does not move: the bucket never refills
      HttpResponse<String> r = chat(gw, header, value, idPrefix + "-" + i);
      if (r.statusCode() == 429) {
        assertThat(r.body()).contains("rate_limit_error");
        return i;
      }
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
    throw new AssertionError("no 429 within 10 calls");
  }

  private static HttpResponse<String> chat(TestGateway gw, String header, String value, String requestId)
      throws Exception {
    return gw.post("/v1/chat/completions", CHAT, null, header, value, "x-request-id", requestId);
  }
}

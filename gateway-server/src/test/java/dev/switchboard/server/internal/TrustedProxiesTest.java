package dev.switchboard.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.server.internal.TrustedProxies.Header;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The trusted-proxy ranges and the right-to-left walk that picks the client IP. */
class TrustedProxiesTest {

  private static final TrustedProxies XFF = TrustedProxies.of(
      List.of("10.0.0.0/8", "127.0.0.1", "fd00::/8", "2001:db8:1::7"), Header.X_FORWARDED_FOR);
  private static final TrustedProxies FORWARDED = TrustedProxies.of(
      List.of("10.0.0.0/8", "127.0.0.1", "fd00::/8"), Header.FORWARDED);

  @ParameterizedTest
  @CsvSource({
      "10.0.0.1, true", "10.255.255.255, true", "11.0.0.1, false", "9.255.255.255, false",
      "127.0.0.1, true", "127.0.0.2, false",
      "::ffff:10.1.2.3, true", "::ffff:127.0.0.1, true", "::ffff:11.0.0.1, false",
      "fd12:3456::1, true", "fc00::1, false", "2001:db8:1::7, true", "2001:db8:1::8, false",
      "2001:0db8:0001:0000:0000:0000:0000:0007, true", "0:0:0:0:0:0:0:1, false",
      "fd00::1%eth0, true",
      "localhost, false", "example.com, false", "'', false", "10.0.0, false"})
  void trusts_ipv4Ipv6AndMappedPeers_matchTheirRanges(String peer, boolean trusted) {
    assertThat(XFF.trusts(peer)).isEqualTo(trusted);
  }

  @Test
  void trusts_mappedIpv6Range_matchesPlainIpv4PeerToo() {
    TrustedProxies mapped = TrustedProxies.of(List.of("::ffff:192.168.0.0/112"), Header.X_FORWARDED_FOR);

    assertThat(mapped.trusts("192.168.7.9")).isTrue();
    assertThat(mapped.trusts("192.169.0.1")).isFalse();
  }

  @Test
  void trusts_zeroPrefix_matchesEveryAddressOfItsFamily() {
    TrustedProxies all = TrustedProxies.of(List.of("0.0.0.0/0"), Header.X_FORWARDED_FOR);

    assertThat(all.trusts("203.0.113.9")).isTrue();
    assertThat(all.trusts("2001:db8::1")).isFalse();
    assertThat(TrustedProxies.of(List.of("::/0"), Header.X_FORWARDED_FOR).trusts("2001:db8::1")).isTrue();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      // no header, or a peer that is no proxy: the peer
      "203.0.113.9 | '' | 203.0.113.9",
      "203.0.113.9 | 198.51.100.1 | 203.0.113.9",
      // the first untrusted address from the right; a client's own left part is ignored
      "10.0.0.1 | 198.51.100.1 | 198.51.100.1",
      "10.0.0.1 | 1.1.1.1, 198.51.100.1 | 198.51.100.1",
      "10.0.0.1 | 1.1.1.1, 198.51.100.1, 10.0.0.2, 10.9.9.9 | 198.51.100.1",
      "127.0.0.1 | 1.1.1.1,198.51.100.1 ,  10.0.0.2 | 198.51.100.1",
      // ports and brackets
      "10.0.0.1 | 198.51.100.1:5123 | 198.51.100.1",
      "10.0.0.1 | [2001:db8::1]:443 | 2001:db8::1",
      "10.0.0.1 | [2001:DB8:0:0::1] | 2001:db8::1",
      "10.0.0.1 | 2001:db8::1, fd00::5 | 2001:db8::1",
      // mapped addresses come out as IPv4, one text per address
      "10.0.0.1 | ::ffff:198.51.100.1 | 198.51.100.1",
      "10.0.0.1 | 198.51.100.1, ::ffff:10.0.0.9 | 198.51.100.1",
      // IPv6 and mapped peers
      "fd00::1 | 198.51.100.1 | 198.51.100.1",
      "::ffff:10.0.0.1 | 198.51.100.1 | 198.51.100.1",
      // every hop trusted: the leftmost hop, which a trusted proxy wrote
      "10.0.0.1 | 10.0.0.7, 10.0.0.2 | 10.0.0.7",
      // a value that is no IP literal ends the walk at the last trusted address reached
      "10.0.0.1 | unknown | 10.0.0.1",
      "10.0.0.1 | 198.51.100.1, garbage, 10.0.0.2 | 10.0.0.2",
      "10.0.0.1 | example.com | 10.0.0.1",
      "10.0.0.1 | 198.51.100.1, | 10.0.0.1",
      "10.0.0.1 | 198.51.100.1:port | 10.0.0.1",
      "10.0.0.1 | 198.51.100.1:123456 | 10.0.0.1",
      "10.0.0.1 | [198.51.100.1] | 10.0.0.1",
      "10.0.0.1 | fe80::1%eth0 | 10.0.0.1",
      "10.0.0.1 | 999.1.1.1 | 10.0.0.1",
      // garbage a client puts left of its own address changes nothing
      "10.0.0.1 | garbage, 198.51.100.1 | 198.51.100.1"})
  void clientIp_xForwardedFor_walksFromTheRightSkippingTrustedProxies(String peer, String header, String client) {
    List<String> values = header.isEmpty() ? List.of() : List.of(header);

    assertThat(XFF.clientIp(peer, values)).isEqualTo(client);
  }

  @Test
  void clientIp_severalHeaderLines_readAsOneListInOrder() {
    assertThat(XFF.clientIp("10.0.0.1", List.of("1.1.1.1, 198.51.100.1", "10.0.0.3"))).isEqualTo("198.51.100.1");
    assertThat(XFF.clientIp("10.0.0.1", List.of("198.51.100.1", "203.0.113.5, 10.0.0.3"))).isEqualTo("203.0.113.5");
  }

  @Test
  void clientIp_untrustedPeer_ignoresTheHeaderEvenWhenItNamesATrustedProxy() {
    assertThat(XFF.clientIp("203.0.113.9", List.of("10.0.0.1"))).isEqualTo("203.0.113.9");
    assertThat(XFF.clientIp(null, List.of("198.51.100.1"))).isNull();
  }

  @Test
  void clientIp_noTrustedProxies_isThePeerWhateverTheHeaderSays() {
    assertThat(TrustedProxies.NONE.isEmpty()).isTrue();
    assertThat(TrustedProxies.NONE.clientIp("127.0.0.1", List.of("198.51.100.1"))).isEqualTo("127.0.0.1");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "10.0.0.1 | for=198.51.100.1 | 198.51.100.1",
      "10.0.0.1 | For=198.51.100.1;proto=https;by=10.0.0.1 | 198.51.100.1",
      "10.0.0.1 | proto=https; for=\"198.51.100.1:4711\" | 198.51.100.1",
      "10.0.0.1 | for=\"[2001:db8:cafe::17]:4711\" | 2001:db8:cafe::17",
      "10.0.0.1 | for=\"[2001:db8:cafe::17]\", for=10.0.0.2 | 2001:db8:cafe::17",
      "10.0.0.1 | for=1.1.1.1, for=198.51.100.1, for=10.0.0.2 | 198.51.100.1",
      "10.0.0.1 | for=1.1.1.1;by=\"a,b;c\", for=198.51.100.1 | 198.51.100.1",
      "10.0.0.1 | for=\"\\1\\9\\8.51.100.1\" | 198.51.100.1",
      // all trusted: the leftmost hop
      "10.0.0.1 | for=10.0.0.7, for=10.0.0.2 | 10.0.0.7",
      // no usable for= value ends the walk
      "10.0.0.1 | for=unknown | 10.0.0.1",
      "10.0.0.1 | for=_hidden, for=10.0.0.2 | 10.0.0.2",
      "10.0.0.1 | proto=https | 10.0.0.1",
      "10.0.0.1 | for=198.51.100.1;for=203.0.113.5 | 10.0.0.1",
      "10.0.0.1 | for=\"198.51.100.1 | 10.0.0.1",
      "10.0.0.1 | for=\"198.51.100.1\"x | 10.0.0.1",
      "10.0.0.1 | for | 10.0.0.1",
      "10.0.0.1 | for=[2001:db8::1 | 10.0.0.1",
      // a client's own elements left of its address are ignored
      "10.0.0.1 | for=10.0.0.99;garbage, for=198.51.100.1 | 198.51.100.1",
      // a peer that is no proxy
      "203.0.113.9 | for=198.51.100.1 | 203.0.113.9"})
  void clientIp_forwarded_readsForValuesOfRfc7239(String peer, String header, String client) {
    assertThat(FORWARDED.clientIp(peer, List.of(header))).isEqualTo(client);
  }

  @Test
  void clientIp_forwardedConfigured_ignoresXForwardedForValuesAndTheOtherWayRound() {
    // The caller passes the configured header's lines only; a line of the other format is no address.
    assertThat(FORWARDED.clientIp("10.0.0.1", List.of("198.51.100.1"))).isEqualTo("10.0.0.1");
    assertThat(XFF.clientIp("10.0.0.1", List.of("for=198.51.100.1"))).isEqualTo("10.0.0.1");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "localhost | not an IP address or CIDR range such as 10.0.0.0/8 or fd00::/8 (host names are not resolved)",
      "10.0.0 | not an IP address or CIDR range such as 10.0.0.0/8 or fd00::/8 (host names are not resolved)",
      "10.0.0.0/33 | the prefix length must be 0 to 32 but was '33'",
      "fd00::/129 | the prefix length must be 0 to 128 but was '129'",
      "10.0.0.0/ | the prefix length must be 0 to 32 but was ''",
      "10.0.0.0/-1 | the prefix length must be 0 to 32 but was '-1'",
      "10.0.0.0/8/8 | the prefix length must be 0 to 32 but was '8/8'",
      "10.1.2.3/8 | has address bits set past the /8 prefix; the range is 10.0.0.0/8",
      "fd00::1/8 | has address bits set past the /8 prefix; the range is fd00::/8"})
  void problem_invalidEntry_saysWhy(String entry, String problem) {
    assertThat(TrustedProxies.problem(entry)).isEqualTo(problem);
    assertThatThrownBy(() -> TrustedProxies.of(List.of(entry), Header.X_FORWARDED_FOR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("trusted proxy '" + entry + "': " + problem);
  }

  @ParameterizedTest
  @CsvSource({"10.0.0.0/8", "127.0.0.1", "127.0.0.1/32", "0.0.0.0/0", "fd00::/8", "::1", "::/0",
      "::ffff:10.0.0.0/104", "2001:db8::/32"})
  void problem_validEntry_isNull(String entry) {
    assertThat(TrustedProxies.problem(entry)).isNull();
  }

  @Test
  void peer_isWrittenAsAForwardedAddressWouldBe_andAZoneIdInAnEntryIsRefused() {
    assertThat(XFF.clientIp("0:0:0:0:0:0:0:1", List.of())).isEqualTo("::1");
    assertThat(XFF.clientIp("2001:DB8:0:0:0:0:0:7", List.of("198.51.100.1"))).isEqualTo("2001:db8::7");
    assertThat(TrustedProxies.problem("fe80::1%eth0")).startsWith("not an IP address");
  }
}

package dev.switchboard.server.internal;

import io.netty.util.NetUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which socket peers may tell the gateway who the client is ({@code server.trusted-proxies}), and
 * the rule that picks the client IP from what they forward ({@code server.client-ip-header}).
 *
 * <p><b>The rule.</b> When the socket peer is not a trusted proxy, it is the client and every
 * forwarding header is ignored. When it is, the forwarded addresses (all lines of the header, in
 * order) are walked from the right, skipping trusted proxies; the first untrusted address is the
 * client. Each proxy appends the peer it saw, so the right end was written by our own proxies and
 * a client can only add to the left, which the walk never reaches past an untrusted address.
 * When the walk runs out without an untrusted address (every hop trusted, the header missing or
 * empty) or meets a value that is not an IP literal ({@code unknown}, an obfuscated
 * {@code _name}, garbage), the client is the last trusted address it reached: that address was
 * written by a trusted proxy, so it is the truest origin known, and garbage a client put further
 * left cannot make it share its proxy's rate-limit bucket.
 *
 * <p>Only one header is read: a proxy appends to the header it knows and passes any other through
 * unchanged, so reading a second header would let the client write it.
 *
 * <p>Entries are IPv4 or IPv6 addresses and CIDR ranges. IPv4 is matched as IPv4-mapped IPv6
 * ({@code ::ffff:a.b.c.d}), so a mapped peer matches an IPv4 range and the other way round. Only
 * literals are parsed ({@link NetUtil}), never a host name: no DNS, no regex on the request path.
 * Netty's {@code IpSubnetFilterRule} would match too, but resolves its address through
 * {@code InetAddress}, needs an {@code InetSocketAddress} per check, uses {@code BigInteger} for
 * IPv6 and keeps IPv4 and IPv6 apart; two longs per half here do the same without allocation.
 *
 * <p>Immutable and thread-safe.
 */
final class TrustedProxies {

  /** The header the trusted proxies append the client to. */
  enum Header {
    /** {@code X-Forwarded-For: client, proxy1, proxy2} (nginx, Envoy, most load balancers); the default. */
    X_FORWARDED_FOR("X-Forwarded-For"),
    /** RFC 7239 {@code Forwarded: for=client;proto=https, for="[2001:db8::1]:4711"}. */
    FORWARDED("Forwarded");

    final String name;

    Header(String name) {
      this.name = name;
    }

    /** The header for {@code server.client-ip-header}'s value (its name in any case), or null when there is none. */
    static Header of(String configName) {
      for (Header h : values()) {
        if (h.name.equalsIgnoreCase(configName)) {
          return h;
        }
      }
      return null;
    }
  }

  /** No trusted proxy: the socket peer is the client. */
  static final TrustedProxies NONE = new TrustedProxies(List.of(), Header.X_FORWARDED_FOR, new long[0]);

  private final List<String> entries;
  private final Header header;
  private final long[] ranges; // per range: network high, network low, mask high, mask low

  private TrustedProxies(List<String> entries, Header header, long[] ranges) {
    this.entries = List.copyOf(entries);
    this.header = header;
    this.ranges = ranges;
  }

  /**
   * @param entries addresses and CIDR ranges, each valid by {@link #problem}
   * @throws IllegalArgumentException naming the first invalid entry
   */
  static TrustedProxies of(List<String> entries, Header header) {
    Objects.requireNonNull(header, "header");
    if (entries.isEmpty()) {
      return header == Header.X_FORWARDED_FOR ? NONE : new TrustedProxies(List.of(), header, new long[0]);
    }
    long[] ranges = new long[entries.size() * 4];
    for (int i = 0; i < entries.size(); i++) {
      try {
        System.arraycopy(range(entries.get(i)), 0, ranges, i * 4, 4);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("trusted proxy '" + entries.get(i) + "': " + e.getMessage());
      }
    }
    return new TrustedProxies(entries, header, ranges);
  }

  /** Why {@code entry} is not an address or CIDR range, or null when it is one. */
  static String problem(String entry) {
    try {
      range(entry);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /**
   * The range {@code entry} stands for: network high, network low, mask high, mask low.
   *
   * @throws IllegalArgumentException saying why it is not an address or CIDR range
   */
  private static long[] range(String entry) {
    int slash = entry.indexOf('/');
    String address = slash < 0 ? entry : entry.substring(0, slash);
    byte[] bytes = address.indexOf('%') < 0 ? literal(address) : null; // a zone id names an interface of this host
    if (bytes == null) {
      throw new IllegalArgumentException(
          "not an IP address or CIDR range such as 10.0.0.0/8 or fd00::/8 (host names are not resolved)");
    }
    boolean v4 = address.indexOf(':') < 0;
    int max = v4 ? 32 : 128;
    int prefix = max;
    if (slash >= 0) {
      String digits = entry.substring(slash + 1);
      prefix = -1;
      if (!digits.isEmpty() && digits.length() <= 3 && digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
        prefix = Integer.parseInt(digits);
      }
      if (prefix < 0 || prefix > max) {
        throw new IllegalArgumentException("the prefix length must be 0 to " + max + " but was '" + digits + "'");
      }
    }
    int bits = prefix + (v4 ? 96 : 0); // an IPv4 prefix counts within the mapped range's last 32 bits
    long maskHigh = mask(bits);
    long maskLow = mask(bits - 64);
    long high = high(bytes);
    long low = low(bytes);
    if ((high & ~maskHigh) != 0 || (low & ~maskLow) != 0) {
      throw new IllegalArgumentException("has address bits set past the /" + prefix + " prefix; the range is "
          + text(bytes(high & maskHigh, low & maskLow)) + "/" + prefix);
    }
    return new long[] {high & maskHigh, low & maskLow, maskHigh, maskLow};
  }

  /** True when no proxy is trusted: the socket peer is always the client. */
  boolean isEmpty() {
    return ranges.length == 0;
  }

  /** The entries as configured. */
  List<String> entries() {
    return entries;
  }

  Header header() {
    return header;
  }

  /** Whether {@code ip}, an address literal, is a trusted proxy; false for anything else. */
  boolean trusts(String ip) {
    byte[] address = ip == null ? null : literal(ip);
    return address != null && trusts(address);
  }

  /**
   * The client's IP by the rule in the class comment.
   *
   * @param peer the socket peer's address as the server reports it, or null; when it is the
   *     client, returned in the same text as a forwarded address (Java writes IPv6 in full), so
   *     that a client has one rate-limit bucket whether it comes through a proxy or not
   * @param values every line of {@link #header()}, in order; empty when there is none
   */
  String clientIp(String peer, List<String> values) {
    byte[] peerAddress = peer == null ? null : literal(peer);
    if (peerAddress == null) {
      return peer;
    }
    if (values.isEmpty() || !trusts(peerAddress)) {
      return text(peerAddress);
    }
    List<String> hops = new ArrayList<>();
    for (String line : values) {
      if (header == Header.FORWARDED) {
        forwardedElements(line, hops);
      } else {
        xForwardedFor(line, hops);
      }
    }
    byte[] reached = peerAddress;
    for (int i = hops.size() - 1; i >= 0; i--) {
      byte[] address = hops.get(i) == null ? null : hopAddress(hops.get(i));
      if (address == null) {
        break;
      }
      reached = address;
      if (!trusts(address)) {
        break;
      }
    }
    return text(reached);
  }

  private boolean trusts(byte[] address) {
    long high = high(address);
    long low = low(address);
    for (int i = 0; i < ranges.length; i += 4) {
      if ((high & ranges[i + 2]) == ranges[i] && (low & ranges[i + 3]) == ranges[i + 1]) {
        return true;
      }
    }
    return false;
  }

  // ---- headers

  /** Adds the comma-separated values of an {@code X-Forwarded-For} line; null for an empty one. */
  private static void xForwardedFor(String line, List<String> hops) {
    int start = 0;
    while (true) {
      int comma = line.indexOf(',', start);
      String hop = line.substring(start, comma < 0 ? line.length() : comma).strip();
      hops.add(hop.isEmpty() ? null : hop);
      if (comma < 0) {
        return;
      }
      start = comma + 1;
    }
  }

  /**
   * Adds the {@code for} value of each element of an RFC 7239 {@code Forwarded} line: elements
   * separated by commas, pairs by semicolons, values tokens or quoted strings. An element without
   * {@code for}, with it twice, or that cannot be read adds null.
   */
  private static void forwardedElements(String line, List<String> hops) {
    int n = line.length();
    int i = 0;
    String value = null;
    boolean bad = false;
    while (true) {
      i = skipSpaces(line, i);
      int nameStart = i;
      while (i < n && line.charAt(i) != '=' && line.charAt(i) != ';' && line.charAt(i) != ',') {
        i++;
      }
      String name = line.substring(nameStart, i).strip();
      if (i < n && line.charAt(i) == '=') {
        i = skipSpaces(line, i + 1);
        String v;
        if (i < n && line.charAt(i) == '"') {
          StringBuilder quoted = new StringBuilder();
          i++;
          while (i < n && line.charAt(i) != '"') {
            if (line.charAt(i) == '\\' && i + 1 < n) {
              i++;
            }
            quoted.append(line.charAt(i++));
          }
          if (i >= n) {
            bad = true; // no closing quote
          } else {
            i++;
          }
          v = quoted.toString();
          i = skipSpaces(line, i);
          if (i < n && line.charAt(i) != ';' && line.charAt(i) != ',') {
            bad = true; // text after the closing quote
            while (i < n && line.charAt(i) != ';' && line.charAt(i) != ',') {
              i++;
            }
          }
        } else {
          int valueStart = i;
          while (i < n && line.charAt(i) != ';' && line.charAt(i) != ',') {
            i++;
          }
          v = line.substring(valueStart, i).strip();
        }
        if (name.equalsIgnoreCase("for")) {
          bad |= value != null;
          value = v;
        }
      } else if (!name.isEmpty()) {
        bad = true; // a pair without '='
      }
      if (i >= n || line.charAt(i) == ',') {
        hops.add(bad || value == null || value.isEmpty() ? null : value);
        if (i >= n) {
          return;
        }
        value = null;
        bad = false;
      }
      i++;
    }
  }

  private static int skipSpaces(String s, int i) {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  /**
   * The address of one forwarded hop, or null: {@code 192.0.2.1}, {@code 192.0.2.1:8080},
   * {@code 2001:db8::1}, {@code [2001:db8::1]} or {@code [2001:db8::1]:8080}.
   */
  static byte[] hopAddress(String hop) {
    String address = hop;
    if (hop.startsWith("[")) {
      int close = hop.indexOf(']');
      if (close < 0 || !isPortOrEmpty(hop, close + 1)) {
        return null;
      }
      address = hop.substring(1, close);
      if (address.indexOf(':') < 0) {
        return null; // brackets are for IPv6 only
      }
    } else {
      int colon = hop.indexOf(':');
      if (colon >= 0 && hop.indexOf(':', colon + 1) < 0) { // one colon: IPv4 with a port
        if (!isPortOrEmpty(hop, colon) || colon + 1 == hop.length()) {
          return null;
        }
        address = hop.substring(0, colon);
      }
    }
    if (address.indexOf('%') >= 0) {
      return null; // a zone id names an interface of the sender: meaningless here
    }
    return literal(address);
  }

  /** Whether {@code s} ends at {@code from} or continues with {@code :} and 1 to 5 digits. */
  private static boolean isPortOrEmpty(String s, int from) {
    if (from == s.length()) {
      return true;
    }
    int digits = s.length() - from - 1;
    if (s.charAt(from) != ':' || digits < 1 || digits > 5) {
      return false;
    }
    for (int i = from + 1; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  // ---- addresses: always 16 bytes, IPv4 as IPv4-mapped IPv6

  /** The 16 bytes of an IPv4 or IPv6 literal (a zone id ignored), or null; never a name lookup. */
  static byte[] literal(String s) {
    byte[] b = NetUtil.createByteArrayFromIpAddressString(s);
    if (b == null || b.length == 16) {
      return b;
    }
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    System.arraycopy(b, 0, mapped, 12, 4);
    return mapped;
  }

  private static boolean isMapped(byte[] a) {
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
  }

  /** One text per address, so the same client never gets two rate-limit buckets: dotted IPv4, RFC 5952 IPv6. */
  static String text(byte[] a) {
    if (isMapped(a)) {
      return NetUtil.bytesToIpAddress(a, 12, 4);
    }
    return NetUtil.bytesToIpAddress(a);
  }

  private static long high(byte[] a) {
    return bits(a, 0);
  }

  private static long low(byte[] a) {
    return bits(a, 8);
  }

  private static long bits(byte[] a, int from) {
    long v = 0;
    for (int i = from; i < from + 8; i++) {
      v = (v << 8) | (a[i] & 0xff);
    }
    return v;
  }

  private static byte[] bytes(long high, long low) {
    byte[] a = new byte[16];
    for (int i = 0; i < 8; i++) {
      a[i] = (byte) (high >>> (56 - 8 * i));
      a[8 + i] = (byte) (low >>> (56 - 8 * i));
    }
    return a;
  }

  /** The first {@code bits} bits set (none below 0, all from 64). */
  private static long mask(int bits) {
    return bits <= 0 ? 0 : bits >= 64 ? -1L : -1L << (64 - bits);
  }

  @Override
  public String toString() {
    return "TrustedProxies" + entries + " via " + header.name;
  }
}

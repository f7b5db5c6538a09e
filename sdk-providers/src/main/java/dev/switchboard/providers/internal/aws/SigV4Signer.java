package dev.switchboard.providers.internal.aws;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 for header-based signing of requests to services other than S3
 * ({@code AWS4-HMAC-SHA256}), as AWS's "Create a signed AWS API request" documents it and as its
 * published {@code aws-sig-v4-test-suite} checks it (see the tests).
 *
 * <p>The canonical request is built from:
 * <ul>
 *   <li>the method;
 *   <li>the path exactly as it goes on the request line, with dot segments and empty segments removed
 *       (non-S3 services normalise) and then URI-encoded once more, byte by byte, keeping only
 *       {@code A-Z a-z 0-9 - _ . ~} and {@code /}: a path that already holds percent escapes (e.g. a
 *       Bedrock model id {@code v1%3A0}) is therefore encoded twice ({@code v1%253A0}), as AWS expects
 *       from every service but S3;
 *   <li>the query parameters, each name and value percent-decoded and re-encoded strictly, sorted by
 *       name and then value;
 *   <li>every given header plus {@code x-amz-date} (and {@code x-amz-security-token} for temporary
 *       credentials): names lower-cased, values trimmed with inner runs of spaces collapsed, values of
 *       a repeated name joined with commas in order, sorted by name; all of them are signed;
 *   <li>the hex SHA-256 of the body.
 * </ul>
 *
 * <p>Whoever sends the request must send exactly the signed headers with these values (the
 * {@code Host} header in particular must be what the HTTP client derives from the URL).
 *
 * <p>Immutable and thread-safe.
 */
public final class SigV4Signer {

  /** The algorithm name in the string to sign and the {@code Authorization} header. */
  public static final String ALGORITHM = "AWS4-HMAC-SHA256";

  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final char[] UPPER_HEX = "0123456789ABCDEF".toCharArray();

  private final String service;
  private final String region;

  /**
   * A signer for one service (its signing name, e.g. {@code bedrock}) in one region.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if an argument is blank
   */
  public SigV4Signer(String service, String region) {
    this.service = requireNonBlank(service, "service");
    this.region = requireNonBlank(region, "region");
  }

  /** The signing name of the service; never null. */
  public String service() {
    return service;
  }

  /** The region; never null. */
  public String region() {
    return region;
  }

  /**
   * Signs {@code request} with {@code credentials} at {@code time}.
   *
   * @return the signature and the headers to add to the request
   * @throws NullPointerException if an argument is null
   */
  public Signature sign(Request request, AwsCredentials credentials, Instant time) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(time, "time");
    String amzDate = AMZ_DATE.format(time);
    String date = amzDate.substring(0, 8);

    // Lower-cased name -> values in order; x-amz-date and the token are ours and replace any given ones.
    TreeMap<String, List<String>> headers = new TreeMap<>();
    for (Map.Entry<String, String> h : request.headers) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (!name.equals("x-amz-date") && !name.equals("x-amz-security-token")) {
        headers.computeIfAbsent(name, k -> new ArrayList<>()).add(h.getValue());
      }
    }
    headers.put("x-amz-date", List.of(amzDate));
    if (credentials.sessionToken() != null) {
      headers.put("x-amz-security-token", List.of(credentials.sessionToken()));
    }
    StringBuilder canonicalHeaders = new StringBuilder();
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      canonicalHeaders.append(h.getKey()).append(':');
      List<String> values = h.getValue();
      for (int i = 0; i < values.size(); i++) {
        if (i > 0) {
          canonicalHeaders.append(',');
        }
        canonicalHeaders.append(trimAll(values.get(i)));
      }
      canonicalHeaders.append('\n');
    }
    String signedHeaders = String.join(";", headers.keySet());

    String canonicalRequest = request.method + '\n'
        + canonicalUri(request.path) + '\n'
        + canonicalQuery(request.query) + '\n'
        + canonicalHeaders + '\n'
        + signedHeaders + '\n'
        + hex(sha256(request.body));
    String scope = date + '/' + region + '/' + service + "/aws4_request";
    String stringToSign = ALGORITHM + '\n' + amzDate + '\n' + scope + '\n'
        + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));

    byte[] key = hmac(("AWS4" + credentials.secretAccessKey()).getBytes(StandardCharsets.UTF_8), date);
    key = hmac(key, region);
    key = hmac(key, service);
    key = hmac(key, "aws4_request");
    String signature = hex(hmac(key, stringToSign));
    String authorization = ALGORITHM + " Credential=" + credentials.accessKeyId() + '/' + scope
        + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature;

    Map<String, String> add = new LinkedHashMap<>();
    add.put("X-Amz-Date", amzDate);
    if (credentials.sessionToken() != null) {
      add.put("X-Amz-Security-Token", credentials.sessionToken());
    }
    add.put("Authorization", authorization);
    return new Signature(canonicalRequest, stringToSign, signature, authorization, amzDate,
        Collections.unmodifiableMap(add));
  }

  @Override
  public String toString() {
    return "SigV4Signer{service=" + service + ", region=" + region + "}";
  }

  // ---- the canonical parts

  /** The path normalised (no dot or empty segments) and encoded once more, '/' kept. */
  static String canonicalUri(String path) {
    if (path == null || path.isEmpty()) {
      return "/";
    }
    Deque<String> segments = new ArrayDeque<>();
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        segments.pollLast();
      } else {
        segments.addLast(segment);
      }
    }
    StringBuilder out = new StringBuilder();
    for (String segment : segments) {
      out.append('/').append(uriEncode(segment, false));
    }
    boolean trailingSlash = path.endsWith("/") || path.endsWith("/.") || path.endsWith("/..");
    if (out.length() == 0 || trailingSlash) {
      out.append('/');
    }
    return out.toString();
  }

  /** Every parameter decoded and re-encoded strictly, sorted by encoded name, then encoded value. */
  static String canonicalQuery(String query) {
    if (query == null || query.isEmpty()) {
      return "";
    }
    List<String[]> params = new ArrayList<>();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      params.add(new String[] {uriEncode(percentDecode(name), true), uriEncode(percentDecode(value), true)});
    }
    params.sort((a, b) -> {
      int byName = a[0].compareTo(b[0]);
      return byName != 0 ? byName : a[1].compareTo(b[1]);
    });
    StringBuilder out = new StringBuilder();
    for (String[] p : params) {
      if (out.length() > 0) {
        out.append('&');
      }
      out.append(p[0]).append('=').append(p[1]);
    }
    return out.toString();
  }

  /**
   * Percent-encodes the UTF-8 bytes of {@code text}, keeping only the unreserved characters
   * {@code A-Z a-z 0-9 - _ . ~} (and {@code /} unless {@code encodeSlash}); hex digits upper-case.
   */
  public static String uriEncode(String text, boolean encodeSlash) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length + 16);
    for (byte b : bytes) {
      int c = b & 0xff;
      boolean unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.' || c == '~' || (c == '/' && !encodeSlash);
      if (unreserved) {
        out.append((char) c);
      } else {
        out.append('%').append(UPPER_HEX[c >>> 4]).append(UPPER_HEX[c & 0xf]);
      }
    }
    return out.toString();
  }

  /** Decodes {@code %XX} escapes (a malformed escape is kept as it is); {@code +} stays a plus. */
  static String percentDecode(String text) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '%' && i + 2 < bytes.length && hexValue(bytes[i + 1]) >= 0 && hexValue(bytes[i + 2]) >= 0) {
        out.write(hexValue(bytes[i + 1]) << 4 | hexValue(bytes[i + 2]));
        i += 2;
      } else {
        out.write(bytes[i]);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static int hexValue(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    return -1;
  }

  /** Trims and collapses runs of spaces to one, outside and inside quotes alike (as AWS does). */
  static String trimAll(String value) {
    String v = value.strip();
    StringBuilder out = new StringBuilder(v.length());
    boolean lastSpace = false;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      boolean space = c == ' ' || c == '\t';
      if (space) {
        if (!lastSpace) {
          out.append(' ');
        }
      } else {
        out.append(c);
      }
      lastSpace = space;
    }
    return out.toString();
  }

  // ---- crypto

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e); // every JVM must have it
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e); // every JVM must have it
    }
  }

  static String hex(byte[] bytes) {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = HEX[(bytes[i] >>> 4) & 0xf];
      out[2 * i + 1] = HEX[bytes[i] & 0xf];
    }
    return new String(out);
  }

  private static String requireNonBlank(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }

  // ---- values

  /**
   * What is signed of one HTTP request. Immutable; build with {@link #builder()}.
   */
  public static final class Request {
    private final String method;
    private final String path;
    private final String query;
    private final List<Map.Entry<String, String>> headers;
    private final byte[] body;

    private Request(Builder b) {
      this.method = b.method;
      this.path = b.path;
      this.query = b.query;
      this.headers = List.copyOf(b.headers);
      this.body = b.body;
    }

    /** A builder for a {@code POST} to {@code /} without query, headers or body. */
    public static Builder builder() {
      return new Builder();
    }

    /** Builds a {@link Request}. Not thread-safe. */
    public static final class Builder {
      private String method = "POST";
      private String path = "/";
      private String query;
      private final List<Map.Entry<String, String>> headers = new ArrayList<>();
      private byte[] body = new byte[0];

      private Builder() {}

      /** The method, e.g. {@code POST}. */
      public Builder method(String method) {
        this.method = Objects.requireNonNull(method, "method");
        return this;
      }

      /** The path as it appears on the request line (percent escapes kept). */
      public Builder path(String path) {
        this.path = Objects.requireNonNull(path, "path");
        return this;
      }

      /** The query string without its {@code ?}, as it appears on the request line; null for none. */
      public Builder query(String query) {
        this.query = query;
        return this;
      }

      /** A header to sign; a repeated name adds a value. */
      public Builder header(String name, String value) {
        headers.add(Map.entry(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value")));
        return this;
      }

      /** The body (not copied); null for none. */
      public Builder body(byte[] body) {
        this.body = body == null ? new byte[0] : body;
        return this;
      }

      /** The request. */
      public Request build() {
        return new Request(this);
      }
    }
  }

  /** The result of signing: the intermediate strings (for tests and debugging) and the headers to send. */
  public static final class Signature {
    private final String canonicalRequest;
    private final String stringToSign;
    private final String signature;
    private final String authorization;
    private final String amzDate;
    private final Map<String, String> headers;

    private Signature(String canonicalRequest, String stringToSign, String signature, String authorization,
        String amzDate, Map<String, String> headers) {
      this.canonicalRequest = canonicalRequest;
      this.stringToSign = stringToSign;
      this.signature = signature;
      this.authorization = authorization;
      this.amzDate = amzDate;
      this.headers = headers;
    }

    /** The canonical request that was hashed. */
    public String canonicalRequest() {
      return canonicalRequest;
    }

    /** The string that was signed. */
    public String stringToSign() {
      return stringToSign;
    }

    /** The hex signature. */
    public String signature() {
      return signature;
    }

    /** The value of the {@code Authorization} header. */
    public String authorization() {
      return authorization;
    }

    /** The {@code X-Amz-Date} value, e.g. {@code 20150830T123600Z}. */
    public String amzDate() {
      return amzDate;
    }

    /**
     * The headers to add to the request, in order: {@code X-Amz-Date}, {@code X-Amz-Security-Token}
     * (temporary credentials only) and {@code Authorization}. Unmodifiable.
     */
    public Map<String, String> headers() {
      return headers;
    }

    /** Never shows the token or the signature's key material (the signature itself is not secret). */
    @Override
    public String toString() {
      return "Signature{amzDate=" + amzDate + ", signature=" + signature + "}";
    }
  }
}

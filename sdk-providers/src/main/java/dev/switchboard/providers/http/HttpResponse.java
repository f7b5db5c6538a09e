package dev.switchboard.providers.http;

import dev.switchboard.providers.internal.http.OwnedResponses;
import dev.switchboard.providers.internal.http.ResponseHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A whole HTTP response: status, headers and the complete body.
 *
 * <p>Any status, including 4xx and 5xx, is a response: the transport does not map statuses to
 * errors, the provider adapter does. Immutable and thread-safe; {@link #body()} returns a copy.
 */
public final class HttpResponse {

  private static final byte[] NO_BYTES = new byte[0];

  static {
    OwnedResponses.install(HttpResponse::ofOwned);
  }

  private final int status;
  private final ResponseHeaders headers;
  private final byte[] body;

  private HttpResponse(int status, ResponseHeaders headers, byte[] body) {
    this.status = status;
    this.headers = headers;
    this.body = body;
  }

  /** A builder for transports and tests; status 200, no headers, empty body. */
  public static Builder builder() {
    return new Builder();
  }

  // For transports that hand over a freshly read array: skips one copy (others reach it through OwnedResponses).
  static HttpResponse ofOwned(int status, ResponseHeaders headers, byte[] body) {
    return new HttpResponse(checkedStatus(status), headers, body);
  }

  private static int checkedStatus(int status) {
    if (status < 100 || status > 999) {
      throw new IllegalArgumentException("status must be between 100 and 999 but was " + status);
    }
    return status;
  }

  /** The HTTP status code. */
  public int status() {
    return status;
  }

  /** Whether the status is 2xx. */
  public boolean isSuccessful() {
    return status >= 200 && status < 300;
  }

  /** The first value of the header named {@code name}, compared case-insensitively; null when absent. */
  public String header(String name) {
    return headers.first(name);
  }

  /** Every value of the header named {@code name}, compared case-insensitively; empty when absent. */
  public List<String> headerValues(String name) {
    return headers.values(name);
  }

  /**
   * Every header: lower-case names in the order first received, each with its values in order.
   * Unmodifiable; never null.
   */
  public Map<String, List<String>> headers() {
    return headers.asMap();
  }

  /** A copy of the body; empty, never null, when the response had none. */
  public byte[] body() {
    return body.clone();
  }

  /** The body's length in bytes. */
  public int bodyLength() {
    return body.length;
  }

  /** The body decoded as UTF-8 (malformed input replaced); never null. */
  public String bodyString() {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof HttpResponse)) {
      return false;
    }
    HttpResponse that = (HttpResponse) o;
    return status == that.status && headers.equals(that.headers) && Arrays.equals(body, that.body);
  }

  @Override
  public int hashCode() {
    return Objects.hash(status, headers, Arrays.hashCode(body));
  }

  /** Status, header names (values may be sensitive) and body length. */
  @Override
  public String toString() {
    return "HttpResponse{status=" + status + ", headers=" + headers + ", body=" + body.length + " bytes}";
  }

  /** Builds an {@link HttpResponse}. Not thread-safe. */
  public static final class Builder {
    private int status = 200;
    private final ResponseHeaders.Builder headers = ResponseHeaders.builder();
    private byte[] body = NO_BYTES;

    private Builder() {}

    /** @throws IllegalArgumentException if {@code status} is not within 100..999 */
    public Builder status(int status) {
      this.status = checkedStatus(status);
      return this;
    }

    /**
     * Adds a header value (a name may have several).
     *
     * @throws NullPointerException if {@code name} or {@code value} is null
     */
    public Builder addHeader(String name, String value) {
      headers.add(name, value);
      return this;
    }

    /** Sets the body (copied); null means empty. */
    public Builder body(byte[] body) {
      this.body = body == null ? NO_BYTES : body.clone();
      return this;
    }

    /** Builds the response. */
    public HttpResponse build() {
      return new HttpResponse(status, headers.build(), body);
    }
  }
}

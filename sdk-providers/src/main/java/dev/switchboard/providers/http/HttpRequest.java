package dev.switchboard.providers.http;

import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One HTTP request to an upstream: method, absolute URL, headers, and an optional body with its
 * content type.
 *
 * <p>Immutable and thread-safe; {@link #body()} returns a copy. {@link #toString()} never shows
 * credentials: the values of {@code Authorization}, {@code Proxy-Authorization}, {@code api-key},
 * {@code x-api-key}, {@code x-goog-api-key}, {@code X-Amz-Security-Token} and {@code Cookie} headers,
 * and of {@code key},
 * {@code api_key} and {@code api-key} query parameters, print as {@code ****}.
 */
public final class HttpRequest {

  /** The method when none is set. */
  public static final String DEFAULT_METHOD = "POST";
  /** The content type when none is set. */
  public static final String DEFAULT_CONTENT_TYPE = "application/json";

  private static final Set<String> SECRET_HEADERS =
      Set.of("authorization", "proxy-authorization", "api-key", "x-api-key", "x-goog-api-key", "cookie",
          "x-amz-security-token");
  // Gemini takes its key as ?key=…; never print it either.
  private static final Pattern SECRET_QUERY_PARAM = Pattern.compile("([?&](?i:key|api_key|api-key)=)[^&#]*");

  private final String method;
  private final String url;
  private final Map<String, String> headers;
  private final byte[] body;
  private final String contentType;

  private HttpRequest(Builder b) {
    this.method = b.method;
    this.url = b.url;
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
    this.body = b.body == null ? null : b.body.clone();
    this.contentType = b.contentType;
  }

  /** A builder with method {@code POST}, content type {@code application/json}, no headers, no body. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this request's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.method = method;
    b.url = url;
    b.headers.putAll(headers);
    b.body = body;
    b.contentType = contentType;
    return b;
  }

  /** The method, e.g. {@code POST}; never null. */
  public String method() {
    return method;
  }

  /** The absolute {@code http://} or {@code https://} URL; never null. */
  public String url() {
    return url;
  }

  /**
   * The headers in the order they were set, without {@code Content-Type} (see {@link #contentType()});
   * unmodifiable, never null.
   */
  public Map<String, String> headers() {
    return headers;
  }

  /** The value of the header named {@code name} (case-insensitive), or null when it is not set. */
  public String header(String name) {
    Objects.requireNonNull(name, "name");
    for (Map.Entry<String, String> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  /** A copy of the body, or null when the request has none. */
  public byte[] body() {
    return body == null ? null : body.clone();
  }

  // For transports in this package: no copy, and they must not modify it.
  byte[] bodyArray() {
    return body;
  }

  /** The body's length in bytes; 0 when there is no body. */
  public int bodyLength() {
    return body == null ? 0 : body.length;
  }

  /** The media type of the body, sent as {@code Content-Type} when there is a body; never null. */
  public String contentType() {
    return contentType;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof HttpRequest)) {
      return false;
    }
    HttpRequest that = (HttpRequest) o;
    return method.equals(that.method) && url.equals(that.url) && headers.equals(that.headers)
        && Arrays.equals(body, that.body) && contentType.equals(that.contentType);
  }

  @Override
  public int hashCode() {
    return Objects.hash(method, url, headers, Arrays.hashCode(body), contentType);
  }

  /** A one-line description with credentials masked as {@code ****} and the body shown by length only. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("HttpRequest{").append(method).append(' ').append(redactUrl(url));
    sb.append(", headers={");
    Iterator<Map.Entry<String, String>> it = headers.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, String> e = it.next();
      boolean secret = SECRET_HEADERS.contains(e.getKey().toLowerCase(Locale.ROOT));
      sb.append(e.getKey()).append('=').append(secret ? "****" : e.getValue());
      if (it.hasNext()) {
        sb.append(", ");
      }
    }
    sb.append('}');
    if (body != null) {
      sb.append(", body=").append(body.length).append(" bytes ").append(contentType);
    }
    return sb.append('}').toString();
  }

  private static String redactUrl(String url) {
    Matcher m = SECRET_QUERY_PARAM.matcher(url);
    return m.find() ? m.replaceAll("$1****") : url;
  }

  /** Builds an {@link HttpRequest}. Not thread-safe. */
  public static final class Builder {
    private String method = DEFAULT_METHOD;
    private String url;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private byte[] body;
    private String contentType = DEFAULT_CONTENT_TYPE;

    private Builder() {}

    /**
     * Sets the method, e.g. {@code GET} (default {@code POST}).
     *
     * @throws NullPointerException if {@code method} is null
     * @throws IllegalArgumentException if {@code method} is blank
     */
    public Builder method(String method) {
      Objects.requireNonNull(method, "method");
      if (method.isBlank()) {
        throw new IllegalArgumentException("method must not be blank");
      }
      this.method = method;
      return this;
    }

    /**
     * Sets the absolute URL (required).
     *
     * @throws NullPointerException if {@code url} is null
     * @throws IllegalArgumentException if {@code url} does not start with {@code http://} or {@code https://}
     */
    public Builder url(String url) {
      Objects.requireNonNull(url, "url");
      String lower = url.toLowerCase(Locale.ROOT);
      if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
        throw new IllegalArgumentException("url must start with http:// or https:// but was " + redactUrl(url));
      }
      this.url = url;
      return this;
    }

    /**
     * Sets a header, replacing any header of the same name (compared case-insensitively) in place.
     * {@code Content-Type} is the same as {@link #contentType(String)}.
     *
     * @throws NullPointerException if {@code name} or {@code value} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (name.isBlank()) {
        throw new IllegalArgumentException("header name must not be blank");
      }
      if (name.equalsIgnoreCase("Content-Type")) {
        return contentType(value);
      }
      String existing = null;
      for (String key : headers.keySet()) {
        if (key.equalsIgnoreCase(name)) {
          existing = key;
          break;
        }
      }
      if (existing != null && !existing.equals(name)) {
        // Keep the insertion position but take the caller's spelling.
        Map<String, String> copy = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : headers.entrySet()) {
          if (e.getKey().equals(existing)) {
            copy.put(name, value);
          } else {
            copy.put(e.getKey(), e.getValue());
          }
        }
        headers.clear();
        headers.putAll(copy);
      } else {
        headers.put(name, value);
      }
      return this;
    }

    /**
     * Sets every header of {@code headers} as {@link #header(String, String)} does, in iteration order.
     *
     * @throws NullPointerException if {@code headers} or any name or value in it is null
     */
    public Builder headers(Map<String, String> headers) {
      Objects.requireNonNull(headers, "headers");
      headers.forEach(this::header);
      return this;
    }

    /** Removes the header named {@code name} (case-insensitive), if set. */
    public Builder removeHeader(String name) {
      Objects.requireNonNull(name, "name");
      headers.keySet().removeIf(key -> key.equalsIgnoreCase(name));
      return this;
    }

    /** Sets the body (copied), or null for none. */
    public Builder body(byte[] body) {
      this.body = body == null ? null : body.clone();
      return this;
    }

    /**
     * Sets the media type of the body (default {@code application/json}).
     *
     * @throws NullPointerException if {@code contentType} is null
     * @throws IllegalArgumentException if {@code contentType} is blank
     */
    public Builder contentType(String contentType) {
      Objects.requireNonNull(contentType, "contentType");
      if (contentType.isBlank()) {
        throw new IllegalArgumentException("contentType must not be blank");
      }
      this.contentType = contentType;
      return this;
    }

    /**
     * Builds the request.
     *
     * @throws NullPointerException if no URL was set
     * @throws IllegalArgumentException if the method is {@code GET} or {@code HEAD} and a body is set
     */
    public HttpRequest build() {
      Objects.requireNonNull(url, "url");
      if (body != null && (method.equals("GET") || method.equals("HEAD"))) {
        throw new IllegalArgumentException("body must be null for method " + method + " but was " + body.length + " bytes");
      }
      return new HttpRequest(this);
    }
  }
}

package dev.switchboard.core;

import dev.switchboard.core.cache.CacheControl;
import dev.switchboard.core.ratelimit.RateLimitStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Per-call options that are not part of the OpenAI request: request id, caller identity, timeouts,
 * upstream headers, what the call asks of the response cache, and free-form attributes for
 * interceptors. Never mutate the client.
 *
 * <p>Immutable and thread-safe.
 */
public final class RequestOptions {

  private static final RequestOptions DEFAULTS = builder().build();

  private final String requestId;
  private final Caller caller;
  private final Timeouts timeouts;
  private final Map<String, String> headers;
  private final Map<String, Object> attributes;
  private final CacheControl cacheControl;
  private final Consumer<? super RateLimitStatus> onRateLimitStatus;

  private RequestOptions(Builder b) {
    this.requestId = b.requestId;
    this.caller = b.caller;
    this.timeouts = b.timeouts;
    this.headers = Map.copyOf(b.headers);
    this.attributes = Map.copyOf(b.attributes);
    this.cacheControl = b.cacheControl;
    this.onRateLimitStatus = b.onRateLimitStatus;
  }

  /** No request id (one is generated), the client's timeouts, no headers, no attributes, default cache control. */
  public static RequestOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.requestId = requestId;
    b.caller = caller;
    b.timeouts = timeouts;
    b.headers.putAll(headers);
    b.attributes.putAll(attributes);
    b.cacheControl = cacheControl;
    b.onRateLimitStatus = onRateLimitStatus;
    return b;
  }

  /** The caller's request id, or null to have one generated. */
  public String requestId() {
    return requestId;
  }

  /** Who is calling; {@link Caller#anonymous()} when unset, never null. */
  public Caller caller() {
    return caller;
  }

  /** Timeouts for this call, or null for the deployment's or client's. */
  public Timeouts timeouts() {
    return timeouts;
  }

  /** Extra headers sent upstream with this call; never null. */
  public Map<String, String> headers() {
    return headers;
  }

  /** Free-form values for interceptors (e.g. the caller's identity); never null. */
  public Map<String, Object> attributes() {
    return attributes;
  }

  /** What this call asks of the response cache; never null ({@link CacheControl#defaults()} unless set). */
  public CacheControl cacheControl() {
    return cacheControl;
  }

  /** Receives the caller's rate-limit status (see {@link Builder#onRateLimitStatus}), or null. */
  public Consumer<? super RateLimitStatus> onRateLimitStatus() {
    return onRateLimitStatus;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RequestOptions)) {
      return false;
    }
    RequestOptions that = (RequestOptions) o;
    return Objects.equals(requestId, that.requestId) && caller.equals(that.caller)
        && Objects.equals(timeouts, that.timeouts)
        && headers.equals(that.headers) && attributes.equals(that.attributes)
        && cacheControl.equals(that.cacheControl)
        && Objects.equals(onRateLimitStatus, that.onRateLimitStatus);
  }

  @Override
  public int hashCode() {
    return Objects.hash(requestId, caller, timeouts, headers, attributes, cacheControl, onRateLimitStatus);
  }

  @Override
  public String toString() {
    return "RequestOptions{requestId=" + requestId + ", caller=" + caller + ", timeouts=" + timeouts
        + ", headers=" + headers.keySet() + ", attributes=" + attributes.keySet() + ", cacheControl=" + cacheControl
        + "}";
  }

  /** Builds {@link RequestOptions}. Not thread-safe. */
  public static final class Builder {
    private String requestId;
    private Caller caller = Caller.anonymous();
    private Timeouts timeouts;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final Map<String, Object> attributes = new LinkedHashMap<>();
    private CacheControl cacheControl = CacheControl.defaults();
    private Consumer<? super RateLimitStatus> onRateLimitStatus;

    private Builder() {}

    /** @throws IllegalArgumentException if blank or longer than 128 characters */
    public Builder requestId(String requestId) {
      if (requestId != null && (requestId.isBlank() || requestId.length() > 128)) {
        throw new IllegalArgumentException("requestId must be 1 to 128 non-blank characters but was '" + requestId + "'");
      }
      this.requestId = requestId;
      return this;
    }

    /** Who is calling; default {@link Caller#anonymous()}. */
    public Builder caller(Caller caller) {
      this.caller = Objects.requireNonNull(caller, "caller");
      return this;
    }

    public Builder timeouts(Timeouts timeouts) {
      this.timeouts = timeouts;
      return this;
    }

    public Builder header(String name, String value) {
      headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    public Builder attribute(String name, Object value) {
      attributes.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** What this call asks of the response cache. Default {@link CacheControl#defaults()}. */
    public Builder cacheControl(CacheControl cacheControl) {
      this.cacheControl = Objects.requireNonNull(cacheControl, "cacheControl");
      return this;
    }

    /**
     * Receives this call's {@link RateLimitStatus} once the caller's limits were checked, admitted or
     * refused: exactly once, before any upstream call, so before the response, a stream's first chunk
     * or the call's error, on whichever thread decided (the caller's with the local limiter). Never
     * called when no caller limit applies. The gateway uses it to write OpenAI's
     * {@code x-ratelimit-*} headers ({@link RateLimitStatus#openAiHeaders()}) on every response.
     * Must be fast and must not block; an exception it throws is logged and ignored. Null: none.
     */
    public Builder onRateLimitStatus(Consumer<? super RateLimitStatus> handler) {
      this.onRateLimitStatus = handler;
      return this;
    }

    public RequestOptions build() {
      return new RequestOptions(this);
    }
  }
}

package dev.switchboard.core.spi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a provider needs to know about one upstream call besides the request itself.
 *
 * <p>Immutable and thread-safe.
 */
public final class CallContext {

  private final String requestId;
  private final String providerName;
  private final String deploymentId;
  private final int attempt;
  private final Map<String, String> headers;

  private CallContext(Builder b) {
    this.requestId = Objects.requireNonNull(b.requestId, "requestId");
    this.providerName = b.providerName;
    this.deploymentId = b.deploymentId;
    this.attempt = b.attempt;
    this.headers = Map.copyOf(b.headers);
  }

  public static Builder builder(String requestId) {
    return new Builder(requestId);
  }

  public Builder toBuilder() {
    Builder b = new Builder(requestId);
    b.providerName = providerName;
    b.deploymentId = deploymentId;
    b.attempt = attempt;
    b.headers.putAll(headers);
    return b;
  }

  /** The request id, for the upstream's logs and for error details; never null. */
  public String requestId() {
    return requestId;
  }

  /** The provider account name, or null outside the engine. */
  public String providerName() {
    return providerName;
  }

  /** The deployment id, or null outside the engine. */
  public String deploymentId() {
    return deploymentId;
  }

  /** 1 for the first upstream call of a request on this deployment, 2 for its first retry, … */
  public int attempt() {
    return attempt;
  }

  /** Extra headers to send upstream for this call; never null. */
  public Map<String, String> headers() {
    return headers;
  }

  @Override
  public String toString() {
    return "CallContext{requestId=" + requestId + ", provider=" + providerName + ", deployment=" + deploymentId
        + ", attempt=" + attempt + "}";
  }

  /** Builds a {@link CallContext}. Not thread-safe. */
  public static final class Builder {
    private final String requestId;
    private String providerName;
    private String deploymentId;
    private int attempt = 1;
    private final Map<String, String> headers = new LinkedHashMap<>();

    private Builder(String requestId) {
      this.requestId = Objects.requireNonNull(requestId, "requestId");
    }

    public Builder providerName(String providerName) {
      this.providerName = providerName;
      return this;
    }

    public Builder deploymentId(String deploymentId) {
      this.deploymentId = deploymentId;
      return this;
    }

    /** @throws IllegalArgumentException if {@code attempt < 1} */
    public Builder attempt(int attempt) {
      if (attempt < 1) {
        throw new IllegalArgumentException("attempt must be >= 1 but was " + attempt);
      }
      this.attempt = attempt;
      return this;
    }

    public Builder header(String name, String value) {
      headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    public CallContext build() {
      return new CallContext(this);
    }
  }
}

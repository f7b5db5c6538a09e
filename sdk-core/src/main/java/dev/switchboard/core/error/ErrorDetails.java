package dev.switchboard.core.error;

import java.time.Duration;
import java.util.Objects;

/**
 * Where and why an error happened: the context every {@link SwitchboardException} carries.
 *
 * <p>Immutable and thread-safe. Every field is optional; unset fields are {@code null} (or 0 for
 * {@link #upstreamStatus()}). Never holds secrets: no API keys, no prompt text.
 */
public final class ErrorDetails {

  private static final ErrorDetails NONE = builder().build();

  private final String provider;
  private final String deployment;
  private final String model;
  private final String requestId;
  private final int upstreamStatus;
  private final String code;
  private final String param;
  private final Duration retryAfter;

  private ErrorDetails(Builder b) {
    this.provider = b.provider;
    this.deployment = b.deployment;
    this.model = b.model;
    this.requestId = b.requestId;
    this.upstreamStatus = b.upstreamStatus;
    this.code = b.code;
    this.param = b.param;
    this.retryAfter = b.retryAfter;
  }

  /** Details with every field unset. */
  public static ErrorDetails none() {
    return NONE;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The provider account name (e.g. {@code openai-main}), or null for local errors. */
  public String provider() {
    return provider;
  }

  /** The deployment id, or null when no deployment was involved. */
  public String deployment() {
    return deployment;
  }

  /** The model group or upstream model the call was for, or null. */
  public String model() {
    return model;
  }

  /** The request id of the call that failed, or null. */
  public String requestId() {
    return requestId;
  }

  /** The HTTP status the upstream answered with, or 0 when the upstream gave none. */
  public int upstreamStatus() {
    return upstreamStatus;
  }

  /** A machine-readable error code (OpenAI's {@code error.code}), or null. */
  public String code() {
    return code;
  }

  /** The request parameter at fault (e.g. {@code messages[1].tool_call_id}), or null. */
  public String param() {
    return param;
  }

  /** How long to wait before trying again, or null when unknown. */
  public Duration retryAfter() {
    return retryAfter;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ErrorDetails)) {
      return false;
    }
    ErrorDetails that = (ErrorDetails) o;
    return upstreamStatus == that.upstreamStatus
        && Objects.equals(provider, that.provider)
        && Objects.equals(deployment, that.deployment)
        && Objects.equals(model, that.model)
        && Objects.equals(requestId, that.requestId)
        && Objects.equals(code, that.code)
        && Objects.equals(param, that.param)
        && Objects.equals(retryAfter, that.retryAfter);
  }

  @Override
  public int hashCode() {
    return Objects.hash(provider, deployment, model, requestId, upstreamStatus, code, param, retryAfter);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ErrorDetails{");
    append(sb, "provider", provider);
    append(sb, "deployment", deployment);
    append(sb, "model", model);
    append(sb, "requestId", requestId);
    append(sb, "upstreamStatus", upstreamStatus == 0 ? null : upstreamStatus);
    append(sb, "code", code);
    append(sb, "param", param);
    append(sb, "retryAfter", retryAfter);
    if (sb.charAt(sb.length() - 1) == ' ') {
      sb.setLength(sb.length() - 2);
    }
    return sb.append('}').toString();
  }

  private static void append(StringBuilder sb, String name, Object value) {
    if (value != null) {
      sb.append(name).append('=').append(value).append(", ");
    }
  }

  /** Builds {@link ErrorDetails}. Not thread-safe. */
  public static final class Builder {
    private String provider;
    private String deployment;
    private String model;
    private String requestId;
    private int upstreamStatus;
    private String code;
    private String param;
    private Duration retryAfter;

    private Builder() {}

    private Builder(ErrorDetails d) {
      this.provider = d.provider;
      this.deployment = d.deployment;
      this.model = d.model;
      this.requestId = d.requestId;
      this.upstreamStatus = d.upstreamStatus;
      this.code = d.code;
      this.param = d.param;
      this.retryAfter = d.retryAfter;
    }

    public Builder provider(String provider) {
      this.provider = provider;
      return this;
    }

    public Builder deployment(String deployment) {
      this.deployment = deployment;
      return this;
    }

    public Builder model(String model) {
      this.model = model;
      return this;
    }

    public Builder requestId(String requestId) {
      this.requestId = requestId;
      return this;
    }

    /** @throws IllegalArgumentException if {@code status} is negative */
    public Builder upstreamStatus(int status) {
      if (status < 0) {
        throw new IllegalArgumentException("upstreamStatus must be >= 0 but was " + status);
      }
      this.upstreamStatus = status;
      return this;
    }

    public Builder code(String code) {
      this.code = code;
      return this;
    }

    public Builder param(String param) {
      this.param = param;
      return this;
    }

    /** @throws IllegalArgumentException if {@code retryAfter} is negative */
    public Builder retryAfter(Duration retryAfter) {
      if (retryAfter != null && retryAfter.isNegative()) {
        throw new IllegalArgumentException("retryAfter must not be negative but was " + retryAfter);
      }
      this.retryAfter = retryAfter;
      return this;
    }

    public ErrorDetails build() {
      return new ErrorDetails(this);
    }
  }
}

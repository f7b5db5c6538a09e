package dev.switchboard.core.cost;

import dev.switchboard.core.model.RouteInfo;
import dev.switchboard.core.model.Usage;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What one call used and cost: the raw record that {@link UsageLedger}s aggregate and
 * {@link UsageSink}s export. Switchboard writes one for every chat, stream and embedding call that
 * passed validation, whether it succeeded, failed or was cancelled.
 *
 * <p>Streams take their usage from the upstream's final chunk. A stream that ended without one (the
 * caller cancelled it, or it failed after chunks had arrived), and an answer from an upstream that
 * reports no usage, are recorded with {@link #estimated()} set: prompt tokens estimated from the request text, completion tokens from the
 * text received, at one token per four characters (rounded up) plus three tokens per message and
 * three for the reply, the rule of thumb OpenAI documents for English text. Responses served from
 * Switchboard's cache record no tokens and {@link Cost#ZERO}.
 *
 * <p>{@link #id()} is the idempotency key ledgers deduplicate on: the request id, so that writing
 * the same record twice (a retry after a timeout) never counts twice. Immutable and thread-safe;
 * value equality.
 */
public final class UsageRecord {

  /** How a call ended. */
  public enum Status {
    /** Answered. */
    SUCCESS,
    /** Failed with an error (possibly after consuming tokens). */
    ERROR,
    /** Cancelled by the caller. */
    CANCELLED
  }

  /** What kind of call it was. */
  public enum Operation {
    CHAT,
    EMBEDDING
  }

  private final String id;
  private final String requestId;
  private final Instant time;
  private final Operation operation;
  private final boolean stream;
  private final String keyId;
  private final String user;
  private final String team;
  private final String modelGroup;
  private final String downgradedFrom;
  private final String deployment;
  private final String provider;
  private final String upstreamModel;
  private final Usage usage;
  private final boolean estimated;
  private final Cost cost;
  private final Cost costSaved;
  private final Duration latency;
  private final Duration timeToFirstToken;
  private final Status status;
  private final String errorType;
  private final String cache;
  private final int attempts;
  private final int fallbacks;

  private UsageRecord(Builder b) {
    this.requestId = Objects.requireNonNull(b.requestId, "requestId");
    this.id = b.id != null ? b.id : b.requestId;
    this.time = Objects.requireNonNull(b.time, "time");
    this.operation = b.operation;
    this.stream = b.stream;
    this.keyId = b.keyId;
    this.user = b.user;
    this.team = b.team;
    this.modelGroup = b.modelGroup;
    this.downgradedFrom = b.downgradedFrom;
    this.deployment = b.deployment;
    this.provider = b.provider;
    this.upstreamModel = b.upstreamModel;
    this.usage = b.usage;
    this.estimated = b.estimated;
    this.cost = b.cost;
    this.costSaved = b.costSaved;
    this.latency = b.latency;
    this.timeToFirstToken = b.timeToFirstToken;
    this.status = b.status;
    this.errorType = b.errorType;
    this.cache = b.cache;
    this.attempts = b.attempts;
    this.fallbacks = b.fallbacks;
  }

  /** A builder for the record of request {@code requestId}, ended at {@code time}. */
  public static Builder builder(String requestId, Instant time) {
    return new Builder(requestId, time);
  }

  public Builder toBuilder() {
    Builder b = new Builder(requestId, time);
    b.id = id;
    b.operation = operation;
    b.stream = stream;
    b.keyId = keyId;
    b.user = user;
    b.team = team;
    b.modelGroup = modelGroup;
    b.downgradedFrom = downgradedFrom;
    b.deployment = deployment;
    b.provider = provider;
    b.upstreamModel = upstreamModel;
    b.usage = usage;
    b.estimated = estimated;
    b.cost = cost;
    b.costSaved = costSaved;
    b.latency = latency;
    b.timeToFirstToken = timeToFirstToken;
    b.status = status;
    b.errorType = errorType;
    b.cache = cache;
    b.attempts = attempts;
    b.fallbacks = fallbacks;
    return b;
  }

  /** The idempotency key: the request id unless set otherwise; never null. */
  public String id() {
    return id;
  }

  public String requestId() {
    return requestId;
  }

  /** When the call ended; it decides the day and month the spend counts in. Never null. */
  public Instant time() {
    return time;
  }

  public Operation operation() {
    return operation;
  }

  public boolean stream() {
    return stream;
  }

  /** The caller's key id, or null. */
  public String keyId() {
    return keyId;
  }

  /** The caller's user ({@code Caller.user()}, else the request's {@code user} field), or null. */
  public String user() {
    return user;
  }

  /** The caller's team, or null. */
  public String team() {
    return team;
  }

  /** The model group that served the call (the requested one unless a budget downgraded it), or null. */
  public String modelGroup() {
    return modelGroup;
  }

  /** The group the caller asked for when a budget downgraded the call, or null. */
  public String downgradedFrom() {
    return downgradedFrom;
  }

  /** The deployment that answered, or null when none did. */
  public String deployment() {
    return deployment;
  }

  /** The provider account that answered, or null. */
  public String provider() {
    return provider;
  }

  /** The upstream model name, or null. */
  public String upstreamModel() {
    return upstreamModel;
  }

  /** Tokens used; {@link Usage#ZERO} when none were used or known. Never null. */
  public Usage usage() {
    return usage;
  }

  /** Whether the token counts are estimates (a stream that ended without reporting usage). */
  public boolean estimated() {
    return estimated;
  }

  /** The cost; {@link Cost#UNKNOWN} when tokens were used on a model without a price. Never null. */
  public Cost cost() {
    return cost;
  }

  /**
   * What a call answered from Switchboard's cache would have cost upstream (its cached usage at the
   * price of the group's first deployment); {@link Cost#ZERO} for calls that went upstream.
   */
  public Cost costSaved() {
    return costSaved;
  }

  /** From the call's start to its end; never null. */
  public Duration latency() {
    return latency;
  }

  /** For streams, time to the first chunk; otherwise null. */
  public Duration timeToFirstToken() {
    return timeToFirstToken;
  }

  public Status status() {
    return status;
  }

  /** The error's type (e.g. {@code rate_limit_exceeded}), or null on success. */
  public String errorType() {
    return errorType;
  }

  /** The cache outcome ({@link RouteInfo#cache()}); never null. */
  public String cache() {
    return cache;
  }

  /** Upstream calls made, retries and fallbacks included. */
  public int attempts() {
    return attempts;
  }

  /** Deployments or groups given up on before the one that answered. */
  public int fallbacks() {
    return fallbacks;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof UsageRecord)) {
      return false;
    }
    UsageRecord r = (UsageRecord) o;
    return stream == r.stream && estimated == r.estimated && attempts == r.attempts && fallbacks == r.fallbacks
        && id.equals(r.id) && requestId.equals(r.requestId) && time.equals(r.time) && operation == r.operation
        && Objects.equals(keyId, r.keyId) && Objects.equals(user, r.user) && Objects.equals(team, r.team)
        && Objects.equals(modelGroup, r.modelGroup) && Objects.equals(downgradedFrom, r.downgradedFrom)
        && Objects.equals(deployment, r.deployment) && Objects.equals(provider, r.provider)
        && Objects.equals(upstreamModel, r.upstreamModel) && usage.equals(r.usage) && cost.equals(r.cost) && costSaved.equals(r.costSaved)
        && latency.equals(r.latency) && Objects.equals(timeToFirstToken, r.timeToFirstToken) && status == r.status
        && Objects.equals(errorType, r.errorType) && cache.equals(r.cache);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, time, keyId, user, team, modelGroup, deployment, usage, cost, status);
  }

  @Override
  public String toString() {
    return "UsageRecord{" + id + ", " + time + ", " + operation + (stream ? " stream" : "") + ", key=" + keyId
        + ", user=" + user + ", team=" + team + ", group=" + modelGroup
        + (downgradedFrom == null ? "" : " (downgraded from " + downgradedFrom + ")") + ", deployment=" + deployment
        + ", " + usage + (estimated ? " estimated" : "") + ", cost=" + cost
        + (costSaved.equals(Cost.ZERO) ? "" : ", saved=" + costSaved) + ", " + status
        + (errorType == null ? "" : " " + errorType) + ", cache=" + cache + "}";
  }

  /** Builds a {@link UsageRecord}. Not thread-safe. */
  public static final class Builder {
    private String id;
    private final String requestId;
    private final Instant time;
    private Operation operation = Operation.CHAT;
    private boolean stream;
    private String keyId;
    private String user;
    private String team;
    private String modelGroup;
    private String downgradedFrom;
    private String deployment;
    private String provider;
    private String upstreamModel;
    private Usage usage = Usage.ZERO;
    private boolean estimated;
    private Cost cost = Cost.ZERO;
    private Cost costSaved = Cost.ZERO;
    private Duration latency = Duration.ZERO;
    private Duration timeToFirstToken;
    private Status status = Status.SUCCESS;
    private String errorType;
    private String cache = RouteInfo.CACHE_NONE;
    private int attempts;
    private int fallbacks;

    private Builder(String requestId, Instant time) {
      this.requestId = Objects.requireNonNull(requestId, "requestId");
      this.time = Objects.requireNonNull(time, "time");
    }

    /** The idempotency key; default the request id. */
    public Builder id(String id) {
      this.id = Objects.requireNonNull(id, "id");
      return this;
    }

    public Builder operation(Operation operation) {
      this.operation = Objects.requireNonNull(operation, "operation");
      return this;
    }

    public Builder stream(boolean stream) {
      this.stream = stream;
      return this;
    }

    public Builder keyId(String keyId) {
      this.keyId = keyId;
      return this;
    }

    public Builder user(String user) {
      this.user = user;
      return this;
    }

    public Builder team(String team) {
      this.team = team;
      return this;
    }

    public Builder modelGroup(String modelGroup) {
      this.modelGroup = modelGroup;
      return this;
    }

    public Builder downgradedFrom(String group) {
      this.downgradedFrom = group;
      return this;
    }

    public Builder deployment(String deployment) {
      this.deployment = deployment;
      return this;
    }

    public Builder provider(String provider) {
      this.provider = provider;
      return this;
    }

    public Builder upstreamModel(String upstreamModel) {
      this.upstreamModel = upstreamModel;
      return this;
    }

    public Builder usage(Usage usage) {
      this.usage = Objects.requireNonNull(usage, "usage");
      return this;
    }

    public Builder estimated(boolean estimated) {
      this.estimated = estimated;
      return this;
    }

    public Builder cost(Cost cost) {
      this.cost = Objects.requireNonNull(cost, "cost");
      return this;
    }

    public Builder costSaved(Cost costSaved) {
      this.costSaved = Objects.requireNonNull(costSaved, "costSaved");
      return this;
    }

    public Builder latency(Duration latency) {
      this.latency = Objects.requireNonNull(latency, "latency");
      return this;
    }

    public Builder timeToFirstToken(Duration timeToFirstToken) {
      this.timeToFirstToken = timeToFirstToken;
      return this;
    }

    public Builder status(Status status) {
      this.status = Objects.requireNonNull(status, "status");
      return this;
    }

    public Builder errorType(String errorType) {
      this.errorType = errorType;
      return this;
    }

    /** Null restores {@link RouteInfo#CACHE_NONE}. */
    public Builder cache(String cache) {
      this.cache = cache == null ? RouteInfo.CACHE_NONE : cache;
      return this;
    }

    public Builder attempts(int attempts) {
      this.attempts = attempts;
      return this;
    }

    public Builder fallbacks(int fallbacks) {
      this.fallbacks = fallbacks;
      return this;
    }

    public UsageRecord build() {
      return new UsageRecord(this);
    }
  }
}

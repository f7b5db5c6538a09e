package dev.switchboard.core.internal.ratelimit;

import dev.switchboard.core.Interceptor;
import dev.switchboard.core.RequestOptions;
import dev.switchboard.core.SwitchboardListener;
import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.RateLimitedException;
import dev.switchboard.core.error.SwitchboardException;
import dev.switchboard.core.error.UpstreamUnavailableException;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.EmbeddingResponse;
import dev.switchboard.core.model.RouteInfo;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.ratelimit.Limit;
import dev.switchboard.core.ratelimit.LimitCheck;
import dev.switchboard.core.ratelimit.LimitDecision;
import dev.switchboard.core.ratelimit.LimitState;
import dev.switchboard.core.ratelimit.LimitSubject;
import dev.switchboard.core.ratelimit.LimitDimension;
import dev.switchboard.core.ratelimit.Limits;
import dev.switchboard.core.ratelimit.RateLimitStatus;
import dev.switchboard.core.ratelimit.RateLimiter;
import dev.switchboard.core.routing.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rate limiting inside one client: the caller-limits interceptor (first of the built-in chain, before
 * budgets, the embedder's interceptors and the cache), and the per-deployment gate the router asks
 * before each upstream attempt. Both count in one {@link RateLimiter}. Every client has one, also
 * without any configured limit, since a caller may bring limits of its own ({@code Caller.limits()}).
 * Thread-safe.
 */
public final class RateLimiting {

  private static final Logger log = LoggerFactory.getLogger(RateLimiting.class);

  final RateLimiter limiter;
  final SwitchboardListener listener;
  final TokenEstimator estimator;
  private final CallerLimits callerLimits;
  private final boolean limitsDeployments;
  private final Map<String, List<Limit>> deploymentLimits = new ConcurrentHashMap<>();

  /** @param limitsDeployments whether any deployment has limits of its own */
  public RateLimiting(Limits limits, RateLimiter limiter, SwitchboardListener listener, boolean limitsDeployments) {
    this.limiter = limiter;
    this.listener = listener;
    this.estimator = new TokenEstimator(limits.tokenCounter(), limits.defaultMaxTokens());
    this.callerLimits = new CallerLimits(limits);
    this.limitsDeployments = limitsDeployments;
  }

  /** Estimates the tokens of requests, for token limits. */
  public TokenEstimator estimator() {
    return estimator;
  }

  /**
   * The caller-limits interceptor. Present also when no caller limit is configured: callers may bring
   * their own, and a call to which no limit applies passes it without work.
   */
  public Interceptor interceptor() {
    return new CallerLimitInterceptor(this, callerLimits);
  }

  /** Whether any deployment has limits of its own: only then do routed calls need a token estimate. */
  public boolean limitsDeployments() {
    return limitsDeployments;
  }

  /** Whether {@code d} has limits of its own that the router must consult. */
  public boolean limits(Deployment d) {
    return !d.limits().isEmpty();
  }

  // ---- deployments

  /** Takes one request, and the call's token estimate where a token limit applies, from {@code d}'s limits. */
  public CompletableFuture<LimitDecision> acquire(Deployment d, TokenEstimate tokens) {
    LimitSubject subject = LimitSubject.of(LimitDimension.DEPLOYMENT, d.id());
    List<LimitCheck> checks = new ArrayList<>(d.limits().size());
    for (Limit l : d.limits()) {
      checks.add(new LimitCheck(subject, l, l.kind().countsTokens() ? Math.max(1, tokens.total()) : 1));
    }
    return acquire(checks);
  }

  /** Reports a deployment decision and returns what to settle when the attempt ends (admitted or not). */
  public Reservation decided(String requestId, Deployment d, LimitDecision decision) {
    listener.limitDecided(requestId, d, decision);
    return new Reservation(limiter, decision, listener, requestId, d);
  }

  /** The 503 for a deployment whose limits could not be checked (the limiter fails closed). */
  public SwitchboardException unavailable(Throwable error, Deployment d, String requestId) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return new UpstreamUnavailableException("the rate limiter could not check the limits of deployment '" + d.id()
        + "': " + cause, ErrorDetails.builder().provider(d.provider()).deployment(d.id()).model(d.model())
            .requestId(requestId).code("rate_limiter_unavailable").build(), cause);
  }

  /** The 429 for a call whose every deployment was at its limits; {@code refusals} in the order tried. */
  public static RateLimitedException saturated(String group, String requestId, List<LimitState> refusals) {
    StringBuilder why = new StringBuilder();
    LimitState soonest = null;
    for (LimitState s : refusals) {
      if (why.length() > 0) {
        why.append(", ");
      }
      why.append(s.subject().value()).append(' ').append(s.name());
      if (s.retryAfter() != null) {
        why.append(" (retry after ").append(s.retryAfter().toMillis()).append(" ms)");
        if (soonest == null || soonest.retryAfter() == null || s.retryAfter().compareTo(soonest.retryAfter()) < 0) {
          soonest = s;
        }
      } else if (soonest == null) {
        soonest = s;
      }
    }
    return new RateLimitedException("every deployment of model group '" + group + "' is at its limits: " + why,
        soonest.name(), ErrorDetails.builder().model(group).requestId(requestId).deployment(soonest.subject().value())
            .retryAfter(soonest.retryAfter()).build(), null);
  }

  /** Tokens a whole response used, for settling: its usage, 0 for a cache hit, the estimate when unknown. */
  static long usedTokens(Object value, long estimate) {
    RouteInfo route = null;
    Usage usage = null;
    if (value instanceof ChatResponse) {
      route = ((ChatResponse) value).route();
      usage = ((ChatResponse) value).usage();
    } else if (value instanceof EmbeddingResponse) {
      route = ((EmbeddingResponse) value).route();
      usage = ((EmbeddingResponse) value).usage();
    }
    if (route != null && route.servedFromCache()) {
      return 0;
    }
    return usage != null ? usage.totalTokens() : estimate;
  }

  // ---- shared

  CompletableFuture<LimitDecision> acquire(List<LimitCheck> checks) {
    try {
      CompletableFuture<LimitDecision> f = limiter.acquire(checks);
      return f != null ? f : CompletableFuture.failedFuture(new NullPointerException("rate limiter returned no future"));
    } catch (RuntimeException e) { // a limiter must not throw, but one that does must not escape the engine
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The caller's decision: told to listeners and to the call's status handler. */
  void decidedForCaller(String requestId, RequestOptions options, LimitDecision decision) {
    listener.limitDecided(requestId, null, decision);
    Consumer<? super RateLimitStatus> handler = options.onRateLimitStatus();
    if (handler != null) {
      try {
        handler.accept(RateLimitStatus.of(decision));
      } catch (RuntimeException e) {
        log.warn("onRateLimitStatus handler of request {} threw; ignored", requestId, e);
      }
    }
  }

  /** The 429 for a call the caller's limits refused. */
  static RateLimitedException refused(LimitDecision decision, String model, String requestId) {
    LimitState s = decision.rejectedBy();
    String what = s.retryAfter() != null ? "retry after " + s.retryAfter().toMillis() + " ms"
        : s.limit().kind() == Limit.Kind.CONCURRENT_REQUESTS ? "retry when a call in flight ends"
        : "the request needs " + s.amount() + " but the limit allows " + s.limit().amount();
    return new RateLimitedException("rate limit '" + s.name() + "' exceeded (" + describe(s.limit()) + "): " + what,
        s.name(), ErrorDetails.builder().model(model).requestId(requestId).retryAfter(s.retryAfter()).build(), null);
  }

  /** The 503 when the limiter could not decide and its policy is to fail closed. */
  static SwitchboardException unavailable(Throwable error, String model, String requestId) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return new UpstreamUnavailableException("the rate limiter could not decide: " + cause,
        ErrorDetails.builder().model(model).requestId(requestId).code("rate_limiter_unavailable").build(), cause);
  }

  private static String describe(Limit l) {
    switch (l.kind()) {
      case REQUESTS:
      case TOKENS:
        return l.amount() + (l.kind() == Limit.Kind.REQUESTS ? " requests" : " tokens") + " per " + l.window()
            .toString().substring(2).toLowerCase(java.util.Locale.ROOT)
            + (l.hasBurst() ? ", at most " + l.burstCapacity() + " per " + l.burstWindow().toString().substring(2)
                .toLowerCase(java.util.Locale.ROOT) : "");
      case CONCURRENT_REQUESTS:
        return l.amount() + " calls in flight";
      case DAILY_TOKENS:
        return l.amount() + " tokens per day";
      default:
        return l.amount() + " tokens per month";
    }
  }
}

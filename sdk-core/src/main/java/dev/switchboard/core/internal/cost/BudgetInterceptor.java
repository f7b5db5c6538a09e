package dev.switchboard.core.internal.cost;

import dev.switchboard.core.Caller;
import dev.switchboard.core.Interceptor;
import dev.switchboard.core.RequestOptions;
import dev.switchboard.core.SwitchboardListener;
import dev.switchboard.core.cost.Budget;
import dev.switchboard.core.error.BudgetExceededException;
import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.internal.engine.Publishers;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the caller's budgets before a call: one ledger round trip when any budget applies, none
 * otherwise. At a limit the call is rejected with {@link BudgetExceededException} or sent to the
 * budget's cheaper group, with {@code RouteInfo.downgradedFrom} set on what comes back.
 */
final class BudgetInterceptor implements Interceptor {

  private static final Logger log = LoggerFactory.getLogger(BudgetInterceptor.class);

  private final Budgets budgets;
  private final Set<String> groups;
  private final SwitchboardListener listener;

  BudgetInterceptor(Budgets budgets, Set<String> groups, SwitchboardListener listener) {
    this.budgets = budgets;
    this.groups = Set.copyOf(groups);
    this.listener = listener;
  }

  @Override
  public CompletableFuture<ChatResponse> interceptChat(Chain chain) {
    ChatRequest request = chain.request();
    List<Budgets.Applied> applied = applicable(chain.options(), request);
    if (applied.isEmpty()) {
      return chain.proceed(request);
    }
    return budgets.check(applied).thenCompose(d -> {
      if (d.budget == null) {
        return chain.proceed(request);
      }
      if (d.budget.budget.action() == Budget.Action.REJECT || !canDowngrade(request, d)) {
        return CompletableFuture.failedFuture(exceeded(d, request, chain.requestId()));
      }
      String from = request.model();
      String to = d.budget.budget.downgradeTo();
      downgraded(chain.requestId(), d, from, to);
      return chain.proceed(request.toBuilder().model(to).build()).thenApply(r -> r.route() == null ? r
          : r.toBuilder().route(r.route().toBuilder().downgradedFrom(from).build()).build());
    });
  }

  @Override
  public Flow.Publisher<ChatChunk> interceptStream(StreamChain chain) {
    ChatRequest request = chain.request();
    List<Budgets.Applied> applied = applicable(chain.options(), request);
    if (applied.isEmpty()) {
      return chain.proceed(request);
    }
    AtomicBoolean once = new AtomicBoolean();
    return subscriber -> {
      if (!once.compareAndSet(false, true)) {
        Publishers.<ChatChunk>failed(new IllegalStateException("a Switchboard stream accepts one subscriber"))
            .subscribe(subscriber);
        return;
      }
      // the subscriber gets onSubscribe once the check is done: the publisher it will talk to exists only then
      budgets.check(applied).whenComplete((d, error) -> {
        Flow.Publisher<ChatChunk> next;
        if (error != null || d.budget == null) {
          next = chain.proceed(request);
        } else if (d.budget.budget.action() == Budget.Action.REJECT || !canDowngrade(request, d)) {
          next = Publishers.failed(exceeded(d, request, chain.requestId()));
        } else {
          String from = request.model();
          String to = d.budget.budget.downgradeTo();
          downgraded(chain.requestId(), d, from, to);
          next = markDowngraded(chain.proceed(request.toBuilder().model(to).build()), from);
        }
        next.subscribe(subscriber);
      });
    };
  }

  private List<Budgets.Applied> applicable(RequestOptions options, ChatRequest request) {
    Caller caller = options.caller();
    String user = caller.user() != null ? caller.user()
        : request.user() == null || request.user().isBlank() ? null : request.user();
    return budgets.applicable(caller.keyId(), user, caller.team());
  }

  // Downgrading a call that already asks for the cheaper group (or for no configured group) would change
  // nothing: it is refused like a rejecting budget.
  private boolean canDowngrade(ChatRequest request, Budgets.Decision d) {
    String to = d.budget.budget.downgradeTo();
    return request.model() != null && groups.contains(request.model()) && !request.model().equals(to);
  }

  private void downgraded(String requestId, Budgets.Decision d, String from, String to) {
    log.debug("budget {} at its limit: request {} goes from group {} to {}", d.budget.name(), requestId, from, to);
    try {
      listener.budgetDowngrade(requestId, d.budget.budget, d.budget.subject, from, to);
    } catch (RuntimeException e) {
      log.warn("budgetDowngrade listener threw; ignored", e);
    }
  }

  private static BudgetExceededException exceeded(Budgets.Decision d, ChatRequest request, String requestId) {
    String name = d.budget.name();
    return new BudgetExceededException("budget '" + name + "' is exhausted: spent " + d.spend + " of "
        + d.budget.budget.limit() + " in " + d.bucket, name,
        ErrorDetails.builder().model(request.model()).requestId(requestId).build());
  }

  private static Flow.Publisher<ChatChunk> markDowngraded(Flow.Publisher<ChatChunk> publisher, String from) {
    return subscriber -> publisher.subscribe(new Flow.Subscriber<ChatChunk>() {
      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        subscriber.onSubscribe(subscription);
      }

      @Override
      public void onNext(ChatChunk chunk) {
        subscriber.onNext(chunk.route() == null ? chunk
            : chunk.toBuilder().route(chunk.route().toBuilder().downgradedFrom(from).build()).build());
      }

      @Override
      public void onError(Throwable error) {
        subscriber.onError(error);
      }

      @Override
      public void onComplete() {
        subscriber.onComplete();
      }
    });
  }
}

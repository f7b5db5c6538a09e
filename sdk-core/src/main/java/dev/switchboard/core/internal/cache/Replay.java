package dev.switchboard.core.internal.cache;

import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.ChunkChoice;
import dev.switchboard.core.model.Delta;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.RouteInfo;
import dev.switchboard.core.model.ToolCall;
import dev.switchboard.core.model.ToolCallDelta;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Turns a whole answer back into a stream of the shape a live one has. */
public final class Replay {

  private Replay() {}

  /**
   * The chunks of {@code response}: per choice, one chunk with the role, content, refusal and
   * unknown message fields, one per tool call (id, type, name and the whole arguments), one with
   * the finish reason and log probabilities; then, when the answer has usage, a usage-only chunk
   * without choices (as OpenAI sends with {@code include_usage}). The first chunk carries
   * {@code route}.
   */
  public static List<ChatChunk> chunks(ChatResponse response, RouteInfo route) {
    List<ChatChunk> out = new ArrayList<>();
    for (Choice c : response.choices()) {
      Message m = c.message();
      Delta.Builder first = Delta.builder().role(m.role()).content(m.text()).refusal(m.refusal());
      if (!m.extra().isEmpty()) {
        first.extra(m.extra());
      }
      out.add(chunk(response, ChunkChoice.builder().index(c.index()).delta(first.build()).build()));
      List<ToolCall> calls = m.toolCalls();
      for (int i = 0; i < calls.size(); i++) {
        ToolCall t = calls.get(i);
        Delta d = Delta.builder().addToolCall(ToolCallDelta.builder().index(i).id(t.id()).type(t.type())
            .name(t.name()).arguments(t.arguments()).build()).build();
        out.add(chunk(response, ChunkChoice.builder().index(c.index()).delta(d).build()));
      }
      out.add(chunk(response, ChunkChoice.builder().index(c.index()).delta(Delta.empty())
          .finishReason(c.finishReason()).logprobs(c.logprobs()).build()));
    }
    if (response.usage() != null) {
      out.add(base(response).usage(response.usage()).build());
    }
    if (!out.isEmpty()) {
      out.set(0, out.get(0).toBuilder().route(route).build());
    }
    return out;
  }

  private static ChatChunk chunk(ChatResponse r, ChunkChoice choice) {
    return base(r).addChoice(choice).build();
  }

  private static ChatChunk.Builder base(ChatResponse r) {
    return ChatChunk.builder().id(r.id()).created(r.created()).model(r.model())
        .systemFingerprint(r.systemFingerprint()).serviceTier(r.serviceTier());
  }

  /** A cold publisher of fixed items that honours demand and cancellation; one subscriber per publisher. */
  public static <T> Flow.Publisher<T> publisher(List<T> items) {
    return subscriber -> {
      Objects.requireNonNull(subscriber, "subscriber");
      new ListSubscription<>(subscriber, items).start();
    };
  }

  private static final class ListSubscription<T> implements Flow.Subscription {
    private final Flow.Subscriber<? super T> subscriber;
    private final List<T> items;
    private final AtomicLong demand = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private int index; // touched only inside the drain loop
    private volatile boolean cancelled;
    private volatile boolean done;

    ListSubscription(Flow.Subscriber<? super T> subscriber, List<T> items) {
      this.subscriber = subscriber;
      this.items = items;
    }

    void start() {
      subscriber.onSubscribe(this);
      drain(); // completes an empty list without demand
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        cancelled = true;
        if (!done) {
          done = true;
          subscriber.onError(new IllegalArgumentException("request must be positive (Reactive Streams §3.9) but was " + n));
        }
        return;
      }
      demand.getAndUpdate(d -> d + n < 0 ? Long.MAX_VALUE : d + n);
      drain();
    }

    @Override
    public void cancel() {
      cancelled = true;
    }

    // One thread drains at a time; a request() from inside onNext only adds demand for the running loop.
    private void drain() {
      if (wip.getAndIncrement() != 0) {
        return;
      }
      int missed = 1;
      do {
        while (!cancelled && !done && index < items.size() && demand.get() > 0) {
          T item = items.get(index++);
          demand.getAndUpdate(d -> d == Long.MAX_VALUE ? d : d - 1);
          subscriber.onNext(item);
        }
        if (!cancelled && !done && index == items.size()) {
          done = true;
          subscriber.onComplete();
        }
        missed = wip.addAndGet(-missed);
      } while (missed != 0);
    }
  }
}

package dev.switchboard.redis.internal;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Issues commands on the shared connection in the order they were asked for: an operation issued
 * after another returned reaches Redis after it. Once connected, one Lettuce connection does that
 * anyway. While it is still connecting, operations wait on its future, and the JDK runs the waiting
 * dependents of one future last-registered first; what order they reach Redis in then depends on how
 * deeply the client chains its futures. The usage ledger cannot leave that to chance: a budget check
 * issued after a write must see it. So while not ready, operations queue behind each other (a chain
 * of futures, each started only once the previous one issued its commands); once ready they are
 * issued at once on the caller's thread.
 *
 * <p>On a Cluster the client also opens the connection to a slot's node on the first command routed
 * there, and commands arriving meanwhile wait on that connection's future: the first operation is
 * preceded by one command to {@code routingKey}'s slot, and the others wait for its reply.
 *
 * <p>Thread-safe; never blocks beyond issuing commands.
 */
public final class OrderedCommands {

  private final LettuceConnection lettuce;
  private final byte[] routingKey;
  // guarded by this: the last queued operation; done once it has issued its commands
  private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
  // guarded by this: the command opening the Cluster node's connection, while one is under way
  private CompletableFuture<Void> opening = CompletableFuture.completedFuture(null);
  private volatile boolean nodeReady;

  /**
   * @param routingKey a key of the slot every operation's keys are in (Cluster)
   */
  public OrderedCommands(LettuceConnection lettuce, boolean cluster, byte[] routingKey) {
    this.lettuce = lettuce;
    this.routingKey = routingKey.clone();
    this.nodeReady = !cluster;
  }

  /**
   * Runs {@code operation} with the commands of the connection once every operation issued before
   * has issued its commands. The returned future completes as the operation's does, or
   * exceptionally when there is no connection (or {@code operation} throws).
   */
  public synchronized <T> CompletableFuture<T> issue(
      Function<RedisClusterAsyncCommands<byte[], byte[]>, CompletableFuture<T>> operation) {
    CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> commands = lettuce.commands();
    if (tail.isDone() && commands.isDone() && nodeReady) {
      return run(commands, operation);
    }
    if (!nodeReady && opening.isDone()) {
      // Open the node's connection with one command before anything else (see the class comment). One
      // at a time, so that while the node is down operations wait for one attempt, not a queue of them.
      opening = tail.thenCompose(x -> commands).thenCompose(c -> c.exists(routingKey).toCompletableFuture())
          .handle((ok, error) -> {
            if (error == null) {
              nodeReady = true;
            }
            return null;
          });
      tail = opening;
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    tail = tail.thenCompose(x -> commands).handle((c, error) -> {
      CompletableFuture<T> issued = error != null ? CompletableFuture.failedFuture(unwrap(error))
          : run(CompletableFuture.completedFuture(c), operation);
      issued.whenComplete((value, e) -> {
        if (e != null) {
          result.completeExceptionally(unwrap(e));
        } else {
          result.complete(value);
        }
      });
      return null;
    });
    return result;
  }

  private static <T> CompletableFuture<T> run(CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> commands,
      Function<RedisClusterAsyncCommands<byte[], byte[]>, CompletableFuture<T>> operation) {
    RedisClusterAsyncCommands<byte[], byte[]> c;
    try {
      c = commands.join();
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      return CompletableFuture.failedFuture(unwrap(e));
    }
    try {
      return operation.apply(c);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }
}

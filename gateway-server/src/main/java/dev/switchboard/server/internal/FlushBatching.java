package dev.switchboard.server.internal;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Defers a connection's flushes that happen outside its own reads to the end of the event loop's
 * current batch of I/O events (Netty's {@link FlushConsolidationHandler}).
 *
 * <p>Why: the gateway mostly writes to one connection while handling a read on another (the
 * upstream's answer goes to the client, the client's request to the upstream), and Vert.x flushes
 * such writes at once. On loopback each flush that finds its reader asleep wakes it with an
 * inter-processor interrupt, which costs the writing core about 20 µs in a VM. Flushing when the
 * batch is done wakes each peer once per batch: on the load benchmark, interrupts sent per proxied
 * request fell from 0.26-0.31 to 0.07 and per stream from 1.0 to 0.1-0.15 (benchmarks/RESULTS.md).
 * A write is delayed by at most the rest of the batch it was made in; with one event per batch, as
 * at light load, by nothing.
 */
public final class FlushBatching {

  /** Flushes held back at most before one goes through anyway: Netty's default. */
  static final int MAX_HELD_FLUSHES = FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES;
  static final String HANDLER_NAME = "switchboard-flush-batching";

  private FlushBatching() {}

  /**
   * Adds the batching to {@code connection}'s pipeline, ahead of every other handler. Call it on the
   * connection's event loop, from a connection handler.
   *
   * @return false when the connection is not a Netty one this Vert.x version exposes: nothing changed
   */
  public static boolean install(HttpConnection connection) {
    if (!(connection instanceof ConnectionBase netty)) {
      return false;
    }
    ChannelPipeline pipeline = netty.channel().pipeline();
    if (pipeline.get(HANDLER_NAME) == null) {
      pipeline.addFirst(HANDLER_NAME, new FlushConsolidationHandler(MAX_HELD_FLUSHES, true));
    }
    return true;
  }
}

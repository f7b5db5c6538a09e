package dev.switchboard.core.cost;

import java.util.List;

/**
 * Receives every raw {@link UsageRecord}, for export: a file, a queue, a warehouse loader.
 *
 * <p>Switchboard calls a sink from its one usage-writer thread, in batches, never from a request's
 * thread, so a slow sink slows only the export (records wait in the bounded buffer). A sink that
 * throws loses that batch for itself (logged, counted as dropped) and is called again with the next.
 * {@link #flush()} is called when Switchboard flushes or closes; closing the sink is its owner's job.
 */
public interface UsageSink {

  /** Takes a batch of records, in the order they were recorded. */
  void write(List<UsageRecord> records);

  /** Makes everything written so far durable (e.g. flushes a file buffer). */
  void flush();
}

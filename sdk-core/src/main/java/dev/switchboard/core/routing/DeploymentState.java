package dev.switchboard.core.routing;

import java.time.Duration;

/**
 * A live view of one deployment that routing strategies rank: its configuration plus load and
 * latency right now. Values change concurrently; a strategy reads each once per decision.
 */
public interface DeploymentState {

  Deployment deployment();

  /** Upstream calls currently in flight on this deployment. */
  int inFlight();

  /**
   * Exponentially weighted moving average of recent successful attempts' latency (whole call, or
   * time to first token for streams), or null before the first success.
   */
  Duration averageLatency();
}

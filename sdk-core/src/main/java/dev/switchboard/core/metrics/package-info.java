/** Meter names and tags ({@link dev.switchboard.core.metrics.SwitchboardMetrics}). */
package dev.switchboard.core.metrics;

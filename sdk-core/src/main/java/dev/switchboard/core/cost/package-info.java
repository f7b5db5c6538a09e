/**
 * Cost: exact {@link dev.switchboard.core.cost.Money}, prices ({@link dev.switchboard.core.cost.Price},
 * the shipped {@link dev.switchboard.core.cost.PriceCatalog}), the {@link dev.switchboard.core.cost.UsageRecord}
 * every call yields, the {@link dev.switchboard.core.cost.UsageLedger} and
 * {@link dev.switchboard.core.cost.UsageSink} SPIs with in-memory and JSON-lines implementations,
 * {@link dev.switchboard.core.cost.Budget}s, and the queries of
 * {@link dev.switchboard.core.cost.CostTracker} ({@code Switchboard.costs()}).
 */
package dev.switchboard.core.cost;

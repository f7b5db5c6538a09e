/** Internal: no compatibility promise. Cost tracking: prices per deployment, usage recording, budgets. */
package dev.switchboard.core.internal.cost;

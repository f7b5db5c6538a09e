/** Prices and, as the cost issue lands, usage accounting and budgets. */
package dev.switchboard.core.cost;

/** Internal: no compatibility promise. The engine behind {@link dev.switchboard.core.Switchboard}. */
package dev.switchboard.core.internal.engine;

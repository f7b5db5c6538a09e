/** Internal: no compatibility promise. */
package dev.switchboard.core.internal;

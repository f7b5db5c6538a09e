/** Internal: no compatibility promise. */
package dev.switchboard.providers.internal;

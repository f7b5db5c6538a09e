/** Internal: no compatibility promise. Small {@link java.util.concurrent.Flow} operators with demand and cancel done right. */
package dev.switchboard.providers.internal.flow;

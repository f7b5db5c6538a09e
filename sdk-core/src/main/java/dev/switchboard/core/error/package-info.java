/**
 * The one typed error hierarchy: {@link dev.switchboard.core.error.SwitchboardException} and a
 * subclass per OpenAI-style HTTP error. {@link dev.switchboard.core.error.UpstreamErrors} maps
 * provider responses onto it in one place.
 */
package dev.switchboard.core.error;

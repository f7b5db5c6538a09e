/**
 * Service provider interfaces: what a provider adapter implements
 * ({@link dev.switchboard.core.spi.Provider}, {@link dev.switchboard.core.spi.ProviderFactory}) and
 * what it is given ({@link dev.switchboard.core.spi.ProviderConfig},
 * {@link dev.switchboard.core.spi.CallContext}).
 */
package dev.switchboard.core.spi;

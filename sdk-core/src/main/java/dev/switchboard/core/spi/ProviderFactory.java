package dev.switchboard.core.spi;

import java.util.Set;

/**
 * Creates {@link Provider}s for one or more provider type names ({@code openai}, {@code groq}, …).
 *
 * <p>Discovered through {@link java.util.ServiceLoader}: implementations are listed in
 * {@code META-INF/services/dev.switchboard.core.spi.ProviderFactory} and need a public no-argument
 * constructor. Implementations must be thread-safe.
 */
public interface ProviderFactory {

  /** The type names this factory handles, lower case; never empty. */
  Set<String> types();

  /**
   * Creates a provider for {@code config.type()}, one of {@link #types()}.
   *
   * @throws IllegalArgumentException naming the field when the config is unusable (e.g. a missing
   *     API key where the provider needs one)
   */
  Provider create(ProviderConfig config);
}

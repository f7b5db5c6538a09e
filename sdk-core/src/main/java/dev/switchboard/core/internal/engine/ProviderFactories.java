package dev.switchboard.core.internal.engine;

import dev.switchboard.core.spi.ProviderFactory;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Finds {@link ProviderFactory} implementations by type name through {@link ServiceLoader}. */
public final class ProviderFactories {

  private ProviderFactories() {}

  /** Every discoverable factory by type name; the first found wins a duplicate name. */
  public static Map<String, ProviderFactory> discover(ClassLoader loader) {
    Map<String, ProviderFactory> byType = new TreeMap<>();
    for (ProviderFactory factory : ServiceLoader.load(ProviderFactory.class, loader)) {
      for (String type : factory.types()) {
        byType.putIfAbsent(type, factory);
      }
    }
    return byType;
  }
}

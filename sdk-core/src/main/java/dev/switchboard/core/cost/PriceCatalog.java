package dev.switchboard.core.cost;

import dev.switchboard.core.internal.cost.PriceCatalogJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Model prices by provider type and upstream model name.
 *
 * <p>{@link #builtIn()} is the catalog shipped in sdk-core (resource
 * {@code dev/switchboard/core/cost/prices.json}; its format is described in {@code README-prices.md}
 * beside it): list prices checked on the date each entry names. Extend or override it with
 * {@link #toBuilder()} or {@link Builder#addJson(InputStream)}; a price set on a
 * {@link dev.switchboard.core.routing.Deployment} (a negotiated price) wins over any catalog entry.
 *
 * <p>Lookup ({@link #find}): model names compare ignoring case, after dropping a {@code models/}
 * prefix (Gemini) and a cross-region inference prefix ({@code us.}, {@code eu.}, {@code apac.},
 * {@code global.}, … in front of a Bedrock model id: AWS charges the source region's price for
 * them). An entry matches by its model name or one of its aliases. When the provider type is known
 * and the catalog lists any model of that type, only entries of that type match (a model hosted by
 * two providers has two prices); when the type is unknown to the catalog (an OpenAI-compatible
 * host, Azure deployments, a provider instance added without a type), the first entry of that model
 * name in catalog order matches.
 *
 * <p>Immutable and thread-safe.
 */
public final class PriceCatalog {

  private static final Pattern CROSS_REGION = Pattern.compile("^(us|eu|apac|global|jp|au|ca|us-gov)\\.(?=[a-z0-9-]+\\.)");
  private static final PriceCatalog EMPTY = new PriceCatalog(List.of());
  private static volatile PriceCatalog builtIn;

  private final List<ModelPrice> entries;
  private final Map<String, List<ModelPrice>> byName;
  private final Map<String, Boolean> providers;

  private PriceCatalog(List<ModelPrice> entries) {
    this.entries = List.copyOf(entries);
    Map<String, List<ModelPrice>> names = new LinkedHashMap<>();
    Map<String, Boolean> types = new LinkedHashMap<>();
    for (ModelPrice e : this.entries) {
      types.put(e.provider().toLowerCase(Locale.ROOT), Boolean.TRUE);
      names.computeIfAbsent(normalize(e.model()), k -> new ArrayList<>()).add(e);
      for (String alias : e.aliases()) {
        names.computeIfAbsent(normalize(alias), k -> new ArrayList<>()).add(e);
      }
    }
    this.byName = Map.copyOf(names);
    this.providers = Map.copyOf(types);
  }

  /** A catalog with no prices: every model is priced {@link Cost#UNKNOWN} unless its deployment has a price. */
  public static PriceCatalog empty() {
    return EMPTY;
  }

  /**
   * The catalog shipped with Switchboard.
   *
   * @throws IllegalStateException if the resource is missing or malformed (a packaging error)
   */
  public static PriceCatalog builtIn() {
    PriceCatalog c = builtIn;
    if (c == null) {
      try (InputStream in = PriceCatalog.class.getResourceAsStream("prices.json")) {
        if (in == null) {
          throw new IllegalStateException("resource dev/switchboard/core/cost/prices.json is missing");
        }
        c = fromJson(in);
      } catch (IOException e) {
        throw new IllegalStateException("cannot read the built-in price catalog", e);
      }
      builtIn = c;
    }
    return c;
  }

  /**
   * Reads a catalog in the format of the built-in one.
   *
   * @throws IllegalArgumentException naming the entry and field when the JSON is malformed
   * @throws UncheckedIOException when the stream cannot be read
   */
  public static PriceCatalog fromJson(InputStream json) {
    Objects.requireNonNull(json, "json");
    return new PriceCatalog(PriceCatalogJson.read(json));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these entries, to add or override some. */
  public Builder toBuilder() {
    Builder b = new Builder();
    entries.forEach(b::add);
    return b;
  }

  /** Every entry, in catalog order. */
  public List<ModelPrice> entries() {
    return entries;
  }

  /**
   * The price of {@code model} on a provider of type {@code providerType}, by the rules in the class
   * comment.
   *
   * @param providerType the provider type (e.g. {@code openai}), or null when unknown
   */
  public Optional<ModelPrice> find(String providerType, String model) {
    Objects.requireNonNull(model, "model");
    List<ModelPrice> candidates = byName.get(normalize(model));
    if (candidates == null) {
      return Optional.empty();
    }
    String type = providerType == null ? null : providerType.toLowerCase(Locale.ROOT);
    if (type != null && providers.containsKey(type)) {
      for (ModelPrice e : candidates) {
        if (e.provider().equalsIgnoreCase(type)) {
          return Optional.of(e);
        }
      }
      return Optional.empty();
    }
    return Optional.of(candidates.get(0));
  }

  static String normalize(String model) {
    String m = model.trim().toLowerCase(Locale.ROOT);
    if (m.startsWith("models/")) {
      m = m.substring("models/".length());
    }
    return CROSS_REGION.matcher(m).replaceFirst("");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PriceCatalog && entries.equals(((PriceCatalog) o).entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return "PriceCatalog{" + entries.size() + " models}";
  }

  /** Builds a {@link PriceCatalog}; an entry replaces an earlier one of the same provider and model. Not thread-safe. */
  public static final class Builder {
    private final Map<String, ModelPrice> entries = new LinkedHashMap<>();

    private Builder() {}

    public Builder add(ModelPrice price) {
      Objects.requireNonNull(price, "price");
      entries.put(price.provider().toLowerCase(Locale.ROOT) + "\u0000" + normalize(price.model()), price);
      return this;
    }

    public Builder addAll(Collection<ModelPrice> prices) {
      prices.forEach(this::add);
      return this;
    }

    /** Adds every entry of a JSON catalog (see {@link PriceCatalog#fromJson}). */
    public Builder addJson(InputStream json) {
      return addAll(fromJson(json).entries());
    }

    public PriceCatalog build() {
      return new PriceCatalog(new ArrayList<>(entries.values()));
    }
  }
}

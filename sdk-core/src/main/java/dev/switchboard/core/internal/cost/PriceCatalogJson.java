package dev.switchboard.core.internal.cost;

import com.fasterxml.jackson.core.JsonParser;
import dev.switchboard.core.cost.ModelPrice;
import dev.switchboard.core.cost.Price;
import dev.switchboard.core.internal.json.PlainJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the price catalog JSON format (see {@code README-prices.md} next to {@code prices.json}). */
public final class PriceCatalogJson {

  private static final Set<String> ENTRY_FIELDS = Set.of("provider", "model", "aliases", "input", "cachedInput",
      "cacheWrite", "output", "reasoning", "audioInput", "audioOutput", "longContext", "contextWindow",
      "maxOutputTokens", "checked", "source", "note");
  private static final Set<String> TIER_FIELDS = Set.of("threshold", "input", "cachedInput", "cacheWrite", "output",
      "reasoning");

  private PriceCatalogJson() {}

  public static List<ModelPrice> read(InputStream in) {
    Object root;
    try (JsonParser p = PlainJson.FACTORY.createParser(in)) {
      root = PlainJson.readValue(p, p.nextToken());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("price catalog is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!(root instanceof Map) || !(((Map<?, ?>) root).get("models") instanceof List)) {
      throw new IllegalArgumentException("price catalog must be an object with a \"models\" array");
    }
    List<ModelPrice> out = new ArrayList<>();
    List<?> models = (List<?>) ((Map<?, ?>) root).get("models");
    for (int i = 0; i < models.size(); i++) {
      String where = "models[" + i + "]";
      if (!(models.get(i) instanceof Map)) {
        throw new IllegalArgumentException(where + " must be an object");
      }
      out.add(entry((Map<?, ?>) models.get(i), where));
    }
    return out;
  }

  private static ModelPrice entry(Map<?, ?> m, String where) {
    for (Object key : m.keySet()) {
      if (!ENTRY_FIELDS.contains(key)) {
        throw new IllegalArgumentException(where + " has an unknown field '" + key + "'");
      }
    }
    String provider = text(m, "provider", where, true);
    String model = text(m, "model", where, true);
    where = where + " (" + provider + "/" + model + ")";
    ModelPrice.Builder b = ModelPrice.builder(provider, model).price(price(m, where));
    Object aliases = m.get("aliases");
    if (aliases != null) {
      if (!(aliases instanceof List)) {
        throw new IllegalArgumentException(where + ".aliases must be an array of strings");
      }
      for (Object a : (List<?>) aliases) {
        if (!(a instanceof String)) {
          throw new IllegalArgumentException(where + ".aliases must be an array of strings");
        }
        b.alias((String) a);
      }
    }
    Object tier = m.get("longContext");
    if (tier != null) {
      if (!(tier instanceof Map)) {
        throw new IllegalArgumentException(where + ".longContext must be an object");
      }
      Map<?, ?> t = (Map<?, ?>) tier;
      for (Object key : t.keySet()) {
        if (!TIER_FIELDS.contains(key)) {
          throw new IllegalArgumentException(where + ".longContext has an unknown field '" + key + "'");
        }
      }
      Integer threshold = integer(t, "threshold", where + ".longContext");
      if (threshold == null) {
        throw new IllegalArgumentException(where + ".longContext.threshold is required");
      }
      b.longContext(threshold, price(t, where + ".longContext"));
    }
    b.audioInputPerMillion(decimal(m, "audioInput", where, false));
    b.audioOutputPerMillion(decimal(m, "audioOutput", where, false));
    b.contextWindow(integer(m, "contextWindow", where));
    b.maxOutputTokens(integer(m, "maxOutputTokens", where));
    String checked = text(m, "checked", where, false);
    if (checked != null) {
      try {
        b.checked(LocalDate.parse(checked));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(where + ".checked must be a date like 2026-01-31 but was '" + checked + "'");
      }
    }
    b.source(text(m, "source", where, false));
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  private static Price price(Map<?, ?> m, String where) {
    BigDecimal input = decimal(m, "input", where, true);
    BigDecimal output = decimal(m, "output", where, true);
    BigDecimal cached = decimal(m, "cachedInput", where, false);
    BigDecimal write = decimal(m, "cacheWrite", where, false);
    BigDecimal reasoning = decimal(m, "reasoning", where, false);
    try {
      Price p = Price.perMillion(input, output, cached);
      if (write != null) {
        p = p.withCacheWritePerMillion(write.toPlainString());
      }
      if (reasoning != null) {
        p = p.withReasoningPerMillion(reasoning.toPlainString());
      }
      return p;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  // Prices are written as strings ("0.075") so that no reader turns them into binary floating point;
  // plain JSON numbers are accepted too and read through their decimal text.
  private static BigDecimal decimal(Map<?, ?> m, String field, String where, boolean required) {
    Object v = m.get(field);
    if (v == null) {
      if (required) {
        throw new IllegalArgumentException(where + "." + field + " is required");
      }
      return null;
    }
    try {
      if (v instanceof String || v instanceof Number) {
        return new BigDecimal(v.toString());
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(where + "." + field + " must be a decimal number of dollars per million tokens "
        + "but was '" + v + "'");
  }

  private static Integer integer(Map<?, ?> m, String field, String where) {
    Object v = m.get(field);
    if (v == null) {
      return null;
    }
    if (v instanceof Long && (Long) v > 0 && (Long) v <= Integer.MAX_VALUE) {
      return ((Long) v).intValue();
    }
    throw new IllegalArgumentException(where + "." + field + " must be a positive integer but was '" + v + "'");
  }

  private static String text(Map<?, ?> m, String field, String where, boolean required) {
    Object v = m.get(field);
    if (v == null && !required) {
      return null;
    }
    if (!(v instanceof String) || ((String) v).isBlank()) {
      throw new IllegalArgumentException(where + "." + field + " must be a non-blank string");
    }
    return (String) v;
  }
}

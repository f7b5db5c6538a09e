package dev.switchboard.server.internal;

import dev.switchboard.core.auth.VirtualKey;
import dev.switchboard.core.ratelimit.Limit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A virtual key's own limits ({@link VirtualKey#limits()}) as the SDK's {@link Limit}s for
 * {@code Caller.limits()}: each replaces the key's tier's limit of the same name, and the tier's other
 * limits stay. {@code requests-per-minute: 2} becomes the limit a tier's {@code requests-per-minute: 2}
 * is ({@link Limit#ofSetting}), burst rule included.
 *
 * <p>Every call looks its key up again (from Redis a new {@code VirtualKey} each time), so the
 * conversion is kept by the limits' value: once per distinct set, shared by the keys that have it,
 * and a key whose limits changed gets the new set. At most {@value #MAX_ENTRIES} sets are kept; the
 * map starts over when full, which costs only conversions.
 *
 * <p>A limit that cannot be applied (a name or an amount the admin API refuses, in a key written into
 * the keys file by hand or into Redis by another version) is left out, so its tier's limit of that
 * name applies, with one warning per set that names the key's id and the limit.
 *
 * <p>Thread-safe.
 */
final class KeyLimits {

  static final int MAX_ENTRIES = 1024;

  private static final Logger log = LoggerFactory.getLogger(KeyLimits.class);

  private final ConcurrentHashMap<Map<String, Long>, List<Limit>> converted = new ConcurrentHashMap<>();

  /** The key's own limits; empty when it has none. */
  List<Limit> of(VirtualKey key) {
    Map<String, Long> own = key.limits(); // immutable: safe as a map key
    if (own.isEmpty()) {
      return List.of();
    }
    List<Limit> limits = converted.get(own);
    if (limits == null) {
      limits = convert(key);
      if (converted.size() >= MAX_ENTRIES) {
        converted.clear();
      }
      converted.put(own, limits);
    }
    return limits;
  }

  /** Entries held (for tests). */
  int size() {
    return converted.size();
  }

  private static List<Limit> convert(VirtualKey key) {
    List<Limit> out = new ArrayList<>(key.limits().size());
    key.limits().forEach((name, amount) -> {
      try {
        out.add(Limit.ofSetting(name, amount));
      } catch (IllegalArgumentException e) {
        log.warn("limit {} of key {} not applied, its tier's applies instead: {}", name, key.id(), e.getMessage());
      }
    });
    return List.copyOf(out);
  }
}

package dev.switchboard.server.internal;

import dev.switchboard.core.cache.CacheControl;
import dev.switchboard.core.error.ErrorDetails;
import dev.switchboard.core.error.InvalidRequestException;
import dev.switchboard.core.model.ChatRequest;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * What a caller asks of the response cache, from the request body and headers.
 *
 * <ul>
 *   <li>Body field {@code "cache": {"no-cache": true, "no-store": true, "ttl": 600}} (LiteLLM's
 *       names; ttl in seconds). It is Switchboard's, so it is removed before the request goes
 *       upstream.
 *   <li>Header {@code x-switchboard-cache: no-cache, no-store, ttl=600}.
 *   <li>The standard request directives {@code Cache-Control: no-cache} / {@code no-store}.
 * </ul>
 *
 * Any of them may set a flag; a ttl in both the body and the header must agree. Bad values fail
 * with 400 naming the field or header.
 */
final class CacheControls {

  static final String BODY_FIELD = "cache";
  static final String HEADER = "x-switchboard-cache";

  private CacheControls() {}

  /** The request without Switchboard's own {@code cache} field. */
  static ChatRequest stripped(ChatRequest request) {
    return request.extraParameters().containsKey(BODY_FIELD)
        ? request.toBuilder().removeExtraParameter(BODY_FIELD).build() : request;
  }

  /**
   * @throws InvalidRequestException naming the field or header when a value is malformed
   */
  static CacheControl read(ChatRequest request, String header, String cacheControlHeader, String requestId) {
    boolean noCache = false;
    boolean noStore = false;
    Duration ttl = null;
    Object field = request.extraParameters().get(BODY_FIELD);
    if (field != null) {
      if (!(field instanceof Map)) {
        throw invalid("'cache' must be an object such as {\"no-cache\": true, \"ttl\": 600}", BODY_FIELD, requestId);
      }
      for (Map.Entry<?, ?> e : ((Map<?, ?>) field).entrySet()) {
        String name = String.valueOf(e.getKey());
        Object value = e.getValue();
        switch (name) {
          case "no-cache":
            noCache = flag(value, "cache.no-cache", requestId);
            break;
          case "no-store":
            noStore = flag(value, "cache.no-store", requestId);
            break;
          case "ttl":
            ttl = seconds(value, "cache.ttl", requestId);
            break;
          default:
            throw invalid("unknown cache option '" + name + "'; expected no-cache, no-store or ttl",
                "cache." + name, requestId);
        }
      }
    }
    if (header != null) {
      for (String token : header.split(",")) {
        String t = token.strip().toLowerCase(Locale.ROOT);
        if (t.isEmpty()) {
          continue;
        }
        if (t.equals("no-cache")) {
          noCache = true;
        } else if (t.equals("no-store")) {
          noStore = true;
        } else if (t.startsWith("ttl=")) {
          Duration fromHeader = seconds(t.substring(4), HEADER, requestId);
          if (ttl != null && !ttl.equals(fromHeader)) {
            throw invalid("the cache ttl in the body (" + ttl.toSeconds() + " s) and in the " + HEADER + " header ("
                + fromHeader.toSeconds() + " s) disagree", HEADER, requestId);
          }
          ttl = fromHeader;
        } else {
          throw invalid("unknown " + HEADER + " directive '" + t + "'; expected no-cache, no-store or ttl=<seconds>",
              HEADER, requestId);
        }
      }
    }
    if (cacheControlHeader != null) {
      for (String token : cacheControlHeader.split(",")) {
        String t = token.strip().toLowerCase(Locale.ROOT);
        noCache |= t.equals("no-cache");
        noStore |= t.equals("no-store");
      }
    }
    if (!noCache && !noStore && ttl == null) {
      return CacheControl.defaults();
    }
    return CacheControl.builder().noCache(noCache).noStore(noStore).ttl(ttl).build();
  }

  private static boolean flag(Object value, String param, String requestId) {
    if (value instanceof Boolean) {
      return (Boolean) value;
    }
    throw invalid(param + " must be true or false", param, requestId);
  }

  private static Duration seconds(Object value, String param, String requestId) {
    long s;
    try {
      s = value instanceof Number && ((Number) value).doubleValue() == Math.rint(((Number) value).doubleValue())
          ? ((Number) value).longValue() : Long.parseLong(String.valueOf(value).strip());
    } catch (NumberFormatException e) {
      throw invalid(param + " must be a whole number of seconds but was '" + value + "'", param, requestId);
    }
    if (s < 1) {
      throw invalid(param + " must be at least 1 second but was " + s, param, requestId);
    }
    return Duration.ofSeconds(s);
  }

  private static InvalidRequestException invalid(String message, String param, String requestId) {
    return new InvalidRequestException(message, ErrorDetails.builder().param(param).requestId(requestId).build());
  }
}

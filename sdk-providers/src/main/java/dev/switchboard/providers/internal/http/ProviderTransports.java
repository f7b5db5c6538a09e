package dev.switchboard.providers.internal.http;

import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.http.OkHttpTransport;
import java.time.Duration;

/** How every HTTP provider's builder settles its transport: a shared one, or one of its own. */
public final class ProviderTransports {

  private ProviderTransports() {}

  /**
   * @throws IllegalStateException if both were set: a connect timeout only configures the provider's own transport
   */
  public static void requireNotBoth(HttpTransport transport, Duration connectTimeout) {
    if (transport != null && connectTimeout != null) {
      throw new IllegalStateException("connectTimeout (" + connectTimeout + ") applies only to the provider's own "
          + "transport, but a transport was given: configure its timeout there");
    }
  }

  /** {@code given}, or a new {@link OkHttpTransport} (which the provider owns) when none was given. */
  public static HttpTransport givenOrOwn(HttpTransport given, Duration connectTimeout) {
    if (given != null) {
      return given;
    }
    OkHttpTransport.Builder t = OkHttpTransport.builder();
    if (connectTimeout != null) {
      t.connectTimeout(connectTimeout);
    }
    return t.build();
  }
}

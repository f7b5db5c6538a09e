package dev.switchboard.providers.internal.http;

import dev.switchboard.providers.http.HttpResponse;

/**
 * Makes {@link HttpResponse}s around a body array that a transport read and hands over, without the
 * copy {@link HttpResponse.Builder#body} makes for callers that keep theirs: for transports outside
 * {@code HttpResponse}'s package (the gateway's). {@code HttpResponse} installs the factory when it is
 * loaded, as the model classes do for {@code SourceText}.
 */
public final class OwnedResponses {

  /** What {@code HttpResponse} lets this package do. */
  public interface Factory {
    /**
     * A response whose body is {@code body} itself, which the caller must not touch again.
     *
     * @throws IllegalArgumentException if {@code status} is not within 100..999
     */
    HttpResponse of(int status, ResponseHeaders headers, byte[] body);
  }

  private static volatile Factory factory;

  private OwnedResponses() {}

  /** Called once, by {@link HttpResponse}'s static initialiser; later calls are ignored. */
  public static void install(Factory f) {
    if (factory == null) {
      factory = f;
    }
  }

  /** See {@link Factory#of}. */
  public static HttpResponse of(int status, ResponseHeaders headers, byte[] body) {
    if (factory == null) {
      HttpResponse.builder(); // loads HttpResponse, which installs the factory
    }
    return factory.of(status, headers, body);
  }
}

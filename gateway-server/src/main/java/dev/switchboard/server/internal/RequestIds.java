package dev.switchboard.server.internal;

import java.util.concurrent.ThreadLocalRandom;

/** The {@code x-request-id} of each call: the client's when it is usable, else a new one. */
final class RequestIds {

  static final String HEADER = "x-request-id";
  private static final int MAX_LENGTH = 128;

  private RequestIds() {}

  /**
   * The client's id when it is 1 to 128 visible ASCII characters (no spaces, nothing that could
   * split a header or a log line), otherwise a generated one.
   */
  static String acceptOrGenerate(String fromClient) {
    return isUsable(fromClient) ? fromClient : generate();
  }

  static boolean isUsable(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  static String generate() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return "req_" + Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
  }
}

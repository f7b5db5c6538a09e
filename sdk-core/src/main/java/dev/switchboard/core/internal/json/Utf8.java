package dev.switchboard.core.internal.json;

/** UTF-8 well-formedness (Unicode 15, table 3-7), for text read without a parser's own checks. */
final class Utf8 {

  private Utf8() {}

  /**
   * Whether {@code b[from..to)} is well-formed UTF-8: no stray continuation byte, no overlong form,
   * no encoded surrogate, nothing beyond U+10FFFF, no sequence cut off at {@code to}.
   */
  static boolean isWellFormed(byte[] b, int from, int to) {
    int i = from;
    while (i < to) {
      int c = b[i];
      if (c >= 0) {
        i++;
        continue;
      }
      c &= 0xFF;
      int more;
      int low = 0x80;
      int high = 0xBF;
      if (c >= 0xC2 && c <= 0xDF) {
        more = 1;
      } else if (c >= 0xE0 && c <= 0xEF) {
        more = 2;
        if (c == 0xE0) {
          low = 0xA0; // shorter forms are overlong
        } else if (c == 0xED) {
          high = 0x9F; // above are the surrogates
        }
      } else if (c >= 0xF0 && c <= 0xF4) {
        more = 3;
        if (c == 0xF0) {
          low = 0x90;
        } else if (c == 0xF4) {
          high = 0x8F; // above is beyond U+10FFFF
        }
      } else {
        return false;
      }
      if (to - i <= more) {
        return false;
      }
      int second = b[i + 1] & 0xFF;
      if (second < low || second > high) {
        return false;
      }
      for (int k = 2; k <= more; k++) {
        if ((b[i + k] & 0xC0) != 0x80) {
          return false;
        }
      }
      i += more + 1;
    }
    return true;
  }
}

package dev.switchboard.benchmarks.load;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Command-line flags {@code --name value} (or {@code --name} alone for a switch), checked against a known set. */
final class Flags {

  private final String program;
  private final Map<String, List<String>> values = new LinkedHashMap<>();

  private Flags(String program) {
    this.program = program;
  }

  /**
   * @param valued flags that take a value
   * @param switches flags that take none
   * @throws IllegalArgumentException naming the first unknown flag or a flag without its value
   */
  static Flags parse(String program, String[] args, Set<String> valued, Set<String> switches) {
    Flags flags = new Flags(program);
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException(program + ": unexpected argument '" + arg + "'");
      }
      String name = arg.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (switches.contains(name)) {
        value = "true";
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException(program + ": --" + name + " needs a value");
      }
      if (!valued.contains(name) && !switches.contains(name)) {
        throw new IllegalArgumentException(program + ": unknown flag --" + name + "; known: " + valued + " " + switches);
      }
      flags.values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return flags;
  }

  String string(String name, String defaultValue) {
    List<String> v = values.get(name);
    return v == null ? defaultValue : v.get(v.size() - 1);
  }

  List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  boolean on(String name) {
    return Boolean.parseBoolean(string(name, "false"));
  }

  long number(String name, long defaultValue, long min, long max) {
    String v = string(name, null);
    if (v == null) {
      return defaultValue;
    }
    long n;
    try {
      n = Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(program + ": --" + name + " must be a whole number but was '" + v + "'");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(program + ": --" + name + " must be from " + min + " to " + max + " but was "
          + n);
    }
    return n;
  }

  double decimal(String name, double defaultValue, double min, double max) {
    String v = string(name, null);
    if (v == null) {
      return defaultValue;
    }
    double n;
    try {
      n = Double.parseDouble(v.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(program + ": --" + name + " must be a number but was '" + v + "'");
    }
    if (!(n >= min && n <= max)) {
      throw new IllegalArgumentException(program + ": --" + name + " must be from " + min + " to " + max + " but was "
          + n);
    }
    return n;
  }

  /** Load is only ever sent to, and served on, this machine's loopback interface. */
  static String requireLoopback(String program, String host) {
    try {
      if (!InetAddress.getByName(host).isLoopbackAddress()) {
        throw new IllegalArgumentException(program + ": " + host + " is not a loopback address; load tests only "
            + "run against 127.0.0.0/8 or ::1");
      }
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(program + ": unknown host " + host);
    }
    return host;
  }

  static URI requireLoopbackUrl(String program, String url) {
    URI uri = URI.create(url);
    if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0) {
      throw new IllegalArgumentException(program + ": --url must be http://host:port/path but was " + url);
    }
    requireLoopback(program, uri.getHost());
    return uri;
  }
}

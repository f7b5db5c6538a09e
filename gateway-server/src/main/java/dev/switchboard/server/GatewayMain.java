package dev.switchboard.server;

import dev.switchboard.server.internal.AccessLog;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs the gateway from the command line: {@code java -jar switchboard-gateway.jar [--config FILE]}.
 *
 * <p>The configuration file comes from {@code --config FILE} (or {@code --config=FILE}), else from
 * {@code SWITCHBOARD_CONFIG}; without either the gateway runs on its embedded default. {@code PORT},
 * {@code SWITCHBOARD_MASTER_KEY} and provider API keys ({@code OPENAI_API_KEY}, …) are read from the
 * environment; see {@link GatewaySettings#fromEnvironment}. Stops gracefully on SIGTERM or Ctrl-C.
 * The access log (one JSON line per request) goes to standard output, everything else to standard
 * error.
 */
public final class GatewayMain {

  static final String USAGE = "usage: switchboard-gateway [--config FILE]";

  private GatewayMain() {}

  /**
   * Starts the gateway and returns; the server keeps the JVM alive until it is signalled to stop.
   * Exits with status 2 on bad arguments, settings or configuration, 1 when the gateway cannot start.
   */
  public static void main(String[] args) {
    GatewaySettings settings;
    try {
      // The access log goes to standard output, batched; the gateway's own log to standard error.
      settings = settings(args, System.getenv()).toBuilder().accessLogSink(AccessLog.standardOutput()).build();
    } catch (IllegalArgumentException e) {
      System.err.println("switchboard-gateway: " + e.getMessage());
      System.exit(2);
      return;
    }
    Gateway gateway;
    try {
      gateway = Gateway.start(settings);
    } catch (IllegalArgumentException e) { // the configuration, or settings that contradict each other
      System.err.println("switchboard-gateway: " + e.getMessage());
      System.exit(2);
      return;
    } catch (RuntimeException e) {
      System.err.println("switchboard-gateway: cannot start: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "switchboard-shutdown"));
  }

  /**
   * The settings from the command line and the environment; {@code --config} wins over
   * {@code SWITCHBOARD_CONFIG}.
   *
   * @throws IllegalArgumentException on an unknown argument or a missing file name, with the usage
   */
  static GatewaySettings settings(String[] args, Map<String, String> environment) {
    GatewaySettings.Builder b = GatewaySettings.fromEnvironment(environment).toBuilder();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String file;
      if (arg.equals("--config")) {
        if (i + 1 >= args.length || args[i + 1].isBlank()) {
          throw new IllegalArgumentException("--config needs a file name; " + USAGE);
        }
        file = args[++i];
      } else if (arg.startsWith("--config=")) {
        file = arg.substring("--config=".length());
        if (file.isBlank()) {
          throw new IllegalArgumentException("--config needs a file name; " + USAGE);
        }
      } else {
        throw new IllegalArgumentException("unknown argument '" + arg + "'; " + USAGE);
      }
      try {
        b.configFile(Path.of(file));
      } catch (InvalidPathException e) {
        throw new IllegalArgumentException("--config: not a valid path: '" + file + "'");
      }
    }
    return b.build();
  }
}

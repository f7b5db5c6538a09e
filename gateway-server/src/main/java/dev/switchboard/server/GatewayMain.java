package dev.switchboard.server;

/**
 * Runs the gateway from the command line: {@code java -jar switchboard-gateway.jar}.
 *
 * <p>Reads {@code PORT} and provider API keys ({@code OPENAI_API_KEY}, …) from the environment; see
 * {@link GatewaySettings#fromEnvironment}. Stops gracefully on SIGTERM or Ctrl-C.
 */
public final class GatewayMain {

  private GatewayMain() {}

  /**
   * Starts the gateway and returns; the server keeps the JVM alive until it is signalled to stop.
   * Exits with status 2 on bad arguments or settings, 1 when the gateway cannot start.
   */
  public static void main(String[] args) {
    if (args.length > 0) {
      System.err.println("switchboard-gateway: this version takes no arguments (configuration files are not "
          + "supported yet); set PORT and provider keys such as OPENAI_API_KEY in the environment");
      System.exit(2);
    }
    GatewaySettings settings;
    try {
      settings = GatewaySettings.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("switchboard-gateway: " + e.getMessage());
      System.exit(2);
      return;
    }
    Gateway gateway;
    try {
      gateway = Gateway.start(settings);
    } catch (RuntimeException e) {
      System.err.println("switchboard-gateway: cannot start: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "switchboard-shutdown"));
  }
}

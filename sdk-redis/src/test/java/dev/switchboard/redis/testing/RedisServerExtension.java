package dev.switchboard.redis.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts one Redis server for a test class and kills it after the class, also when tests fail.
 * Before each test the server is running (a test that stopped it gets it back) and empty.
 *
 * <pre>{@code @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();}</pre>
 */
public final class RedisServerExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

  private RedisServerProcess server;

  @Override
  public void beforeAll(ExtensionContext context) {
    server = RedisServerProcess.start();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!server.isRunning()) {
      server.restart();
    }
    server.command("FLUSHALL");
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) {
      server.close();
    }
  }

  public RedisServerProcess server() {
    return server;
  }

  public String uri() {
    return server.uri();
  }
}

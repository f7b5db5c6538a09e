package dev.switchboard.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The Vert.x instance the gateway serves and calls upstreams on. */
class GatewayVertxTest {

  @Test
  @EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "aarch64"})
  void onLinux_runsOnTheNativeEpollTransport() {
    Vertx vertx = GatewayServer.newVertx();
    try {
      assertThat(vertx.isNativeTransportEnabled())
          .as("native transport (cause if not: %s)", vertx.unavailableNativeTransportCause())
          .isTrue();
    } finally {
      GatewayServer.closeVertx(vertx);
    }
  }
}

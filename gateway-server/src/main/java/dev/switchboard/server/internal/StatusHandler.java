package dev.switchboard.server.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.switchboard.core.Health;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.routing.CircuitState;
import dev.switchboard.core.routing.DeploymentStatus;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code GET /health/ready} and {@code GET /v1/providers/status}.
 *
 * <p>Readiness is 503 {@code "unavailable"} while the server is not accepting calls (starting,
 * shutting down) or a <em>required</em> component is down: one without which calls cannot be served
 * correctly (the key store while keys are checked; later Redis when it holds limits, ledger or keys).
 * Otherwise 200, {@code "ready"}, or {@code "degraded"} when a component works around a failure (e.g.
 * Redis unreachable, so the shared cache is skipped) or a deployment's circuit is not closed. Upstream
 * trouble never makes an instance unready: every instance shares the same upstreams, and taking them
 * all out of the load balancer would turn a partial outage into a full one.
 */
final class StatusHandler {

  private static final JsonFactory JSON = JsonFactory.builder().build();

  /** A component readiness reports on. */
  static final class Component {
    final String name;
    final Supplier<Health> health;
    final boolean required;

    Component(String name, Supplier<Health> health, boolean required) {
      this.name = Objects.requireNonNull(name, "name");
      this.health = Objects.requireNonNull(health, "health");
      this.required = required;
    }
  }

  private final Switchboard switchboard;
  private final List<Component> components;
  private final Map<String, String> providerTypes;
  private final BooleanSupplier accepting;

  /**
   * @param providerTypes provider account name to type, for the status page; accounts not listed show no type
   * @param accepting whether the server accepts calls (false before listening and once shutdown began)
   */
  StatusHandler(Switchboard switchboard, List<Component> components, Map<String, String> providerTypes,
      BooleanSupplier accepting) {
    this.switchboard = switchboard;
    this.components = List.copyOf(components);
    this.providerTypes = Map.copyOf(providerTypes);
    this.accepting = accepting;
  }

  void ready(RoutingContext ctx) {
    boolean up = accepting.getAsBoolean();
    boolean degraded = false;
    Map<String, Health> healths = new LinkedHashMap<>();
    for (Component c : components) {
      Health h;
      try {
        h = c.health.get();
      } catch (RuntimeException e) {
        h = Health.down("health check failed: " + e);
      }
      healths.put(c.name, h);
      if (h.status() == Health.Status.DOWN && c.required) {
        up = false;
      } else if (h.status() != Health.Status.UP) {
        degraded = true;
      }
    }
    List<DeploymentStatus> deployments = switchboard.deploymentStatus();
    for (DeploymentStatus d : deployments) {
      degraded |= d.circuitState() != CircuitState.CLOSED || d.coolingDown();
    }
    String status = !up ? "unavailable" : degraded ? "degraded" : "ready";
    byte[] body = json(g -> {
      g.writeStartObject();
      g.writeStringField("status", status);
      g.writeObjectFieldStart("components");
      g.writeObjectFieldStart("server");
      g.writeStringField("status", accepting.getAsBoolean() ? "up" : "down");
      g.writeBooleanField("required", true);
      g.writeEndObject();
      for (Component c : components) {
        Health h = healths.get(c.name);
        g.writeObjectFieldStart(c.name);
        g.writeStringField("status", h.status().name().toLowerCase(Locale.ROOT));
        if (!h.detail().isEmpty()) {
          g.writeStringField("detail", h.detail());
        }
        g.writeBooleanField("required", c.required);
        g.writeEndObject();
      }
      g.writeObjectFieldStart("deployments");
      for (DeploymentStatus d : deployments) {
        g.writeObjectFieldStart(d.deployment().id());
        g.writeStringField("status", d.isAvailable() ? (d.circuitState() == CircuitState.CLOSED ? "up" : "degraded")
            : "down");
        g.writeStringField("circuit", circuit(d.circuitState()));
        g.writeBooleanField("required", false);
        g.writeEndObject();
      }
      g.writeEndObject();
      g.writeEndObject();
      g.writeEndObject();
    });
    ctx.response().setStatusCode(up ? 200 : 503).putHeader("Content-Type", "application/json")
        .end(Buffer.buffer(body));
  }

  void providers(RoutingContext ctx) {
    Map<String, List<DeploymentStatus>> byProvider = new LinkedHashMap<>();
    for (DeploymentStatus d : switchboard.deploymentStatus()) {
      byProvider.computeIfAbsent(d.deployment().provider(), k -> new ArrayList<>()).add(d);
    }
    byte[] body = json(g -> {
      g.writeStartObject();
      g.writeStringField("object", "list");
      g.writeArrayFieldStart("data");
      for (Map.Entry<String, List<DeploymentStatus>> e : byProvider.entrySet()) {
        long available = e.getValue().stream().filter(DeploymentStatus::isAvailable).count();
        g.writeStartObject();
        g.writeStringField("provider", e.getKey());
        if (providerTypes.containsKey(e.getKey())) {
          g.writeStringField("type", providerTypes.get(e.getKey()));
        }
        g.writeStringField("status", available == e.getValue().size() ? "up" : available == 0 ? "down" : "degraded");
        g.writeArrayFieldStart("deployments");
        for (DeploymentStatus d : e.getValue()) {
          g.writeStartObject();
          g.writeStringField("id", d.deployment().id());
          g.writeStringField("model", d.deployment().model());
          g.writeArrayFieldStart("groups");
          for (String group : d.groups()) {
            g.writeString(group);
          }
          g.writeEndArray();
          g.writeStringField("circuit", circuit(d.circuitState()));
          g.writeBooleanField("cooling_down", d.coolingDown());
          g.writeNumberField("in_flight", d.inFlight());
          if (d.averageLatency() == null) {
            g.writeNullField("average_latency_ms");
          } else {
            g.writeNumberField("average_latency_ms", d.averageLatency().toMillis());
          }
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    });
    GatewayRouter.sendJson(ctx.response(), body);
  }

  private static String circuit(CircuitState state) {
    return state.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private interface Writer {
    void write(JsonGenerator g) throws IOException;
  }

  private static byte[] json(Writer writer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      writer.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}

package dev.switchboard.core.internal.engine;

import dev.switchboard.core.routing.DeploymentState;
import dev.switchboard.core.routing.ModelGroup;
import java.util.List;

/** A model group with its deployments' run-time state. */
final class GroupRuntime {

  final ModelGroup group;
  final List<DeploymentRuntime> deployments;
  final List<DeploymentState> states;

  GroupRuntime(ModelGroup group, List<DeploymentRuntime> deployments) {
    this.group = group;
    this.deployments = List.copyOf(deployments);
    this.states = List.copyOf(deployments);
  }

  String name() {
    return group.name();
  }

  String contextWindowFallback() {
    return group.contextWindowFallback();
  }

  String contentPolicyFallback() {
    return group.contentPolicyFallback();
  }
}

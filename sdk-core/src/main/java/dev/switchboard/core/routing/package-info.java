/**
 * Model groups, deployments and the strategies that order deployments for each call.
 */
package dev.switchboard.core.routing;

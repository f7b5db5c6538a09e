/**
 * The Switchboard gateway: an OpenAI-compatible HTTP server around the SDK. Start one with
 * {@link dev.switchboard.server.Gateway#start(GatewaySettings)} or run
 * {@link dev.switchboard.server.GatewayMain}.
 */
package dev.switchboard.server;

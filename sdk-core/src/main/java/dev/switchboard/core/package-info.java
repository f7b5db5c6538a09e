/**
 * The Switchboard client ({@link dev.switchboard.core.Switchboard}), per-call options, interceptors,
 * listeners and resilience settings.
 */
package dev.switchboard.core;

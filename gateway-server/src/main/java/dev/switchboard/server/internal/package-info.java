/** Internal: no compatibility promise. The gateway's HTTP handlers, embedded defaults and demo provider. */
package dev.switchboard.server.internal;

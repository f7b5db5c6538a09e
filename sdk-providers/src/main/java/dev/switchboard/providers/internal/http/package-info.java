/** Internal: no compatibility promise. Header storage shared by the HTTP transport types. */
package dev.switchboard.providers.internal.http;

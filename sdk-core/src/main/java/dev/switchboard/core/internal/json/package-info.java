/**
 * Internal: no compatibility promise. Jackson plumbing behind {@link dev.switchboard.core.wire.OpenAiJson}:
 * parsing JSON into plain Java values, typed field access that names the parameter at fault, and
 * writing plain Java values with a {@code JsonGenerator}.
 */
package dev.switchboard.core.internal.json;

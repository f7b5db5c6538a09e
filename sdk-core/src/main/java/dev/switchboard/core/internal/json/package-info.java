/**
 * Internal: no compatibility promise. Jackson plumbing behind {@link dev.switchboard.core.wire.OpenAiJson}:
 * parsing JSON into plain Java values, typed field access that names the parameter at fault,
 * writing plain Java values with a {@code JsonGenerator}, reading upstream answers and chunks
 * straight from the tokens, and the text they were read from ({@link dev.switchboard.core.internal.json.SourceText}).
 */
package dev.switchboard.core.internal.json;

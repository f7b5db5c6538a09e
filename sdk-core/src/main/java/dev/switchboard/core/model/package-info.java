/**
 * The request and response model, in the shape of OpenAI's Chat Completions, Embeddings and Models
 * APIs, which every provider adapter translates to and from.
 *
 * <p>Every type is an immutable, thread-safe value with value equality; complex ones are built with
 * {@code builder()} and copied with {@code toBuilder()}. Collections are never null and are
 * unmodifiable copies; optional scalars are boxed and null when unset. Values that providers control
 * ({@link dev.switchboard.core.model.Role}, {@link dev.switchboard.core.model.FinishReason}) are open
 * value classes, not enums, so a new value never breaks a caller. Free-form JSON (schemas, unknown
 * parameters) is held as plain Java values, see {@link dev.switchboard.core.model.JsonValues}.
 *
 * <p>Builders reject only nulls where a value is required; whether a request makes sense (it has
 * messages, token limits are not negative, …) is checked by the engine, which reports a typed
 * {@link dev.switchboard.core.error.InvalidRequestException} naming the parameter.
 */
package dev.switchboard.core.model;

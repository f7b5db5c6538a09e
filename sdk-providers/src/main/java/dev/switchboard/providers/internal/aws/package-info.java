/**
 * Internal: no compatibility promise. AWS plumbing for the Bedrock adapter: Signature Version 4 request
 * signing ({@link dev.switchboard.providers.internal.aws.SigV4Signer}) and the
 * {@code application/vnd.amazon.eventstream} binary framing
 * ({@link dev.switchboard.providers.internal.aws.EventStreamDecoder}).
 */
package dev.switchboard.providers.internal.aws;

/**
 * The Amazon Bedrock provider, over the Converse API: {@link dev.switchboard.providers.bedrock.BedrockProvider}
 * for direct use and {@link dev.switchboard.providers.bedrock.BedrockProviderFactory} for configuration by
 * the type name {@code bedrock}. Requests are signed with AWS Signature Version 4 or carry a Bedrock API
 * key; streams are decoded from AWS's binary event-stream framing.
 */
package dev.switchboard.providers.bedrock;

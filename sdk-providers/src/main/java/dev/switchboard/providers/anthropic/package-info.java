/**
 * The Anthropic provider: {@link dev.switchboard.providers.anthropic.AnthropicProvider} for direct use
 * and {@link dev.switchboard.providers.anthropic.AnthropicProviderFactory} for configuration by the
 * type name {@code anthropic} (options {@code anthropic_version}, {@code default_max_tokens},
 * {@code drop_unsupported_params}; key from {@code ANTHROPIC_API_KEY}).
 *
 * <h2>Requests: OpenAI chat completion → Anthropic Messages</h2>
 * <table>
 *   <caption>How each OpenAI request field is sent</caption>
 *   <tr><th>OpenAI</th><th>Anthropic</th></tr>
 *   <tr><td>{@code system} / {@code developer} messages</td><td>top-level {@code system}, in order
 *       (a string, or text blocks when there are several or they carry {@code cache_control})</td></tr>
 *   <tr><td>consecutive messages of one role</td><td>merged into one turn (Anthropic alternates
 *       user and assistant)</td></tr>
 *   <tr><td>{@code tool} messages</td><td>{@code tool_result} blocks with the same
 *       {@code tool_use_id}, first in a user turn</td></tr>
 *   <tr><td>assistant {@code tool_calls}</td><td>{@code tool_use} blocks, ids kept, arguments parsed
 *       into {@code input} (arguments that are not a JSON object are refused)</td></tr>
 *   <tr><td>{@code image_url} parts</td><td>{@code image} blocks: {@code data:} URLs as
 *       {@code base64} sources (jpeg, png, gif, webp), http(s) URLs as {@code url} sources;
 *       {@code detail} is ignored</td></tr>
 *   <tr><td>{@code max_completion_tokens}, else {@code max_tokens}</td><td>{@code max_tokens},
 *       always sent (else the option {@code default_max_tokens}, 4096)</td></tr>
 *   <tr><td>{@code temperature}, {@code top_p}, {@code stop}</td><td>{@code temperature},
 *       {@code top_p}, {@code stop_sequences} (values as given: Anthropic's temperature range is 0
 *       to 1 and it answers 400 outside it)</td></tr>
 *   <tr><td>{@code tools} (functions)</td><td>{@code tools}: {@code name}, {@code description},
 *       {@code input_schema} (an empty object schema when none), {@code strict}</td></tr>
 *   <tr><td>{@code tool_choice} auto / required / function / none</td><td>{@code tool_choice} auto /
 *       any / tool / none</td></tr>
 *   <tr><td>{@code parallel_tool_calls: false}</td><td>{@code disable_parallel_tool_use: true}</td></tr>
 *   <tr><td>{@code response_format} {@code json_schema}</td><td>structured outputs:
 *       {@code output_config.format} {@code {"type":"json_schema","schema":…}} (its description as the
 *       schema's {@code description}; Anthropic validates the schema and answers 400 when the model or
 *       schema does not support it)</td></tr>
 *   <tr><td>{@code response_format} {@code json_object}</td><td>no Anthropic mode: one forced tool
 *       {@code json_output} with an object input schema; its input comes back as the message text and
 *       {@code tool_use} as finish reason stop. Refused together with tools.</td></tr>
 *   <tr><td>{@code user}, else {@code safety_identifier}</td><td>{@code metadata.user_id}</td></tr>
 *   <tr><td>{@code cache_control} on a content part or message (extra field)</td><td>{@code cache_control}
 *       on that block (a message's on its last block)</td></tr>
 *   <tr><td>extra parameters {@code top_k}, {@code thinking}, {@code service_tier},
 *       {@code cache_control}, {@code container}, {@code inference_geo}, {@code output_config}</td>
 *       <td>sent verbatim (they are Anthropic request fields)</td></tr>
 *   <tr><td>ignored (they do not change the answer): {@code metadata}, {@code store},
 *       {@code prediction}, {@code prompt_cache_key}, message {@code name}, {@code logprobs: false},
 *       {@code modalities: ["text"]}</td><td>—</td></tr>
 *   <tr><td>refused with {@link dev.switchboard.core.error.InvalidRequestException} naming the
 *       parameter (code {@code unsupported_parameter}), or dropped with
 *       {@code drop_unsupported_params=true}: {@code n > 1}, {@code seed}, {@code presence_penalty},
 *       {@code frequency_penalty}, {@code logprobs: true}, {@code top_logprobs}, {@code logit_bias},
 *       {@code reasoning_effort}, {@code audio}, other {@code modalities}, any other extra parameter,
 *       content parts other than text and images, images of other types, non-text system content</td>
 *       <td>—</td></tr>
 * </table>
 *
 * <h2>Answers: Anthropic → OpenAI</h2>
 * <p>Text blocks → message text; {@code tool_use} → tool calls; thinking → the extra field
 * {@code reasoning_content} (signatures and redacted thinking cannot be carried, so a tool loop with
 * extended thinking cannot be replayed through this API); {@code stop_reason} → finish reason
 * ({@code end_turn}, {@code stop_sequence} → stop; {@code max_tokens},
 * {@code model_context_window_exceeded} → length; {@code tool_use} → tool_calls; {@code refusal} →
 * content_filter; others passed through); usage: prompt tokens = {@code input_tokens +
 * cache_read_input_tokens + cache_creation_input_tokens} (Anthropic's documented total input), cached
 * tokens = cache reads, cache creation tokens = cache writes, reasoning tokens =
 * {@code output_tokens_details.thinking_tokens}; {@code usage.service_tier} → service tier; the
 * answer's {@code created} is the provider clock's time (Anthropic sends none).
 */
package dev.switchboard.providers.anthropic;

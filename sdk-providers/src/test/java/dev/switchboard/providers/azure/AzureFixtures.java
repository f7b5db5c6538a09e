package dev.switchboard.providers.azure;

/**
 * Azure OpenAI bodies, shaped like Azure's published references:
 * <ul>
 *   <li>{@code Azure/azure-rest-api-specs}, {@code specification/cognitiveservices/data-plane/AzureOpenAI/
 *       inference/stable/2024-10-21/} ({@code examples/chat_completions.json}, {@code examples/embeddings.json},
 *       the {@code createChatCompletionResponse}/{@code …StreamResponse} schemas) and
 *       {@code …/authoring/stable/2024-06-01/examples/get_models.json};
 *   <li>the content filtering article ({@code MicrosoftDocs/azure-ai-docs},
 *       {@code articles/ai-services/openai/concepts/content-filter.md}): the annotations
 *       ({@code prompt_filter_results}, {@code content_filter_results}), the 400 {@code content_filter} body
 *       with {@code innererror}, the "filter did not run" {@code error} annotation, and the streamed chunk
 *       sequences with prompt and completion annotations;
 *   <li>error bodies as Azure returns them ({@code DeploymentNotFound}, the key and Entra 401s, the 429 with
 *       {@code "code":"429"}), as reported in MicrosoftDocs/azure-docs and openai/openai-python issues.
 * </ul>
 */
public final class AzureFixtures {

  private AzureFixtures() {}

  /** Annotation block of a prompt or choice that passed every filter. */
  private static final String PASSED = "{\"hate\":{\"filtered\":false,\"severity\":\"safe\"},"
      + "\"self_harm\":{\"filtered\":false,\"severity\":\"safe\"},"
      + "\"sexual\":{\"filtered\":false,\"severity\":\"safe\"},"
      + "\"violence\":{\"filtered\":false,\"severity\":\"safe\"}}";

  public static final String CHAT_COMPLETION = """
      {
        "choices": [
          {
            "content_filter_results": {
              "hate": {"filtered": false, "severity": "safe"},
              "protected_material_code": {"filtered": false, "detected": false},
              "protected_material_text": {"filtered": false, "detected": false},
              "self_harm": {"filtered": false, "severity": "safe"},
              "sexual": {"filtered": false, "severity": "safe"},
              "violence": {"filtered": false, "severity": "safe"}
            },
            "finish_reason": "stop",
            "index": 0,
            "logprobs": null,
            "message": {
              "content": "Ahoy matey! Keep yer parrot's cage clean, arrr!",
              "refusal": null,
              "role": "assistant"
            }
          }
        ],
        "created": 1686676106,
        "id": "chatcmpl-7R1nGnsXO8n4oi9UPz2f3UHdgAYMn",
        "model": "gpt-4o-2024-08-06",
        "object": "chat.completion",
        "prompt_filter_results": [
          {
            "prompt_index": 0,
            "content_filter_results": {
              "hate": {"filtered": false, "severity": "safe"},
              "jailbreak": {"filtered": false, "detected": false},
              "self_harm": {"filtered": false, "severity": "safe"},
              "sexual": {"filtered": false, "severity": "safe"},
              "violence": {"filtered": false, "severity": "safe"}
            }
          }
        ],
        "system_fingerprint": "fp_b705f0c291",
        "usage": {
          "completion_tokens": 557,
          "completion_tokens_details": {"reasoning_tokens": 0},
          "prompt_tokens": 33,
          "prompt_tokens_details": {"cached_tokens": 0},
          "total_tokens": 590
        }
      }
      """;

  public static final String TOOL_CALL_COMPLETION = """
      {
        "choices": [
          {
            "content_filter_results": {},
            "finish_reason": "tool_calls",
            "index": 0,
            "logprobs": null,
            "message": {
              "content": null,
              "refusal": null,
              "role": "assistant",
              "tool_calls": [
                {
                  "function": {"arguments": "{\\"location\\":\\"Madrid\\"}", "name": "get_weather"},
                  "id": "call_9Xm7N2kQ1vPz",
                  "type": "function"
                }
              ]
            }
          }
        ],
        "created": 1727893900,
        "id": "chatcmpl-AE0qAHW3Yd51hG4rUgLmX2B0d1gQx",
        "model": "o4-mini-2025-04-16",
        "object": "chat.completion",
        "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": {}}],
        "system_fingerprint": "fp_67802d9a6d",
        "usage": {
          "completion_tokens": 81,
          "completion_tokens_details": {"reasoning_tokens": 64},
          "prompt_tokens": 1536,
          "prompt_tokens_details": {"cached_tokens": 1280},
          "total_tokens": 1617
        }
      }
      """;

  /** A completion the output filter stopped: no content, finish_reason content_filter, a filtered category. */
  public static final String FILTERED_COMPLETION = """
      {
        "choices": [
          {
            "content_filter_results": {
              "hate": {"filtered": false, "severity": "safe"},
              "self_harm": {"filtered": false, "severity": "safe"},
              "sexual": {"filtered": false, "severity": "safe"},
              "violence": {"filtered": true, "severity": "medium"}
            },
            "finish_reason": "content_filter",
            "index": 0,
            "logprobs": null,
            "message": {"content": null, "refusal": null, "role": "assistant"}
          }
        ],
        "created": 1727894000,
        "id": "chatcmpl-AE0rBfiltered",
        "model": "gpt-4o-2024-08-06",
        "object": "chat.completion",
        "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": %s}],
        "usage": {"completion_tokens": 12, "prompt_tokens": 25, "total_tokens": 37}
      }
      """.formatted(PASSED);

  private static String chunk(String choices, String usage) {
    return "data: {\"choices\":" + choices + ",\"created\":1692913344,\"id\":\"chatcmpl-7rCNsVeZy0PGnX3H6jK8STps5nZUY\","
        + "\"model\":\"gpt-4o-2024-08-06\",\"object\":\"chat.completion.chunk\",\"system_fingerprint\":\"fp_b705f0c291\","
        + "\"usage\":" + usage + "}\n\n";
  }

  /** The prompt annotation Azure sends first in every stream: empty id, model and choices. */
  public static final String PROMPT_ANNOTATION = "data: {\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\","
      + "\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":" + PASSED + "}]}\n\n";

  /** Default (buffered) filtering with stream_options.include_usage: annotations ride on the content chunks. */
  public static final String TEXT_STREAM = PROMPT_ANNOTATION
      + chunk("[{\"content_filter_results\":{},\"delta\":{\"content\":\"\",\"refusal\":null,\"role\":\"assistant\"},"
          + "\"finish_reason\":null,\"index\":0,\"logprobs\":null}]", "null")
      + chunk("[{\"content_filter_results\":" + PASSED + ",\"delta\":{\"content\":\"Color\"},\"finish_reason\":null,"
          + "\"index\":0,\"logprobs\":null}]", "null")
      + chunk("[{\"content_filter_results\":" + PASSED + ",\"delta\":{\"content\":\" is\"},\"finish_reason\":null,"
          + "\"index\":0,\"logprobs\":null}]", "null")
      + chunk("[{\"content_filter_results\":{},\"delta\":{},\"finish_reason\":\"stop\",\"index\":0,\"logprobs\":null}]",
          "null")
      + chunk("[]", "{\"completion_tokens\":2,\"completion_tokens_details\":{\"reasoning_tokens\":0},"
          + "\"prompt_tokens\":12,\"prompt_tokens_details\":{\"cached_tokens\":0},\"total_tokens\":14}")
      + "data: [DONE]\n\n";

  /**
   * The asynchronous filter's stream that the completion filter blocked (content-filter.md, "Sample response
   * stream (blocked by filters)"): tokens first, then annotation-only chunks, the last with finish_reason
   * content_filter. Here with include_usage's usage chunk.
   */
  public static final String BLOCKED_ASYNC_STREAM = PROMPT_ANNOTATION
      + "data: {\"id\":\"chatcmpl-8JCbt5d4luUIhYCI7YH4dQK7hnHx2\",\"object\":\"chat.completion.chunk\","
      + "\"created\":1699587397,\"model\":\"gpt-35-turbo\",\"choices\":[{\"index\":0,\"finish_reason\":null,"
      + "\"delta\":{\"role\":\"assistant\"}}],\"usage\":null}\n\n"
      + "data: {\"id\":\"chatcmpl-8JCbt5d4luUIhYCI7YH4dQK7hnHx2\",\"object\":\"chat.completion.chunk\","
      + "\"created\":1699587397,\"model\":\"gpt-35-turbo\",\"choices\":[{\"index\":0,\"finish_reason\":null,"
      + "\"delta\":{\"content\":\"Hey\"}}],\"usage\":null}\n\n"
      + "data: {\"id\":\"chatcmpl-8JCbt5d4luUIhYCI7YH4dQK7hnHx2\",\"object\":\"chat.completion.chunk\","
      + "\"created\":1699587397,\"model\":\"gpt-35-turbo\",\"choices\":[{\"index\":0,\"finish_reason\":null,"
      + "\"delta\":{\"content\":\" Jude\"}}],\"usage\":null}\n\n"
      + "data: {\"id\":\"\",\"object\":\"\",\"created\":0,\"model\":\"\",\"choices\":[{\"index\":0,\"finish_reason\":null,"
      + "\"content_filter_results\":" + PASSED + ",\"content_filter_offsets\":{\"check_offset\":65,\"start_offset\":65,"
      + "\"end_offset\":1056}}],\"usage\":null}\n\n"
      + "data: {\"id\":\"\",\"object\":\"\",\"created\":0,\"model\":\"\",\"choices\":[{\"index\":0,"
      + "\"finish_reason\":\"content_filter\",\"content_filter_results\":{\"protected_material_text\":{\"detected\":true,"
      + "\"filtered\":true}},\"content_filter_offsets\":{\"check_offset\":65,\"start_offset\":65,\"end_offset\":1056}}],"
      + "\"usage\":null}\n\n"
      + "data: {\"id\":\"chatcmpl-8JCbt5d4luUIhYCI7YH4dQK7hnHx2\",\"object\":\"chat.completion.chunk\","
      + "\"created\":1699587397,\"model\":\"gpt-35-turbo\",\"choices\":[],\"usage\":{\"completion_tokens\":2,"
      + "\"prompt_tokens\":15,\"total_tokens\":17}}\n\n"
      + "data: [DONE]\n\n";

  /** A stream whose completion filter could not run: the annotation carries an error object, the text is intact. */
  public static final String FILTER_NOT_RUN_STREAM = PROMPT_ANNOTATION
      + chunk("[{\"content_filter_results\":{},\"delta\":{\"content\":\"\",\"role\":\"assistant\"},"
          + "\"finish_reason\":null,\"index\":0,\"logprobs\":null}]", "null")
      + chunk("[{\"content_filter_results\":{\"error\":{\"code\":\"content_filter_error\","
          + "\"message\":\"The contents are not filtered\"}},\"delta\":{\"content\":\"generated text\"},"
          + "\"finish_reason\":null,\"index\":0,\"logprobs\":null}]", "null")
      + chunk("[{\"content_filter_results\":{},\"delta\":{},\"finish_reason\":\"length\",\"index\":0,\"logprobs\":null}]",
          "null")
      + "data: [DONE]\n\n";

  public static final String EMBEDDINGS = """
      {
        "data": [
          {"index": 0, "embedding": [-0.012838088, -0.007421397, -0.017617522], "object": "embedding"}
        ],
        "usage": {"prompt_tokens": 4, "total_tokens": 4},
        "model": "text-embedding-3-small",
        "object": "list"
      }
      """;

  public static final String MODELS = """
      {
        "data": [
          {
            "capabilities": {"fine_tune": true, "inference": true, "completion": true, "chat_completion": false,
                             "embeddings": false},
            "lifecycle_status": "generally-available",
            "deprecation": {"fine_tune": 1677662127, "inference": 1709284527},
            "id": "curie",
            "status": "succeeded",
            "created_at": 1646126127,
            "object": "model"
          },
          {
            "model": "curie",
            "fine_tune": "ft-72a2792ef7d24ba7b82c7fe4a37e379f",
            "capabilities": {"fine_tune": false, "inference": true, "completion": true, "chat_completion": false,
                             "embeddings": false},
            "lifecycle_status": "generally-available",
            "deprecation": {"inference": 1709284527},
            "id": "curie.ft-72a2792ef7d24ba7b82c7fe4a37e379f",
            "status": "succeeded",
            "created_at": 1646126127,
            "object": "model"
          }
        ],
        "object": "list"
      }
      """;

  /** The prompt filter's refusal (content-filter.md, "An input prompt containing content … classified …"). */
  public static final String CONTENT_FILTER_ERROR = """
      {
        "error": {
          "message": "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
          "type": null,
          "param": "prompt",
          "code": "content_filter",
          "status": 400,
          "innererror": {
            "code": "ResponsibleAIPolicyViolation",
            "content_filter_result": {
              "hate": {"filtered": true, "severity": "high"},
              "self-harm": {"filtered": true, "severity": "high"},
              "sexual": {"filtered": false, "severity": "safe"},
              "violence": {"filtered": true, "severity": "medium"}
            }
          }
        }
      }
      """;

  /** Image-model style refusal: another outer code, the policy violation in inner_error. */
  public static final String POLICY_INNER_ERROR_ONLY = """
      {"error": {"code": "InvalidRequest", "message": "Your request was rejected as a result of our safety system.",
        "inner_error": {"code": "ResponsibleAIPolicyViolation",
          "content_filter_results": {"violence": {"filtered": true, "severity": "high"}}}}}
      """;

  public static final String CONTEXT_LENGTH_ERROR = """
      {"error": {"message": "This model's maximum context length is 128000 tokens. However, your messages resulted in 130412 tokens. Please reduce the length of the messages.",
        "type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded"}}
      """;

  /** The same limit reported without a code, as some deployments and older versions do. */
  public static final String CONTEXT_LENGTH_MESSAGE_ONLY = """
      {"error": {"message": "This model's maximum context length is 8192 tokens. However, you requested 9100 tokens (8100 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.",
        "type": "invalid_request_error", "param": "messages", "code": null}}
      """;

  public static final String INVALID_REQUEST = """
      {"error": {"message": "Invalid value for 'temperature': decimal above maximum value.", "type": "invalid_request_error",
        "param": "temperature", "code": "decimal_above_max_value"}}
      """;

  public static final String KEY_401 = """
      {"error": {"code": "401", "message": "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}}
      """;

  public static final String ENTRA_401 = """
      {"statusCode": 401, "message": "Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired."}
      """;

  public static final String DEPLOYMENT_NOT_FOUND = """
      {"error": {"code": "DeploymentNotFound", "message": "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again."}}
      """;

  public static final String RATE_LIMITED = """
      {"error": {"code": "429", "message": "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 6 seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit."}}
      """;

  public static final String SERVER_ERROR = """
      {"error": {"code": "InternalServerError", "message": "The service is temporarily unable to process your request. Please try again later."}}
      """;
}

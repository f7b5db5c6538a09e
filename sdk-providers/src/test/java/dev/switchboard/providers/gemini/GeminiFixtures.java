package dev.switchboard.providers.gemini;

/**
 * Gemini wire fixtures, shaped as Google's published API reference shows them. Sources:
 * <ul>
 *   <li>GenerateContentResponse, Candidate, Part (text, functionCall with id/name/args,
 *       thoughtSignature, thought), FinishReason, PromptFeedback/BlockReason, UsageMetadata
 *       (promptTokenCount, candidatesTokenCount, totalTokenCount, cachedContentTokenCount,
 *       thoughtsTokenCount, toolUsePromptTokenCount), modelVersion, responseId:
 *       https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse
 *   <li>Streaming ({@code streamGenerateContent?alt=sse}): each {@code data:} line is a whole
 *       GenerateContentResponse, usage on each event, finishReason on the last candidate piece:
 *       https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 *   <li>Embeddings ({@code embedContent} → {@code {"embedding":{"values":[…]}}},
 *       {@code batchEmbedContents} → {@code {"embeddings":[…]}}): https://ai.google.dev/api/embeddings
 *   <li>Models list ({@code {"models":[{"name":"models/…",…}],"nextPageToken"}}):
 *       https://ai.google.dev/api/models#method:-models.list
 *   <li>Errors ({@code google.rpc.Status} as JSON: code, message, status, details with
 *       {@code google.rpc.RetryInfo} / {@code google.rpc.BadRequest}):
 *       https://ai.google.dev/gemini-api/docs/troubleshooting and https://cloud.google.com/apis/design/errors
 *   <li>Vertex AI text embeddings ({@code predict} → {@code predictions[].embeddings.values},
 *       {@code statistics.token_count}):
 *       https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api
 * </ul>
 */
final class GeminiFixtures {

  private GeminiFixtures() {}

  /** A plain answer with thinking and cached-content usage. */
  static final String TEXT_RESPONSE = """
      {
        "candidates": [
          {
            "content": {
              "parts": [
                {"text": "Paris is the capital "},
                {"text": "of France."}
              ],
              "role": "model"
            },
            "finishReason": "STOP",
            "index": 0,
            "safetyRatings": [
              {"category": "HARM_CATEGORY_HARASSMENT", "probability": "NEGLIGIBLE"}
            ]
          }
        ],
        "usageMetadata": {
          "promptTokenCount": 120,
          "candidatesTokenCount": 8,
          "totalTokenCount": 170,
          "cachedContentTokenCount": 100,
          "thoughtsTokenCount": 42,
          "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 120}]
        },
        "modelVersion": "gemini-2.5-flash",
        "responseId": "mAitaKDbG5qmz7IPxbG6kQk"
      }
      """;

  /** Two parallel function calls without ids (older models), preceded by a thought summary. */
  static final String FUNCTION_CALL_RESPONSE = """
      {
        "candidates": [
          {
            "content": {
              "parts": [
                {"text": "I should look up both cities.", "thought": true},
                {"functionCall": {"name": "get_weather", "args": {"location": "Paris", "unit": "celsius"}}},
                {"functionCall": {"name": "get_weather", "args": {"location": "Tokyo"}}}
              ],
              "role": "model"
            },
            "finishReason": "STOP",
            "index": 0
          }
        ],
        "usageMetadata": {"promptTokenCount": 60, "candidatesTokenCount": 22, "totalTokenCount": 82},
        "modelVersion": "gemini-2.0-flash"
      }
      """;

  /** A function call with Gemini's own id and a thought signature (Gemini 3). */
  static final String FUNCTION_CALL_WITH_ID_RESPONSE = """
      {
        "candidates": [
          {
            "content": {
              "parts": [
                {
                  "functionCall": {"id": "fc-7f3a", "name": "get_weather", "args": {"location": "Paris"}},
                  "thoughtSignature": "CiQBjz1rX2sig"
                }
              ],
              "role": "model"
            },
            "finishReason": "STOP",
            "index": 0
          }
        ],
        "usageMetadata": {"promptTokenCount": 30, "candidatesTokenCount": 10, "totalTokenCount": 40},
        "modelVersion": "gemini-3-pro-preview"
      }
      """;

  /** A prompt Gemini refuses: no candidates, a block reason. */
  static final String PROMPT_BLOCKED_RESPONSE = """
      {
        "promptFeedback": {
          "blockReason": "SAFETY",
          "safetyRatings": [
            {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "HIGH", "blocked": true}
          ]
        },
        "usageMetadata": {"promptTokenCount": 9, "totalTokenCount": 9},
        "modelVersion": "gemini-2.5-flash"
      }
      """;

  /** A candidate with the given finish reason (and no content, as Gemini sends for SAFETY). */
  static String finishedWith(String reason) {
    return """
        {
          "candidates": [{"finishReason": "%s", "index": 0}],
          "usageMetadata": {"promptTokenCount": 5, "totalTokenCount": 5},
          "modelVersion": "gemini-2.5-flash"
        }
        """.formatted(reason);
  }

  /** A whole text stream: three events, usage on each, finish reason on the last. */
  static final String TEXT_STREAM =
      "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"The\"}],\"role\": \"model\"},\"index\": 0}],"
          + "\"usageMetadata\": {\"promptTokenCount\": 7,\"totalTokenCount\": 7},\"modelVersion\": \"gemini-2.5-flash\","
          + "\"responseId\": \"resp-stream-1\"}\r\n\r\n"
          + "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \" capital is\"}],\"role\": \"model\"},"
          + "\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 7,\"candidatesTokenCount\": 3,"
          + "\"totalTokenCount\": 10},\"modelVersion\": \"gemini-2.5-flash\",\"responseId\": \"resp-stream-1\"}\r\n\r\n"
          + "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \" Paris.\"}],\"role\": \"model\"},"
          + "\"finishReason\": \"STOP\",\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 7,"
          + "\"candidatesTokenCount\": 5,\"totalTokenCount\": 24,\"thoughtsTokenCount\": 12},"
          + "\"modelVersion\": \"gemini-2.5-flash\",\"responseId\": \"resp-stream-1\"}\r\n\r\n";

  /** A stream whose one event is a complete function call with the finish reason. */
  static final String FUNCTION_CALL_STREAM =
      "data: {\"candidates\": [{\"content\": {\"parts\": [{\"functionCall\": {\"name\": \"get_weather\","
          + "\"args\": {\"location\": \"Paris\"}}}],\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0}],"
          + "\"usageMetadata\": {\"promptTokenCount\": 50,\"candidatesTokenCount\": 6,\"totalTokenCount\": 56},"
          + "\"modelVersion\": \"gemini-2.0-flash\"}\r\n\r\n";

  /** One Google error body. */
  static String error(int code, String status, String message) {
    return """
        {
          "error": {
            "code": %d,
            "message": "%s",
            "status": "%s"
          }
        }
        """.formatted(code, message, status);
  }

  /** A 429 with Google's RetryInfo and quota details. */
  static final String RATE_LIMITED = """
      {
        "error": {
          "code": 429,
          "message": "You exceeded your current quota, please check your plan and billing details.",
          "status": "RESOURCE_EXHAUSTED",
          "details": [
            {
              "@type": "type.googleapis.com/google.rpc.QuotaFailure",
              "violations": [
                {
                  "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                  "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"
                }
              ]
            },
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "37s"}
          ]
        }
      }
      """;

  /** A 400 with a BadRequest field violation. */
  static final String BAD_REQUEST_WITH_FIELD = """
      {
        "error": {
          "code": 400,
          "message": "Invalid value at 'generation_config.temperature' (TYPE_FLOAT), \\"hot\\"",
          "status": "INVALID_ARGUMENT",
          "details": [
            {
              "@type": "type.googleapis.com/google.rpc.BadRequest",
              "fieldViolations": [
                {"field": "generation_config.temperature", "description": "Invalid value"}
              ]
            }
          ]
        }
      }
      """;

  static final String EMBED_ONE_RESPONSE = """
      {"embedding": {"values": [0.013168523, -0.008711934, -0.046782676]}}
      """;

  static final String EMBED_BATCH_RESPONSE = """
      {
        "embeddings": [
          {"values": [0.1, 0.2, 0.3]},
          {"values": [0.4, 0.5, 0.6]}
        ]
      }
      """;

  static final String VERTEX_EMBED_RESPONSE = """
      {
        "predictions": [
          {"embeddings": {"statistics": {"truncated": false, "token_count": 6}, "values": [0.5, -0.25]}},
          {"embeddings": {"statistics": {"truncated": false, "token_count": 4}, "values": [0.125, 1.0]}}
        ],
        "metadata": {"billableCharacterCount": 36}
      }
      """;

  static final String MODELS_RESPONSE = """
      {
        "models": [
          {
            "name": "models/gemini-2.5-flash",
            "version": "001",
            "displayName": "Gemini 2.5 Flash",
            "inputTokenLimit": 1048576,
            "outputTokenLimit": 65536,
            "supportedGenerationMethods": ["generateContent", "countTokens", "createCachedContent"]
          },
          {
            "name": "models/text-embedding-004",
            "version": "004",
            "displayName": "Text Embedding 004",
            "supportedGenerationMethods": ["embedContent"]
          }
        ],
        "nextPageToken": ""
      }
      """;
}

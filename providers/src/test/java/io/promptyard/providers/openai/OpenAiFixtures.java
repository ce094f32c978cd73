package io.promptyard.providers.openai;

/**
 * Response bodies shaped exactly like the examples in OpenAI's API reference
 * (https://platform.openai.com/docs/api-reference/chat/object, …/chat-streaming/streaming) and
 * error-code guide (https://platform.openai.com/docs/guides/error-codes).
 */
final class OpenAiFixtures {

  private OpenAiFixtures() {}

  static final String PLAIN_ANSWER =
      """
      {
        "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
        "object": "chat.completion",
        "created": 1741569952,
        "model": "gpt-4.1-2025-04-14",
        "choices": [
          {
            "index": 0,
            "message": {
              "role": "assistant",
              "content": "Hello! How can I assist you today?",
              "refusal": null,
              "annotations": []
            },
            "logprobs": null,
            "finish_reason": "stop"
          }
        ],
        "usage": {
          "prompt_tokens": 19,
          "completion_tokens": 10,
          "total_tokens": 29,
          "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
          "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0
          }
        },
        "service_tier": "default"
      }
      """;

  static final String TOOL_CALL_ANSWER =
      """
      {
        "id": "chatcmpl-abc123",
        "object": "chat.completion",
        "created": 1699896916,
        "model": "gpt-4o-mini",
        "choices": [
          {
            "index": 0,
            "message": {
              "role": "assistant",
              "content": null,
              "tool_calls": [
                {
                  "id": "call_abc123",
                  "type": "function",
                  "function": {
                    "name": "get_current_weather",
                    "arguments": "{\\n\\"location\\": \\"Boston, MA\\"\\n}"
                  }
                }
              ]
            },
            "logprobs": null,
            "finish_reason": "tool_calls"
          }
        ],
        "usage": {
          "prompt_tokens": 82,
          "completion_tokens": 17,
          "total_tokens": 99,
          "completion_tokens_details": {
            "reasoning_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0
          }
        }
      }
      """;

  static final String JSON_SCHEMA_ANSWER =
      """
      {
        "id": "chatcmpl-9nYAG9LPNonX8DAyrkwYfemr3C8HC",
        "object": "chat.completion",
        "created": 1721596428,
        "model": "gpt-4o-2024-08-06",
        "choices": [
          {
            "index": 0,
            "message": {
              "role": "assistant",
              "content": "{\\"name\\":\\"Science Fair\\",\\"date\\":\\"Friday\\",\\"participants\\":[\\"Alice\\",\\"Bob\\"]}",
              "refusal": null
            },
            "logprobs": null,
            "finish_reason": "stop"
          }
        ],
        "usage": {"prompt_tokens": 81, "completion_tokens": 20, "total_tokens": 101},
        "system_fingerprint": "fp_883fd6d3c6"
      }
      """;

  static final String REFUSAL_ANSWER =
      """
      {
        "id": "chatcmpl-9nYAG9LPNonX8DAyrkwYfemr3C8HD",
        "object": "chat.completion",
        "created": 1721596428,
        "model": "gpt-4o-2024-08-06",
        "choices": [
          {
            "index": 0,
            "message": {"role": "assistant", "content": null, "refusal": "I'm sorry, I cannot assist with that request."},
            "logprobs": null,
            "finish_reason": "stop"
          }
        ],
        "usage": {"prompt_tokens": 81, "completion_tokens": 11, "total_tokens": 92}
      }
      """;

  /** A reasoning model's answer with a prompt-cache hit. */
  static final String CACHED_REASONING_ANSWER =
      """
      {
        "id": "chatcmpl-AXc3p4mVQ2Kb7AJAkq0sW3d4L1234",
        "object": "chat.completion",
        "created": 1733000000,
        "model": "o4-mini-2025-04-16",
        "choices": [
          {
            "index": 0,
            "message": {"role": "assistant", "content": "42", "refusal": null, "annotations": []},
            "logprobs": null,
            "finish_reason": "stop"
          }
        ],
        "usage": {
          "prompt_tokens": 2006,
          "completion_tokens": 300,
          "total_tokens": 2306,
          "prompt_tokens_details": {"cached_tokens": 1920, "audio_tokens": 0},
          "completion_tokens_details": {
            "reasoning_tokens": 256,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0
          }
        },
        "service_tier": "default"
      }
      """;

  /**
   * Chunks as OpenAI streams them with {@code stream_options.include_usage}: usage null until the
   * last chunk.
   */
  static final String STREAMED_ANSWER =
      """
      data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}

      data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}],"usage":null}

      data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"content":"!"},"logprobs":null,"finish_reason":null}],"usage":null}

      data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"content":" How can I help?"},"logprobs":null,"finish_reason":null}],"usage":null}

      data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}

      data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_44709d6fcb","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":6,"total_tokens":15,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}

      data: [DONE]

      """;

  /**
   * A tool call streamed in pieces: id and name first, then the arguments, index 0 and 1
   * interleaved.
   */
  static final String STREAMED_TOOL_CALLS =
      """
      data: {"id":"chatcmpl-456","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_DdmO9pD3xa9XTPNJ32zg2hcA","type":"function","function":{"name":"get_weather","arguments":""}}]},"logprobs":null,"finish_reason":null}],"usage":null}

      data: {"id":"chatcmpl-456","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"location\\":"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

      data: {"id":"chatcmpl-456","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_2","type":"function","function":{"name":"get_time","arguments":"{}"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

      data: {"id":"chatcmpl-456","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":" \\"Paris\\"}"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

      data: {"id":"chatcmpl-456","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}],"usage":null}

      data: {"id":"chatcmpl-456","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":60,"completion_tokens":25,"total_tokens":85}}

      data: [DONE]

      """;

  static String error(String message, String type, String param, String code) {
    return """
        {
          "error": {
            "message": %s,
            "type": %s,
            "param": %s,
            "code": %s
          }
        }
        """
        .formatted(quoted(message), quoted(type), quoted(param), quoted(code));
  }

  private static String quoted(String s) {
    return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  static final String CONTEXT_LENGTH_EXCEEDED =
      error(
          "This model's maximum context length is 128000 tokens. However, your messages resulted in 130412 tokens. "
              + "Please reduce the length of the messages.",
          "invalid_request_error",
          "messages",
          "context_length_exceeded");
  static final String INVALID_REQUEST =
      error(
          "Invalid value for 'temperature': expected a number between 0 and 2.",
          "invalid_request_error",
          "temperature",
          "invalid_value");
  static final String CONTENT_POLICY_VIOLATION =
      error(
          "Your request was rejected as a result of our safety system.",
          "invalid_request_error",
          null,
          "content_policy_violation");

  /** Azure OpenAI's content filter rejection. */
  static final String CONTENT_FILTER =
      error(
          "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
          null,
          "prompt",
          "content_filter");

  static final String INVALID_API_KEY =
      error(
          "Incorrect API key provided: sk-proj-********************abcd. You can find your API key at "
              + "https://platform.openai.com/account/api-keys.",
          "invalid_request_error",
          null,
          "invalid_api_key");
  static final String UNSUPPORTED_COUNTRY =
      error(
          "Country, region, or territory not supported",
          "request_forbidden",
          null,
          "unsupported_country_region_territory");
  static final String MODEL_NOT_FOUND =
      error(
          "The model `gpt-9` does not exist or you do not have access to it.",
          "invalid_request_error",
          null,
          "model_not_found");
  static final String RATE_LIMIT_EXCEEDED =
      error(
          "Rate limit reached for gpt-4o-mini in organization org-abc on tokens per min (TPM): Limit 200000, Used 199000, "
              + "Requested 1500. Please try again in 150ms.",
          "tokens",
          null,
          "rate_limit_exceeded");
  static final String INSUFFICIENT_QUOTA =
      error(
          "You exceeded your current quota, please check your plan and billing details.",
          "insufficient_quota",
          null,
          "insufficient_quota");
  static final String SERVER_ERROR =
      error(
          "The server had an error while processing your request. Sorry about that!",
          "server_error",
          null,
          null);
  static final String OVERLOADED =
      error(
          "The engine is currently overloaded, please try again later", "server_error", null, null);
}

package io.promptyard.schemas.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DetectorVerdict;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ResultError;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.TokenUsage;
import io.promptyard.schemas.ToolCall;
import io.promptyard.schemas.serde.JsonMappers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A result as a line of the OpenAI Batch output format, shared by {@code promptyard results}, the
 * Java client's batch output and the {@code promptyard.results.json} mirror topic: one line per
 * request with {@code id}, {@code custom_id}, {@code response} ({@code status_code}, {@code
 * request_id}, and the chat-completion {@code body} or an error body) and {@code error} for
 * requests that never reached a provider in time. Each line also carries a {@code promptyard}
 * object with the provider, cost and cache flag, and, when the router's guard ran, its verdicts per
 * detector (never a value), which OpenAI's format has no place for.
 */
public final class ResultJson {

  private static final ObjectMapper JSON = JsonMappers.mapper();

  private ResultJson() {}

  /** {@code r} as one OpenAI Batch output line. */
  public static ObjectNode line(CompletionResult r) {
    ObjectNode line = JSON.createObjectNode();
    line.put("id", "batch_req_" + shortHash(r.getId()));
    line.put("custom_id", r.getCustomId() == null ? r.getId() : r.getCustomId());
    if (r.getStatus() == ResultStatus.EXPIRED) {
      line.putNull("response");
      ObjectNode error = line.putObject("error");
      error.put("code", "batch_expired");
      error.put(
          "message",
          r.getError() == null
              ? "the request expired before it was executed"
              : r.getError().getMessage());
    } else {
      int status = statusCode(r);
      ObjectNode response = line.putObject("response");
      response.put("status_code", status);
      response.put("request_id", r.getId());
      response.set(
          "body",
          r.getStatus() == ResultStatus.SUCCEEDED
              ? completion(r)
              : errorBody(r.getError(), status));
      line.putNull("error");
    }
    ObjectNode py = line.putObject("promptyard");
    py.put("request_id", r.getId());
    py.put("team", r.getTeam());
    py.put("status", r.getStatus().name());
    py.put("provider", r.getProvider());
    py.put("model", r.getModel());
    py.put("cost_micros", r.getCostMicros());
    py.put("cached", r.getCached());
    if (r.getCacheMatch() != null) {
      py.put("cache", r.getCacheMatch());
      py.put("reused_request_id", r.getReusedRequestId());
    }
    if (r.getSimilarity() != null) {
      py.put("similarity", r.getSimilarity());
    }
    if (r.getCacheNote() != null) {
      py.put("cache_note", r.getCacheNote());
    }
    py.put("latency_ms", r.getLatencyMillis());
    py.put("attempts", r.getAttempts());
    if (r.getGuard() != null) {
      ArrayNode guard = py.putArray("guard");
      for (DetectorVerdict v : r.getGuard()) {
        guard
            .addObject()
            .put("detector", v.getDetector())
            .put("action", v.getAction())
            .put("count", v.getCount())
            .put("score", v.getScore());
      }
    }
    return line;
  }

  /**
   * The HTTP status OpenAI's Batch output would show: 200 for an answer; for a failure the status
   * the provider answered with, when it answered with an error, else the status that fits the
   * error's code, so that a request refused before it was sent (an invalid parameter, say) is a 400
   * and not a server error.
   */
  private static int statusCode(CompletionResult r) {
    ResultError e = r.getError();
    return switch (r.getStatus()) {
      case SUCCEEDED -> 200;
      case EXPIRED -> 408;
      // A provider status below 400 (a 200 with an unreadable body) must not make a failure look
      // like a success.
      case REJECTED, FAILED ->
          e == null
              ? 500
              : e.getProviderStatus() != null && e.getProviderStatus() >= 400
                  ? e.getProviderStatus()
                  : statusOf(e.getCode());
    };
  }

  /** The HTTP status of an error that has none from a provider. */
  private static int statusOf(ErrorCode code) {
    return switch (code) {
      case INVALID_REQUEST,
          UNDECODABLE,
          UNKNOWN_MODEL,
          NO_CAPABLE_MODEL,
          CONTENT_POLICY,
          CONTEXT_TOO_LONG ->
          400;
      case AUTHENTICATION -> 401;
      case PERMISSION_DENIED -> 403;
      case MODEL_NOT_FOUND -> 404;
      case DEADLINE_EXCEEDED -> 408;
      case RATE_LIMITED, OVER_BUDGET -> 429;
      case MALFORMED_RESPONSE, CONNECTION -> 502;
      case OVERLOADED -> 503;
      case TIMEOUT -> 504;
      case PROVIDER_ERROR, INTERNAL, UNKNOWN_ERROR -> 500;
    };
  }

  private static ObjectNode completion(CompletionResult r) {
    ObjectNode body = JSON.createObjectNode();
    body.put("id", "chatcmpl-" + shortHash(r.getId()));
    body.put("object", "chat.completion");
    body.put("created", r.getCompletedAt().getEpochSecond());
    body.put("model", r.getModel());
    ArrayNode choices = body.putArray("choices");
    ObjectNode choice = choices.addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    message.putNull("content");
    message.putNull("refusal");
    choice.putNull("finish_reason");
    if (r.getOutput() != null) {
      message.put("content", r.getOutput().getText());
      if (!r.getOutput().getToolCalls().isEmpty()) {
        ArrayNode calls = message.putArray("tool_calls");
        for (ToolCall c : r.getOutput().getToolCalls()) {
          ObjectNode call = calls.addObject();
          call.put("id", c.getId());
          call.put("type", "function");
          call.putObject("function").put("name", c.getName()).put("arguments", c.getArguments());
        }
      }
      choice.put("finish_reason", r.getOutput().getFinishReason());
    }
    choice.putNull("logprobs");
    TokenUsage u = r.getUsage();
    ObjectNode usage = body.putObject("usage");
    usage.put("prompt_tokens", u.getInputTokens());
    usage.put("completion_tokens", u.getOutputTokens());
    usage.put("total_tokens", u.getInputTokens() + u.getOutputTokens());
    usage.putObject("prompt_tokens_details").put("cached_tokens", u.getCachedInputTokens());
    usage.putObject("completion_tokens_details").put("reasoning_tokens", u.getReasoningTokens());
    return body;
  }

  /**
   * OpenAI's error body: {@code {"error": {"message", "type", "param", "code"}}}, the type
   * following the status.
   */
  private static ObjectNode errorBody(ResultError e, int status) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode error = body.putObject("error");
    error.put("message", e == null ? "unknown error" : e.getMessage());
    error.put("type", errorType(status));
    error.putNull("param");
    error.put("code", e == null ? null : e.getCode().name().toLowerCase(Locale.ROOT));
    return body;
  }

  private static String errorType(int status) {
    return switch (status) {
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 429 -> "rate_limit_error";
      default -> status >= 500 ? "server_error" : "invalid_request_error";
    };
  }

  private static String shortHash(String id) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.promptyard.testkit.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An error response in OpenAI's shape, {@code {"error":{"message","type","param","code"}}}; see
 * https://platform.openai.com/docs/guides/error-codes.
 */
record ApiError(int status, String message, String type, String param, String code) {

  static final String INVALID_REQUEST = "invalid_request_error";

  static ApiError invalidRequest(String message, String param, String code) {
    return new ApiError(400, message, INVALID_REQUEST, param, code);
  }

  static ApiError unparsableJson() {
    return invalidRequest(
        "We could not parse the JSON body of your request. The API expects a JSON object as the request body.",
        null,
        null);
  }

  static ApiError missingParameter(String param) {
    return invalidRequest(
        "Missing required parameter: '" + param + "'.", param, "missing_required_parameter");
  }

  static ApiError invalidType(String param, String expected) {
    return invalidRequest(
        "Invalid type for '" + param + "': expected " + expected + ".", param, "invalid_type");
  }

  static ApiError invalidValue(String param, String why) {
    return invalidRequest("Invalid value for '" + param + "': " + why, param, "invalid_value");
  }

  static ApiError missingApiKey() {
    return new ApiError(
        401,
        "You didn't provide an API key. Provide it in an Authorization header using Bearer auth "
            + "(Authorization: Bearer YOUR_KEY).",
        INVALID_REQUEST,
        null,
        "invalid_api_key");
  }

  static ApiError incorrectApiKey() {
    return new ApiError(
        401, "Incorrect API key provided.", INVALID_REQUEST, null, "invalid_api_key");
  }

  static ApiError rateLimited(String message, String limitKind) {
    // OpenAI puts the exhausted limit ("requests" or "tokens") in the type of a 429.
    return new ApiError(429, message, limitKind, null, "rate_limit_exceeded");
  }

  static ApiError serverError() {
    return new ApiError(
        500,
        "The server had an error while processing your request. Sorry about that!",
        "server_error",
        null,
        null);
  }

  static ApiError overloaded() {
    return new ApiError(
        503,
        "The server is overloaded or not ready yet. Please retry after a brief wait.",
        "server_error",
        null,
        null);
  }

  static ApiError unknownUrl(String method, String path) {
    return new ApiError(
        404, "Invalid URL (" + method + " " + path + ")", INVALID_REQUEST, null, "unknown_url");
  }

  static ApiError wrongMethod(String method, String path) {
    return new ApiError(
        405,
        "Invalid method for URL (" + method + " " + path + ")",
        INVALID_REQUEST,
        null,
        "method_not_allowed");
  }

  static ApiError unknownModel(String model) {
    return new ApiError(
        404,
        "The model '" + model + "' does not exist or you do not have access to it.",
        INVALID_REQUEST,
        null,
        "model_not_found");
  }

  ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode body = mapper.createObjectNode();
    body.putObject("error")
        .put("message", message)
        .put("type", type)
        .put("param", param)
        .put("code", code);
    return body;
  }
}

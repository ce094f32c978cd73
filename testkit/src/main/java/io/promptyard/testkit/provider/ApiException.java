package io.promptyard.testkit.provider;

/** Ends the handling of a request with an OpenAI-shaped error response. */
final class ApiException extends Exception {

  private final ApiError error;

  ApiException(ApiError error) {
    super(error.message(), null, false, false);
    this.error = error;
  }

  ApiError error() {
    return error;
  }
}

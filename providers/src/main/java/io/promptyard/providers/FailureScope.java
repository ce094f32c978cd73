package io.promptyard.providers;

import io.promptyard.schemas.ErrorCode;

/**
 * What a failed call says is broken, and so how widely the worker should steer clear of it: this
 * call only, the request, the provider account, or one model on that account.
 */
public enum FailureScope {
  /** This call only: the same call may succeed later (a timeout, a 5xx, a 429 rate limit). */
  CALL,
  /** The request itself: it needs fixing (a 400), or a model with a larger context window. */
  REQUEST,
  /**
   * The provider account: every key refused, permission denied, quota or credit exhausted. No call
   * to this provider can succeed until an operator acts, but another provider can answer.
   */
  ACCOUNT,
  /** One model on the account: unknown model id, deleted deployment. Other models still answer. */
  MODEL;

  /**
   * The scope of a failure classified as {@code code}. Adapters map their providers' account errors
   * (revoked key, {@code insufficient_quota}, billing, deployment not found) to these codes at the
   * edge, so the scope follows from the code alone.
   */
  public static FailureScope of(ErrorCode code, boolean retryable) {
    return switch (code) {
      case AUTHENTICATION, PERMISSION_DENIED -> ACCOUNT;
      case MODEL_NOT_FOUND -> MODEL;
      default -> retryable ? CALL : REQUEST;
    };
  }
}

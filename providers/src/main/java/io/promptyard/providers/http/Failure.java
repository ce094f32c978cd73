package io.promptyard.providers.http;

import io.promptyard.providers.RateLimits;
import java.io.IOException;

/**
 * What went wrong in one call, before it is classified once by the adapter into a
 * ProviderException.
 */
public sealed interface Failure {

  /** The provider answered with a non-2xx status. */
  record Status(int status, String body, RateLimits rateLimits) implements Failure {}

  /** The provider sent an error object inside a 200 event stream. */
  record StreamError(String body, RateLimits rateLimits) implements Failure {}

  /** No connection, or it broke: refused, reset, closed early. */
  record Transport(IOException cause) implements Failure {}

  /** A deadline passed; {@code what} says which, e.g. "no response headers within PT60S". */
  record TimedOut(String what, Throwable cause) implements Failure {}

  /** A 2xx answer we cannot read: not JSON, no choices, a stream cut short. */
  record Malformed(String what, Throwable cause, RateLimits rateLimits) implements Failure {}

  /**
   * The answer's body went past the most the adapter reads ({@code maxResponseBytes}): it was cut
   * off unread.
   */
  record TooLarge(long limitBytes) implements Failure {}

  /** The request cannot be expressed for this API (e.g. an unknown role or content part type). */
  record Unsendable(String what) implements Failure {}

  /** The provider needs a key and none is left in the pool. */
  record NoKey() implements Failure {}

  /** The calling thread was interrupted (shutdown); the call was abandoned. */
  record Interrupted() implements Failure {}
}

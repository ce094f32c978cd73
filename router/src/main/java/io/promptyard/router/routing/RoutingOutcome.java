package io.promptyard.router.routing;

import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.RoutedRequest;

/** What the router decided for one request: a provider topic, or a rejection with its reason. */
public sealed interface RoutingOutcome {

  /** Sent to {@code decision.provider}'s topic. */
  record Routed(RoutedRequest request) implements RoutingOutcome {}

  /** Answered at once with a REJECTED result. */
  record Rejected(ErrorCode code, String reason) implements RoutingOutcome {}
}

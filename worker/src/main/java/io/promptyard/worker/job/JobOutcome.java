package io.promptyard.worker.job;

import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.UsageEvent;
import java.util.List;

/** Where one job goes after the worker handled it; the publisher switches on it. */
public sealed interface JobOutcome {

  /** Usage events to publish whatever the outcome. */
  List<UsageEvent> usage();

  /** A terminal result; for FAILED results, the dead letter an operator can replay. */
  record Finished(CompletionResult result, List<UsageEvent> usage, DeadLetter deadLetter) implements JobOutcome {}

  /** Handed to the next model in the fallback chain, on that model's provider topic. */
  record Forwarded(RoutedRequest next, List<UsageEvent> usage) implements JobOutcome {}

  /**
   * Waits longer than a job waits in place (a long Retry-After, an open circuit with nowhere to fall back):
   * parked on its provider's retry topic until {@code dueAt}, then handed back to its provider topic.
   */
  record Deferred(RoutedRequest job, java.time.Instant dueAt, List<UsageEvent> usage) implements JobOutcome {}

  /** The request already has a terminal result; nothing is published again. */
  record AlreadyDone() implements JobOutcome {
    @Override
    public List<UsageEvent> usage() {
      return List.of();
    }
  }
}

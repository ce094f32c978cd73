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

  /**
   * A terminal result; for FAILED results, the dead letter an operator can replay.
   *
   * @param request the {@link io.promptyard.worker.idempotency.RequestFingerprint} of the request
   *     it answers, recorded with it in the ledger; null when not known
   */
  record Finished(
      CompletionResult result, List<UsageEvent> usage, DeadLetter deadLetter, String request)
      implements JobOutcome {
    public Finished(CompletionResult result, List<UsageEvent> usage, DeadLetter deadLetter) {
      this(result, usage, deadLetter, null);
    }

    /** This outcome, answering the request with this fingerprint. */
    Finished answering(String fingerprint) {
      return new Finished(result, usage, deadLetter, fingerprint);
    }

    /** This outcome, its result carrying the router's guard verdicts on {@code job}. */
    Finished guardedBy(RoutedRequest job) {
      return new Finished(Outcomes.guarded(result, job), usage, deadLetter, request);
    }

    /**
     * This outcome, its answer carrying the values of {@code job}'s request again where the router
     * sealed them for restore: the last step before publishing.
     */
    Finished restoredBy(
        io.promptyard.worker.moderation.OutputModeration moderation, RoutedRequest job) {
      return new Finished(moderation.restored(result, job), usage, deadLetter, request);
    }
  }

  /** Handed to the next model in the fallback chain, on that model's provider topic. */
  record Forwarded(RoutedRequest next, List<UsageEvent> usage) implements JobOutcome {}

  /**
   * Waits longer than a job waits in place (a long Retry-After, an open circuit with nowhere to
   * fall back): parked on its provider's retry topic until {@code dueAt}, then handed back to its
   * provider topic.
   */
  record Deferred(RoutedRequest job, java.time.Instant dueAt, List<UsageEvent> usage)
      implements JobOutcome {}

  /** The request already has a terminal result; nothing is published again. */
  record AlreadyDone() implements JobOutcome {
    @Override
    public List<UsageEvent> usage() {
      return List.of();
    }
  }

  /**
   * The request's terminal result is on the results topic, published by a worker that died (or lost
   * the job) before recording it done. It is not published again, but its copy to the request's
   * reply topic is sent again — the worker may have died before sending it — and then it is
   * recorded done.
   *
   * @param result the result found on the results topic
   * @param request the fingerprint of the request it answers
   */
  record AlreadyPublished(CompletionResult result, String request) implements JobOutcome {
    @Override
    public List<UsageEvent> usage() {
      return List.of();
    }
  }

  /**
   * The request's id already belongs to a different request of its team, which has (or is getting)
   * its own result: this one is not run, and gets a REJECTED result that names the id. The ledger
   * keeps the first request's entry.
   */
  record DuplicateId(CompletionResult rejection) implements JobOutcome {
    @Override
    public List<UsageEvent> usage() {
      return List.of();
    }
  }
}

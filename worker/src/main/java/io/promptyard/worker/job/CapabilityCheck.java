package io.promptyard.worker.job;

import io.promptyard.catalog.Capability;
import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ModelSpec;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ModelRef;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.ingress.ProducerText;
import io.promptyard.schemas.results.TerminalResults;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, before any call, that a job's model has every capability its request needs, and moves it
 * if not.
 */
final class CapabilityCheck {

  private static final Logger log = LoggerFactory.getLogger(CapabilityCheck.class);

  private final ModelCatalog catalog;
  private final Outcomes outcomes;

  CapabilityCheck(ModelCatalog catalog, Outcomes outcomes) {
    this.catalog = catalog;
    this.outcomes = outcomes;
  }

  /**
   * A job routed to a model that lacks a capability the request needs (images to a text-only model,
   * say) never reaches the provider: it moves to the first model in its fallback chain that has
   * everything, or fails with the missing capabilities named.
   *
   * @param started when the worker took the job
   */
  Optional<JobOutcome> mismatch(RoutedRequest job, ModelSpec spec, Instant started) {
    Set<Capability> needed;
    try {
      needed = Capability.requiredBy(job.getRequest());
    } catch (IllegalArgumentException e) {
      return Optional.of(
          outcomes.failed(
              job,
              job.getAttempts(),
              List.of(),
              TerminalResults.error(ErrorCode.INVALID_REQUEST, e.getMessage()),
              started));
    }
    if (spec.capabilities().containsAll(needed)) {
      return Optional.empty();
    }
    Set<Capability> missing = EnumSet.copyOf(needed);
    missing.removeAll(spec.capabilities());
    String why =
        spec.qualifiedName()
            + " lacks "
            + missing
            + ", which request "
            + job.getRequest().getId()
            + " needs";
    List<ModelRef> chain = job.getDecision().getFallbackChain();
    for (int i = 0; i < chain.size(); i++) {
      Optional<ModelSpec> next = catalog.find(chain.get(i).getProvider(), chain.get(i).getModel());
      if (next.isPresent() && next.get().capabilities().containsAll(needed)) {
        return Optional.of(
            outcomes.forwarded(
                job,
                i,
                why + "; moved to " + next.get().qualifiedName() + " without calling it",
                job.getAttempts(),
                List.of()));
      }
    }
    log.warn(
        "request {} cannot be served: {}",
        ProducerText.escape(job.getRequest().getId()),
        ProducerText.escape(why));
    return Optional.of(
        outcomes.failed(
            job,
            job.getAttempts(),
            List.of(),
            TerminalResults.error(
                ErrorCode.NO_CAPABLE_MODEL,
                why
                    + ", and no model in its fallback chain has them; route it to a model with "
                    + missing),
            started));
  }
}

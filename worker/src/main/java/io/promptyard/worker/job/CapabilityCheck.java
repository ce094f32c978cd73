package io.promptyard.worker.job;

import io.promptyard.catalog.Capability;
import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ModelSpec;
import io.promptyard.catalog.ParamRules;
import io.promptyard.schemas.CompletionRequest;
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
 * Checks, before any call, that a job's model has every capability its request needs and takes its
 * parameters as the catalog's rules for that model say, and moves it if not, or drops the
 * parameters the model refuses when the request allows ({@code metadata.drop_params}; {@link
 * #sendable}). The router checks the same at routing time; this check holds for the models of the
 * fallback chain, which the worker moves a job to at run time, and for a worker whose catalog says
 * more than the router's.
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
   * say), or whose parameter rules the request breaks and may not be adapted to, never reaches the
   * provider: it moves to the first model in its fallback chain that takes it, or fails naming what
   * is missing or which parameter the model refuses.
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
    String why;
    ErrorCode code;
    String remedy;
    if (!spec.capabilities().containsAll(needed)) {
      Set<Capability> missing = EnumSet.copyOf(needed);
      missing.removeAll(spec.capabilities());
      why =
          spec.qualifiedName()
              + " lacks "
              + missing
              + ", which request "
              + job.getRequest().getId()
              + " needs";
      code = ErrorCode.NO_CAPABLE_MODEL;
      remedy = ", and no model in its fallback chain has them; route it to a model with " + missing;
    } else if (!takes(spec, job)) {
      why =
          String.join(
              "; ",
              spec.paramViolations(job.getRequest().getParameters()).stream()
                  .map(ParamRules.Violation::message)
                  .toList());
      code = ErrorCode.INVALID_REQUEST;
      remedy =
          ", and no model in its fallback chain takes request "
              + job.getRequest().getId()
              + "; metadata.drop_params: true drops what a model cannot take";
    } else {
      return Optional.empty();
    }
    List<ModelRef> chain = job.getDecision().getFallbackChain();
    for (int i = 0; i < chain.size(); i++) {
      Optional<ModelSpec> next = catalog.find(chain.get(i).getProvider(), chain.get(i).getModel());
      if (next.isPresent()
          && next.get().capabilities().containsAll(needed)
          && takes(next.get(), job)) {
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
            job, job.getAttempts(), List.of(), TerminalResults.error(code, why + remedy), started));
  }

  /**
   * The parameters to send {@code spec} for {@code request}: without those its rules refuse when
   * the request allows dropping them ({@link #mismatch} has moved or failed a job whose request
   * does not); the request's own otherwise. The job itself keeps the request as sent, so that a
   * later fallback model gets (and drops) only what it refuses, and a redelivery is the same
   * request.
   */
  static ParamRules.Adapted sendable(CompletionRequest request, ModelSpec spec) {
    return dropsParams(request)
        ? spec.paramRules().adapt(request.getParameters(), spec.qualifiedName())
        : new ParamRules.Adapted(request.getParameters(), List.of());
  }

  /** Whether {@code spec} takes the job's parameters, as they are or adapted. */
  private static boolean takes(ModelSpec spec, RoutedRequest job) {
    return dropsParams(job.getRequest())
        || spec.paramViolations(job.getRequest().getParameters()).isEmpty();
  }

  private static boolean dropsParams(CompletionRequest request) {
    return request.getRouting() != null && request.getRouting().getDropParams();
  }
}

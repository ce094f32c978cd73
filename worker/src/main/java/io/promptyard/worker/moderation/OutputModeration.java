package io.promptyard.worker.moderation;

import io.promptyard.guardrails.Action;
import io.promptyard.guardrails.AnswerScreen;
import io.promptyard.guardrails.GuardPolicy;
import io.promptyard.providers.ModerationProvider;
import io.promptyard.providers.ModerationVerdict;
import io.promptyard.providers.ProviderException;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DetectorVerdict;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Output;
import io.promptyard.schemas.ResultError;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.ingress.ProducerText;
import io.promptyard.worker.metrics.WorkerMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Output moderation: checks a successful answer before it is published, under the action its team's
 * guard policy gave it (the router settles it and it travels on the routing decision, {@code
 * outputModeration}). The answer's text is read by the guardrails' PII and secret detectors ({@code
 * output_pii}) and, when one is configured, by a moderation endpoint ({@code output_moderation}).
 * What is found is marked on the result ({@code flag}), replaced by placeholders ({@code redact}; a
 * moderation category has no span to replace, and is marked), or the answer is withheld ({@code
 * block}: a FAILED result with code CONTENT_POLICY and no answer). Verdicts name kinds and
 * categories, never a value; so do the log lines.
 */
public final class OutputModeration implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(OutputModeration.class);

  /** The verdicts' detector names. */
  public static final String PII = "output_pii";

  public static final String MODERATION = "output_moderation";

  private final Optional<ModerationProvider> endpoint;
  private final boolean withholdOnError;
  private final WorkerMetrics metrics;
  private final AnswerRestore restore;

  /**
   * @param endpoint the moderation endpoint asked about each moderated answer; empty: the PII and
   *     secret detectors alone
   * @param withholdOnError whether an answer the endpoint could not check is withheld
   * @param metrics counts what was found, and the answers the endpoint could not check
   */
  public OutputModeration(
      Optional<ModerationProvider> endpoint, boolean withholdOnError, WorkerMetrics metrics) {
    this(endpoint, withholdOnError, metrics, AnswerRestore.NO_KEY);
  }

  private OutputModeration(
      Optional<ModerationProvider> endpoint,
      boolean withholdOnError,
      WorkerMetrics metrics,
      AnswerRestore restore) {
    this.endpoint = endpoint;
    this.withholdOnError = withholdOnError;
    this.metrics = metrics;
    this.restore = restore;
  }

  /**
   * This moderation, and then {@code restore} (the guard's restore mode) putting a redacted
   * request's values back into its answer as the last step before the result is published.
   */
  public OutputModeration withRestore(AnswerRestore restore) {
    return new OutputModeration(endpoint, withholdOnError, metrics, restore);
  }

  /**
   * {@code result}, the terminal result of {@code job}, with its request's values put back where
   * the router sealed them ({@link AnswerRestore#restore}); after the caches kept it.
   */
  public CompletionResult restored(CompletionResult result, RoutedRequest job) {
    return restore.restore(result, job);
  }

  /** {@link #OutputModeration(Optional, boolean, WorkerMetrics)} counting nothing. */
  public OutputModeration(Optional<ModerationProvider> endpoint, boolean withholdOnError) {
    this(endpoint, withholdOnError, WorkerMetrics.noop());
  }

  /** The PII and secret detectors alone, no moderation endpoint. */
  public static OutputModeration localOnly() {
    return new OutputModeration(Optional.empty(), false);
  }

  /**
   * {@code result} as output moderation leaves it for {@code job}: unchanged when the job's policy
   * moderates nothing, the result is not a successful answer, or nothing was found; otherwise
   * marked, redacted or withheld, carrying this check's verdicts in {@code guard} (the router's are
   * added to them as the result is finished).
   */
  public CompletionResult moderate(RoutedRequest job, CompletionResult result) {
    Action action = actionOf(job);
    Output output = result.getOutput();
    if (action == Action.OFF
        || result.getStatus() != ResultStatus.SUCCEEDED
        || output == null
        || output.getText() == null
        || output.getText().isEmpty()) {
      return result;
    }
    String id = job.getRequest().getId();
    // A routing decision from a router before it carried the policy's region names none: the
    // default policy's region then.
    String region = job.getDecision().getPhoneRegion();
    AnswerScreen.Screened pii =
        AnswerScreen.screen(
            output.getText(), region == null ? GuardPolicy.DEFAULT.phoneRegion() : region);
    Optional<ModerationVerdict> categories;
    try {
      categories = endpoint.isEmpty() ? Optional.empty() : ask(id, output.getText());
    } catch (ProviderException e) {
      metrics.moderationFailed(e.code());
      log.warn(
          "request {}: the moderation endpoint could not check the answer: {} ({}); {}",
          ProducerText.escape(id),
          e.code(),
          ProducerText.escape(e.getMessage()),
          withholdOnError ? "the answer is withheld" : "it goes on as the PII detectors judge it");
      if (withholdOnError) {
        return withheld(
            result,
            "withheld by output moderation: the moderation endpoint could not check the answer ("
                + e.code()
                + "); the answer was not published",
            List.of(new DetectorVerdict(MODERATION, Action.BLOCK.policyName(), 0, 0.0)));
      }
      categories = Optional.empty();
    }
    boolean flagged = categories.isPresent() && categories.get().flagged();
    if (pii.clean() && !flagged) {
      return result;
    }
    List<DetectorVerdict> verdicts = new ArrayList<>(2);
    if (!pii.clean()) {
      verdicts.add(
          new DetectorVerdict(
              PII, action.policyName(), pii.findings().size(), rounded(pii.score())));
    }
    if (flagged) {
      // A category has no span to replace: under redact, the answer is marked.
      Action categoryAction = action == Action.REDACT ? Action.FLAG : action;
      verdicts.add(
          new DetectorVerdict(
              MODERATION,
              categoryAction.policyName(),
              Math.max(1, categories.get().categories().size()),
              rounded(categories.get().score())));
    }
    verdicts.forEach(v -> metrics.outputModerated(v.getDetector(), v.getAction()));
    String found = found(pii, categories.filter(ModerationVerdict::flagged));
    log.info(
        "request {}: output moderation ({}) found {}",
        ProducerText.escape(id),
        action.policyName(),
        found);
    return switch (action) {
      case BLOCK ->
          withheld(
              result,
              "withheld by output moderation: "
                  + found
                  + " (values not shown); the answer was not published",
              verdicts);
      case REDACT -> {
        Output.Builder redacted = Output.newBuilder(output).setText(pii.redactedText());
        if (output.getParsedJson() != null) {
          redacted.setParsedJson(pii.redactedText());
        }
        yield CompletionResult.newBuilder(result)
            .setOutput(redacted.build())
            .setGuard(verdicts)
            .build();
      }
      default -> CompletionResult.newBuilder(result).setGuard(verdicts).build();
    };
  }

  /**
   * Whether {@code result}, as {@link #moderate} left it, carries a finding of output moderation:
   * such an answer is marked, redacted or withheld for its own job's policy, and is neither cached
   * nor shared with another job.
   */
  public static boolean moderated(CompletionResult result) {
    return result.getGuard() != null
        && result.getGuard().stream()
            .anyMatch(v -> v.getDetector().equals(PII) || v.getDetector().equals(MODERATION));
  }

  private Optional<ModerationVerdict> ask(String id, String text) throws ProviderException {
    return Optional.of(endpoint.get().moderate(id, text));
  }

  /** The job's output action; a value this release does not know moderates as {@code block}. */
  private static Action actionOf(RoutedRequest job) {
    String named = job.getDecision().getOutputModeration();
    if (named == null) {
      return Action.OFF;
    }
    try {
      return Action.byPolicyName(named, "output moderation");
    } catch (IllegalArgumentException unknown) {
      log.warn(
          "request {}: unknown output moderation '{}' on its routing decision; withheld if"
              + " anything is found",
          ProducerText.escape(job.getRequest().getId()),
          ProducerText.escape(named));
      return Action.BLOCK;
    }
  }

  private static CompletionResult withheld(
      CompletionResult result, String message, List<DetectorVerdict> verdicts) {
    return CompletionResult.newBuilder(result)
        .setStatus(ResultStatus.FAILED)
        .setOutput(null)
        .setError(new ResultError(ErrorCode.CONTENT_POLICY, message, null, false))
        .setGuard(verdicts)
        .build();
  }

  /** Names the detectors and kinds found, never a value. */
  private static String found(
      AnswerScreen.Screened pii, Optional<ModerationVerdict> flaggedCategories) {
    List<String> parts = new ArrayList<>(2);
    if (!pii.clean()) {
      parts.add("detector " + PII + " found " + String.join(", ", pii.types()));
    }
    flaggedCategories.ifPresent(
        v ->
            parts.add(
                "detector "
                    + MODERATION
                    + " flagged "
                    + (v.categories().isEmpty()
                        ? "the answer"
                        : ProducerText.escape(String.join(", ", v.categories())))));
    return String.join("; ", parts);
  }

  private static double rounded(double score) {
    return Math.round(score * 1000) / 1000.0;
  }

  @Override
  public void close() {
    endpoint.ifPresent(ModerationProvider::close);
  }
}

package io.promptyard.worker.moderation;

import io.promptyard.guardrails.Redactions;
import io.promptyard.guardrails.RestoreKey;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DetectorVerdict;
import io.promptyard.schemas.Output;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.ToolCall;
import io.promptyard.schemas.ingress.ProducerText;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guard's restore mode in the worker: puts a redacted request's values back into its answer for
 * the caller, just before the result is published — after the caches kept the answer with its
 * placeholders. The router sealed the placeholder mapping on the routed request ({@code
 * RoutingDecision.restoreMapping}); it is opened here for the job's life only, never logged or
 * stored. When it cannot be opened (no key, another key, changed bytes) or output moderation
 * redacted the answer, the answer keeps its placeholders and the result carries a {@code restore}
 * verdict, action {@code redact}, counting them.
 */
public final class AnswerRestore {

  private static final Logger log = LoggerFactory.getLogger(AnswerRestore.class);

  /** A worker without a restore key: sealed mappings cannot be opened. */
  public static final AnswerRestore NO_KEY = new AnswerRestore(Optional.empty());

  private final Optional<RestoreKey> key;

  private AnswerRestore(Optional<RestoreKey> key) {
    this.key = key;
  }

  /** Restores with {@code key} ({@code PROMPTYARD_GUARD_RESTORE_KEY}); none: {@link #NO_KEY}. */
  public static AnswerRestore with(Optional<RestoreKey> key) {
    return key.isEmpty() ? NO_KEY : new AnswerRestore(key);
  }

  /**
   * {@code result}, the terminal result of {@code job}, with the values of the job's request put
   * back into its answer's text (and JSON, and tool calls' arguments, escaped as JSON strings) when
   * the router sealed a mapping for it; unchanged when it did not or there is no answer.
   */
  public CompletionResult restore(CompletionResult result, RoutedRequest job) {
    ByteBuffer sealed = job.getDecision().getRestoreMapping();
    Output output = result.getOutput();
    if (sealed == null || output == null) {
      return result;
    }
    String id = job.getRequest().getId();
    if (outputRedacted(result)) {
      // Output moderation's placeholders are numbered within the answer and may share a name with
      // the request's: restoring would put a request's value where the model wrote another one.
      log.info(
          "request {}: its answer keeps its placeholders: output moderation redacted it",
          ProducerText.escape(id));
      return notRestored(result);
    }
    if (key.isEmpty()) {
      log.warn(
          "request {}: its answer keeps its placeholders: this worker has no"
              + " PROMPTYARD_GUARD_RESTORE_KEY to open the mapping the router sealed",
          ProducerText.escape(id));
      return notRestored(result);
    }
    byte[] bytes = new byte[sealed.remaining()];
    sealed.duplicate().get(bytes);
    Optional<Redactions> mapping = key.get().open(bytes, job.getRequest().getTeam(), id);
    if (mapping.isEmpty()) {
      log.warn(
          "request {}: its answer keeps its placeholders: the sealed mapping does not open with"
              + " this worker's PROMPTYARD_GUARD_RESTORE_KEY (another key than the router's, or"
              + " bytes changed on the way)",
          ProducerText.escape(id));
      return notRestored(result);
    }
    Redactions values = mapping.get();
    return CompletionResult.newBuilder(result)
        .setOutput(
            Output.newBuilder(output)
                .setText(values.restore(output.getText()))
                .setParsedJson(values.restore(output.getParsedJson(), AnswerRestore::jsonEscaped))
                .setToolCalls(
                    output.getToolCalls().stream()
                        .map(
                            call ->
                                ToolCall.newBuilder(call)
                                    .setArguments(
                                        values.restore(
                                            call.getArguments(), AnswerRestore::jsonEscaped))
                                    .build())
                        .toList())
                .build())
        .build();
  }

  private static boolean outputRedacted(CompletionResult result) {
    return result.getGuard() != null
        && result.getGuard().stream()
            .anyMatch(
                v ->
                    v.getDetector().equals(OutputModeration.PII) && v.getAction().equals("redact"));
  }

  private static CompletionResult notRestored(CompletionResult result) {
    List<DetectorVerdict> guard =
        new ArrayList<>(result.getGuard() == null ? List.of() : result.getGuard());
    Output output = result.getOutput();
    int left =
        Redactions.placeholdersIn(output.getText())
            + Redactions.placeholdersIn(output.getParsedJson())
            + output.getToolCalls().stream()
                .mapToInt(call -> Redactions.placeholdersIn(call.getArguments()))
                .sum();
    guard.add(new DetectorVerdict(RestoreKey.VERDICT, "redact", left, 0.0));
    return CompletionResult.newBuilder(result).setGuard(guard).build();
  }

  /** {@code value} as it is written inside a JSON string. */
  static String jsonEscaped(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}

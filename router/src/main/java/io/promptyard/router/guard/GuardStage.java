package io.promptyard.router.guard;

import io.promptyard.guardrails.Action;
import io.promptyard.guardrails.Detector;
import io.promptyard.guardrails.Guard;
import io.promptyard.guardrails.GuardVerdict;
import io.promptyard.guardrails.GuardVerdict.AppliedFinding;
import io.promptyard.guardrails.GuardVerdict.MessageVerdict;
import io.promptyard.guardrails.RestoreKey;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.ContentPart;
import io.promptyard.schemas.DetectorVerdict;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.ToolCall;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The router's guard stage: inspects the text of every message and content part of a request under
 * its team's guard policy, before routing, and says whether the request goes on — with the values
 * of redacted detectors replaced by placeholders — or is blocked. The verdicts it returns name
 * detectors, actions, counts and scores, never a value.
 */
public final class GuardStage {

  /** No guard: every request passes unchanged, with no verdicts. */
  public static final GuardStage OFF = new GuardStage(Optional.empty(), Optional.empty());

  /** The guard of teams without a policy of their own; empty when the stage is off. */
  private final Optional<Guard> defaultGuard;

  /** Teams' own policies, over the default one; null when the stage is off. */
  private final TeamPolicies teams;

  /** Seals the placeholder mapping of a request whose policy asks for restore; empty: no key. */
  private final Optional<RestoreKey> restoreKey;

  private GuardStage(Optional<Guard> defaultGuard, Optional<RestoreKey> restoreKey) {
    this.defaultGuard = defaultGuard;
    this.teams = defaultGuard.map(TeamPolicies::new).orElse(null);
    this.restoreKey = restoreKey;
  }

  /**
   * The stage applying {@code setting}'s policy to the requests of every team without a policy of
   * its own; off, teams' policies included, when the setting is.
   */
  public static GuardStage of(GuardSetting setting) {
    return setting.policy().isEmpty()
        ? OFF
        : new GuardStage(setting.policy().map(Guard::new), setting.restoreKey());
  }

  /** Whether the stage inspects requests: it does unless the guard is configured off. */
  public boolean on() {
    return defaultGuard.isPresent();
  }

  /**
   * How many distinct team policy records the stage could not use (undecodable, an unknown detector
   * or action, a value out of range) since it started: each was logged with its reason, and its
   * team guarded by the default policy.
   */
  public long invalidTeamPolicies() {
    return teams == null ? 0 : teams.invalid();
  }

  /** What the stage decided about one request. */
  public sealed interface Screening {
    /**
     * The verdicts per detector, in detector order: empty when nothing was found, null when no
     * guard ran.
     */
    List<DetectorVerdict> verdicts();
  }

  /**
   * Goes on to routing as {@code request}: redacted where the policy redacts.
   *
   * @param outputModeration what the worker is to do with the answer when output moderation finds
   *     something ({@code off}, {@code flag}, {@code redact}, {@code block}); null when no guard
   *     ran
   * @param phoneRegion the policy's phone region, in which output moderation reads the answer's
   *     phone numbers; null when no guard ran
   * @param restoreMapping the request's placeholder mapping sealed with the restore key, for the
   *     worker to put the values back into the answer; null unless the policy asks for restore, a
   *     key is configured and something was redacted
   */
  public record Passed(
      CompletionRequest request,
      List<DetectorVerdict> verdicts,
      String outputModeration,
      String phoneRegion,
      byte[] restoreMapping)
      implements Screening {
    public Passed(
        CompletionRequest request,
        List<DetectorVerdict> verdicts,
        String outputModeration,
        String phoneRegion) {
      this(request, verdicts, outputModeration, phoneRegion, null);
    }
  }

  /**
   * The verdict a result carries when the values of its request could not be put back into its
   * answer: detector {@code restore}, action {@code redact} (the answer keeps its placeholders),
   * the count of placeholders left.
   */
  public static DetectorVerdict restoreNotPossible(int placeholders) {
    return new DetectorVerdict(RestoreKey.VERDICT, "redact", placeholders, 0.0);
  }

  /** Why a request the detectors could not finish inspecting is refused. */
  static final String UNINSPECTABLE =
      "the guard could not finish inspecting this request: a text's shape exhausted a detector's"
          + " pattern (a very long run of one kind of character?); split or reword it";

  /** Rejected; {@code reason} names the blocking detectors and the kinds of value they found. */
  public record Blocked(String reason, List<DetectorVerdict> verdicts) implements Screening {}

  /** Inspects {@code request} (its template already rendered) under the default policy. */
  public Screening screen(CompletionRequest request) {
    return defaultGuard
        .map(g -> screen(request, g))
        .orElseGet(() -> new Passed(request, null, null, null));
  }

  /**
   * Inspects {@code request} (its template already rendered) under its team's policy in {@code
   * teamPolicies} (the guard-policies topic, values as bytes), or the default policy when the team
   * has none or one that cannot be used.
   */
  public Screening screen(
      CompletionRequest request, ReadOnlyKeyValueStore<String, byte[]> teamPolicies) {
    if (teams == null) {
      return new Passed(request, null, null, null);
    }
    return screen(request, teams.guardOf(request.getTeam(), teamPolicies));
  }

  private Screening screen(CompletionRequest request, Guard guard) {
    GuardVerdict verdict;
    try {
      verdict = guard.inspect(texts(request));
    } catch (StackOverflowError e) {
      // A detector's pattern recursed past the thread's stack on a text shaped against it. Let
      // through, the request would go on uninspected; thrown on, the error would stop the router,
      // which would meet the same record again at every start. So it is refused, and the partition
      // moves on.
      return new Blocked(UNINSPECTABLE, List.of());
    }
    List<DetectorVerdict> verdicts =
        verdict.verdicts().stream()
            .map(
                v ->
                    new DetectorVerdict(
                        v.detector().policyName(), v.action().policyName(), v.count(), v.score()))
            .toList();
    if (verdict.blocked()) {
      return new Blocked(blockReason(verdict), verdicts);
    }
    String output = guard.policy().outputModeration().policyName();
    String region = guard.policy().phoneRegion();
    if (verdict.redactions().size() == 0) {
      return new Passed(request, verdicts, output, region);
    }
    CompletionRequest redacted = redacted(request, verdict.messages().iterator());
    if (!guard.policy().restore()) {
      return new Passed(redacted, verdicts, output, region);
    }
    if (restoreKey.isEmpty()) {
      // Restore asked for, no key to seal the mapping with: the request goes on redacted, and its
      // result says its values could not be put back.
      List<DetectorVerdict> noted = new ArrayList<>(verdicts);
      noted.add(restoreNotPossible(verdict.redactions().size()));
      return new Passed(redacted, List.copyOf(noted), output, region);
    }
    return new Passed(
        redacted,
        verdicts,
        output,
        region,
        restoreKey.get().seal(verdict.redactions(), request.getTeam(), request.getId()));
  }

  /**
   * The verdicts a replayed request carries on: per detector, the more severe of its earlier run's
   * and this run's (a value redacted then is not found again now).
   */
  public static List<DetectorVerdict> merged(
      List<DetectorVerdict> earlier, List<DetectorVerdict> now) {
    if (earlier == null || earlier.isEmpty()) {
      return now;
    }
    Map<String, DetectorVerdict> byDetector = new LinkedHashMap<>();
    for (DetectorVerdict v : now == null ? earlier : concat(earlier, now)) {
      byDetector.merge(v.getDetector(), v, GuardStage::moreSevere);
    }
    return List.copyOf(byDetector.values());
  }

  private static DetectorVerdict moreSevere(DetectorVerdict a, DetectorVerdict b) {
    int order = severity(a).compareTo(severity(b));
    DetectorVerdict kept = order >= 0 ? a : b;
    return new DetectorVerdict(
        kept.getDetector(),
        kept.getAction(),
        Math.max(a.getCount(), b.getCount()),
        Math.max(a.getScore(), b.getScore()));
  }

  private static Action severity(DetectorVerdict v) {
    try {
      return Action.byPolicyName(v.getAction(), "detector " + v.getDetector());
    } catch (IllegalArgumentException e) {
      return Action.OFF;
    }
  }

  private static List<DetectorVerdict> concat(List<DetectorVerdict> a, List<DetectorVerdict> b) {
    List<DetectorVerdict> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /**
   * The texts the guard reads, in order: each message's text, then its content parts' texts, then
   * its tool calls' arguments ({@link ToolArguments}).
   */
  public static List<String> texts(CompletionRequest request) {
    List<String> texts = new ArrayList<>();
    for (Message m : request.getMessages()) {
      if (m.getText() != null) {
        texts.add(m.getText());
      }
      for (ContentPart p : m.getParts()) {
        if (p.getText() != null) {
          texts.add(p.getText());
        }
      }
      for (ToolCall call : m.getToolCalls()) {
        texts.addAll(ToolArguments.texts(call.getArguments()));
      }
    }
    return texts;
  }

  /** {@code request} with each text replaced by its redacted one, read in {@link #texts} order. */
  private static CompletionRequest redacted(
      CompletionRequest request, Iterator<MessageVerdict> texts) {
    List<Message> messages = new ArrayList<>(request.getMessages().size());
    for (Message m : request.getMessages()) {
      Message.Builder changed = Message.newBuilder(m);
      if (m.getText() != null) {
        changed.setText(texts.next().redactedText());
      }
      if (!m.getParts().isEmpty()) {
        List<ContentPart> parts = new ArrayList<>(m.getParts().size());
        for (ContentPart p : m.getParts()) {
          parts.add(
              p.getText() == null
                  ? p
                  : ContentPart.newBuilder(p).setText(texts.next().redactedText()).build());
        }
        changed.setParts(parts);
      }
      if (!m.getToolCalls().isEmpty()) {
        List<ToolCall> calls = new ArrayList<>(m.getToolCalls().size());
        for (ToolCall call : m.getToolCalls()) {
          String arguments =
              ToolArguments.redacted(call.getArguments(), () -> texts.next().redactedText());
          calls.add(
              arguments.equals(call.getArguments())
                  ? call
                  : ToolCall.newBuilder(call).setArguments(arguments).build());
        }
        changed.setToolCalls(calls);
      }
      messages.add(changed.build());
    }
    return CompletionRequest.newBuilder(request).setMessages(messages).build();
  }

  /** Names each blocking detector and the kinds of value it found, never a value. */
  private static String blockReason(GuardVerdict verdict) {
    Map<Detector, Set<String>> types = new EnumMap<>(Detector.class);
    for (MessageVerdict m : verdict.messages()) {
      for (AppliedFinding f : m.findings()) {
        if (f.action() == Action.BLOCK) {
          types
              .computeIfAbsent(f.finding().detector(), d -> new TreeSet<>())
              .add(f.finding().type());
        }
      }
    }
    return "blocked by the guard policy: "
        + types.entrySet().stream()
            .map(
                e ->
                    "detector "
                        + e.getKey().policyName()
                        + " found "
                        + String.join(", ", e.getValue()))
            .collect(Collectors.joining("; "))
        + " (values not shown); the request was sent nowhere: remove them, or ask an operator"
        + " about the team's guard policy";
  }
}
